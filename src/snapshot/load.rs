//! Reading a snapshot file: size limit, text encoding (UTF-8 with or without BOM, UTF-16
//! with BOM as Windows PowerShell 5.1's `Out-File` writes it) and a JSON parse whose
//! memory use is bounded by a cap on the number of values.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{ErrorCode, WbdError};

/// Largest snapshot file accepted (64 MiB).
pub const MAX_SNAPSHOT_BYTES: u64 = 64 * 1024 * 1024;

/// Most JSON values (objects, arrays, scalars) a snapshot may hold. A large real
/// environment (tens of thousands of OUs) stays far below this; the cap keeps a
/// pathological file from exhausting memory.
pub const MAX_SNAPSHOT_VALUES: usize = 2_000_000;

/// Reads a snapshot file and parses it into JSON; `shown` names it in messages.
pub fn read_file(path: &Path) -> Result<Value, WbdError> {
    let shown = path.display().to_string();
    let cannot =
        |e: std::io::Error| WbdError::invalid(format!("cannot read snapshot '{shown}': {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(WbdError::invalid(format!(
            "snapshot '{shown}' is a directory, not a file"
        )));
    }
    if meta.len() > MAX_SNAPSHOT_BYTES {
        return Err(too_large(&shown, meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SNAPSHOT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_SNAPSHOT_BYTES {
        return Err(too_large(&shown, bytes.len() as u64));
    }
    let text = crate::text::decode_text(&bytes, &format!("snapshot '{shown}'"))?;
    drop(bytes);
    parse_json(&text, &format!("snapshot '{shown}'"))
}

fn too_large(shown: &str, len: u64) -> WbdError {
    WbdError::invalid(format!(
        "snapshot '{shown}' is {len} bytes or more; the limit is {MAX_SNAPSHOT_BYTES} bytes (64 MiB)"
    ))
}

/// Parses JSON text with the value cap; syntax errors are `InvalidJson`.
pub fn parse_json(text: &str, what: &str) -> Result<Value, WbdError> {
    let budget = Budget {
        left: Cell::new(MAX_SNAPSHOT_VALUES),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Seed(&budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| {
        if e.is_data() {
            WbdError::invalid(format!("{what}: {e}"))
        } else {
            WbdError::new(
                ErrorCode::InvalidJson,
                format!("{what} is not valid JSON: {e}"),
            )
        }
    })
}

struct Budget {
    left: Cell<usize>,
}

#[derive(Clone, Copy)]
struct Seed<'b>(&'b Budget);

impl Seed<'_> {
    fn take<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.0.left.get() {
            0 => Err(E::custom(format_args!(
                "it holds more than {MAX_SNAPSHOT_VALUES} JSON values, more than any real environment"
            ))),
            n => {
                self.0.left.set(n - 1);
                Ok(())
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.take()?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.take()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.take()?;
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(self)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_are_classified() {
        let e = parse_json("{\"a\": [1, 2", "x").expect_err("truncated");
        assert_eq!(e.code, ErrorCode::InvalidJson);
        let e = parse_json("{} junk", "x").expect_err("trailing");
        assert_eq!(e.code, ErrorCode::InvalidJson);
        let v = parse_json("{\"a\": [1, 2.5, null, true, \"s\"]}", "x").expect("parses");
        assert_eq!(v, serde_json::json!({"a": [1, 2.5, null, true, "s"]}));
    }

    #[test]
    fn value_cap_stops_huge_documents() {
        let n = MAX_SNAPSHOT_VALUES + 10;
        let mut text = String::with_capacity(n * 2 + 2);
        text.push('[');
        for _ in 0..n {
            text.push_str("0,");
        }
        text.push_str("0]");
        let e = parse_json(&text, "x").expect_err("too many values");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("more than"), "{}", e.message);
    }
}
