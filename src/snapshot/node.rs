//! A JSON value that knows its path in the snapshot, so every decoding error can say
//! exactly which field is wrong (`Connect.DotNetRelease: expected a number, found "abc"`).
//!
//! Lookups are lenient in the ways PowerShell output varies: property names match without
//! regard to case, `null` counts as absent, and a list may arrive as an array, as a single
//! object, or wrapped as `{"value": [...]}` (Graph responses and Windows PowerShell 5.1's
//! serialisation of arrays that carry extra properties).

use serde_json::{Map, Value};

use crate::error::WbdError;

/// One value of the snapshot and the path that leads to it.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    value: &'a Value,
    path: String,
}

/// Longest text quoted from the snapshot in an error message.
const QUOTE_CHARS: usize = 60;

impl<'a> Node<'a> {
    /// The document root; its children's paths start without a prefix.
    pub fn root(value: &'a Value) -> Self {
        Node {
            value,
            path: String::new(),
        }
    }

    /// A node with an explicit path (used for values that are not part of a document).
    pub fn at(value: &'a Value, path: impl Into<String>) -> Self {
        Node {
            value,
            path: path.into(),
        }
    }

    /// The JSON path of this value, for example `Connect.Connectors[1].Name`.
    pub fn path(&self) -> &str {
        if self.path.is_empty() {
            "(snapshot)"
        } else {
            &self.path
        }
    }

    /// The raw value.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// True for JSON `null`.
    pub fn is_null(&self) -> bool {
        self.value.is_null()
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        }
    }

    fn index_path(&self, i: usize) -> String {
        format!("{}[{}]", self.path(), i)
    }

    /// The member `key` (matched exactly first, then ignoring case), including `null`
    /// members; `None` when this is not an object or has no such member.
    pub fn member(&self, key: &str) -> Option<Node<'a>> {
        let map = self.value.as_object()?;
        let found = map.get(key).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })?;
        Some(Node {
            value: found,
            path: self.child_path(key),
        })
    }

    /// The member `key`, treating `null` as absent.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.member(key).filter(|n| !n.is_null())
    }

    /// The first of several alternative member names that is present and not `null`.
    pub fn get_any(&self, keys: &[&str]) -> Option<Node<'a>> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// The error for a value of the wrong shape.
    pub fn mismatch(&self, expected: &str) -> WbdError {
        let hint = match self.value {
            Value::String(s)
                if (expected.contains("object") || expected.contains("list"))
                    && (s.starts_with("@{")
                        || s.starts_with("System.")
                        || s.starts_with("Microsoft.")) =>
            {
                " (the object was flattened to text: save the snapshot with ConvertTo-Json -Depth 20)"
            }
            _ => "",
        };
        WbdError::invalid(format!(
            "{}: expected {expected}, found {}{hint}",
            self.path(),
            describe(self.value)
        ))
    }

    /// The error for a value that has the right type but cannot be used.
    pub fn invalid(&self, why: &str) -> WbdError {
        WbdError::invalid(format!("{}: {why}", self.path()))
    }

    /// This value as an object.
    pub fn object(&self) -> Result<&'a Map<String, Value>, WbdError> {
        self.value
            .as_object()
            .ok_or_else(|| self.mismatch("an object"))
    }

    /// This value as a string (strictly).
    pub fn str(&self) -> Result<&'a str, WbdError> {
        self.value.as_str().ok_or_else(|| self.mismatch("a string"))
    }

    /// This value as text: strings as they are, numbers and booleans in their JSON form.
    pub fn text(&self) -> Result<String, WbdError> {
        match self.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(if *b { "True" } else { "False" }.to_string()),
            _ => Err(self.mismatch("a string")),
        }
    }

    /// This value as a whole number; numeric strings are accepted.
    pub fn int(&self) -> Result<i64, WbdError> {
        match self.value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| self.mismatch("a whole number")),
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| self.mismatch("a number")),
            _ => Err(self.mismatch("a number")),
        }
    }

    /// This value as a non-negative whole number.
    pub fn uint(&self) -> Result<u64, WbdError> {
        let v = self.int()?;
        u64::try_from(v).map_err(|_| self.mismatch("a number of zero or more"))
    }

    /// This value as a floating-point number; numeric strings are accepted.
    pub fn float(&self) -> Result<f64, WbdError> {
        match self.value {
            Value::Number(n) => n.as_f64().ok_or_else(|| self.mismatch("a number")),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| self.mismatch("a number")),
            _ => Err(self.mismatch("a number")),
        }
    }

    /// This value as a boolean: `true`/`false`, `"True"`/`"False"`, `1`/`0`.
    pub fn boolean(&self) -> Result<bool, WbdError> {
        match self.value {
            Value::Bool(b) => Ok(*b),
            Value::Number(n) => match n.as_i64() {
                Some(0) => Ok(false),
                Some(1) => Ok(true),
                _ => Err(self.mismatch("true or false")),
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(self.mismatch("true or false")),
            },
            _ => Err(self.mismatch("true or false")),
        }
    }

    /// The elements of a list. An array gives its elements; `{"value": [...]}` (with at
    /// most `Count` and `@odata.*` beside it) gives the inner array's elements, and
    /// `{"value": {...}}` its one inner object; any other single value is a list of one.
    pub fn items(&self) -> Vec<Node<'a>> {
        if let Some(inner) = self.list_wrapper() {
            return inner.items();
        }
        match self.value {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| Node {
                    value: v,
                    path: self.index_path(i),
                })
                .collect(),
            Value::Null => Vec::new(),
            _ => vec![self.clone()],
        }
    }

    /// The inner node when this is a `{"value": [...]}` wrapper.
    fn list_wrapper(&self) -> Option<Node<'a>> {
        let map = self.value.as_object()?;
        let inner = self.member("value")?;
        if !(inner.value.is_array() || inner.value.is_object()) {
            return None;
        }
        let only_wrapper_keys = map.keys().all(|k| {
            k.eq_ignore_ascii_case("value")
                || k.eq_ignore_ascii_case("count")
                || k.starts_with("@odata")
        });
        only_wrapper_keys.then_some(inner)
    }

    /// Decodes an optional member with `f`.
    pub fn opt<T>(
        &self,
        key: &str,
        f: impl Fn(&Node<'a>) -> Result<T, WbdError>,
    ) -> Result<Option<T>, WbdError> {
        self.get(key).map(|n| f(&n)).transpose()
    }

    /// Decodes an optional list member with `f` applied to every element.
    pub fn opt_list<T>(
        &self,
        key: &str,
        f: impl Fn(&Node<'a>) -> Result<T, WbdError>,
    ) -> Result<Option<Vec<T>>, WbdError> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => n.items().iter().map(&f).collect::<Result<_, _>>().map(Some),
        }
    }

    /// Decodes an optional list member, treating absence as an empty list.
    pub fn list<T>(
        &self,
        key: &str,
        f: impl Fn(&Node<'a>) -> Result<T, WbdError>,
    ) -> Result<Vec<T>, WbdError> {
        Ok(self.opt_list(key, f)?.unwrap_or_default())
    }

    /// Optional text member.
    pub fn opt_text(&self, key: &str) -> Result<Option<String>, WbdError> {
        self.opt(key, |n| n.text())
    }

    /// Optional boolean member.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, WbdError> {
        self.opt(key, |n| n.boolean())
    }

    /// Optional whole-number member.
    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, WbdError> {
        self.opt(key, |n| n.int())
    }

    /// Optional list of texts (a single text counts as a list of one).
    pub fn text_list(&self, key: &str) -> Result<Vec<String>, WbdError> {
        self.list(key, |n| n.text())
    }
}

