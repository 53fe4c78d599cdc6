//! `docs/sources.md` is the one place a reader audits where each fact comes from: every
//! rule the engine emits must be listed there, and every release row of the Connect table
//! must carry a date that the file's stated reading day covers.

#[path = "common/ids.rs"]
mod ids;

use std::path::Path;

use ids::read;
use regex::Regex;

fn rule_ids() -> Vec<(String, String)> {
    let id = Regex::new(r#"\bid:\s*"([A-Z]{2,}-[A-Z0-9-]+)""#).expect("regex");
    ids::ids_in_src(&id)
}

#[test]
fn every_rule_id_is_listed_in_docs_sources_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read(&root.join("docs").join("sources.md"));
    let ids: Vec<(String, String)> = rule_ids()
        .into_iter()
        .filter(|(id, _)| ["PRE-", "PERM-", "USER-"].iter().any(|p| id.starts_with(p)))
        .collect();
    assert!(
        ids.len() >= 50,
        "found only {} rule ids: {ids:?}",
        ids.len()
    );
    let missing = ids::missing_from(&sources, &ids);
    assert!(
        missing.is_empty(),
        "rules without an entry in docs/sources.md: {missing:?}"
    );
}

#[test]
fn the_release_table_date_is_the_one_docs_sources_md_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read(&root.join("docs").join("sources.md"));
    let code = read(&root.join("src").join("rules").join("connect_releases.rs"));
    let as_of =
        Regex::new(r"pub const AS_OF: Day = \((\d{4}), (\d{1,2}), (\d{1,2})\);").expect("regex");
    let c = as_of.captures(&code).expect("AS_OF in connect_releases.rs");
    let day = format!("{}-{:0>2}-{:0>2}", &c[1], &c[2], &c[3]);
    assert!(
        sources.contains(&format!("`AS_OF` {day}")),
        "docs/sources.md does not name the release table's AS_OF {day}"
    );
}
