//! Security descriptors in SDDL: one parser for every rule that reads them
//! (RestrictRemoteSam, the connector account's rights on AD objects), and an
//! effective-rights evaluator for AD objects.
//!
//! The binary form LDAP returns for `nTSecurityDescriptor` is read by [`from_binary`]
//! into the same [`SecurityDescriptor`]. It is the self-relative SECURITY_DESCRIPTOR
//! of [MS-DTYP] 2.4.6: a 20-byte header (revision 1, Control flags such as
//! SE_DACL_PRESENT 0x0004, SE_DACL_AUTO_INHERITED 0x0400, SE_DACL_PROTECTED 0x1000,
//! SE_SELF_RELATIVE 0x8000, then the offsets of owner, group, SACL and DACL), ACLs
//! of 2.4.5 (an 8-byte header with AclSize and AceCount, then the ACEs), ACEs of
//! 2.4.4 (type, flags and size, the mask; object ACEs add flags and up to two GUIDs
//! in the mixed-endian layout of 2.3.4.2), and SIDs of 2.4.2.2. Source:
//! <https://learn.microsoft.com/openspecs/windows_protocols/ms-dtyp/7d4dac05-9cef-4563-a058-f108abecce1d>
//! (read 2026-12-02).
//!
//! ```
//! use writeback_diagnostics::sddl::{self, rights, Domains, Outcome, Right, Sid, Token};
//! let domain = Sid::parse("S-1-5-21-1-2-3").expect("sid");
//! let root = sddl::parse(
//!     "O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)(A;;GA;;;DA)",
//! ).expect("sddl");
//! // What a new user below the domain root gets, and what that means for the connector:
//! let user = sddl::child_descriptor(&root, rights::CLASS_USER, &[], false);
//! let connector = Token::authenticated(domain.with_rid(1105).expect("rid"), &[]);
//! let v = sddl::effective(&user, rights::CLASS_USER, &connector, Some(&Domains::single(domain)), &Right::RESET_PASSWORD);
//! assert_eq!(v.outcome, Outcome::Granted);
//! ```

mod ace;
mod binary;
mod error;
mod evaluate;
mod hex;
mod inherit;
mod pair;
mod parse;
mod quick;
pub mod rights;
mod sid;
mod token;
mod writeback;

pub use ace::{Ace, AceFlags, AceType, AclFlags, SecurityDescriptor};
pub use binary::{from_binary, MAX_BINARY_LEN};
pub use error::SddlError;
pub use evaluate::{applies_to, effective, Access, Decider, Outcome, Right, Verdict};
pub use inherit::{child_descriptor, inherit};
pub use parse::{parse, parse_ace, MAX_DEPTH, MAX_LEN};
pub use sid::{trustee_name, Domains, Sid, Trustee};
pub use token::Token;
pub use writeback::{writeback_rights, Holder, Severity, WritebackRight, UNEXPIRE_NOTE};
