//! Windows PowerShell 5.1 guard: the module, its build and Pester scripts must also run on
//! Windows PowerShell 5.1, so no script may use PowerShell 6/7 syntax or a cmdlet or
//! parameter that 5.1 lacks. PowerShell cannot run on the Linux builders, so the scripts are
//! read with the tree-sitter PowerShell grammar (0.25) and checked on the syntax tree, never
//! with a regex over the raw text: a `??` or `? :` inside a string or a comment is a
//! `string_literal` or `comment` node and is not reported.
//!
//! What each construct looks like in the tree:
//!
//! - `&&` and `||` between pipelines: a `pipeline_chain_tail` node (the grammar knows them);
//! - `::new()` on a generic type: an `invokation_expression` with a `::` token, a
//!   `member_name` of `new` and a `type_literal` whose `type_spec` is a `generic_type_name`;
//! - `clean { }`: the grammar has no `clean` block. After `begin`/`process`/`end` blocks
//!   it leaves an ERROR node holding a `simple_name` `clean` followed by `{`; as the only
//!   block of a body it reads it as a `command` named `clean` whose first argument is a
//!   script block. Both count;
//! - cmdlets: a `command` whose `command_name` (module qualifier, `&` and quotes removed) is
//!   `Join-String`, `Get-Error` or `Test-Json`;
//! - parameters: a `command_parameter` of a `ConvertFrom-Json` command (`-AsHashtable`,
//!   `-Depth`, `-DateKind`, `-NoEnumerate`) or of `ForEach-Object`/`%`/`foreach` (`-Parallel`
//!   and the parameters of its set: `-ThrottleLimit`, `-TimeoutSeconds`, `-AsJob`,
//!   `-UseNewRunspace`), any case, also as a prefix PowerShell would bind to it; a prefix that
//!   also starts a parameter 5.1 has (`-D` is `-Debug` there) is not reported.
//!
//! Cmdlets and parameters are looked up when a line runs, so a use behind a version test
//! (an `if` on `$PSVersionTable`/`$PSEdition`/`$IsCoreCLR`, or Pester's
//! `It -Skip:($PSVersionTable...)`) is accepted; syntax never is, as 5.1 cannot parse the
//! file at all.
//!
//! Detected only as a parse error: the grammar has no ternary, `??`, `??=`, `?.` or `?[]`,
//! so each leaves an ERROR node over its `?`. A `?` whose innermost node is an ERROR is
//! named by the characters from it on: `??=`, `??`, `?.`, `?[`, and anything else is the
//! ternary `? :`. (`$a?.Name` is, strictly, member access on a variable named `a?`, in 5.1
//! as in 7; it is reported as `?.` all the same, since it is either that operator or a
//! variable name nobody should write.) Not seen: parameters passed by splatting
//! (`ConvertFrom-Json @options`) and commands invoked through a variable (`& $command`).

#[path = "common/powershell_ast.rs"]
mod powershell_ast;

use std::collections::BTreeSet;

use powershell_ast::{
    children_of_kind, descendants, first_child_of_kind, line_of, parse, powershell_files, read,
    text_of, unquote,
};
use tree_sitter::Node;

/// A PowerShell 6/7 construct that Windows PowerShell 5.1 does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Construct {
    Ternary,
    NullCoalescing,
    NullCoalescingAssignment,
    NullConditionalMember,
    NullConditionalIndex,
    AndChain,
    OrChain,
    ForEachParallel,
    GenericNew,
    CleanBlock,
    JsonAsHashtable,
    JsonDepth,
    JsonDateKind,
    JsonNoEnumerate,
    JoinString,
    GetError,
    TestJson,
}

