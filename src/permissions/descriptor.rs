//! A descriptor object of the snapshot (`Sddl` or `SecurityDescriptor`) to a parsed
//! [`SecurityDescriptor`]: the one place either form is decoded.

use base64::Engine;

use crate::error::WbdError;
use crate::sddl::{self, SecurityDescriptor};
use crate::snapshot::permissions::DescriptorText;

/// Parses a descriptor as the collector passed it: SDDL through [`sddl::parse`], base64
/// of the binary `nTSecurityDescriptor` through the binary reader. Errors are
/// `InvalidInput` naming `what`.
pub fn decode(text: &DescriptorText, what: &str) -> Result<SecurityDescriptor, WbdError> {
    match text {
        DescriptorText::Sddl(s) => {
            sddl::parse(s.trim()).map_err(|e| WbdError::invalid(format!("{what}: {e}")))
        }
        DescriptorText::Binary(b64) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    WbdError::invalid(format!("{what}: SecurityDescriptor is not base64: {e}"))
                })?;
            from_binary(&bytes, what)
        }
    }
}

/// The binary form, read by [`sddl::from_binary`] (MS-DTYP 2.4.6 self-relative layout).
fn from_binary(bytes: &[u8], what: &str) -> Result<SecurityDescriptor, WbdError> {
    sddl::from_binary(bytes).map_err(|e| WbdError::invalid(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sddl_and_binary_parse_and_bad_input_names_the_descriptor() {
        let sd = decode(&DescriptorText::Sddl(" D:P(A;;GA;;;DA) ".into()), "Root").expect("sddl");
        assert!(sd.is_protected());
        let e = decode(&DescriptorText::Sddl("D:(A;;XX;;;WD)".into()), "Root").expect_err("bad");
        assert!(
            e.message.starts_with("Root: SDDL: expected"),
            "{}",
            e.message
        );
        // A four-byte header cannot hold a descriptor: refused, naming the descriptor.
        let e = decode(&DescriptorText::Binary("AQAEjA==".into()), "Root").expect_err("binary");
        assert!(e.message.starts_with("Root: "), "{}", e.message);
        // O:BA, D:P with one ACE (A;;GA;;;DA)-like allow for BA, self-relative.
        let mut sd = vec![1u8, 0, 0x04, 0x90]; // revision, sbz1, control DACL_PRESENT|DACL_PROTECTED|SELF_RELATIVE
        let owner: [u8; 16] = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0];
        let ace_len = 8 + owner.len();
        let acl_len = 8 + ace_len;
        sd.extend_from_slice(&20u32.to_le_bytes()); // owner
        sd.extend_from_slice(&0u32.to_le_bytes()); // group
        sd.extend_from_slice(&0u32.to_le_bytes()); // sacl
        sd.extend_from_slice(&36u32.to_le_bytes()); // dacl
        sd.extend_from_slice(&owner);
        sd.extend_from_slice(&[2, 0]);
        sd.extend_from_slice(&(acl_len as u16).to_le_bytes());
        sd.extend_from_slice(&1u16.to_le_bytes());
        sd.extend_from_slice(&[0, 0]);
        sd.extend_from_slice(&[0, 0]);
        sd.extend_from_slice(&(ace_len as u16).to_le_bytes());
        sd.extend_from_slice(&0x1000_0000u32.to_le_bytes()); // GENERIC_ALL
        sd.extend_from_slice(&owner);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&sd);
        let parsed = decode(&DescriptorText::Binary(b64), "Root").expect("binary descriptor");
        assert!(parsed.is_protected());
        assert_eq!(parsed.aces().len(), 1);
        let e = decode(&DescriptorText::Binary("%%%".into()), "Root").expect_err("not b64");
        assert!(e.message.contains("not base64"), "{}", e.message);
    }
}
