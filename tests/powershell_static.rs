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
//! PowerShell 7 syntax and cmdlets that Windows PowerShell 5.1 lacks are rejected by
//! tests/powershell_51.rs; the tree-sitter helpers both use are in
//! tests/common/powershell_ast.rs.
//!
//! Each check is a function that returns a list of problems; the `rejects_*` unit tests at
//! the bottom feed each one a bad input to show that it can fail.

#[path = "common/powershell_ast.rs"]
mod powershell_ast;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use powershell_ast::{
    children_of_kind, collect_files, descendants, first_child_of_kind, line_of, parse,
    powershell_files, read, repo, text_of, unquote,
};
use tree_sitter::Node;

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
// Files
// ---------------------------------------------------------------------------------------

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
    // -Quiet returns one [bool] per invocation and says so: in its own parameter set
    // ([OutputType([bool], ParameterSetName = 'Quiet')], Test-Connection style) or, when the
    // switch combines with every parameter set, without a set name.
    if function
        .parameters
        .iter()
        .any(|p| p.eq_ignore_ascii_case("Quiet"))
    {
        let declared = function.attributes.iter().any(|(n, text)| {
            n.eq_ignore_ascii_case("OutputType")
                && (text.contains("bool") || text.contains("Boolean"))
                && (text.contains("'Quiet'") || !text.contains("ParameterSetName"))
        });
        if !declared {
            problems.push(
                "has -Quiet but no [OutputType([bool])] (with ParameterSetName = 'Quiet' when -Quiet is its own set)"
                    .into(),
            );
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

// ---------------------------------------------------------------------------------------
// Redaction: the collector's secret list, its use, and the fixtures
// ---------------------------------------------------------------------------------------

const COLLECTOR: &str = "powershell/WritebackDiagnostics/Public/Get-WritebackEnvironment.ps1";
const REDACTION: &str = "powershell/WritebackDiagnostics/Private/Remove-WbdSecret.ps1";
const REDACTOR: &str = "Remove-WbdSecret";
const SNAPSHOT_SCHEMA: &str = "schema/writeback-environment.schema.json";
const PREREQUISITE_FIXTURES: &str = "tests/fixtures/prerequisites";

/// Property names that hold secrets in the objects the collector passes through (Graph,
/// ADSync, Get-MgContext, AD): each must be matched by the redaction list.
const SECRET_NAMES: &[&str] = &[
    "Password",
    "password",
    "AdminPassword",
    "forest-login-password",
    "unicodePwd",
    "userPassword",
    "Passphrase",
    "ClientSecret",
    "client_secret",
    "SharedSecret",
    "secretText",
    "Token",
    "AccessToken",
    "access_token",
    "RefreshToken",
    "refresh_token",
    "id_token",
    "SasToken",
    "Credential",
    "Credentials",
    "PSCredential",
    "ConnectionString",
    "connection_string",
    "PrivateKey",
    "private_key",
    "KeyMaterial",
    "ApiKey",
    "AccessKey",
    "SharedAccessKey",
    "AccountKey",
    "ClientKey",
    "Authorization",
    "Cookie",
];

/// Property names of facts the rules read (besides every property the snapshot schema
/// names): none may be matched by the redaction list, or redaction would erase them.
const FACT_NAMES: &[&str] = &[
    "MinPasswordAge",
    "MaxPasswordAge",
    "PasswordHistoryCount",
    "MinPasswordLength",
    "ComplexityEnabled",
    "passwordSyncEnabled",
    "passwordWritebackEnabled",
    "userForcePasswordChangeOnLogonEnabled",
    "PasswordResetConfiguration",
    "PasswordNeverExpires",
    "PasswordLastSet",
    "pwdLastSet",
    "AuthorizationPolicy",
    "allowedToUseSSPR",
    "SchUseStrongCrypto",
    "SystemDefaultTlsVersions",
    "SubscribedSkus",
    "ConnectivityParameters",
    "Parameters",
    "Name",
    "Value",
    "InputType",
    "DataType",
    "UserName",
    "forest-login-user",
    "forest-login-domain",
    "DomainSID",
    "GroupSids",
    "onPremisesSecurityIdentifier",
    "KeyVersionNumber",
    "PublicKey",
];

/// Values a redacted property may keep: nothing.
fn is_empty_value(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.iter().all(is_empty_value),
        serde_json::Value::Object(o) => o.values().all(is_empty_value),
        _ => false,
    }
}

/// The string literals of the value assigned to `variable` (for example
/// `$script:WbdSecretPropertyPatterns = @('a', 'b')`), or None when the file does not assign it.
fn strings_assigned_to(src: &str, variable: &str) -> Option<Vec<String>> {
    let tree = parse(src);
    let assignment = descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "assignment_expression")
        .find(|n| {
            first_child_of_kind(*n, "left_assignment_expression")
                .is_some_and(|l| text_of(l, src).trim().eq_ignore_ascii_case(variable))
        })?;
    let value = first_child_of_kind(assignment, "pipeline")?;
    Some(
        descendants(value)
            .into_iter()
            .filter(|n| n.kind() == "string_literal")
            .map(|n| unquote(text_of(n, src)))
            .collect(),
    )
}

