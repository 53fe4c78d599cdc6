//! Static checks of the PowerShell side, run without PowerShell (which cannot be installed
//! on the Linux builders). Scripts are parsed with the tree-sitter PowerShell grammar; the
//! rules follow PSFramework's manifest and help tests:
//!
//! - every `.ps1`/`.psm1`/`.psd1` under `powershell/`, `scripts/` and `tests/pester/` parses
//!   without ERROR or MISSING nodes and is ASCII or UTF-8 with a BOM (Windows PowerShell
//!   5.1 reads BOM-less files in the ANSI code page);
//! - the manifest's `FunctionsToExport` equals the `Public/*.ps1` basenames, both ways, and
//!   its other fields follow the module conventions;
//! - each `Public/` and `Private/` file defines exactly the function named after it;
//! - each public function has `[CmdletBinding()]`, `[OutputType(...)]`, an approved verb and
//!   comment-based help with a synopsis, a description, two or more examples that each carry
//!   a sentence, help for every parameter (and none for parameters that do not exist),
//!   `.OUTPUTS` and `.LINK`;
//! - no script calls `Write-Host`;
//! - every `FormatsToProcess` file exists, is well-formed XML and has a table view of
//!   `WritebackDiagnostics.CheckResult` whose script blocks parse;
//! - the C# shim uses no C# 6 or later syntax (tests/shim_mono.rs also compiles it with
//!   `mcs -langversion:5`).
//!
//! Each check is a function that returns a list of problems; the `rejects_*` unit tests at
//! the bottom feed each one a bad input to show that it can fail.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

const MODULE_DIR: &str = "powershell/WritebackDiagnostics";
const MANIFEST: &str = "powershell/WritebackDiagnostics/WritebackDiagnostics.psd1";
const SHIM: &str = "powershell/WritebackDiagnostics/Native/WbdNative.cs";
const CHECK_RESULT_TYPE: &str = "WritebackDiagnostics.CheckResult";

/// Approved verbs as Windows PowerShell 5.1's `Get-Verb` lists them, one group per line
/// (Common, Data, Lifecycle, Diagnostic, Communications, Security, Other). PowerShell 6+
/// adds a few more, but 5.1 warns on import about any verb outside this list.
const APPROVED_VERBS: &str = "
    Add Clear Close Copy Enter Exit Find Format Get Hide Join Lock Move New Open Optimize Pop
    Push Redo Remove Rename Reset Resize Search Select Set Show Skip Split Step Switch Undo
    Unlock Watch
    Backup Checkpoint Compare Compress Convert ConvertFrom ConvertTo Dismount Edit Expand
    Export Group Import Initialize Limit Merge Mount Out Publish Restore Save Sync Unpublish
    Update
    Approve Assert Complete Confirm Deny Disable Enable Install Invoke Register Request Restart
    Resume Start Stop Submit Suspend Uninstall Unregister Wait
    Debug Measure Ping Repair Resolve Test Trace
    Connect Disconnect Read Receive Send Write
    Block Grant Protect Revoke Unblock Unprotect
    Use
";

// ---------------------------------------------------------------------------------------
// Files and parsing
// ---------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    let path = repo().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("load the PowerShell grammar");
    parser
        .parse(text, None)
        .expect("tree-sitter returned no tree")
}

fn collect_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect_files(&path, extensions, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            out.push(path);
        }
    }
}

/// Every PowerShell file of the project, as paths relative to the repository root.
fn powershell_files() -> Vec<String> {
    let root = repo();
    let mut files = Vec::new();
    collect_files(
        &root.join("powershell"),
        &["ps1", "psm1", "psd1"],
        &mut files,
    );
    collect_files(&root.join("scripts"), &["ps1"], &mut files);
    collect_files(&root.join("tests/pester"), &["ps1"], &mut files);
    let root_settings = root.join("PSScriptAnalyzerSettings.psd1");
    if root_settings.is_file() {
        files.push(root_settings);
    }
    let mut relative: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .expect("under the repo")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    relative.sort();
    relative
}

/// `.ps1` basenames of a module subfolder (`Public`, `Private`), sorted.
fn script_basenames(subfolder: &str) -> BTreeSet<String> {
    let mut files = Vec::new();
    collect_files(
        &repo().join(MODULE_DIR).join(subfolder),
        &["ps1"],
        &mut files,
    );
    files
        .iter()
        .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
        .collect()
}

fn text_of<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    node.utf8_text(src.as_bytes()).expect("utf-8 node text")
}

fn line_of(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

/// All nodes under `node` (itself included), in document order.
fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

fn children_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    children_of_kind(node, kind).into_iter().next()
}