impl Construct {
    /// The construct as a problem message names it.
    fn name(self) -> &'static str {
        match self {
            Construct::Ternary => "the ternary operator `$a ? $b : $c`",
            Construct::NullCoalescing => "the null-coalescing operator `??`",
            Construct::NullCoalescingAssignment => "the null-coalescing assignment `??=`",
            Construct::NullConditionalMember => "the null-conditional member access `?.`",
            Construct::NullConditionalIndex => "the null-conditional index `?[]`",
            Construct::AndChain => "the pipeline chain operator `&&`",
            Construct::OrChain => "the pipeline chain operator `||`",
            Construct::ForEachParallel => "`ForEach-Object -Parallel`",
            Construct::GenericNew => "`::new()` on a generic type",
            Construct::CleanBlock => "a `clean { }` block",
            Construct::JsonAsHashtable => "`ConvertFrom-Json -AsHashtable`",
            Construct::JsonDepth => "`ConvertFrom-Json -Depth`",
            Construct::JsonDateKind => "`ConvertFrom-Json -DateKind`",
            Construct::JsonNoEnumerate => "`ConvertFrom-Json -NoEnumerate`",
            Construct::JoinString => "the `Join-String` cmdlet",
            Construct::GetError => "the `Get-Error` cmdlet",
            Construct::TestJson => "the `Test-Json` cmdlet",
        }
    }

    /// What to write instead so that the script also runs on 5.1.
    fn instead(self) -> &'static str {
        match self {
            Construct::Ternary => {
                "`if ($a) { $b } else { $c }` (inside an expression: `$(if ($a) { $b } else { $c })`)"
            }
            Construct::NullCoalescing => "`if ($null -ne $a) { $a } else { $b }`",
            Construct::NullCoalescingAssignment => "`if ($null -eq $a) { $a = $b }`",
            Construct::NullConditionalMember => "`if ($null -ne $a) { $a.Name }`",
            Construct::NullConditionalIndex => "`if ($null -ne $a) { $a[0] }`",
            Construct::AndChain => {
                "`first; if ($?) { second }` (after a native command: `if ($LASTEXITCODE -eq 0)`)"
            }
            Construct::OrChain => {
                "`first; if (-not $?) { second }` (after a native command: `if ($LASTEXITCODE -ne 0)`)"
            }
            Construct::ForEachParallel => {
                "a sequential `ForEach-Object -Process { }`, or Start-Job or a runspace pool"
            }
            Construct::GenericNew => "`New-Object -TypeName 'System.Collections.Generic.List[string]'`",
            Construct::CleanBlock => {
                "the clean-up in `end { }`, or a `try { } finally { }` around the work"
            }
            Construct::JsonAsHashtable => {
                "the PSCustomObject as it is, or a hashtable built from its `.PSObject.Properties`"
            }
            Construct::JsonDepth => "no -Depth (5.1's ConvertFrom-Json has no such parameter)",
            Construct::JsonDateKind => {
                "no -DateKind; convert date strings with `[datetime]::Parse($s, [cultureinfo]::InvariantCulture)`"
            }
            Construct::JsonNoEnumerate => {
                "no -NoEnumerate (5.1 already writes a JSON array as one object; `@(...)` enumerates it)"
            }
            Construct::JoinString => "the `-join` operator: `@($items) -join ', '`",
            Construct::GetError => "`$Error[0] | Format-List -Property * -Force`",
            Construct::TestJson => {
                "`try { $null = ConvertFrom-Json -InputObject $json; $true } catch { $false }` (5.1 cannot check a schema)"
            }
        }
    }
}

/// One use of a construct 5.1 lacks.
#[derive(Debug)]
struct Finding {
    byte: usize,
    line: usize,
    construct: Construct,
    /// The source text that was recognised, as written (`??`, `% -Pa`).
    written: String,
}

impl Finding {
    fn at(node: Node<'_>, construct: Construct, written: &str) -> Self {
        Finding {
            byte: node.start_byte(),
            line: line_of(node),
            construct,
            written: written.to_string(),
        }
    }
}