/// The redaction rules, read from Remove-WbdSecret.ps1 itself so that the PowerShell file
/// stays the single list.
struct Redaction {
    names: Vec<regex::Regex>,
    types: regex::Regex,
    text: regex::Regex,
}

fn case_insensitive(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| format!("pattern {pattern:?} is not valid in both .NET and Rust: {e}"))
}

impl Redaction {
    fn parse(src: &str) -> Result<Redaction, Vec<String>> {
        let mut problems = Vec::new();
        let mut one = |variable: &str| -> Vec<String> {
            match strings_assigned_to(src, variable) {
                Some(list) if !list.is_empty() => list,
                _ => {
                    problems.push(format!("{REDACTION} does not assign {variable}"));
                    Vec::new()
                }
            }
        };
        let names = one("$script:WbdSecretPropertyPatterns");
        let types = one("$script:WbdSecretTypePattern");
        let text = one("$script:WbdSecretTextPattern");
        if !problems.is_empty() {
            return Err(problems);
        }
        let compiled: Vec<Result<regex::Regex, String>> =
            names.iter().map(|p| case_insensitive(p)).collect();
        let types = case_insensitive(&types[0]);
        let text = case_insensitive(&text[0]);
        let errors: Vec<String> = compiled
            .iter()
            .chain([&types, &text])
            .filter_map(|r| r.as_ref().err().cloned())
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Redaction {
            names: compiled.into_iter().filter_map(Result::ok).collect(),
            types: types.map_err(|e| vec![e])?,
            text: text.map_err(|e| vec![e])?,
        })
    }

    fn is_secret_name(&self, name: &str) -> bool {
        self.names.iter().any(|r| r.is_match(name))
    }

    /// An object whose Name names a secret, or whose type says it holds one (a Name/Value
    /// pair such as an ADSync connectivity parameter).
    fn is_secret_pair(&self, object: &serde_json::Map<String, serde_json::Value>) -> bool {
        object.iter().any(|(k, v)| {
            let text = v.as_str().unwrap_or_default();
            match k.to_ascii_lowercase().as_str() {
                "name" | "key" => self.is_secret_name(text),
                "inputtype" | "datatype" | "type" | "parametertype" => self.types.is_match(text),
                "encrypted" | "isencrypted" | "issecret" => {
                    v.as_bool() == Some(true) || text.eq_ignore_ascii_case("true") || text == "1"
                }
                _ => false,
            }
        })
    }
}

/// Secret names the list misses, and fact names it would erase.
fn secret_list_problems(redaction: &Redaction, facts: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for name in SECRET_NAMES {
        if !redaction.is_secret_name(name) {
            problems.push(format!(
                "no redaction pattern matches the secret name {name:?}"
            ));
        }
    }
    for name in facts {
        if let Some(r) = redaction.names.iter().find(|r| r.is_match(name)) {
            problems.push(format!(
                "redaction pattern {:?} matches {name:?}, a fact the rules read",
                r.as_str()
            ));
        }
    }
    problems
}

