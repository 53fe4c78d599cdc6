//! Security identifiers and the two-letter SDDL aliases for them.
//!
//! Alias table: "SID Strings",
//! <https://learn.microsoft.com/windows/win32/secauthz/sid-strings> (read 2026-12-02);
//! the SIDs: "Well-known SIDs",
//! <https://learn.microsoft.com/windows/win32/secauthz/well-known-sids> (read 2026-12-02).

use std::fmt;

use super::pair;

/// A SID (`S-1-5-21-...`), stored without allocation (at most 15 sub-authorities,
/// SID_MAX_SUB_AUTHORITIES in "SID structure").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sid {
    revision: u8,
    authority: u64,
    len: u8,
    sub: [u32; 15],
}

impl Sid {
    /// `S-1-<authority>-<subs...>`; at most 15 sub-authorities (more are dropped).
    pub const fn new(authority: u64, subs: &[u32]) -> Sid {
        let mut sid = Sid {
            revision: 1,
            authority,
            len: 0,
            sub: [0; 15],
        };
        let mut i = 0;
        while i < subs.len() && i < 15 {
            sid.sub[i] = subs[i];
            i += 1;
        }
        sid.len = i as u8;
        sid
    }

    /// Parses `S-R-I-S1-S2...` (case-insensitive `S`); `None` for anything else.
    ///
    /// ```
    /// use writeback_diagnostics::sddl::Sid;
    /// let sid = Sid::parse("S-1-5-21-1-2-3-1105").expect("sid");
    /// assert_eq!(sid.to_string(), "S-1-5-21-1-2-3-1105");
    /// assert_eq!(sid.rid(), Some(1105));
    /// ```
    pub fn parse(text: &str) -> Option<Sid> {
        Sid::parse_prefix(text.as_bytes()).and_then(|(sid, n)| (n == text.len()).then_some(sid))
    }

    /// The SID string at the start of `b` and its length: `S-R-I` and each `-S` that
    /// follows, up to the first byte that continues none of them.
    pub(crate) fn parse_prefix(b: &[u8]) -> Option<(Sid, usize)> {
        if !matches!(b, [b'S' | b's', b'-', ..]) {
            return None;
        }
        let mut at = 2;
        let revision: u8 = number(b, &mut at)?.try_into().ok()?;
        if b.get(at) != Some(&b'-') {
            return None;
        }
        at += 1;
        let authority = number(b, &mut at)?;
        if authority >= 1 << 48 {
            return None;
        }
        let mut sid = Sid {
            revision,
            authority,
            len: 0,
            sub: [0; 15],
        };
        while b.get(at) == Some(&b'-') {
            at += 1;
            let v: u32 = number(b, &mut at)?.try_into().ok()?;
            sid.push(v)?;
        }
        Some((sid, at))
    }

    fn push(&mut self, rid: u32) -> Option<()> {
        let slot = self.sub.get_mut(self.len as usize)?;
        *slot = rid;
        self.len += 1;
        Some(())
    }

    /// This SID with one more sub-authority (a domain SID plus a RID).
    pub fn with_rid(&self, rid: u32) -> Option<Sid> {
        let mut s = *self;
        s.push(rid)?;
        Some(s)
    }

    /// The last sub-authority.
    pub fn rid(&self) -> Option<u32> {
        self.subs().last().copied()
    }

    /// The sub-authorities.
    pub fn subs(&self) -> &[u32] {
        &self.sub[..self.len as usize]
    }

    /// The SID without its last sub-authority (a user's or group's domain SID).
    pub fn domain(&self) -> Option<Sid> {
        let mut s = *self;
        s.len = s.len.checked_sub(1)?;
        s.sub[s.len as usize] = 0;
        Some(s)
    }
}

/// The decimal number of at most 20 digits at `b[*at..]`, up to the next non-digit;
/// `*at` moves past it. `None` when there is no digit, more than 20, or it overflows.
fn number(b: &[u8], at: &mut usize) -> Option<u64> {
    let start = *at;
    let mut v: u64 = 0;
    while let Some(d) = b.get(*at).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
        // Nineteen digits never overflow; the checks matter only for a twentieth.
        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        *at += 1;
    }
    match *at - start {
        0 => None,
        1..=19 => Some(v),
        20 => b.get(start..*at)?.iter().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(u64::from(c - b'0'))
        }),
        _ => None,
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S-{}-{}", self.revision, self.authority)?;
        for s in self.subs() {
            write!(f, "-{s}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sid({self})")
    }
}