/// The 1-based line of a byte offset.
fn line_at(src: &str, byte: usize) -> usize {
    src.as_bytes()[..byte]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

// ---------------------------------------------------------------------------------------
// Syntax
// ---------------------------------------------------------------------------------------

/// `??=`, `??`, `?.`, `?[` and `? :`: the grammar has none of them, so each is a `?` whose
/// innermost node is an ERROR. A `?` in a string, a comment, a generic token
/// (`Get-Item a?b`), the `?` alias of Where-Object or `$?` is inside some other node.
fn question_mark_findings(root: Node<'_>, src: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut next = 0;
    for (at, _) in src.match_indices('?') {
        if at < next {
            continue;
        }
        let Some(node) = root.descendant_for_byte_range(at, at + 1) else {
            continue;
        };
        if !node.is_error() {
            continue;
        }
        let rest = &src[at..];
        let (construct, written) = if rest.starts_with("??=") {
            (Construct::NullCoalescingAssignment, "??=")
        } else if rest.starts_with("??") {
            (Construct::NullCoalescing, "??")
        } else if rest.starts_with("?.") {
            (Construct::NullConditionalMember, "?.")
        } else if rest.starts_with("?[") {
            (Construct::NullConditionalIndex, "?[")
        } else {
            (Construct::Ternary, "?")
        };
        next = at + written.len();
        found.push(Finding {
            byte: at,
            line: line_at(src, at),
            construct,
            written: written.to_string(),
        });
    }
    found
}

/// `&&` and `||`: the operator of a `pipeline_chain_tail`.
fn chain_finding(node: Node<'_>, src: &str) -> Option<Finding> {
    let construct = match text_of(node, src).trim() {
        "&&" => Construct::AndChain,
        "||" => Construct::OrChain,
        _ => return None,
    };
    Some(Finding::at(node, construct, text_of(node, src).trim()))
}

/// `[Some.Generic[T]]::new(...)`: an `invokation_expression` of the static `new` of a
/// `type_literal` whose type is a `generic_type_name`.
fn generic_new_finding(node: Node<'_>, src: &str) -> Option<Finding> {
    let type_literal = first_child_of_kind(node, "type_literal")?;
    let generic = first_child_of_kind(type_literal, "type_spec")
        .and_then(|s| first_child_of_kind(s, "generic_type_name"))
        .is_some();
    let is_static = first_child_of_kind(node, "::").is_some();
    let is_new = first_child_of_kind(node, "member_name")
        .is_some_and(|m| text_of(m, src).trim().eq_ignore_ascii_case("new"));
    let written = format!("{}::new()", text_of(type_literal, src));
    (generic && is_static && is_new).then(|| Finding::at(node, Construct::GenericNew, &written))
}

/// `clean {` after other named blocks: the grammar leaves an ERROR node holding a
/// `simple_name` `clean` (with the whitespace before it), followed by the block's `{`.
fn clean_block_in_error(node: Node<'_>, src: &str) -> Option<Finding> {
    if !node.parent().is_some_and(|p| p.is_error()) {
        return None;
    }
    let text = text_of(node, src);
    if !text.trim().eq_ignore_ascii_case("clean")
        || !src[node.end_byte()..].trim_start().starts_with('{')
    {
        return None;
    }
    let byte = node.start_byte() + (text.len() - text.trim_start().len());
    Some(Finding {
        byte,
        line: line_at(src, byte),
        construct: Construct::CleanBlock,
        written: "clean {".into(),
    })
}

// ---------------------------------------------------------------------------------------
// Commands and parameters
// ---------------------------------------------------------------------------------------

/// The parameters and aliases every 5.1 cmdlet has (the common parameters), in pairs.
const COMMON_51: &str = "
    Verbose vb  Debug db  ErrorAction ea  WarningAction wa  InformationAction infa
    ErrorVariable ev  WarningVariable wv  InformationVariable iv  OutVariable ov  OutBuffer ob
    PipelineVariable pv
";

/// A 5.1 cmdlet that later versions gave parameters 5.1 does not have.
struct CmdletParameters {
    /// The cmdlet and its aliases.
    names: &'static [&'static str],
    /// Its parameters and parameter aliases in 5.1 besides the common ones, space-separated.
    known_51: &'static str,
    /// The parameters added after 5.1.
    added: &'static [(&'static str, Construct)],
}