/// A short description of a JSON value for error messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            // Credentials go before the cut, which could otherwise keep half of one.
            let s = crate::redact::text(s);
            let shown: String = s.chars().take(QUOTE_CHARS).collect();
            let ellipsis = if s.chars().count() > QUOTE_CHARS {
                "..."
            } else {
                ""
            };
            format!("{:?}", format!("{shown}{ellipsis}"))
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_quoted_value_loses_its_credentials_before_it_is_cut() {
        let url = format!("http://svc:{}@proxy:8080", "s".repeat(70));
        let shown = describe(&json!(url));
        assert!(shown.starts_with("\"http://(hidden)@proxy:8080"), "{shown}");
        assert!(!shown.contains("sss"), "{shown}");
    }

    #[test]
    fn names_the_path_of_a_bad_value() {
        let doc = json!({"Connect": {"DotNetRelease": "abc"}});
        let root = Node::root(&doc);
        let e = root
            .get("Connect")
            .and_then(|c| c.get("DotNetRelease"))
            .map(|n| n.int())
            .expect("present")
            .expect_err("not a number");
        assert_eq!(
            e.message,
            r#"Connect.DotNetRelease: expected a number, found "abc""#
        );
    }

    #[test]
    fn matches_keys_without_case_and_skips_null() {
        let doc = json!({"skuPartNumber": "SPB", "Gone": null});
        let root = Node::root(&doc);
        assert_eq!(
            root.get("SkuPartNumber").map(|n| n.path().to_string()),
            Some("SkuPartNumber".to_string())
        );
        assert!(root.get("Gone").is_none());
        assert!(root.member("Gone").is_some());
    }

    #[test]
    fn lists_come_in_three_shapes() {
        let doc = json!({
            "A": [1, 2],
            "B": 3,
            "C": {"value": [4, 5, 6], "Count": 3},
            "D": {"@odata.context": "x", "value": [7]},
            "E": {"value": 1, "Other": 2},
            "F": {"@odata.context": "x", "value": {"id": 1}}
        });
        let root = Node::root(&doc);
        let count = |k: &str| root.get(k).map(|n| n.items().len());
        assert_eq!(count("A"), Some(2));
        assert_eq!(count("B"), Some(1));
        assert_eq!(count("C"), Some(3));
        assert_eq!(count("D"), Some(1));
        assert_eq!(count("E"), Some(1));
        let f = root.get("F").map(|n| n.items()).unwrap_or_default();
        assert_eq!(f[0].path(), "F.value");
        let c = root.get("C").map(|n| n.items()).unwrap_or_default();
        assert_eq!(c[2].path(), "C.value[2]");
    }

    #[test]
    fn lenient_scalars() {
        let doc = json!({"B1": "True", "B2": 0, "N": "42", "F": 3.0, "X": 1.5});
        let root = Node::root(&doc);
        let n = |k: &str| root.get(k).expect("present");
        assert!(n("B1").boolean().expect("bool"));
        assert!(!n("B2").boolean().expect("bool"));
        assert_eq!(n("N").int().expect("int"), 42);
        assert_eq!(n("F").int().expect("int"), 3);
        assert!(n("X").int().is_err());
    }

    #[test]
    fn flattened_objects_get_a_hint() {
        let doc = json!({"Scheduler": "@{SyncCycleEnabled=True}"});
        let e = Node::root(&doc)
            .get("Scheduler")
            .map(|n| n.object().map(|_| ()))
            .expect("present")
            .expect_err("not an object");
        assert!(e.message.contains("-Depth 20"), "{}", e.message);
    }
}