/// The value of a string literal node without its quotes.
fn unquote(literal: &str) -> String {
    let t = literal.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        t[1..t.len() - 1].replace("''", "'")
    } else if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Checks: each returns the problems it found
// ---------------------------------------------------------------------------------------

/// ERROR and MISSING nodes, with line numbers.
fn syntax_problems(src: &str) -> Vec<String> {
    let tree = parse(src);
    let mut problems = Vec::new();
    for node in descendants(tree.root_node()) {
        if node.is_missing() {
            problems.push(format!("line {}: missing `{}`", line_of(node), node.kind()));
        } else if node.is_error() {
            let snippet: String = text_of(node, src).chars().take(60).collect();
            problems.push(format!(
                "line {}: cannot parse `{}`",
                line_of(node),
                snippet.replace('\n', "\\n")
            ));
        }
    }
    if problems.is_empty() && tree.root_node().has_error() {
        problems.push("the parse tree has an error that no node reports".into());
    }
    problems
}

/// Windows PowerShell 5.1 reads a file without a BOM in the ANSI code page.
fn encoding_problems(bytes: &[u8]) -> Vec<String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) || bytes.is_ascii() {
        return Vec::new();
    }
    let line = bytes
        .iter()
        .position(|b| !b.is_ascii())
        .map(|i| bytes[..i].iter().filter(|b| **b == b'\n').count() + 1)
        .unwrap_or(0);
    vec![format!(
        "line {line}: non-ASCII text in a file without a UTF-8 BOM (5.1 would misread it)"
    )]
}

/// Calls to Write-Host (plain or module-qualified), wherever they are nested.
fn write_host_problems(src: &str) -> Vec<String> {
    let tree = parse(src);
    descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "command_name")
        .filter(|n| {
            let name = text_of(*n, src).trim_start_matches('&').trim();
            let name = name.rsplit('\\').next().unwrap_or(name);
            name.eq_ignore_ascii_case("Write-Host")
        })
        .map(|n| format!("line {}: Write-Host", line_of(n)))
        .collect()
}

/// A function definition with what the rules look at.
struct Function {
    name: String,
    line: usize,
    top_level: bool,
    /// Comment-based help: the first `<# #>` block inside the body, or one just before.
    help: Option<String>,
    /// Attribute names of the param block (`CmdletBinding`, `OutputType`, ...) with their text.
    attributes: Vec<(String, String)>,
    /// Declared parameter names, without `$`.
    parameters: Vec<String>,
}

fn functions(src: &str) -> Vec<Function> {
    let tree = parse(src);
    descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "function_statement")
        .map(|f| describe_function(f, src))
        .collect()
}

fn describe_function(f: Node<'_>, src: &str) -> Function {
    let name = first_child_of_kind(f, "function_name")
        .map(|n| text_of(n, src).to_string())
        .unwrap_or_default();
    let mut top_level = true;
    let mut up = f.parent();
    while let Some(p) = up {
        if p.kind() == "function_statement" || p.kind() == "script_block_expression" {
            top_level = false;
        }
        up = p.parent();
    }

    let mut help = None;
    let mut cursor = f.walk();
    for child in f.children(&mut cursor) {
        match child.kind() {
            "comment" if text_of(child, src).starts_with("<#") => {
                help = Some(text_of(child, src).to_string());
                break;
            }
            "script_block" => break,
            _ => {}
        }
    }
    if help.is_none() {
        // The comment before a file's first statement is a sibling of the statement list.
        let mut anchor = f;
        while anchor.prev_sibling().is_none() {
            match anchor.parent() {
                Some(p) if p.kind() == "statement_list" => anchor = p,
                _ => break,
            }
        }
        if let Some(prev) = anchor.prev_sibling() {
            let text = text_of(prev, src);
            if prev.kind() == "comment"
                && text.starts_with("<#")
                && prev.end_position().row + 2 >= f.start_position().row
            {
                help = Some(text.to_string());
            }
        }
    }

    let param_block =
        first_child_of_kind(f, "script_block").and_then(|b| first_child_of_kind(b, "param_block"));
    let mut attributes = Vec::new();
    let mut parameters = Vec::new();
    if let Some(block) = param_block {
        for list in children_of_kind(block, "attribute_list") {
            for attribute in children_of_kind(list, "attribute") {
                if let Some(attr_name) = first_child_of_kind(attribute, "attribute_name") {
                    attributes.push((
                        text_of(attr_name, src).to_string(),
                        text_of(attribute, src).to_string(),
                    ));
                }
            }
        }
        for list in children_of_kind(block, "parameter_list") {
            for parameter in children_of_kind(list, "script_parameter") {
                if let Some(variable) = first_child_of_kind(parameter, "variable") {
                    parameters.push(text_of(variable, src).trim_start_matches('$').to_string());
                }
            }
        }
    }

    Function {
        name,
        line: line_of(f),
        top_level,
        help,
        attributes,
        parameters,
    }
}