const ADDED_PARAMETERS: &[CmdletParameters] = &[
    CmdletParameters {
        names: &["ConvertFrom-Json"],
        known_51: "InputObject",
        added: &[
            ("AsHashtable", Construct::JsonAsHashtable),
            ("Depth", Construct::JsonDepth),
            ("DateKind", Construct::JsonDateKind),
            ("NoEnumerate", Construct::JsonNoEnumerate),
        ],
    },
    CmdletParameters {
        names: &["ForEach-Object", "%", "foreach"],
        known_51: "InputObject Begin Process End RemainingScripts MemberName ArgumentList Args \
                   WhatIf wi Confirm cf",
        added: &[
            ("Parallel", Construct::ForEachParallel),
            ("ThrottleLimit", Construct::ForEachParallel),
            ("TimeoutSeconds", Construct::ForEachParallel),
            ("AsJob", Construct::ForEachParallel),
            ("UseNewRunspace", Construct::ForEachParallel),
        ],
    },
];

/// Cmdlets that 5.1 does not have at all.
const ADDED_CMDLETS: &[(&str, Construct)] = &[
    ("Join-String", Construct::JoinString),
    ("Get-Error", Construct::GetError),
    ("Test-Json", Construct::TestJson),
];

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The parameter `-name` (or an abbreviation of it) binds to on PowerShell 7, if it is one
/// 5.1 lacks: 5.1 would bind a prefix of one of its own parameters, or an exact alias.
fn added_parameter(rule: &CmdletParameters, name: &str) -> Option<Construct> {
    let mut known = rule
        .known_51
        .split_whitespace()
        .chain(COMMON_51.split_whitespace());
    if name.is_empty() || known.any(|k| starts_with_ignore_case(k, name)) {
        return None;
    }
    rule.added
        .iter()
        .find(|(full, _)| starts_with_ignore_case(full, name))
        .map(|(_, construct)| *construct)
}

/// The name a `command` invokes: `& 'Join-String'` and `Microsoft.PowerShell.Utility\Join-String`
/// are `Join-String`.
fn command_name(command: Node<'_>, src: &str) -> Option<String> {
    let node = command.child_by_field_name("command_name")?;
    let name = unquote(text_of(node, src));
    Some(name.rsplit('\\').next().unwrap_or(&name).to_string())
}

/// Automatic variables a script reads to tell PowerShell versions or editions apart.
const VERSION_VARIABLES: &[&str] = &["$PSVersionTable", "$PSEdition", "$IsCoreCLR"];

fn reads_version(node: Node<'_>, src: &str) -> bool {
    descendants(node).iter().any(|n| {
        n.kind() == "variable"
            && VERSION_VARIABLES
                .iter()
                .any(|v| text_of(*n, src).eq_ignore_ascii_case(v))
    })
}

/// Whether `node` sits where the script tested the version first: in a branch of an `if`
/// whose condition reads `$PSVersionTable`, `$PSEdition` or `$IsCoreCLR`, or in an argument
/// of a command whose other arguments include `-Skip` and such a test (Pester's
/// `It '...' -Skip:($PSVersionTable.PSVersion.Major -lt 7) { ... }`). Which way the test
/// goes is not evaluated. Cmdlets and parameters are looked up when the line runs, so a
/// guarded use is fine on 5.1; syntax is not: 5.1 cannot parse the file at all.
fn version_guarded(node: Node<'_>, src: &str) -> bool {
    let inside = |outer: Node<'_>| {
        outer.start_byte() <= node.start_byte() && node.end_byte() <= outer.end_byte()
    };
    let command_skips_on_version = |command: Node<'_>| {
        let Some(elements) = command.child_by_field_name("command_elements") else {
            return false;
        };
        let skips = children_of_kind(elements, "command_parameter")
            .iter()
            .any(|p| starts_with_ignore_case(text_of(*p, src).trim(), "-Skip"));
        let mut cursor = elements.walk();
        let tested = elements
            .children(&mut cursor)
            .any(|c| !inside(c) && reads_version(c, src));
        skips && tested
    };
    let mut ancestor = node.parent();
    while let Some(a) = ancestor {
        let guards = match a.kind() {
            "if_statement" => a
                .child_by_field_name("condition")
                .is_some_and(|c| !inside(c) && reads_version(c, src)),
            "command" => command_skips_on_version(a),
            _ => false,
        };
        if guards {
            return true;
        }
        ancestor = a.parent();
    }
    false
}

