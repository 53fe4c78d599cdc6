//! Paste-ready commands that grant the connector account what is missing: the
//! `Set-ADSyncPasswordWritebackPermissions` cmdlet of ADSyncConfig ([ADDSACCT], facts
//! §3.2) and the `dsacls` lines the older ADSyncConfig copy used for the same grants
//! (`<acct>:CA;Reset Password;user`, facts §3.2), plus Change Password and Unexpire
//! Password, which the cmdlet does not grant.

use crate::sddl::Right;

/// The module path the AD DS connector account page gives.
pub const ADSYNCCONFIG: &str =
    r"C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1";

/// The connector account as the commands name it.
#[derive(Debug, Clone)]
pub struct Grantee {
    /// sAMAccountName.
    pub sam: String,
    /// The account's domain as the connector records it.
    pub domain: String,
}

/// Where the grant goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The domain root: inheritable ACEs for descendant users.
    Root(&'a str),
    /// An OU or container whose inheritance is disabled: inheritable ACEs there.
    Container(&'a str),
    /// One user object whose inheritance is disabled: ACEs on the object itself.
    User(&'a str),
}

impl Target<'_> {
    fn dn(&self) -> &str {
        match self {
            Target::Root(d) | Target::Container(d) | Target::User(d) => d,
        }
    }
}

/// `'text'` with single quotes doubled, for PowerShell.
pub fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn dsacls(target: &Target, who: &str, what: &str, class: bool) -> String {
    match target {
        Target::User(dn) => format!("dsacls \"{dn}\" /G \"{who}:{what}\""),
        _ if !class => format!("dsacls \"{}\" /G \"{who}:{what}\"", target.dn()),
        _ => format!("dsacls \"{}\" /I:S /G \"{who}:{what};user\"", target.dn()),
    }
}

/// The commands for the `missing` rights (by name) at `target`; `root` is the domain
/// root DN, where Unexpire Password goes. Empty when nothing is missing. A value with a
/// double quote gets no dsacls line (dsacls has no escape for it) and a note instead.
pub fn commands(who: &Grantee, target: Target, root: &str, missing: &[&str]) -> Vec<String> {
    let has = |r: &Right| missing.contains(&r.name);
    let three = [
        (Right::RESET_PASSWORD, "CA;Reset Password"),
        (Right::WRITE_LOCKOUT_TIME, "WP;lockoutTime"),
        (Right::WRITE_PWD_LAST_SET, "WP;pwdLastSet"),
    ];
    let mut out = Vec::new();
    let quoted = [
        &who.sam,
        &who.domain,
        &target.dn().to_string(),
        &root.to_string(),
    ]
    .iter()
    .any(|v| v.contains('"'));
    let account = format!("{}\\{}", who.domain, who.sam);
    if three.iter().any(|(r, _)| has(r)) {
        out.push(format!("Import-Module {}", ps_quote(ADSYNCCONFIG)));
        let object = match target {
            Target::Root(_) => String::new(),
            Target::Container(dn) | Target::User(dn) => format!(" -ADobjectDN {}", ps_quote(dn)),
        };
        out.push(format!(
            "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName {} -ADConnectorAccountDomain {}{object}",
            ps_quote(&who.sam),
            ps_quote(&who.domain)
        ));
        if !quoted {
            out.extend(
                three
                    .iter()
                    .map(|(_, w)| dsacls(&target, &account, w, true)),
            );
        }
    }
    if !quoted && has(&Right::CHANGE_PASSWORD) {
        out.push(dsacls(&target, &account, "CA;Change Password", true));
    }
    if !quoted && has(&Right::UNEXPIRE_PASSWORD) {
        out.push(dsacls(
            &Target::Root(root),
            &account,
            "CA;Unexpire Password",
            false,
        ));
    }
    out
}

/// The remediation text for `commands`: what to run and where.
pub fn text(commands: &[String], inheritance_off: Option<&str>) -> String {
    let mut s = String::from("Run on a machine with RSAT-AD-Tools as a Domain Admin of the domain (the cmdlet, or the dsacls lines that grant the same):\n");
    s.push_str(&commands.join("\n"));
    if !commands.iter().any(|c| c.starts_with("dsacls")) {
        s.push_str("\n(No dsacls lines: a name or DN contains a double quote, which dsacls cannot take; use the cmdlet or ADUC > Security > Advanced.)");
    }
    if let Some(dn) = inheritance_off {
        s.push_str(&format!("\nInheritance is disabled on {dn}; if that is not deliberate, turning it back on (dsacls \"{dn}\" /P:N, or ADUC > Security > Advanced > Enable inheritance) lets the domain root's grants reach it."));
    }
    s.push_str("\nPermissions can take an hour or more to replicate; protected accounts are re-stamped by SDProp.");
    s
}

/// The sentence for rights a deny ACE takes away: granting more does not help.
pub fn deny_note(checks: &[super::rights::Check]) -> Option<String> {
    let denies: Vec<String> = checks
        .iter()
        .filter(|c| c.verdict.outcome == crate::sddl::Outcome::Denied)
        .filter_map(|c| c.verdict.ace.as_ref().map(|a| a.text.clone()))
        .collect();
    (!denies.is_empty()).then(|| {
        format!(
            "A deny ACE takes rights away, and deny ACEs win over grants: remove {} where it is set (ADUC > Security > Advanced; an inherited one on the parent OU).",
            denies.join(", ")
        )
    })
}

/// What to do for a protected account instead of a fix.
pub const PROTECTED: &str = "By design, writeback cannot reset the password of an account that is or was in a protected group (adminCount=1): AdminSDHolder's ACL is stamped on it. Reset it on-premises (ADUC or Set-ADAccountPassword), or, if the account no longer needs to be privileged, remove it from the protected groups, clear adminCount and re-enable inheritance on it.";

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Grantee {
        Grantee {
            sam: "MSOL_ab'c".into(),
            domain: "CONTOSO".into(),
        }
    }

    #[test]
    fn root_grants_quote_for_powershell_and_mirror_in_dsacls() {
        let c = commands(
            &who(),
            Target::Root("DC=contoso,DC=com"),
            "DC=contoso,DC=com",
            &["Reset Password", "Change Password", "Unexpire Password"],
        );
        assert_eq!(
            c[0],
            r"Import-Module 'C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1'"
        );
        assert_eq!(c[1], "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_ab''c' -ADConnectorAccountDomain 'CONTOSO'");
        assert_eq!(
            c[2],
            r#"dsacls "DC=contoso,DC=com" /I:S /G "CONTOSO\MSOL_ab'c:CA;Reset Password;user""#
        );
        assert_eq!(
            c[5],
            r#"dsacls "DC=contoso,DC=com" /I:S /G "CONTOSO\MSOL_ab'c:CA;Change Password;user""#
        );
        assert_eq!(
            c[6],
            r#"dsacls "DC=contoso,DC=com" /G "CONTOSO\MSOL_ab'c:CA;Unexpire Password""#
        );
        assert_eq!(c.len(), 7);
    }

    #[test]
    fn blocked_objects_get_their_dn_and_double_quotes_drop_dsacls() {
        let c = commands(
            &who(),
            Target::User("CN=Jo,DC=x"),
            "DC=x",
            &["Write pwdLastSet"],
        );
        assert!(c[1].ends_with(" -ADobjectDN 'CN=Jo,DC=x'"), "{}", c[1]);
        assert_eq!(
            c[4],
            r#"dsacls "CN=Jo,DC=x" /G "CONTOSO\MSOL_ab'c:WP;pwdLastSet""#
        );
        let c = commands(
            &who(),
            Target::Container("OU=a\"b,DC=x"),
            "DC=x",
            &["Reset Password"],
        );
        assert_eq!(c.len(), 2);
        assert!(text(&c, None).contains("No dsacls lines"));
        assert!(commands(&who(), Target::Root("DC=x"), "DC=x", &[]).is_empty());
    }
}