/// One `.KEYWORD [argument]` section of comment-based help.
struct HelpSection {
    keyword: String,
    argument: String,
    body: String,
}

fn help_sections(comment: &str) -> Vec<HelpSection> {
    let inner = comment
        .trim()
        .trim_start_matches("<#")
        .trim_end_matches("#>");
    let mut sections: Vec<HelpSection> = Vec::new();
    for line in inner.lines() {
        let trimmed = line.trim();
        let keyword_line = trimmed
            .strip_prefix('.')
            .filter(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
        if let Some(rest) = keyword_line {
            let mut words = rest.split_whitespace();
            let keyword = words.next().unwrap_or_default().to_ascii_uppercase();
            let argument = words.next().unwrap_or_default().to_string();
            if keyword.chars().all(|c| c.is_ascii_alphabetic()) && words.next().is_none() {
                sections.push(HelpSection {
                    keyword,
                    argument,
                    body: String::new(),
                });
                continue;
            }
        }
        if let Some(section) = sections.last_mut() {
            section.body.push_str(trimmed);
            section.body.push('\n');
        }
    }
    for section in &mut sections {
        section.body = section.body.trim().to_string();
    }
    sections
}

/// An example is code, a blank line, then at least one sentence of explanation.
fn example_has_sentence(body: &str) -> bool {
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.len() >= 2
        && paragraphs.last().is_some_and(|p| {
            p.ends_with('.')
                && p.split_whitespace().count() >= 4
                && p.starts_with(char::is_uppercase)
        })
}

fn help_problems(function: &Function) -> Vec<String> {
    let Some(help) = &function.help else {
        return vec!["no comment-based help (<# .SYNOPSIS ... #>)".into()];
    };
    let sections = help_sections(help);
    let mut problems = Vec::new();
    let with = |keyword: &str| -> Vec<&HelpSection> {
        sections.iter().filter(|s| s.keyword == keyword).collect()
    };
    for keyword in ["SYNOPSIS", "DESCRIPTION", "OUTPUTS", "LINK"] {
        match with(keyword).first() {
            None => problems.push(format!("help has no .{keyword}")),
            Some(s) if s.body.is_empty() => problems.push(format!("help .{keyword} is empty")),
            Some(_) => {}
        }
    }
    let examples = with("EXAMPLE");
    if examples.len() < 2 {
        problems.push(format!(
            "help has {} .EXAMPLE sections; at least 2 are required",
            examples.len()
        ));
    }
    for (i, example) in examples.iter().enumerate() {
        if !example_has_sentence(&example.body) {
            problems.push(format!(
                "help .EXAMPLE {} has no sentence after its code (code, blank line, explanation)",
                i + 1
            ));
        }
    }
    let documented: Vec<&HelpSection> = with("PARAMETER");
    for parameter in &function.parameters {
        match documented
            .iter()
            .find(|s| s.argument.eq_ignore_ascii_case(parameter))
        {
            None => problems.push(format!("help has no .PARAMETER {parameter}")),
            Some(s) if s.body.is_empty() => {
                problems.push(format!("help .PARAMETER {parameter} is empty"))
            }
            Some(_) => {}
        }
    }
    for section in documented {
        if !function
            .parameters
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&section.argument))
        {
            problems.push(format!(
                "help documents .PARAMETER {} which the function does not declare",
                section.argument
            ));
        }
    }
    problems
}

fn has_attribute(function: &Function, name: &str) -> bool {
    function
        .attributes
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case(name))
}

fn public_function_problems(function: &Function) -> Vec<String> {
    let mut problems = help_problems(function);
    if !has_attribute(function, "CmdletBinding") {
        problems.push("no [CmdletBinding()]".into());
    }
    if !has_attribute(function, "OutputType") {
        problems.push("no [OutputType(...)]".into());
    }
    match function.name.split_once('-') {
        Some((verb, noun)) if !noun.is_empty() => {
            if !APPROVED_VERBS.split_whitespace().any(|v| v == verb) {
                problems.push(format!(
                    "verb '{verb}' is not an approved verb (Get-Verb on 5.1), or is mis-cased"
                ));
            }
        }
        _ => problems.push("name is not Verb-Noun".into()),
    }
    // -Quiet returns one [bool] per invocation and says so in its own parameter set.
    if function
        .parameters
        .iter()
        .any(|p| p.eq_ignore_ascii_case("Quiet"))
    {
        let declared = function.attributes.iter().any(|(n, text)| {
            n.eq_ignore_ascii_case("OutputType")
                && text.contains("'Quiet'")
                && (text.contains("bool") || text.contains("Boolean"))
        });
        if !declared {
            problems
                .push("has -Quiet but no [OutputType(bool, ParameterSetName = 'Quiet')]".into());
        }
    }
    problems
}

