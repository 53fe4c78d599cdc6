//! Turning file bytes into text the way Windows tools write them.

use crate::error::WbdError;

/// Decodes UTF-8 (a BOM is dropped) or UTF-16 LE/BE with a BOM, as Windows PowerShell
/// 5.1's `Out-File` and .NET write files; `what` names the file in messages
/// (for example `snapshot 'C:\\x.json'`).
pub fn decode_text(bytes: &[u8], what: &str) -> Result<String, WbdError> {
    let utf16 = |body: &[u8], le: bool| -> Result<String, WbdError> {
        if !body.len().is_multiple_of(2) {
            return Err(WbdError::invalid(format!(
                "{what} starts with a UTF-16 byte order mark but has an odd number of bytes"
            )));
        }
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
        String::from_utf16(&units)
            .map_err(|_| WbdError::invalid(format!("{what} is not valid UTF-16 text")))
    };
    let utf8 = |bytes: &[u8]| {
        std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
            WbdError::invalid(format!(
                "{what} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8, or UTF-16 with a byte order mark",
                e.valid_up_to()
            ))
        })
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => utf8(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn decodes_boms_and_rejects_garbage() {
        assert_eq!(decode_text(b"\xEF\xBB\xBF<a/>", "f").as_deref(), Ok("<a/>"));
        assert_eq!(
            decode_text(&[0xFF, 0xFE, b'<', 0, b'a', 0, b'/', 0, b'>', 0], "f").as_deref(),
            Ok("<a/>")
        );
        assert_eq!(decode_text(&[0xFE, 0xFF, 0, b'a'], "f").as_deref(), Ok("a"));
        assert!(decode_text(&[0xC3, 0x28], "f").is_err());
        let odd = decode_text(&[0xFF, 0xFE, b'a'], "snapshot 'x'").expect_err("odd length");
        assert!(odd.message.starts_with("snapshot 'x'"), "{}", odd.message);
    }

    #[test]
    fn every_encoding_gives_the_same_text() {
        let text = "{\"ComputerName\": \"SYNC01 – ü\"}";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend(text.as_bytes());
        for bytes in [text.as_bytes().to_vec(), bom8, le, be] {
            assert_eq!(decode_text(&bytes, "t").expect("decodes"), text);
        }
    }

    #[test]
    fn bad_text_is_named() {
        let e = decode_text(&[b'{', 0xC3, 0x28], "f.json").expect_err("bad utf-8");
        assert!(e.message.contains("not UTF-8"), "{}", e.message);
        let e = decode_text(&[0xFF, 0xFE, b'{'], "f.json").expect_err("odd utf-16");
        assert!(e.message.contains("odd number"), "{}", e.message);
    }
}
