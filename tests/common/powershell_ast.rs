//! Tree-sitter helpers shared by the PowerShell static tests (tests/powershell_static.rs and
//! tests/powershell_51.rs): the project's PowerShell files, parsing with the tree-sitter
//! PowerShell grammar, and walking the syntax tree. Each test includes it with
//! `#[path = "common/powershell_ast.rs"] mod powershell_ast;` rather than through
//! `common/mod.rs`, so the C ABI tests do not compile it and every item here is used by
//! both includers (no dead-code allowance needed).

use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A repository file as text; panics with the path when it cannot be read.
pub fn read(relative: &str) -> String {
    let path = repo().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The tree-sitter PowerShell syntax tree of `text` (ERROR and MISSING nodes included).
pub fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("load the PowerShell grammar");
    parser
        .parse(text, None)
        .expect("tree-sitter returned no tree")
}

/// Files under `dir` (recursively) whose extension is one of `extensions`, any case.
pub fn collect_files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
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
pub fn powershell_files() -> Vec<String> {
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

/// The source text a node spans.
pub fn text_of<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    node.utf8_text(src.as_bytes()).expect("utf-8 node text")
}

/// The 1-based line a node starts on.
pub fn line_of(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

/// All nodes under `node` (itself included), in document order.
pub fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
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

/// The direct children of `node` of one kind.
pub fn children_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

/// The first direct child of `node` of one kind.
pub fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    children_of_kind(node, kind).into_iter().next()
}

/// The value of a string literal node without its quotes.
pub fn unquote(literal: &str) -> String {
    let t = literal.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        t[1..t.len() - 1].replace("''", "'")
    } else if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}