/// A file in Public/ or Private/ defines exactly one top-level function, named after it.
fn file_function_problems(basename: &str, src: &str) -> Vec<String> {
    let top: Vec<Function> = functions(src).into_iter().filter(|f| f.top_level).collect();
    let mut problems = Vec::new();
    if top.len() != 1 {
        problems.push(format!(
            "defines {} top-level functions ({}); expected exactly 1",
            top.len(),
            top.iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !top.iter().any(|f| f.name == basename) {
        problems.push(format!("does not define function {basename}"));
    }
    problems
}

/// Top-level keys of a manifest (a `.psd1` hashtable) with the string values under each.
struct Manifest {
    entries: Vec<(String, Vec<String>, String)>,
}

impl Manifest {
    fn parse(src: &str) -> Manifest {
        let tree = parse(src);
        let body = descendants(tree.root_node())
            .into_iter()
            .find(|n| n.kind() == "hash_literal_body")
            .expect("the manifest is not a hashtable");
        let mut entries = Vec::new();
        for entry in children_of_kind(body, "hash_entry") {
            let mut cursor = entry.walk();
            let parts: Vec<Node<'_>> = entry.named_children(&mut cursor).collect();
            let (Some(key), Some(value)) = (parts.first(), parts.last()) else {
                continue;
            };
            let strings = descendants(*value)
                .into_iter()
                .filter(|n| n.kind() == "string_literal")
                .map(|n| unquote(text_of(n, src)))
                .collect();
            entries.push((
                text_of(*key, src).trim().to_string(),
                strings,
                text_of(*value, src).trim().to_string(),
            ));
        }
        Manifest { entries }
    }

    fn strings(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, _)| v.as_slice())
    }

    fn raw(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, _, raw)| raw.as_str())
    }
}

fn export_problems(exported: &[String], public: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let listed: BTreeSet<String> = exported.iter().cloned().collect();
    if listed.len() != exported.len() {
        problems.push("FunctionsToExport lists a function twice".into());
    }
    for name in &listed {
        if name.contains('*') {
            problems.push(format!("FunctionsToExport uses a wildcard: {name}"));
        } else if !public.contains(name) {
            problems.push(format!(
                "FunctionsToExport lists {name}, which has no Public/{name}.ps1"
            ));
        }
    }
    for name in public {
        if !listed.contains(name) {
            problems.push(format!("Public/{name}.ps1 is not in FunctionsToExport"));
        }
    }
    problems
}

fn manifest_problems(manifest: &Manifest, public: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let expect_one = |key: &str, want: &str, problems: &mut Vec<String>| match manifest.strings(key)
    {
        Some([value]) if value == want => {}
        other => problems.push(format!("{key} is {other:?}; expected '{want}'")),
    };
    expect_one("RootModule", "WritebackDiagnostics.psm1", &mut problems);
    expect_one("ModuleVersion", env!("CARGO_PKG_VERSION"), &mut problems);
    expect_one("PowerShellVersion", "5.1", &mut problems);

    match manifest.strings("GUID") {
        Some([guid])
            if guid.len() == 36
                && guid.chars().enumerate().all(|(i, c)| {
                    matches!(i, 8 | 13 | 18 | 23) == (c == '-')
                        && (c == '-' || c.is_ascii_hexdigit())
                }) => {}
        other => problems.push(format!("GUID is {other:?}")),
    }
    let editions: BTreeSet<&str> = manifest
        .strings("CompatiblePSEditions")
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    if editions != BTreeSet::from(["Core", "Desktop"]) {
        problems.push(format!(
            "CompatiblePSEditions is {editions:?}; expected Desktop and Core"
        ));
    }
    for key in [
        "CmdletsToExport",
        "VariablesToExport",
        "AliasesToExport",
        "RequiredModules",
    ] {
        match manifest.raw(key) {
            Some("@()") => {}
            other => problems.push(format!("{key} is {other:?}; expected @()")),
        }
    }
    match manifest.strings("FunctionsToExport") {
        Some(exported) => problems.extend(export_problems(exported, public)),
        None => problems.push("no FunctionsToExport".into()),
    }
    if let Some(raw) = manifest.raw("FunctionsToExport") {
        // One name per line keeps diffs of the export list readable.
        if raw.lines().any(|l| l.matches('\'').count() > 2) {
            problems.push("FunctionsToExport must list one function per line".into());
        }
    }
    if manifest.strings("FormatsToProcess").unwrap_or_default()
        != ["WritebackDiagnostics.Format.ps1xml"]
    {
        problems.push("FormatsToProcess must be @('WritebackDiagnostics.Format.ps1xml')".into());
    }
    let private_data = manifest.raw("PrivateData").unwrap_or_default();
    for needle in [
        "PSEdition_Desktop",
        "PSEdition_Core",
        "'Windows'",
        "'Linux'",
        "'macOS'",
    ] {
        if !private_data.contains(needle) {
            problems.push(format!("PrivateData.PSData lacks {needle}"));
        }
    }
    problems
}