/// Every property name the snapshot schema lists (what the engine reads).
fn schema_property_names(schema: &serde_json::Value, out: &mut BTreeSet<String>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            for v in map.values() {
                schema_property_names(v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                schema_property_names(v, out);
            }
        }
        _ => {}
    }
}

/// Secrets left in a JSON document: a secret-named property with a value, a secret
/// Name/Value pair with a value, or a token anywhere.
fn unredacted_secrets(redaction: &Redaction, value: &serde_json::Value, path: &str) -> Vec<String> {
    let mut problems = Vec::new();
    match value {
        serde_json::Value::Object(map) => {
            let pair = redaction.is_secret_pair(map);
            for (k, v) in map {
                let child = format!("{path}.{k}");
                let value_key =
                    ["value", "values", "defaultvalue"].contains(&k.to_ascii_lowercase().as_str());
                if (redaction.is_secret_name(k) || (pair && value_key)) && !is_empty_value(v) {
                    problems.push(format!("{child} holds a secret"));
                } else {
                    problems.extend(unredacted_secrets(redaction, v, &child));
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                problems.extend(unredacted_secrets(redaction, v, &format!("{path}[{i}]")));
            }
        }
        serde_json::Value::String(s) if redaction.text.is_match(s) => {
            problems.push(format!("{path} holds a token"));
        }
        _ => {}
    }
    problems
}

/// A fixture file as JSON: UTF-8 (BOM optional) or UTF-16 with a BOM, as the engine reads
/// snapshots. None for files that are not JSON (the malformed-input fixtures).
fn fixture_json(bytes: &[u8]) -> Option<serde_json::Value> {
    let utf16 = |body: &[u8], le: bool| -> Option<String> {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok()?,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false)?,
        _ => String::from_utf8(bytes.to_vec()).ok()?,
    };
    serde_json::from_str(&text).ok()
}

