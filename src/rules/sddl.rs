//! Just enough SDDL to answer one question: does a `RestrictRemoteSam` security
//! descriptor let a given account make remote calls to SAM? The policy grants the
//! "Remote Access" right as `RC` (READ_CONTROL) in allow ACEs of the DACL.

/// One access control entry of a DACL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ace {
    /// True for an allow ACE, false for a deny ACE.
    pub allow: bool,
    /// The rights field as written (`RC`, `GA`, `0x20000`, ...).
    pub rights: String,
    /// The trustee: a SID (upper case) or a two-letter alias.
    pub trustee: String,
}

impl Ace {
    /// True when the rights include READ_CONTROL (directly or through GA/GR).
    pub fn grants_remote_access(&self) -> bool {
        const READ_CONTROL: u64 = 0x0002_0000;
        const GENERIC_ALL: u64 = 0x1000_0000;
        const GENERIC_READ: u64 = 0x8000_0000;
        let r = self.rights.trim();
        if let Some(hex) = r.strip_prefix("0x").or_else(|| r.strip_prefix("0X")) {
            return u64::from_str_radix(hex, 16)
                .is_ok_and(|m| m & (READ_CONTROL | GENERIC_ALL | GENERIC_READ) != 0);
        }
        let bytes = r.as_bytes();
        bytes
            .chunks(2)
            .any(|c| matches!(c, b"RC" | b"GA" | b"GR" | b"rc" | b"ga" | b"gr"))
    }
}

/// The ACEs of the DACL (`D:` component); `None` when the text is not SDDL.
pub fn parse_dacl(sddl: &str) -> Option<Vec<Ace>> {
    let text = sddl.trim();
    let start = component_start(text, 'D')?;
    let mut rest = &text[start + 2..];
    let mut aces = Vec::new();
    // Skip DACL flags (P, AI, AR, NO_ACCESS_CONTROL) up to the first ACE.
    let first = rest.find('(').unwrap_or(rest.len());
    rest = &rest[first..];
    while let Some(body) = rest.strip_prefix('(') {
        let close = body.find(')')?;
        let fields: Vec<&str> = body[..close].split(';').collect();
        if fields.len() < 6 {
            return None;
        }
        let allow = match fields[0].trim().to_ascii_uppercase().as_str() {
            "A" | "OA" | "XA" => true,
            "D" | "OD" | "XD" => false,
            _ => return None,
        };
        aces.push(Ace {
            allow,
            rights: fields[2].trim().to_string(),
            trustee: fields[5].trim().to_ascii_uppercase(),
        });
        rest = &body[close + 1..];
        if rest.starts_with("S:") || rest.is_empty() {
            break;
        }
    }
    Some(aces)
}

/// Index of `X:` (X = O, G, D, S) outside any parentheses.
fn component_start(text: &str, which: char) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && c == which && bytes.get(i + 1) == Some(&b':') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The SID an SDDL alias stands for; domain-relative aliases need the domain SID.
pub fn alias_sid(alias: &str, domain_sid: Option<&str>) -> Option<String> {
    let fixed = match alias {
        "WD" => "S-1-1-0",
        "AN" => "S-1-5-7",
        "AU" => "S-1-5-11",
        "NU" => "S-1-5-2",
        "IU" => "S-1-5-4",
        "SY" => "S-1-5-18",
        "LS" => "S-1-5-19",
        "NS" => "S-1-5-20",
        "BA" => "S-1-5-32-544",
        "BU" => "S-1-5-32-545",
        "BG" => "S-1-5-32-546",
        "PU" => "S-1-5-32-547",
        "AO" => "S-1-5-32-548",
        "SO" => "S-1-5-32-549",
        "PO" => "S-1-5-32-550",
        "BO" => "S-1-5-32-551",
        "RU" => "S-1-5-32-554",
        "ED" => "S-1-5-9",
        _ => "",
    };
    if !fixed.is_empty() {
        return Some(fixed.to_string());
    }
    let rid = match alias {
        "LA" => "500",
        "LG" => "501",
        "DA" => "512",
        "DU" => "513",
        "DG" => "514",
        "DC" => "515",
        "DD" => "516",
        "CA" => "517",
        _ => return None,
    };
    domain_sid.map(|d| format!("{d}-{rid}"))
}