/// The domain SIDs that domain-relative aliases (`DA`, `EA`, ...) need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Domains {
    /// The SID of the domain the descriptor lives in (`DA` = this + 512).
    pub domain: Sid,
    /// The forest root domain's SID (`EA`, `SA`, `RO`); the same as `domain` when unset.
    pub root: Option<Sid>,
}

impl Domains {
    /// One domain that is also the forest root.
    pub fn single(domain: Sid) -> Self {
        Domains { domain, root: None }
    }
}

/// The trustee of an ACE (or the owner/group of a descriptor) as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trustee {
    /// A two-letter alias such as `BA` (upper case).
    Alias([u8; 2]),
    /// A literal SID.
    Sid(Sid),
}

impl Trustee {
    /// Parses a SID string or a known alias (case-insensitive).
    pub fn parse(text: &str) -> Option<Trustee> {
        if let &[x, y] = text.as_bytes() {
            return Trustee::from_alias(x, y);
        }
        Sid::parse(text).map(Trustee::Sid)
    }

    /// The alias spelt by two letters (either case), if it is a known one.
    pub(crate) fn from_alias(x: u8, y: u8) -> Option<Trustee> {
        let up = [x.to_ascii_uppercase(), y.to_ascii_uppercase()];
        alias_index(&up).map(|_| Trustee::Alias(up))
    }

    /// The trustee for a SID as Windows writes it in SDDL: the alias of a well-known
    /// SID that needs no domain (`S-1-5-32-544` is `BA`), else the SID itself
    /// (domain-relative aliases such as `DA` need a domain this does not know).
    ///
    /// ```
    /// use writeback_diagnostics::sddl::{Sid, Trustee};
    /// let ba = Sid::parse("S-1-5-32-544").expect("sid");
    /// assert_eq!(Trustee::from_sid(ba).alias(), Some("BA"));
    /// let user = Sid::parse("S-1-5-21-1-2-3-512").expect("sid");
    /// assert_eq!(Trustee::from_sid(user), Trustee::Sid(user));
    /// ```
    pub fn from_sid(sid: Sid) -> Trustee {
        ALIASES
            .iter()
            .find_map(|(alias, target)| match (target, alias.as_bytes()) {
                (Target::Fixed(s), &[x, y]) if *s == sid => Some(Trustee::Alias([x, y])),
                _ => None,
            })
            .unwrap_or(Trustee::Sid(sid))
    }

    /// The alias text (`BA`), or `None` for a literal SID.
    pub fn alias(&self) -> Option<&str> {
        match self {
            Trustee::Alias(a) => std::str::from_utf8(a).ok(),
            Trustee::Sid(_) => None,
        }
    }

    /// The SID this trustee stands for; a domain-relative alias needs `domains`.
    pub fn resolve(&self, domains: Option<&Domains>) -> Option<Sid> {
        match self {
            Trustee::Sid(s) => Some(*s),
            Trustee::Alias(a) => {
                let (_, target) = ALIASES.get(alias_index(a)?)?;
                match target {
                    Target::Fixed(s) => Some(*s),
                    Target::Domain(rid) => domains?.domain.with_rid(*rid),
                    Target::Root(rid) => {
                        let d = domains?;
                        d.root.unwrap_or(d.domain).with_rid(*rid)
                    }
                }
            }
        }
    }
}

impl fmt::Display for Trustee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trustee::Alias(_) => f.write_str(self.alias().unwrap_or("??")),
            Trustee::Sid(s) => write!(f, "{s}"),
        }
    }
}

enum Target {
    Fixed(Sid),
    /// RID in the object's domain.
    Domain(u32),
    /// RID in the forest root domain.
    Root(u32),
}

/// Position of an alias (either case) in [`ALIASES`].
fn alias_index(alias: &[u8; 2]) -> Option<usize> {
    let slot = pair::index(alias[0], alias[1])?;
    let i = *ALIAS_SLOTS.get(slot)?;
    (i != 0).then(|| usize::from(i) - 1)
}

/// 1 + the position in [`ALIASES`] of the alias in each [`pair::index`] slot, 0 for none.
const ALIAS_SLOTS: [u8; pair::SLOTS] = {
    let mut t = [0; pair::SLOTS];
    let mut i = 0;
    while i < ALIASES.len() {
        t[pair::const_index(ALIASES[i].0)] = i as u8 + 1;
        i += 1;
    }
    t
};

