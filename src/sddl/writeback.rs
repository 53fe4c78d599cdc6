//! The rights password writeback needs, where each is checked, and how much a
//! missing one matters.
//!
//! Reset Password, Write lockoutTime and Write pwdLastSet on descendant user objects,
//! Unexpire Password on each domain root: "Tutorial: Enable SSPR writeback" and
//! "Microsoft Entra Connect: Configure AD DS Connector Account Permissions" (via
//! `writeback-facts.md` §3.1–3.2, read 2026-12-02). The tutorial also lists Change
//! Password. `Set-ADSyncPasswordWritebackPermissions` grants neither Change Password
//! nor Unexpire Password.

use super::evaluate::Right;

/// Where a right has to be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    /// On each user object (inherited from the domain root or an OU).
    UserObject,
    /// On the domain root object (domainDNS).
    DomainRoot,
}

/// How a missing right is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Writeback fails without it.
    Fail,
    /// Microsoft's pages disagree on whether it is needed.
    Warning,
}

/// One right password writeback needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WritebackRight {
    /// The right.
    pub right: Right,
    /// The object it must be held on.
    pub holder: Holder,
    /// How a missing right is reported.
    pub severity: Severity,
    /// Why, for a Warning; empty for a Fail.
    pub note: &'static str,
}

/// Why a missing Unexpire Password is only a Warning.
pub const UNEXPIRE_NOTE: &str = "Microsoft's pages disagree on Unexpire Password: the SSPR writeback tutorial lists it on the domain root, Set-ADSyncPasswordWritebackPermissions does not grant it, and password resets are reported to work without it.";

/// The five rights, in the order messages list them.
///
/// ```
/// use writeback_diagnostics::sddl::{writeback_rights, Severity};
/// let all = writeback_rights();
/// assert_eq!(all.len(), 5);
/// assert_eq!(all.iter().filter(|r| r.severity == Severity::Warning).count(), 1);
/// ```
pub fn writeback_rights() -> [WritebackRight; 5] {
    let fail = |right| WritebackRight {
        right,
        holder: Holder::UserObject,
        severity: Severity::Fail,
        note: "",
    };
    [
        fail(Right::RESET_PASSWORD),
        fail(Right::CHANGE_PASSWORD),
        fail(Right::WRITE_LOCKOUT_TIME),
        fail(Right::WRITE_PWD_LAST_SET),
        WritebackRight {
            right: Right::UNEXPIRE_PASSWORD,
            holder: Holder::DomainRoot,
            severity: Severity::Warning,
            note: UNEXPIRE_NOTE,
        },
    ]
}
