//! The SIDs an account's access token holds.

use super::sid::{self, Sid};

/// The SIDs of a logon token: the account, its groups and the well-known SIDs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Token {
    sids: Vec<Sid>,
}

impl Token {
    /// A token holding exactly `sids`.
    pub fn new(sids: Vec<Sid>) -> Token {
        let mut t = Token { sids: Vec::new() };
        for s in sids {
            t.add(s);
        }
        t
    }

    /// The token of an account's network logon (an LDAP bind): its SID, its groups
    /// (tokenGroups: transitive, with the primary group), and the SIDs every such
    /// token carries: Everyone (S-1-1-0), Authenticated Users (S-1-5-11), NETWORK
    /// (S-1-5-2) and This Organization (S-1-5-15) ("Well-known SIDs",
    /// <https://learn.microsoft.com/windows/win32/secauthz/well-known-sids>, read
    /// 2026-12-02). SELF (PS) is not in it: it stands for the object itself, and the
    /// connector account is not the user it resets.
    ///
    /// ```
    /// use writeback_diagnostics::sddl::{Sid, Token};
    /// let user = Sid::parse("S-1-5-21-1-2-3-1105").expect("sid");
    /// let users = Sid::parse("S-1-5-21-1-2-3-513").expect("sid");
    /// let token = Token::authenticated(user, &[users]);
    /// assert!(token.contains(&Sid::parse("S-1-5-11").expect("sid")));
    /// ```
    pub fn authenticated(user: Sid, groups: &[Sid]) -> Token {
        let mut t = Token::new(vec![user]);
        for g in groups {
            t.add(*g);
        }
        for w in [
            sid::EVERYONE,
            sid::AUTHENTICATED_USERS,
            sid::NETWORK,
            sid::THIS_ORGANIZATION,
        ] {
            if let Some(s) = Sid::parse(w) {
                t.add(s);
            }
        }
        t
    }

    /// Adds a SID unless it is already there.
    pub fn add(&mut self, sid: Sid) {
        if !self.sids.contains(&sid) {
            self.sids.push(sid);
        }
    }

    /// True when the token holds `sid`.
    pub fn contains(&self, sid: &Sid) -> bool {
        self.sids.contains(sid)
    }

    /// The SIDs, the account's first.
    pub fn sids(&self) -> &[Sid] {
        &self.sids
    }
}