/// "SID Strings" aliases with the SIDs "Well-known SIDs" gives them, sorted by alias.
const ALIASES: &[(&str, Target)] = &[
    ("AA", Target::Fixed(Sid::new(5, &[32, 579]))),
    ("AC", Target::Fixed(Sid::new(15, &[2, 1]))),
    ("AN", Target::Fixed(Sid::new(5, &[7]))),
    ("AO", Target::Fixed(Sid::new(5, &[32, 548]))),
    ("AP", Target::Domain(525)),
    ("AU", Target::Fixed(Sid::new(5, &[11]))),
    ("BA", Target::Fixed(Sid::new(5, &[32, 544]))),
    ("BG", Target::Fixed(Sid::new(5, &[32, 546]))),
    ("BO", Target::Fixed(Sid::new(5, &[32, 551]))),
    ("BU", Target::Fixed(Sid::new(5, &[32, 545]))),
    ("CA", Target::Domain(517)),
    ("CD", Target::Fixed(Sid::new(5, &[32, 574]))),
    ("CG", Target::Fixed(Sid::new(3, &[1]))),
    ("CN", Target::Domain(522)),
    ("CO", Target::Fixed(Sid::new(3, &[0]))),
    ("CY", Target::Fixed(Sid::new(5, &[32, 569]))),
    ("DA", Target::Domain(512)),
    ("DC", Target::Domain(515)),
    ("DD", Target::Domain(516)),
    ("DG", Target::Domain(514)),
    ("DU", Target::Domain(513)),
    ("EA", Target::Root(519)),
    ("ED", Target::Fixed(Sid::new(5, &[9]))),
    ("EK", Target::Root(527)),
    ("ER", Target::Fixed(Sid::new(5, &[32, 573]))),
    ("ES", Target::Fixed(Sid::new(5, &[32, 576]))),
    ("HA", Target::Fixed(Sid::new(5, &[32, 578]))),
    ("HI", Target::Fixed(Sid::new(16, &[12288]))),
    ("IS", Target::Fixed(Sid::new(5, &[32, 568]))),
    ("IU", Target::Fixed(Sid::new(5, &[4]))),
    ("KA", Target::Domain(526)),
    ("LA", Target::Domain(500)),
    ("LG", Target::Domain(501)),
    ("LS", Target::Fixed(Sid::new(5, &[19]))),
    ("LU", Target::Fixed(Sid::new(5, &[32, 559]))),
    ("LW", Target::Fixed(Sid::new(16, &[4096]))),
    ("ME", Target::Fixed(Sid::new(16, &[8192]))),
    ("MP", Target::Fixed(Sid::new(16, &[8448]))),
    ("MU", Target::Fixed(Sid::new(5, &[32, 558]))),
    ("NO", Target::Fixed(Sid::new(5, &[32, 556]))),
    ("NS", Target::Fixed(Sid::new(5, &[20]))),
    ("NU", Target::Fixed(Sid::new(5, &[2]))),
    ("OW", Target::Fixed(Sid::new(3, &[4]))),
    ("PA", Target::Domain(520)),
    ("PO", Target::Fixed(Sid::new(5, &[32, 550]))),
    ("PS", Target::Fixed(Sid::new(5, &[10]))),
    ("PU", Target::Fixed(Sid::new(5, &[32, 547]))),
    ("RA", Target::Fixed(Sid::new(5, &[32, 575]))),
    ("RC", Target::Fixed(Sid::new(5, &[12]))),
    ("RD", Target::Fixed(Sid::new(5, &[32, 555]))),
    ("RE", Target::Fixed(Sid::new(5, &[32, 552]))),
    ("RM", Target::Fixed(Sid::new(5, &[32, 580]))),
    ("RO", Target::Root(498)),
    ("RS", Target::Domain(553)),
    ("RU", Target::Fixed(Sid::new(5, &[32, 554]))),
    ("SA", Target::Root(518)),
    ("SI", Target::Fixed(Sid::new(16, &[16384]))),
    ("SO", Target::Fixed(Sid::new(5, &[32, 549]))),
    ("SS", Target::Fixed(Sid::new(18, &[2]))),
    ("SU", Target::Fixed(Sid::new(5, &[6]))),
    ("SY", Target::Fixed(Sid::new(5, &[18]))),
    ("UD", Target::Fixed(Sid::new(5, &[84, 0, 0, 0, 0, 0]))),
    ("WD", Target::Fixed(Sid::new(1, &[0]))),
    ("WR", Target::Fixed(Sid::new(5, &[33]))),
];