/// How `function` writes its result. The only value it may write is a variable whose every
/// assignment is the output of `redactor`, and that variable must be its last statement.
/// Other statements may only assign, call Write-Verbose/Progress/Debug/Warning/Information,
/// or call a method on the returned variable.
fn redaction_routing_problems(src: &str, function: &str, redactor: &str) -> Vec<String> {
    const QUIET_COMMANDS: &[&str] = &[
        "Write-Verbose",
        "Write-Progress",
        "Write-Debug",
        "Write-Warning",
        "Write-Information",
        "Out-Null",
    ];
    let tree = parse(src);
    let Some(f) = descendants(tree.root_node()).into_iter().find(|n| {
        n.kind() == "function_statement"
            && first_child_of_kind(*n, "function_name")
                .is_some_and(|name| text_of(name, src).eq_ignore_ascii_case(function))
    }) else {
        return vec![format!("function {function} was not found")];
    };
    let Some(body) = first_child_of_kind(f, "script_block") else {
        return vec![format!("function {function} has no body")];
    };

    // Statements of the function itself. Statements inside a script block literal ({ ... }
    // passed to a command), a nested function, an expression (@(...), $(...), a hashtable,
    // a command argument) or the right side of an assignment do not write the function's
    // output.
    const NOT_OUTPUT: &[&str] = &[
        "script_block_expression",
        "function_statement",
        "array_expression",
        "sub_expression",
        "parenthesized_expression",
        "hash_literal_expression",
        "command",
        "assignment_expression",
    ];
    let own = |n: Node<'_>| {
        let mut up = n.parent();
        while let Some(p) = up {
            if p.id() == body.id() {
                return true;
            }
            if NOT_OUTPUT.contains(&p.kind()) {
                return false;
            }
            up = p.parent();
        }
        false
    };
    let first_command = |pipeline: Node<'_>| -> Option<String> {
        let chain = first_child_of_kind(pipeline, "pipeline_chain")?;
        let command = first_child_of_kind(chain, "command")?;
        let name = first_child_of_kind(command, "command_name")?;
        Some(text_of(name, src).trim().to_string())
    };
    let last_command = |pipeline: Node<'_>| -> Option<String> {
        let commands: Vec<Node<'_>> = descendants(pipeline)
            .into_iter()
            .filter(|n| n.kind() == "command")
            .collect();
        let name = first_child_of_kind(*commands.last()?, "command_name")?;
        Some(text_of(name, src).trim().to_string())
    };

    let mut problems = Vec::new();
    let mut assignments: Vec<(String, Option<String>, usize)> = Vec::new();
    let mut outputs: Vec<(String, usize)> = Vec::new();
    let all = descendants(body);
    for n in all.iter().copied().filter(|n| own(*n)) {
        let statement = match n.kind() {
            "pipeline" if n.parent().is_some_and(|p| p.kind() == "statement_list") => n,
            "flow_control_statement" => {
                let keyword = text_of(n, src).trim_start().to_ascii_lowercase();
                if keyword.starts_with("return") {
                    if let Some(p) = first_child_of_kind(n, "pipeline") {
                        outputs.push((text_of(p, src).trim().to_string(), line_of(n)));
                    }
                }
                continue;
            }
            _ => continue,
        };
        if let Some(assignment) = first_child_of_kind(statement, "assignment_expression") {
            let left = first_child_of_kind(assignment, "left_assignment_expression")
                .map(|l| text_of(l, src).trim().to_string())
                .unwrap_or_default();
            let right = first_child_of_kind(assignment, "pipeline").and_then(first_command);
            assignments.push((left, right, line_of(statement)));
            continue;
        }
        let text = text_of(statement, src).trim().to_string();
        if let Some(command) = first_command(statement) {
            let quiet = |c: &str| QUIET_COMMANDS.iter().any(|q| q.eq_ignore_ascii_case(c));
            if quiet(&command) || last_command(statement).is_some_and(|c| quiet(&c)) {
                continue;
            }
        }
        if text.to_ascii_lowercase().starts_with("[void]") {
            continue;
        }
        outputs.push((text, line_of(statement)));
    }

    let last_statement = first_child_of_kind(body, "script_block_body")
        .and_then(|b| first_child_of_kind(b, "statement_list"))
        .and_then(|l| {
            let mut cursor = l.walk();
            let named: Vec<Node<'_>> = l.named_children(&mut cursor).collect();
            named.last().copied()
        });
    let returned = last_statement
        .map(|s| text_of(s, src).trim().to_string())
        .filter(|t| t.starts_with('$') && t[1..].chars().all(|c| c.is_alphanumeric() || c == '_'));
    let Some(returned) = returned else {
        return vec![format!(
            "the last statement of {function} must be the variable it returns (assigned from {redactor})"
        )];
    };
    for (text, line) in &outputs {
        let method_on_returned = text.len() > returned.len()
            && text[..returned.len()].eq_ignore_ascii_case(&returned)
            && text[returned.len()..].starts_with('.')
            && text.ends_with(')');
        if text.eq_ignore_ascii_case(&returned) || method_on_returned {
            continue;
        }
        problems.push(format!(
            "line {line}: `{}` writes output that does not go through {redactor}",
            text.lines().next().unwrap_or_default()
        ));
    }
    let to_returned: Vec<&(String, Option<String>, usize)> = assignments
        .iter()
        .filter(|(left, _, _)| left.eq_ignore_ascii_case(&returned))
        .collect();
    if to_returned.is_empty() {
        problems.push(format!("{returned} is never assigned from {redactor}"));
    }
    for (_, right, line) in to_returned {
        if !right
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(redactor))
        {
            problems.push(format!(
                "line {line}: {returned} is assigned from {}, not from {redactor}",
                right.as_deref().unwrap_or("an expression")
            ));
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

fn redaction() -> Redaction {
    Redaction::parse(&read(REDACTION))
        .unwrap_or_else(|p| panic!("{REDACTION}:\n  {}", p.join("\n  ")))
}

#[test]
fn collector_returns_its_snapshot_through_the_redaction() {
    assert!(
        functions(&read(REDACTION))
            .iter()
            .any(|f| f.top_level && f.name == REDACTOR),
        "{REDACTION} does not define {REDACTOR}"
    );
    assert_clean(
        "redaction",
        vec![(
            COLLECTOR.to_string(),
            redaction_routing_problems(&read(COLLECTOR), "Get-WritebackEnvironment", REDACTOR),
        )],
    );
}

#[test]
fn redaction_list_covers_secrets_and_spares_facts() {
    let mut facts: BTreeSet<String> = FACT_NAMES.iter().map(|s| (*s).to_string()).collect();
    if repo().join(SNAPSHOT_SCHEMA).is_file() {
        let schema: serde_json::Value =
            serde_json::from_str(&read(SNAPSHOT_SCHEMA)).expect("the snapshot schema is JSON");
        let before = facts.len();
        schema_property_names(&schema, &mut facts);
        assert!(
            facts.len() > before,
            "no property names found in {SNAPSHOT_SCHEMA}"
        );
    } else {
        eprintln!("note: {SNAPSHOT_SCHEMA} does not exist; checking the fixed fact names only");
    }
    let facts: Vec<String> = facts.into_iter().collect();
    assert_clean(
        "redaction list",
        vec![(
            REDACTION.to_string(),
            secret_list_problems(&redaction(), &facts),
        )],
    );
}

#[test]
fn prerequisite_fixtures_hold_no_secrets() {
    let dir = repo().join(PREREQUISITE_FIXTURES);
    if !dir.is_dir() {
        eprintln!("skipped: {PREREQUISITE_FIXTURES} does not exist yet");
        return;
    }
    let redaction = redaction();
    let mut files = Vec::new();
    collect_files(&dir, &["json"], &mut files);
    // The collector's own fixture (tests/pester/fixtures) is held to the same rule.
    collect_files(&repo().join("tests/pester/fixtures"), &["json"], &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let shown = file
            .strip_prefix(repo())
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(file).expect("read fixture");
        // Fixtures that are not JSON on purpose (truncated, junk) hold no properties.
        let Some(json) = fixture_json(&bytes) else {
            continue;
        };
        checked += 1;
        problems.push((shown, unredacted_secrets(&redaction, &json, "$")));
    }
    assert!(
        checked > 0 || files.is_empty(),
        "no fixture in {PREREQUISITE_FIXTURES} could be read as JSON"
    );
    assert_clean("secrets in fixtures", problems);
}

/// What Get-WritebackEnvironment writes for the mocked healthy server of
/// tests/pester/Prerequisites.Tests.ps1, which compares it with the real collector's output on
/// the Windows runner.
const COLLECTOR_FIXTURE: &str = "tests/pester/fixtures/collector-healthy.json";

/// Runs `wbdiag prerequisites --snapshot <path> --json` and returns the exit code and report.
fn evaluate_snapshot(path: &Path) -> (Option<i32>, serde_json::Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(["prerequisites", "--snapshot"])
        .arg(path)
        .arg("--json")
        .output()
        .expect("run wbdiag");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "wbdiag wrote no report ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

fn result_with<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["Results"]
        .as_array()
        .and_then(|results| results.iter().find(|r| r["Id"] == id))
        .unwrap_or_else(|| panic!("no {id} result"))
}

/// The option names each public cmdlet sends with `Invoke-WbdRequest`, per command.
fn options_sent_by_cmdlets() -> Vec<(String, String, String)> {
    let command = regex::Regex::new(r"-Command\s+'([a-z-]+)'").expect("regex");
    let indexed = regex::Regex::new(r"\$options\['(\w+)'\]").expect("regex");
    let literal = regex::Regex::new(r"(?s)\$options\s*=\s*\[ordered\]@\{(.*?)\}").expect("regex");
    let key = regex::Regex::new(r"(?m)^\s*(\w+)\s*=").expect("regex");
    let mut sent = Vec::new();
    for name in script_basenames("Public") {
        let file = format!("{MODULE_DIR}/Public/{name}.ps1");
        let src = read(&file);
        let Some(cmd) = command.captures(&src).map(|c| c[1].to_string()) else {
            continue;
        };
        let mut names: Vec<String> = indexed
            .captures_iter(&src)
            .map(|c| c[1].to_string())
            .collect();
        for block in literal.captures_iter(&src) {
            names.extend(key.captures_iter(&block[1]).map(|c| c[1].to_string()));
        }
        for name in names {
            sent.push((file.clone(), cmd.clone(), name));
        }
    }
    sent
}

#[test]
fn cmdlets_send_only_options_the_engine_knows() {
    let sent = options_sent_by_cmdlets();
    for expected in [
        "SnapshotPath",
        "ProbePdc",
        "MachineConfigPath",
        "LiveEventLog",
        "Namespaces",
        "DnsServer",
        "MaxEvents",
    ] {
        assert!(
            sent.iter().any(|(_, _, name)| name == expected),
            "option {expected} not found in the cmdlets: {sent:?}"
        );
    }
    let control = writeback_diagnostics::control::Control::new();
    let mut problems = Vec::new();
    for (file, command, name) in &sent {
        // A value of the wrong type: the engine rejects it without doing any work, and says
        // "unknown field" only when it does not know the name at all.
        let text = serde_json::json!({"Command": command, "Options": {name: {"WrongType": true}}})
            .to_string();
        let request = writeback_diagnostics::request::parse(&text).expect("request envelope");
        match writeback_diagnostics::engine::run(&request, &control) {
            Err(e) if e.to_string().contains("unknown field") => {
                problems.push(format!(
                    "{file}: {command} does not know option {name}: {e}"
                ));
            }
            Err(_) => {}
            Ok(_) => problems.push(format!("{file}: {command} accepted an object for {name}")),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn engine_reads_what_the_collector_writes() {
    let path = repo().join(COLLECTOR_FIXTURE);
    let (code, report) = evaluate_snapshot(&path);
    let broken: Vec<String> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["Status"] == "Fail" || r["Status"] == "Error")
        .map(|r| format!("{} {}: {}", r["Id"], r["Target"], r["Message"]))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    assert_eq!(code, Some(0));
    // Every section was read: nothing is Skipped for want of a fact, and the saved snapshot
    // leaves only the PDC probe (and the two tenant switches without a Graph source) open.
    let skipped: Vec<&serde_json::Value> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["Status"] == "Skipped")
        .collect();
    for r in &skipped {
        let outcome = r["Evidence"]["Outcome"].as_str().unwrap_or_default();
        assert!(
            outcome != "NotCollected" && outcome != "SectionUnavailable",
            "{} was skipped: {}",
            r["Id"],
            r["Message"]
        );
    }
    assert_eq!(
        result_with(&report, "PRE-PDC-REACHABLE")["Evidence"]["Outcome"],
        "SavedSnapshot"
    );
    assert_eq!(
        result_with(&report, "PRE-PREFERRED-DC")["Evidence"]["Outcome"],
        "PreferredWritable"
    );

    // A snapshot that already carries a Live section (the engine adds one when a live
    // run asks for ProbePdc) is evaluated from those probes.
    let mut snapshot: serde_json::Value =
        serde_json::from_str(&read(COLLECTOR_FIXTURE)).expect("fixture is JSON");
    let probes: Vec<serde_json::Value> = [88, 135, 389, 445]
        .iter()
        .map(|port| {
            serde_json::json!({"Host": "DC01.contoso.com", "Port": port, "Outcome": "Connected",
                "Address": format!("10.0.0.10:{port}"), "Message": null})
        })
        .collect();
    snapshot["Live"] =
        serde_json::json!({"ProbedAt": "2026-11-25T09:30:05.0000000Z", "TcpProbes": probes});
    let live = std::env::temp_dir().join(format!("wbd-collector-live-{}.json", std::process::id()));
    fs::write(&live, serde_json::to_vec(&snapshot).expect("serialize")).expect("write");
    let (code, report) = evaluate_snapshot(&live);
    let _ = fs::remove_file(&live);
    assert_eq!(code, Some(0));
    assert_eq!(result_with(&report, "PRE-PDC-REACHABLE")["Status"], "Pass");
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
    let wrong_set = quiet.replace(
        "[OutputType('Widget')]",
        "[OutputType('Widget')]\n    [OutputType([bool], ParameterSetName = 'Default')]",
    );
    assert!(public_function_problems(&only_function(&wrong_set))
        .iter()
        .any(|p| p.contains("-Quiet")));
    for declared in [
        "[OutputType([bool], ParameterSetName = 'Quiet')]",
        "[OutputType([bool])]",
    ] {
        let ok = quiet.replace(
            "[OutputType('Widget')]",
            &format!("[OutputType('Widget')]\n    {declared}"),
        );
        assert!(
            !public_function_problems(&only_function(&ok))
                .iter()
                .any(|p| p.contains("-Quiet")),
            "{declared}"
        );
    }
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

const GOOD_COLLECTOR: &str = r#"
function Get-Thing {
    [CmdletBinding()]
    param ()

    Write-Progress -Activity 'a' -Status 'b'
    $snapshot = [ordered]@{ A = Get-Section; B = @(Get-Other) }
    if ($snapshot.Count -gt 0) {
        Write-Verbose -Message ('{0} sections' -f $snapshot.Count)
    }
    try {
        $snapshot['C'] = Get-Other | Where-Object -FilterScript { $_ }
        $keys = @($snapshot.Keys | ForEach-Object -Process { $_ })
        $result = Remove-WbdSecret -InputObject $snapshot
    } finally {
        Write-Progress -Activity 'a' -Completed
    }
    $result.PSObject.TypeNames.Insert(0, 'X')
    $result
}
"#;

fn routing(src: &str) -> Vec<String> {
    redaction_routing_problems(src, "Get-Thing", REDACTOR)
}

#[test]
fn accepts_a_collector_that_returns_redacted_data() {
    assert_eq!(routing(GOOD_COLLECTOR), Vec::<String>::new());
}

#[test]
fn rejects_collectors_that_bypass_the_redaction() {
    let cases = [
        // Returns the snapshot itself.
        (
            GOOD_COLLECTOR.replace("    $result\n}", "    $snapshot\n}"),
            "not from Remove-WbdSecret",
        ),
        // The returned variable does not come from the redaction.
        (
            GOOD_COLLECTOR.replace("Remove-WbdSecret -InputObject $snapshot", "Get-Other"),
            "not from Remove-WbdSecret",
        ),
        // A section leaks to the output on its own.
        (
            GOOD_COLLECTOR.replace(
                "    Write-Progress -Activity 'a' -Status 'b'\n",
                "    Write-Progress -Activity 'a' -Status 'b'\n    Get-Section\n",
            ),
            "`Get-Section` writes output",
        ),
        // An early return of the raw snapshot.
        (
            GOOD_COLLECTOR.replace(
                "        Write-Verbose",
                "        return $snapshot\n        Write-Verbose",
            ),
            "`$snapshot` writes output",
        ),
        // Write-Output instead of the variable.
        (
            GOOD_COLLECTOR.replace("    $result\n}", "    Write-Output -InputObject $result\n}"),
            "last statement",
        ),
        // A method call on another variable may write output.
        (
            GOOD_COLLECTOR.replace("$result.PSObject", "$snapshot.PSObject"),
            "writes output",
        ),
        (
            GOOD_COLLECTOR.replace("Get-Thing", "Get-Other-Thing"),
            "was not found",
        ),
    ];
    for (src, needle) in cases {
        let problems = routing(&src);
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "{needle}: {problems:?}\n{src}"
        );
    }
}

const GOOD_REDACTION: &str = r#"
$script:WbdSecretPropertyPatterns = @(
    '(password|passwd|pwd)$'
    'passphrase'
    'secret'
    'token'
    'credential'
    'connection[-_ ]?string'
    'private[-_ ]?key'
    'key[-_ ]?material'
    '(api|access|account|client)[-_ ]?key$'
    '^(authorization|cookie)$'
)
$script:WbdSecretTypePattern = '^(password|encryptedstring)$'
$script:WbdSecretTextPattern = '(^|\s)eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.'
"#;

#[test]
fn reads_the_redaction_rules_from_the_script() {
    let r = Redaction::parse(GOOD_REDACTION).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(r.names.len(), 10);
    assert!(r.is_secret_name("ClientSecret") && !r.is_secret_name("MinPasswordAge"));
    let facts: Vec<String> = FACT_NAMES.iter().map(|s| (*s).to_string()).collect();
    assert_eq!(secret_list_problems(&r, &facts), Vec::<String>::new());

    let missing = Redaction::parse("$script:WbdSecretPropertyPatterns = @('secret')\n")
        .err()
        .unwrap_or_default();
    assert!(
        missing.iter().any(|p| p.contains("WbdSecretTypePattern")),
        "{missing:?}"
    );
    let invalid = GOOD_REDACTION.replace("'passphrase'", "'(?<=x)passphrase'");
    assert!(
        Redaction::parse(&invalid).is_err(),
        "look-behind is not portable"
    );
}

#[test]
fn rejects_redaction_lists_that_miss_secrets_or_erase_facts() {
    let r = Redaction::parse(&GOOD_REDACTION.replace("    'token'\n", "")).expect("parses");
    let problems = secret_list_problems(&r, &[]);
    assert!(
        problems.iter().any(|p| p.contains("\"AccessToken\"")),
        "{problems:?}"
    );

    let r = Redaction::parse(&GOOD_REDACTION.replace("'(password|passwd|pwd)$'", "'password'"))
        .expect("parses");
    let problems = secret_list_problems(&r, &["MinPasswordAge".to_string()]);
    assert!(
        problems.iter().any(|p| p.contains("\"MinPasswordAge\"")),
        "{problems:?}"
    );
}

#[test]
fn rejects_json_with_secrets() {
    let r = Redaction::parse(GOOD_REDACTION).expect("parses");
    let clean = serde_json::json!({
        "Connect": {
            "ConnectivityParameters": [
                {"Name": "forest-login-user", "Value": "MSOL_1"},
                {"Name": "password", "Value": null, "InputType": "encryptedString"}
            ],
            "PasswordPolicy": {"MinPasswordAge": "1.00:00:00", "PasswordHistoryCount": 24},
            "ClientSecret": null,
            "Tokens": []
        }
    });
    assert_eq!(unredacted_secrets(&r, &clean, "$"), Vec::<String>::new());
    let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL2dyYXBo.c2lnbmF0dXJl";
    for (dirty, needle) in [
        (
            serde_json::json!({"Tenant": {"accessToken": "abc"}}),
            "$.Tenant.accessToken",
        ),
        (
            serde_json::json!({"P": [{"Name": "Password", "Value": "P@ss"}]}),
            "$.P[0].Value",
        ),
        (
            serde_json::json!({"P": {"Name": "x", "InputType": "encryptedString", "Value": "c2VjcmV0"}}),
            "$.P.Value",
        ),
        (
            serde_json::json!({"Note": format!("Bearer {jwt}")}),
            "$.Note holds a token",
        ),
        (
            serde_json::json!({"Context": {"Credential": {"UserName": "a"}}}),
            "$.Context.Credential",
        ),
    ] {
        let problems = unredacted_secrets(&r, &dirty, "$");
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "{needle}: {problems:?}"
        );
    }
}

#[test]
fn reads_fixtures_in_every_snapshot_encoding() {
    let text = "{\"a\": \"\u{fc}\"}";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend(text.as_bytes());
    for bytes in [text.as_bytes().to_vec(), bom8, le] {
        assert_eq!(
            fixture_json(&bytes),
            Some(serde_json::json!({"a": "\u{fc}"}))
        );
    }
    assert_eq!(fixture_json(b"{\"a\": [1, 2"), None);
}