/// Cmdlets and parameters 5.1 lacks (unless version-guarded), and `clean { }` read as a
/// call of a command `clean`.
fn command_findings(command: Node<'_>, src: &str) -> Vec<Finding> {
    let Some(name) = command_name(command, src) else {
        return Vec::new();
    };
    let elements = command.child_by_field_name("command_elements");
    let first_argument = elements.and_then(|e| {
        let mut cursor = e.walk();
        let first = e
            .children(&mut cursor)
            .find(|c| c.kind() != "command_argument_sep");
        first
    });
    let mut found = Vec::new();
    if name.eq_ignore_ascii_case("clean")
        && first_argument.is_some_and(|a| text_of(a, src).trim_start().starts_with('{'))
    {
        found.push(Finding::at(command, Construct::CleanBlock, "clean {"));
    }
    if version_guarded(command, src) {
        return found;
    }
    if let Some((_, construct)) = ADDED_CMDLETS
        .iter()
        .find(|(cmdlet, _)| cmdlet.eq_ignore_ascii_case(&name))
    {
        found.push(Finding::at(command, *construct, &name));
    }
    let Some(rule) = ADDED_PARAMETERS
        .iter()
        .find(|r| r.names.iter().any(|n| n.eq_ignore_ascii_case(&name)))
    else {
        return found;
    };
    let parameters = elements.map_or_else(Vec::new, |e| children_of_kind(e, "command_parameter"));
    for parameter in parameters {
        let written = text_of(parameter, src).trim();
        let bare = written.trim_start_matches('-').trim_end_matches(':');
        if let Some(construct) = added_parameter(rule, bare) {
            found.push(Finding::at(
                parameter,
                construct,
                &format!("{name} {written}"),
            ));
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------

/// Every use of a construct 5.1 lacks, in source order, one per construct and line.
fn findings(src: &str) -> Vec<Finding> {
    let tree = parse(src);
    let root = tree.root_node();
    let mut found = question_mark_findings(root, src);
    for node in descendants(root) {
        match node.kind() {
            "pipeline_chain_tail" => found.extend(chain_finding(node, src)),
            "invokation_expression" => found.extend(generic_new_finding(node, src)),
            "simple_name" => found.extend(clean_block_in_error(node, src)),
            "command" => found.extend(command_findings(node, src)),
            _ => {}
        }
    }
    found.sort_by_key(|f| f.byte);
    let mut seen = BTreeSet::new();
    found.retain(|f| seen.insert((f.line, f.construct, f.written.clone())));
    found
}

/// The findings as messages that name the file, the line, the construct and the 5.1 way.
fn problems_51(file: &str, src: &str) -> Vec<String> {
    findings(src)
        .iter()
        .map(|f| {
            format!(
                "{file}:{}: {} (`{}`) is not in Windows PowerShell 5.1; write {} instead",
                f.line,
                f.construct.name(),
                f.written,
                f.construct.instead()
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The check applied to the repository
// ---------------------------------------------------------------------------------------

/// Every PowerShell file of the project: the module, scripts/ (Build-Module.ps1,
/// Invoke-PesterSuite.ps1) and tests/pester/ (the Pester suite also runs on 5.1).
/// When this was written it failed on the generic `::new()` calls in the module's
/// Private/ scripts (issue 9, item 6); see the commit message.
#[test]
fn powershell_files_use_only_what_windows_powershell_51_has() {
    let files = powershell_files();
    for expected in [
        "powershell/WritebackDiagnostics/WritebackDiagnostics.psd1",
        "powershell/WritebackDiagnostics/WritebackDiagnostics.psm1",
        "scripts/Build-Module.ps1",
        "scripts/Invoke-PesterSuite.ps1",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} was not found"
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("tests/pester/") && f.ends_with(".ps1")),
        "no Pester test file was found"
    );
    let problems: Vec<String> = files
        .iter()
        .flat_map(|f| problems_51(f, &read(f)))
        .collect();
    assert!(
        problems.is_empty(),
        "{} use(s) of PowerShell 6/7 constructs that Windows PowerShell 5.1 lacks:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// The check fed each construct
// ---------------------------------------------------------------------------------------

fn constructs_in(src: &str) -> Vec<Construct> {
    findings(src).iter().map(|f| f.construct).collect()
}

/// One snippet per construct; each must give exactly that one finding.
const ONE_OF_EACH: &[(Construct, &str)] = &[
    (Construct::Ternary, "$x = $a ? 'yes' : 'no'"),
    (Construct::NullCoalescing, "$x = $a ?? 'default'"),
    (Construct::NullCoalescingAssignment, "$a ??= @{}"),
    (Construct::NullConditionalMember, "$x = ${a}?.Name"),
    (Construct::NullConditionalIndex, "$x = ${a}?[0]"),
    (Construct::AndChain, "git fetch && git status"),
    (
        Construct::OrChain,
        "git fetch || Write-Warning -Message 'fetch failed'",
    ),
    (
        Construct::ForEachParallel,
        "1..3 | ForEach-Object -Parallel { $_ }",
    ),
    (Construct::ForEachParallel, "1..3 | % -Parallel { $_ }"),
    (
        Construct::GenericNew,
        "$list = [System.Collections.Generic.List[string]]::new()",
    ),
    (
        Construct::CleanBlock,
        "function f {\n    [CmdletBinding()]\n    param()\n    process { 1 }\n    clean { 'x' }\n}",
    ),
    (
        Construct::JsonAsHashtable,
        "$j | ConvertFrom-Json -AsHashtable",
    ),
    (
        Construct::JsonDepth,
        "ConvertFrom-Json -InputObject $j -Depth 20",
    ),
    (
        Construct::JsonDateKind,
        "ConvertFrom-Json $j -DateKind String",
    ),
    (
        Construct::JsonNoEnumerate,
        "ConvertFrom-Json $j -NoEnumerate",
    ),
    (Construct::JoinString, "1, 2 | Join-String -Separator ','"),
    (Construct::GetError, "Get-Error -Newest 1"),
    (Construct::TestJson, "Test-Json -Json $j"),
];

#[test]
fn rejects_each_construct_51_lacks() {
    let mut missed = Vec::new();
    for (construct, snippet) in ONE_OF_EACH {
        let found = constructs_in(snippet);
        if found != [*construct] {
            missed.push(format!(
                "{snippet:?}: expected [{construct:?}], found {found:?}"
            ));
        }
        let messages = problems_51("snippet.ps1", snippet);
        if !messages.iter().any(|m| m.contains(construct.name())) {
            missed.push(format!(
                "{snippet:?}: no message names {}",
                construct.name()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn every_construct_has_a_snippet() {
    let covered: BTreeSet<Construct> = ONE_OF_EACH.iter().map(|(c, _)| *c).collect();
    let all = [
        Construct::Ternary,
        Construct::NullCoalescing,
        Construct::NullCoalescingAssignment,
        Construct::NullConditionalMember,
        Construct::NullConditionalIndex,
        Construct::AndChain,
        Construct::OrChain,
        Construct::ForEachParallel,
        Construct::GenericNew,
        Construct::CleanBlock,
        Construct::JsonAsHashtable,
        Construct::JsonDepth,
        Construct::JsonDateKind,
        Construct::JsonNoEnumerate,
        Construct::JoinString,
        Construct::GetError,
        Construct::TestJson,
    ];
    let missing: Vec<_> = all.iter().filter(|c| !covered.contains(c)).collect();
    assert!(missing.is_empty(), "no snippet for {missing:?}");
}

#[test]
fn rejects_the_constructs_however_they_are_written() {
    let cases: &[(Construct, &str)] = &[
        (Construct::Ternary, "Write-Output ($a ? 1 : 2)"),
        (Construct::Ternary, "return $a ?\n    1 :\n    2"),
        (Construct::Ternary, "$x = ($n -gt 1) ? 's' : ''"),
        (Construct::NullCoalescing, "if ($a ?? $b) { 1 }"),
        (Construct::NullCoalescing, "$o = [pscustomobject]@{ A = $b ?? 1 }"),
        (Construct::NullCoalescingAssignment, "$a.Cache ??= @{}"),
        (Construct::NullConditionalMember, "$x = $a.Parent?.Name"),
        (Construct::NullConditionalMember, "$x = $a?.Name"),
        (Construct::NullConditionalIndex, "$x = $a.Items?[0]"),
        (Construct::AndChain, "git a && git b || git c"),
        (Construct::OrChain, "git a && git b || git c"),
        (Construct::ForEachParallel, "1..3 | foreach -Parallel { $_ }"),
        (Construct::ForEachParallel, "1..3 | foreach-object -pa { $_ }"),
        (
            Construct::ForEachParallel,
            "1..3 | ForEach-Object -Process { $_ } -ThrottleLimit 2",
        ),
        (
            Construct::GenericNew,
            "$d = [Collections.Generic.Dictionary[string, int]]::New()",
        ),
        (Construct::CleanBlock, "function f {\n    param()\n    clean { 'x' }\n}"),
        (
            Construct::CleanBlock,
            "function f {\n    begin {}\n    process {}\n    end {}\n    CLEAN {\n        'x'\n    }\n}",
        ),
        (Construct::JsonAsHashtable, "ConvertFrom-Json $j -AsHash"),
        (Construct::JsonAsHashtable, "convertfrom-json $j -ashashtable"),
        (Construct::JsonAsHashtable, "ConvertFrom-Json $j -As"),
        (Construct::JsonDepth, "ConvertFrom-Json $j -Dep 5"),
        (Construct::JsonDepth, "ConvertFrom-Json $j -Depth:5"),
        (Construct::JsonDateKind, "ConvertFrom-Json $j -Da Local"),
        (
            Construct::JsonDepth,
            "Microsoft.PowerShell.Utility\\ConvertFrom-Json $j -Depth 5",
        ),
        (Construct::JoinString, "& 'Join-String' -InputObject 1"),
        (
            Construct::JoinString,
            "Microsoft.PowerShell.Utility\\Join-String -InputObject 1",
        ),
        (Construct::GetError, "& Get-Error"),
        (Construct::TestJson, "if (test-json $j) { 1 }"),
    ];
    let mut missed = Vec::new();
    for (construct, snippet) in cases {
        let found = constructs_in(snippet);
        if !found.contains(construct) {
            missed.push(format!(
                "{snippet:?}: expected {construct:?}, found {found:?}"
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn accepts_what_51_has() {
    let snippets = [
        "$sb = [System.Text.StringBuilder]::new()",
        "$r = [regex]::new('a+')",
        "$a = [string[]]::new(3)",
        "$x = 'a ?? b'",
        "$x = \"a ?? $b ? c : d\"",
        "$x = @'\na ?? b ?. c\n'@",
        "# x ? y : z",
        "# x ? y : z\n$y = 1",
        "<# a ?? b, c && d #>\n$y = 1",
        "$a -and $b",
        "$a -or $b",
        "ConvertTo-Json -InputObject $o -Depth 5",
        "ConvertFrom-Json -InputObject $j",
        "ConvertFrom-Json $j -ErrorAction Stop -D",
        "1..3 | ForEach-Object -Process { $_ }",
        "1..3 | % -Process { $_ } -Begin { 0 }",
        "1..3 | ForEach-Object -MemberName ToString",
        "$h['x']",
        "$x = @(1, 2)[0]",
        "Get-Item -Path x | ? { $_ }",
        "Get-Item -Path x | Where-Object -FilterScript { $_ }",
        "if ($?) { 1 }",
        "git fetch; if ($LASTEXITCODE -eq 0) { git status }",
        "$s = @($a) -join ', '",
        "[string]::Join(',', $a)",
        "$Error[0] | Format-List -Property * -Force",
        "function f {\n    param($clean)\n    process { $clean }\n}",
        "function f {\n    param([switch]$Clean)\n    if ($Clean) { 'x' }\n}",
        "function clean { 1 }\nclean\n$x.clean",
        "$x = if ($a) { 'yes' } else { 'no' }",
        "$list = New-Object -TypeName 'System.Collections.Generic.List[string]'",
    ];
    let wrong: Vec<String> = snippets
        .iter()
        .flat_map(|s| problems_51("snippet.ps1", s))
        .collect();
    assert!(wrong.is_empty(), "false positives:\n{}", wrong.join("\n"));
}

#[test]
fn accepts_cmdlets_and_parameters_behind_a_version_test_but_never_syntax() {
    let guarded = [
        "It 'checks the schema' -Skip:($PSVersionTable.PSVersion.Major -lt 7) {\n    Test-Json -Json $j | Should -BeTrue\n}",
        "if ($PSVersionTable.PSVersion.Major -ge 7) {\n    $o = $j | ConvertFrom-Json -AsHashtable\n} else {\n    $o = $j | ConvertFrom-Json\n}",
        "if ($PSEdition -eq 'Core') { 1..3 | ForEach-Object -Parallel { $_ } }",
        "if (-not $IsCoreCLR) { 'x' } else { Get-Error }",
    ];
    let wrong: Vec<String> = guarded
        .iter()
        .flat_map(|s| problems_51("snippet.ps1", s))
        .collect();
    assert!(
        wrong.is_empty(),
        "guarded uses reported:\n{}",
        wrong.join("\n")
    );

    let unguarded: &[(Construct, &str)] = &[
        (
            Construct::NullCoalescing,
            "if ($PSVersionTable.PSVersion.Major -ge 7) { $x = $a ?? 1 }",
        ),
        (
            Construct::TestJson,
            "It 'x' -Skip:$false { Test-Json -Json $j }",
        ),
        (
            Construct::TestJson,
            "It 'x' -Tag $PSVersionTable.PSEdition { Test-Json -Json $j }",
        ),
        (Construct::TestJson, "if ($a) { Test-Json -Json $j }"),
        (
            Construct::JoinString,
            "if ($PSVersionTable.PSVersion.Major -ge 7 -and (1 | Join-String)) { 1 }",
        ),
    ];
    for (construct, snippet) in unguarded {
        assert_eq!(constructs_in(snippet), [*construct], "{snippet:?}");
    }
}

#[test]
fn messages_name_file_line_construct_and_the_51_way() {
    let src = "$a = 1\n\n$b = $a ?? 2\nGet-Error\n";
    let messages = problems_51("Public/Get-Thing.ps1", src);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].starts_with("Public/Get-Thing.ps1:3: the null-coalescing operator `??`"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("write `if ($null -ne $a) { $a } else { $b }` instead"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].starts_with("Public/Get-Thing.ps1:4: the `Get-Error` cmdlet"),
        "{}",
        messages[1]
    );
    assert!(messages[1].contains("$Error[0]"), "{}", messages[1]);
}

#[test]
fn reports_each_use_on_its_own_line() {
    let src = "$a = $b ?? 1\n$c = $d ?? 2\n$e = $f ? 1 : 2\n";
    let lines: Vec<(usize, Construct)> = findings(src)
        .iter()
        .map(|f| (f.line, f.construct))
        .collect();
    assert_eq!(
        lines,
        [
            (1, Construct::NullCoalescing),
            (2, Construct::NullCoalescing),
            (3, Construct::Ternary)
        ]
    );
}
