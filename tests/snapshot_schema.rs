//! `schema/writeback-environment.schema.json` describes what the engine reads: the
//! fixtures in both PowerShell encodings validate against it, and malformed snapshots
//! that the engine rejects are rejected by the schema too.
//!
//! The validator below implements the subset of JSON Schema 2020-12 the schema uses
//! (`$ref`, `type`, `properties`, `required`, `items`, `additionalProperties`, `anyOf`,
//! `allOf`, `pattern`, `minimum`, `maximum`) and fails on any other keyword, so the
//! schema cannot drift into keywords this test does not check.

use std::path::Path;

use regex::Regex;
use serde_json::{json, Value};

const ANNOTATIONS: &[&str] = &["$schema", "$id", "$defs", "title", "description"];

struct Validator<'a> {
    root: &'a Value,
}

impl Validator<'_> {
    fn resolve(&self, reference: &str) -> &Value {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references: {reference}"));
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling reference {reference}"))
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
            other => panic!("unknown type {other}"),
        }
    }

    /// Errors (as "path: why") of `v` against `schema`.
    fn check(&self, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
        let Some(obj) = schema.as_object() else {
            panic!("schema at {path} is not an object");
        };
        for (k, s) in obj {
            match k.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "$ref" => self.check(self.resolve(s.as_str().expect("ref text")), v, path, errors),
                "type" => {
                    let ok = match s {
                        Value::String(t) => Self::type_ok(t, v),
                        Value::Array(ts) => ts
                            .iter()
                            .any(|t| Self::type_ok(t.as_str().expect("type"), v)),
                        _ => panic!("bad type at {path}"),
                    };
                    if !ok {
                        errors.push(format!("{path}: type {s} does not match {v}"));
                    }
                }
                "properties" => {
                    if let Some(map) = v.as_object() {
                        for (name, sub) in s.as_object().expect("properties object") {
                            if let Some(x) = map.get(name) {
                                self.check(sub, x, &format!("{path}.{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(map) = v.as_object() {
                        let declared = obj.get("properties").and_then(Value::as_object);
                        for (name, x) in map {
                            if declared.is_some_and(|d| d.contains_key(name)) {
                                continue;
                            }
                            match s {
                                Value::Bool(false) => {
                                    errors.push(format!("{path}.{name}: not allowed"))
                                }
                                Value::Bool(true) => {}
                                sub => self.check(sub, x, &format!("{path}.{name}"), errors),
                            }
                        }
                    }
                }
                "required" => {
                    if let Some(map) = v.as_object() {
                        for name in s.as_array().expect("required list") {
                            let name = name.as_str().expect("name");
                            if !map.contains_key(name) {
                                errors.push(format!("{path}: {name} is required"));
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = v.as_array() {
                        for (i, x) in items.iter().enumerate() {
                            self.check(s, x, &format!("{path}[{i}]"), errors);
                        }
                    }
                }
                "anyOf" => {
                    let branches = s.as_array().expect("anyOf list");
                    let ok = branches.iter().any(|b| {
                        let mut sub = Vec::new();
                        self.check(b, v, path, &mut sub);
                        sub.is_empty()
                    });
                    if !ok {
                        errors.push(format!("{path}: no anyOf branch matches {v}"));
                    }
                }
                "allOf" => {
                    for b in s.as_array().expect("allOf list") {
                        self.check(b, v, path, errors);
                    }
                }
                "pattern" => {
                    if let Some(text) = v.as_str() {
                        let re = Regex::new(s.as_str().expect("pattern")).expect("valid pattern");
                        if !re.is_match(text) {
                            errors.push(format!("{path}: {text:?} does not match {s}"));
                        }
                    }
                }
                "minimum" => {
                    if let (Some(x), Some(m)) = (v.as_f64(), s.as_f64()) {
                        if x < m {
                            errors.push(format!("{path}: {x} < {m}"));
                        }
                    }
                }
                "maximum" => {
                    if let (Some(x), Some(m)) = (v.as_f64(), s.as_f64()) {
                        if x > m {
                            errors.push(format!("{path}: {x} > {m}"));
                        }
                    }
                }
                other => panic!("schema keyword {other} at {path} is not supported by this test"),
            }
        }
    }

    fn errors(&self, v: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(self.root, v, "$", &mut errors);
        errors
    }
}

fn schema() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/writeback-environment.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema file"))
        .expect("schema is JSON")
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prerequisites")
        .join(name);
    let bytes = std::fs::read(path).expect("fixture");
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).expect("utf-16")
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).expect("utf-8"),
        other => String::from_utf8(other.to_vec()).expect("utf-8"),
    };
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn schema_is_draft_2020_12_with_every_section() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for key in [
        "SchemaVersion",
        "CollectedAt",
        "ComputerName",
        "Tenant",
        "Connect",
        "ActiveDirectory",
        "Live",
    ] {
        assert!(s["properties"].get(key).is_some(), "{key} not described");
    }
}

#[test]
fn fixtures_validate_in_both_encodings() {
    let s = schema();
    let v = Validator { root: &s };
    for name in ["healthy.json", "healthy-ps7.json", "healthy-ps51.json"] {
        let errors = v.errors(&fixture(name));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let mut with_runs = fixture("healthy.json");
    with_runs["Connect"]["RunProfileResults"] =
        fixture("adsync-runprofileresult-convertto-json.json");
    assert!(
        v.errors(&with_runs).is_empty(),
        "{:#?}",
        v.errors(&with_runs)
    );
    assert!(v.errors(&json!({"SchemaVersion": 1})).is_empty());
    let unavailable = json!({"SchemaVersion": 1, "Tenant": {"Status": "Unavailable", "Reason": "no Graph context"}});
    assert!(v.errors(&unavailable).is_empty());
}

#[test]
fn schema_rejects_what_the_engine_rejects() {
    let s = schema();
    let v = Validator { root: &s };
    let bad: [(&str, Value); 6] = [
        ("/Connect/DotNetRelease", json!("abc")),
        ("/CollectedAt", json!("yesterday")),
        ("/Connect/Status", json!("Partial")),
        ("/Connect/Scheduler/SchedulerSuspended", json!("maybe")),
        (
            "/ActiveDirectory/Forests/0/Domains/0/PasswordPolicy/MinPasswordAge",
            json!(true),
        ),
        ("/SchemaVersion", json!(2)),
    ];
    for (pointer, value) in bad {
        let mut doc = fixture("healthy.json");
        *doc.pointer_mut(pointer).expect("pointer") = value.clone();
        assert!(
            !v.errors(&doc).is_empty(),
            "{pointer} = {value} accepted by the schema"
        );
        let request = json!({"Command": "prerequisites", "Options": {"Snapshot": doc}});
        let envelope: Value =
            serde_json::from_str(&writeback_diagnostics::run_json(&request.to_string()))
                .expect("JSON");
        assert_eq!(
            envelope["Error"]["Code"], "InvalidInput",
            "{pointer}: {envelope}"
        );
    }
}

fn permissions_fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/permissions")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

#[test]
fn permission_keys_validate_and_malformed_ones_are_rejected_by_both() {
    let s = schema();
    let v = Validator { root: &s };
    assert!(s["properties"].get("UserTargets").is_some());
    for name in ["contoso.json", "contoso-ps51.json"] {
        let errors = v.errors(&permissions_fixture(name));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let domain = "/ActiveDirectory/Forests/0/Domains/0";
    let bad: [(String, Value); 4] = [
        (
            format!("{domain}/Users/0"),
            json!({"SamAccountName": "jdoe"}),
        ),
        (
            format!("{domain}/Descriptors/Root"),
            json!({"DistinguishedName": "DC=contoso,DC=com"}),
        ),
        (format!("{domain}/Users/0/PwdLastSet"), json!("last week")),
        (
            format!("{domain}/FineGrainedPasswordPolicies/0/MinPasswordAge"),
            json!(true),
        ),
    ];
    for (pointer, value) in bad {
        let mut doc = permissions_fixture("contoso.json");
        *doc.pointer_mut(&pointer).expect("pointer") = value.clone();
        assert!(
            !v.errors(&doc).is_empty(),
            "{pointer} = {value} accepted by the schema"
        );
        let request = json!({"Command": "permissions", "Options": {"Snapshot": doc}});
        let envelope: Value =
            serde_json::from_str(&writeback_diagnostics::run_json(&request.to_string()))
                .expect("JSON");
        assert_eq!(
            envelope["Error"]["Code"], "InvalidInput",
            "{pointer}: {envelope}"
        );
    }
}
