//! Security descriptors in SDDL: one parser for every rule that reads them
//! (RestrictRemoteSam, the connector account's rights on AD objects), and an
//! effective-rights evaluator for AD objects.
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
pub use error::SddlError;
pub use evaluate::{applies_to, effective, Access, Decider, Outcome, Right, Verdict};
pub use inherit::{child_descriptor, inherit};
pub use parse::{parse, parse_ace, MAX_DEPTH, MAX_LEN};
pub use sid::{trustee_name, Domains, Sid, Trustee};
pub use token::Token;
pub use writeback::{writeback_rights, Holder, Severity, WritebackRight, UNEXPIRE_NOTE};