/// A format file: well-formed XML, a table view selected by the CheckResult type with the
/// Status, Check, Target and Message columns, and script blocks that parse.
fn format_problems(xml: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(xml) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut problems = Vec::new();
    let selects_type = doc.descendants().any(|n| {
        n.has_tag_name("TypeName")
            && n.parent().is_some_and(|p| p.has_tag_name("ViewSelectedBy"))
            && n.text().map(str::trim) == Some(CHECK_RESULT_TYPE)
    });
    if !selects_type {
        problems.push(format!("no view is selected by {CHECK_RESULT_TYPE}"));
    }
    if !doc.descendants().any(|n| n.has_tag_name("TableControl")) {
        problems.push("no TableControl".into());
    }
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Label"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    if labels != ["Status", "Check", "Target", "Message"] {
        problems.push(format!(
            "table columns are {labels:?}; expected Status, Check, Target, Message"
        ));
    }
    for block in doc.descendants().filter(|n| n.has_tag_name("ScriptBlock")) {
        let code = block.text().unwrap_or_default();
        for p in syntax_problems(code) {
            problems.push(format!("ScriptBlock: {p}"));
        }
    }
    if !doc.descendants().any(|n| n.has_tag_name("ScriptBlock")) {
        problems.push("no ScriptBlock column (long messages must be truncated)".into());
    }
    problems
}