/// A readable name for a trustee: `BUILTIN\Administrators (BA)`, or the SID as is.
pub fn trustee_name(trustee: &str) -> String {
    let name = match trustee {
        "BA" => "BUILTIN\\Administrators",
        "BU" => "BUILTIN\\Users",
        "WD" => "Everyone",
        "AU" => "Authenticated Users",
        "NU" => "NETWORK",
        "SY" => "SYSTEM",
        "DA" => "Domain Admins",
        "DU" => "Domain Users",
        "DC" => "Domain Computers",
        "DD" => "Domain Controllers",
        "ED" => "Enterprise Domain Controllers",
        "RU" => "Pre-Windows 2000 Compatible Access",
        "AN" => "ANONYMOUS LOGON",
        _ => return trustee.to_string(),
    };
    format!("{name} ({trustee})")
}

/// How a descriptor treats an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// An allow ACE matches; the trustee that matched.
    Allowed(String),
    /// A deny ACE matches; the trustee that matched.
    Denied(String),
    /// No ACE grants the right to any SID of the account.
    NotListed,
}

/// Evaluates the DACL for an account whose token holds `sids` (upper case).
pub fn access(aces: &[Ace], sids: &[String], domain_sid: Option<&str>) -> Access {
    let matches = |ace: &Ace| -> bool {
        let sid = if ace.trustee.starts_with("S-") {
            Some(ace.trustee.clone())
        } else {
            alias_sid(&ace.trustee, domain_sid)
        };
        sid.is_some_and(|s| sids.iter().any(|t| t.eq_ignore_ascii_case(&s)))
    };
    if let Some(d) = aces
        .iter()
        .find(|a| !a.allow && a.grants_remote_access() && matches(a))
    {
        return Access::Denied(d.trustee.clone());
    }
    match aces
        .iter()
        .find(|a| a.allow && a.grants_remote_access() && matches(a))
    {
        Some(a) => Access::Allowed(a.trustee.clone()),
        None => Access::NotListed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_default_policy_value() {
        let aces = parse_dacl("O:BAG:BAD:(A;;RC;;;BA)").expect("sddl");
        assert_eq!(
            aces,
            vec![Ace {
                allow: true,
                rights: "RC".into(),
                trustee: "BA".into()
            }]
        );
        let aces = parse_dacl("O:BAG:BAD:P(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1105)(D;;RC;;;AN)")
            .expect("sddl");
        assert_eq!(aces.len(), 3);
        assert!(!aces[2].allow);
        assert!(parse_dacl("not sddl").is_none());
        assert!(parse_dacl("O:BAG:BAD:(A;;RC)").is_none());
    }

    #[test]
    fn decides_access_for_an_account() {
        let acct = vec![
            "S-1-5-21-1-2-3-1105".to_string(),
            "S-1-5-21-1-2-3-513".to_string(),
            "S-1-5-11".to_string(),
        ];
        let dom = Some("S-1-5-21-1-2-3");
        let eval = |s: &str| access(&parse_dacl(s).expect("sddl"), &acct, dom);
        assert_eq!(eval("O:BAG:BAD:(A;;RC;;;BA)"), Access::NotListed);
        assert_eq!(
            eval("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1105)"),
            Access::Allowed("S-1-5-21-1-2-3-1105".into())
        );
        assert_eq!(eval("O:BAG:BAD:(A;;RC;;;DU)"), Access::Allowed("DU".into()));
        assert_eq!(
            eval("O:BAG:BAD:(A;;RC;;;AU)(D;;RC;;;S-1-5-21-1-2-3-1105)"),
            Access::Denied("S-1-5-21-1-2-3-1105".into())
        );
        assert_eq!(
            eval("O:BAG:BAD:(A;;0x20000;;;AU)"),
            Access::Allowed("AU".into())
        );
        assert_eq!(eval("O:BAG:BAD:(A;;WD;;;AU)"), Access::NotListed);
        assert_eq!(trustee_name("BA"), "BUILTIN\\Administrators (BA)");
        assert_eq!(trustee_name("S-1-5-21-1-2-3-4"), "S-1-5-21-1-2-3-4");
    }
}