/// Everyone (S-1-1-0), in every token ("Well-known SIDs").
pub const EVERYONE: &str = "S-1-1-0";
/// Authenticated Users (S-1-5-11), in every token of an authenticated logon.
pub const AUTHENTICATED_USERS: &str = "S-1-5-11";
/// NETWORK (S-1-5-2), in every token of a network logon (an LDAP bind).
pub const NETWORK: &str = "S-1-5-2";
/// This Organization (S-1-5-15), added to tokens of accounts of the same forest.
pub const THIS_ORGANIZATION: &str = "S-1-5-15";

/// A readable name for a trustee: `BUILTIN\Administrators (BA)`, or the SID as is.
pub fn trustee_name(trustee: &str) -> String {
    let name = match trustee {
        "BA" => "BUILTIN\\Administrators",
        "BU" => "BUILTIN\\Users",
        "WD" => "Everyone",
        "AU" => "Authenticated Users",
        "NU" => "NETWORK",
        "SY" => "SYSTEM",
        "PS" => "SELF",
        "DA" => "Domain Admins",
        "EA" => "Enterprise Admins",
        "DU" => "Domain Users",
        "DC" => "Domain Computers",
        "DD" => "Domain Controllers",
        "ED" => "Enterprise Domain Controllers",
        "RU" => "Pre-Windows 2000 Compatible Access",
        "AO" => "Account Operators",
        "AN" => "ANONYMOUS LOGON",
        _ => return trustee.to_string(),
    };
    format!("{name} ({trustee})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(s: &str) -> Sid {
        Sid::parse(s).expect("sid")
    }

    #[test]
    fn sids_parse_and_refuse() {
        assert_eq!(sid("s-1-5-32-544").to_string(), "S-1-5-32-544");
        assert_eq!(
            sid("S-1-5-21-1-2-3").with_rid(512),
            Some(sid("S-1-5-21-1-2-3-512"))
        );
        assert_eq!(
            sid("S-1-5-21-1-2-3-512").domain(),
            Some(sid("S-1-5-21-1-2-3"))
        );
        assert_eq!(number(b"18446744073709551615", &mut 0), Some(u64::MAX));
        assert_eq!(number(b"18446744073709551616", &mut 0), None);
        assert_eq!(number(b"00000000000000000001", &mut 0), Some(1));
        assert_eq!(number(b"000000000000000000001", &mut 0), None);
        let mut at = 2;
        assert_eq!(number(b"x-42-", &mut at), Some(42));
        assert_eq!(at, 4);
        for bad in [
            "S-1",
            "S-1-",
            "S-1-5-x",
            "S-1-5--1",
            "X-1-5",
            "S-1-5-4294967296",
            "S-1-281474976710656",
        ] {
            assert_eq!(Sid::parse(bad), None, "{bad}");
        }
        let long = format!("S-1-5{}", "-1".repeat(15));
        assert!(Sid::parse(&long).is_some());
        assert_eq!(Sid::parse(&format!("{long}-1")), None);
    }

    #[test]
    fn aliases_resolve_with_and_without_the_domain() {
        let d = Domains::single(sid("S-1-5-21-1-2-3"));
        let t = |a: &str| Trustee::parse(a).expect("alias");
        assert_eq!(t("WD").resolve(None), Some(sid("S-1-1-0")));
        assert_eq!(t("au").resolve(None), Some(sid("S-1-5-11")));
        assert_eq!(t("RU").resolve(None), Some(sid("S-1-5-32-554")));
        assert_eq!(t("DA").resolve(None), None);
        assert_eq!(t("DA").resolve(Some(&d)), Some(sid("S-1-5-21-1-2-3-512")));
        let forest = Domains {
            domain: sid("S-1-5-21-1-2-3"),
            root: Some(sid("S-1-5-21-9-9-9")),
        };
        assert_eq!(
            t("EA").resolve(Some(&forest)),
            Some(sid("S-1-5-21-9-9-9-519"))
        );
        assert_eq!(t("EA").resolve(Some(&d)), Some(sid("S-1-5-21-1-2-3-519")));
        assert_eq!(Trustee::parse("QQ"), None);
        assert_eq!(t("ps").to_string(), "PS");
        for (i, (alias, target)) in ALIASES.iter().enumerate() {
            let a = alias.as_bytes();
            assert_eq!(alias_index(&[a[0], a[1]]), Some(i), "{alias}");
            if let Target::Fixed(s) = target {
                assert_eq!(Sid::parse(&s.to_string()), Some(*s), "{alias}");
            }
        }
    }
}