/// Removes C# comments and the contents of string and char literals, keeping the quotes, so
/// that the syntax checks below only see code. Interpolated strings keep their `$` prefix.
fn csharp_code_only(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '\'' {
            let verbatim = c == '"' && i > 0 && chars[i - 1] == '@';
            out.push(c);
            i += 1;
            while i < chars.len() {
                let doubled_quote = verbatim && chars[i] == '"' && chars.get(i + 1) == Some(&'"');
                let escape = !verbatim && chars[i] == '\\';
                if doubled_quote || escape {
                    i += 2;
                } else if chars[i] == c {
                    break;
                } else {
                    i += 1;
                }
            }
            out.push(c);
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// C# 6+ constructs that Windows PowerShell 5.1's Add-Type (C# 5) rejects.
fn csharp5_problems(src: &str) -> Vec<String> {
    let code = csharp_code_only(src);
    let rules: &[(&str, &str)] = &[
        (r#"\$@?""#, "string interpolation ($\"...\")"),
        (r#"@\$""#, "string interpolation (@$\"...\")"),
        (r"\?\.|\?\[", "null-conditional operator (?. or ?[)"),
        (r"\bnameof\s*\(", "nameof"),
        (
            r"=>",
            "=> (expression-bodied member or lambda; keep the shim plain)",
        ),
        (
            r"\bcatch\s*(\([^)]*\))?\s*when\b",
            "exception filter (catch ... when)",
        ),
        (r"\busing\s+static\b", "using static"),
        (r"\b(out|is)\s+var\b", "out var / is var"),
        (r"\?\?\s*throw\b", "throw expression"),
        (
            r"\{\s*get\s*;\s*(private\s+)?(set\s*;\s*)?\}\s*=",
            "auto-property initializer",
        ),
        (r"\bdefault\s*[;,)]", "default literal"),
        (r"\b\d+_\d", "digit separator"),
        (r"\b0[bB][01]", "binary literal"),
        (
            r"\bCharSet\.Ansi\b",
            "CharSet.Ansi (strings cross the ABI as UTF-8 byte[])",
        ),
    ];
    let mut problems = Vec::new();
    for (pattern, what) in rules {
        let re = regex::Regex::new(pattern).expect("valid regex");
        for m in re.find_iter(&code) {
            let line = code[..m.start()].matches('\n').count() + 1;
            problems.push(format!("line {line}: {what}"));
        }
    }
    problems
}

fn report(problems: &[(String, Vec<String>)]) -> String {
    problems
        .iter()
        .filter(|(_, p)| !p.is_empty())
        .map(|(file, p)| format!("{file}:\n  {}", p.join("\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_clean(what: &str, problems: Vec<(String, Vec<String>)>) {
    let text = report(&problems);
    assert!(text.is_empty(), "{what}:\n{text}");
}

// ---------------------------------------------------------------------------------------
// The checks applied to the repository
// ---------------------------------------------------------------------------------------

#[test]
fn every_powershell_file_parses() {
    let files = powershell_files();
    for expected in [
        MANIFEST,
        "powershell/WritebackDiagnostics/WritebackDiagnostics.psm1",
        "scripts/Build-Module.ps1",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} was not found"
        );
    }
    assert!(
        files.iter().any(|f| f.starts_with("tests/pester/")),
        "no Pester test file was found"
    );
    assert_clean(
        "syntax errors",
        files
            .iter()
            .map(|f| (f.clone(), syntax_problems(&read(f))))
            .collect(),
    );
}

#[test]
fn every_powershell_file_is_ascii_or_has_a_bom() {
    assert_clean(
        "encoding",
        powershell_files()
            .iter()
            .map(|f| {
                let bytes = fs::read(repo().join(f)).expect("read");
                (f.clone(), encoding_problems(&bytes))
            })
            .collect(),
    );
}

#[test]
fn no_script_calls_write_host() {
    assert_clean(
        "Write-Host calls",
        powershell_files()
            .iter()
            .map(|f| (f.clone(), write_host_problems(&read(f))))
            .collect(),
    );
}

#[test]
fn manifest_matches_the_public_folder_and_conventions() {
    let public = script_basenames("Public");
    assert!(!public.is_empty(), "no Public/*.ps1 files");
    let manifest = Manifest::parse(&read(MANIFEST));
    assert_clean(
        "manifest",
        vec![(MANIFEST.to_string(), manifest_problems(&manifest, &public))],
    );
}

#[test]
fn each_module_file_defines_the_function_named_after_it() {
    let mut problems = Vec::new();
    for folder in ["Public", "Private"] {
        for name in script_basenames(folder) {
            let file = format!("{MODULE_DIR}/{folder}/{name}.ps1");
            problems.push((file.clone(), file_function_problems(&name, &read(&file))));
        }
    }
    assert_clean("function files", problems);
}

#[test]
fn public_functions_have_help_attributes_and_approved_verbs() {
    let mut problems = Vec::new();
    for name in script_basenames("Public") {
        let file = format!("{MODULE_DIR}/Public/{name}.ps1");
        for function in functions(&read(&file)).iter().filter(|f| f.top_level) {
            let found = public_function_problems(function);
            problems.push((format!("{file}:{} {}", function.line, function.name), found));
        }
    }
    assert!(!problems.is_empty(), "no public function was found");
    assert_clean("public functions", problems);
}

#[test]
fn format_files_exist_and_define_the_check_result_table() {
    let manifest = Manifest::parse(&read(MANIFEST));
    let formats = manifest.strings("FormatsToProcess").unwrap_or_default();
    assert!(!formats.is_empty(), "FormatsToProcess is empty");
    let mut problems = Vec::new();
    for format in formats {
        let path = repo().join(MODULE_DIR).join(format);
        let found = match fs::read_to_string(&path) {
            Ok(xml) => format_problems(&xml),
            Err(e) => vec![format!("cannot read {}: {e}", path.display())],
        };
        problems.push((format.clone(), found));
    }
    assert_clean("format files", problems);
}

#[test]
fn csharp_shim_is_csharp5() {
    let src = read(SHIM);
    assert!(src.contains("namespace WritebackDiagnostics"));
    assert!(src.contains("public static class Native"));
    let delegates = src.matches(" delegate ").count();
    let cdecl = src
        .matches("[UnmanagedFunctionPointer(CallingConvention.Cdecl)]")
        .count();
    assert!(
        delegates > 0 && delegates == cdecl,
        "{delegates} delegates, {cdecl} Cdecl attributes"
    );
    assert_clean(
        "C# 6+ syntax in the shim",
        vec![(SHIM.to_string(), csharp5_problems(&src))],
    );
}

// ---------------------------------------------------------------------------------------
// Each check can fail
// ---------------------------------------------------------------------------------------

const GOOD_FUNCTION: &str = r#"
function Get-Widget {
    <#
    .SYNOPSIS
    Gets widgets.

    .DESCRIPTION
    Gets every widget.

    .PARAMETER Name
    The widget name.

    .EXAMPLE
    Get-Widget -Name a

    Gets the widget named a.

    .EXAMPLE
    Get-Widget -Name b | Format-List

    Gets the widget named b and lists it.

    .OUTPUTS
    Widget

    .LINK
    about_Widget
    #>
    [CmdletBinding()]
    [OutputType('Widget')]
    param (
        [Parameter()]
        [string] $Name
    )

    $Name
}
"#;

fn only_function(src: &str) -> Function {
    let mut all = functions(src);
    assert_eq!(all.len(), 1, "expected one function");
    all.remove(0)
}

#[test]
fn accepts_a_complete_function() {
    assert_eq!(syntax_problems(GOOD_FUNCTION), Vec::<String>::new());
    assert_eq!(
        public_function_problems(&only_function(GOOD_FUNCTION)),
        Vec::<String>::new()
    );
    assert_eq!(
        file_function_problems("Get-Widget", GOOD_FUNCTION),
        Vec::<String>::new()
    );
}

#[test]
fn rejects_syntax_errors_with_line_numbers() {
    let problems = syntax_problems("function Get-A {\n    param (\n        [string] $X\n\n");
    assert!(!problems.is_empty());
    assert!(
        problems.iter().any(|p| p.starts_with("line ")),
        "{problems:?}"
    );
    assert!(!syntax_problems("$x = @{ a = \n").is_empty());
}

#[test]
fn rejects_missing_or_thin_help() {
    let no_synopsis = GOOD_FUNCTION.replace(".SYNOPSIS\n    Gets widgets.\n", "");
    assert!(help_problems(&only_function(&no_synopsis))
        .iter()
        .any(|p| p.contains(".SYNOPSIS")));

    let one_example = GOOD_FUNCTION.replace(
        ".EXAMPLE\n    Get-Widget -Name b | Format-List\n\n    Gets the widget named b and lists it.\n",
        "",
    );
    assert!(help_problems(&only_function(&one_example))
        .iter()
        .any(|p| p.contains("at least 2")));

    let bare_example = GOOD_FUNCTION.replace("\n    Gets the widget named a.\n", "");
    assert!(help_problems(&only_function(&bare_example))
        .iter()
        .any(|p| p.contains("no sentence")));

    let undocumented =
        GOOD_FUNCTION.replace("[string] $Name", "[string] $Name,\n        [int] $Count");
    assert!(help_problems(&only_function(&undocumented))
        .iter()
        .any(|p| p.contains(".PARAMETER Count")));

    let stale = GOOD_FUNCTION.replace("[string] $Name", "[string] $Label");
    let problems = help_problems(&only_function(&stale));
    assert!(problems.iter().any(|p| p.contains("no .PARAMETER Label")));
    assert!(problems.iter().any(|p| p.contains("does not declare")));

    let no_help = "function Get-A {\n    [CmdletBinding()]\n    param ()\n}\n";
    assert!(help_problems(&only_function(no_help))[0].contains("no comment-based help"));
}

#[test]
fn finds_help_placed_before_the_function() {
    let before = "<#\n.SYNOPSIS\nS.\n#>\nfunction Get-A {\n    param ()\n}\n";
    let function = only_function(before);
    assert!(function.help.is_some());
    let far = "<#\n.SYNOPSIS\nS.\n#>\n\n\n\nfunction Get-A {\n    param ()\n}\n";
    assert!(only_function(far).help.is_none());
}

#[test]
fn rejects_missing_attributes_and_unapproved_verbs() {
    let no_binding = GOOD_FUNCTION.replace("[CmdletBinding()]\n", "");
    assert!(public_function_problems(&only_function(&no_binding))
        .iter()
        .any(|p| p.contains("CmdletBinding")));

    let no_output = GOOD_FUNCTION.replace("[OutputType('Widget')]\n", "");
    assert!(public_function_problems(&only_function(&no_output))
        .iter()
        .any(|p| p.contains("OutputType")));

    let fetch = GOOD_FUNCTION.replace("function Get-Widget", "function Fetch-Widget");
    assert!(public_function_problems(&only_function(&fetch))
        .iter()
        .any(|p| p.contains("'Fetch'")));

    let quiet = GOOD_FUNCTION
        .replace("[string] $Name", "[string] $Name,\n        [switch] $Quiet")
        .replace(
            ".PARAMETER Name",
            ".PARAMETER Quiet\n    Returns a bool.\n\n    .PARAMETER Name",
        );
    assert!(public_function_problems(&only_function(&quiet))
        .iter()
        .any(|p| p.contains("-Quiet")));
}

#[test]
fn rejects_files_that_define_other_functions() {
    assert!(!file_function_problems("Get-Gadget", GOOD_FUNCTION).is_empty());
    let two = format!("{GOOD_FUNCTION}\nfunction Get-Other {{\n    param ()\n}}\n");
    assert!(file_function_problems("Get-Widget", &two)[0].contains("2 top-level"));
    // Functions nested in another function or a script block are not top-level.
    let nested =
        "function Get-A {\n    function Get-Inner { }\n    $b = { function Get-C { } }\n}\n";
    let top: Vec<String> = functions(nested)
        .into_iter()
        .filter(|f| f.top_level)
        .map(|f| f.name)
        .collect();
    assert_eq!(top, ["Get-A"]);
}

#[test]
fn rejects_write_host_anywhere() {
    assert!(!write_host_problems("if ($true) { & { Write-Host 'x' } }\n").is_empty());
    assert!(
        !write_host_problems("Microsoft.PowerShell.Utility\\Write-Host -Object 'x'\n").is_empty()
    );
    assert!(!write_host_problems("write-host 'x'\n").is_empty());
    assert!(write_host_problems("Write-Output -InputObject 'Write-Host'\n").is_empty());
}

#[test]
fn rejects_non_ascii_without_bom() {
    assert!(!encoding_problems("# caf\u{e9}\n".as_bytes()).is_empty());
    assert!(encoding_problems("\u{feff}# caf\u{e9}\n".as_bytes()).is_empty());
    assert!(encoding_problems(b"# plain\n").is_empty());
}

#[test]
fn rejects_manifest_export_drift() {
    let public: BTreeSet<String> = ["Test-A".to_string(), "Test-B".to_string()].into();
    let src = "@{\n    FunctionsToExport = @(\n        'Test-A'\n        'Test-C'\n    )\n}\n";
    let manifest = Manifest::parse(src);
    let exported = manifest.strings("FunctionsToExport").expect("key");
    assert_eq!(exported, ["Test-A", "Test-C"]);
    let problems = export_problems(exported, &public);
    assert!(
        problems.iter().any(|p| p.contains("Test-C")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("Public/Test-B.ps1")),
        "{problems:?}"
    );
    assert!(!export_problems(&["*".to_string()], &public).is_empty());

    let loose = Manifest::parse(
        "@{\n    RootModule = 'X.psm1'\n    ModuleVersion = '9.9.9'\n    GUID = 'nope'\n    FunctionsToExport = @('Test-A', 'Test-B')\n    CmdletsToExport = '*'\n}\n",
    );
    let problems = manifest_problems(&loose, &public);
    for needle in [
        "RootModule",
        "ModuleVersion",
        "GUID",
        "PowerShellVersion",
        "CompatiblePSEditions",
        "CmdletsToExport",
        "one function per line",
        "FormatsToProcess",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "{needle}: {problems:?}"
        );
    }
}

#[test]
fn rejects_bad_format_files() {
    assert!(format_problems("<Configuration><ViewDefinitions>")
        .iter()
        .any(|p| p.contains("XML")));
    let wrong = r#"<Configuration><ViewDefinitions><View><Name>x</Name>
        <ViewSelectedBy><TypeName>Other.Type</TypeName></ViewSelectedBy>
        <TableControl><TableHeaders><TableColumnHeader><Label>Status</Label></TableColumnHeader></TableHeaders>
        <TableRowEntries><TableRowEntry><TableColumnItems>
        <TableColumnItem><ScriptBlock>if ($_.Status {</ScriptBlock></TableColumnItem>
        </TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View></ViewDefinitions></Configuration>"#;
    let problems = format_problems(wrong);
    assert!(
        problems.iter().any(|p| p.contains(CHECK_RESULT_TYPE)),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("columns")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("ScriptBlock")),
        "{problems:?}"
    );
}

#[test]
fn rejects_csharp6_syntax() {
    let modern = r#"
        using static System.Math;
        class C {
            public string Name { get; } = "x";
            string A(object o) { return $"{o}"; }
            string B(object o) { return o?.ToString(); }
            string D() { return nameof(A); }
            int E() => 1;
            void F() { try { } catch (Exception e) when (e != null) { } }
        }
    "#;
    let problems = csharp5_problems(modern);
    for what in [
        "using static",
        "auto-property",
        "interpolation",
        "null-conditional",
        "nameof",
        "=>",
        "exception filter",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(what)),
            "{what}: {problems:?}"
        );
    }
    // Text inside comments and strings is not code.
    let plain = "// uses $\"x\" and ?. in a comment\nclass C { string S = \"a ?. b => c\"; char Q = '\"'; }\n";
    assert_eq!(csharp5_problems(plain), Vec::<String>::new());
}
