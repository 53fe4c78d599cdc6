//! The effective-rights evaluator on hand-built descriptors: one test per Windows rule,
//! each built so that breaking the rule flips its verdict.

use writeback_diagnostics::sddl::{
    self, child_descriptor, effective, inherit, rights, writeback_rights, Domains, Holder, Outcome,
    Right, SecurityDescriptor, Severity, Sid, Token, Verdict,
};

const DOMAIN: &str = "S-1-5-21-1004336348-1177238915-682003330";
const CONN: &str = "S-1-5-21-1004336348-1177238915-682003330-1105";
const RESET: &str = "00299570-246d-11d0-a768-00aa006e0529";
const CHANGE: &str = "ab721a53-1e2f-11d0-9819-00aa0040529b";
const LOCKOUT: &str = "28630ebf-41d5-11d1-a9c1-0000f80367c1";
const PWDLASTSET: &str = "bf967a0a-0de6-11d0-a285-00aa003049e2";
const USER: &str = "bf967aba-0de6-11d0-a285-00aa003049e2";
const INETORGPERSON: &str = "4828cc14-1437-45bc-9b07-ad6f015e5f28";
const ACCOUNT_RESTRICTIONS: &str = "4c164200-20c0-11d0-a768-00aa006e0529";

const ROOT: &str = include_str!("fixtures/sddl/domain-root.sddl");
const USER_DEFAULT: &str = include_str!("fixtures/sddl/user-default.sddl");
const USER_CANNOT_CHANGE: &str = include_str!("fixtures/sddl/user-cannot-change-password.sddl");
const OU_BLOCKED: &str = include_str!("fixtures/sddl/ou-blocked.sddl");
const USER_PROTECTED: &str = include_str!("fixtures/sddl/user-protected.sddl");

fn sid(s: &str) -> Sid {
    Sid::parse(s).expect("sid")
}

fn sd(text: &str) -> SecurityDescriptor {
    sddl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn connector() -> Token {
    Token::authenticated(sid(CONN), &[sid(&format!("{DOMAIN}-513"))])
}

fn domains() -> Domains {
    Domains::single(sid(DOMAIN))
}

fn on(text: &str, class: rights::Guid, right: &Right) -> Verdict {
    effective(&sd(text), class, &connector(), Some(&domains()), right)
}

fn outcome(text: &str, right: &Right) -> Outcome {
    on(text, rights::CLASS_USER, right).outcome
}

#[test]
fn explicit_deny_beats_inherited_allow_whatever_the_stored_order() {
    for text in [
        format!("D:AI(OD;;CR;{RESET};;{CONN})(OA;CIID;CR;{RESET};{USER};{CONN})"),
        format!("D:AI(OA;CIID;CR;{RESET};{USER};{CONN})(OD;;CR;{RESET};;{CONN})"),
    ] {
        let v = on(&text, rights::CLASS_USER, &Right::RESET_PASSWORD);
        assert_eq!(v.outcome, Outcome::Denied, "{text}");
        let ace = v.ace.expect("deciding ACE");
        assert!(ace.text.starts_with("(OD;;CR;"), "{}", ace.text);
        assert!(!ace.inherited);
    }
}

#[test]
fn explicit_allow_beats_inherited_deny() {
    let text = format!("D:AI(OD;ID;CR;{RESET};;{CONN})(OA;;CR;{RESET};;{CONN})");
    let v = on(&text, rights::CLASS_USER, &Right::RESET_PASSWORD);
    assert_eq!(v.outcome, Outcome::Granted);
    assert_eq!(v.ace.map(|a| a.index), Some(1));
}

#[test]
fn deny_beats_allow_within_explicit_whatever_the_stored_order() {
    let explicit = format!("D:(OA;;CR;{RESET};;{CONN})(OD;;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&explicit, &Right::RESET_PASSWORD), Outcome::Denied);
}

#[test]
fn inherited_aces_count_in_the_order_they_were_inherited() {
    // One level: Windows writes the deny first, and it wins.
    let one_level = format!("D:(OD;ID;CR;{RESET};;{CONN})(OA;ID;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&one_level, &Right::RESET_PASSWORD), Outcome::Denied);
    // An allow from the parent precedes a deny from the grandparent, and wins.
    let two_levels = format!("D:(OA;ID;CR;{RESET};;{CONN})(OD;ID;CR;{RESET};;{CONN})");
    let v = on(&two_levels, rights::CLASS_USER, &Right::RESET_PASSWORD);
    assert_eq!(v.outcome, Outcome::Granted);
    assert_eq!(v.ace.map(|a| a.index), Some(0));
    // Built from a real hierarchy: the OU's grant is inherited before the root's deny.
    let root = sd(&format!("D:(OD;CI;CR;{RESET};;{CONN})"));
    let ou = child_descriptor(
        &root,
        rights::CLASS_ORGANIZATIONAL_UNIT,
        sd(&format!("D:(OA;CI;CR;{RESET};;{CONN})")).aces(),
        false,
    );
    let user = child_descriptor(&ou, rights::CLASS_USER, &[], false);
    let v = effective(
        &user,
        rights::CLASS_USER,
        &connector(),
        None,
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
}

#[test]
fn the_object_type_narrows_an_ace_to_one_right() {
    let text = format!("D:(OA;;CR;{CHANGE};;{CONN})(OA;;WP;{LOCKOUT};;{CONN})");
    assert_eq!(outcome(&text, &Right::CHANGE_PASSWORD), Outcome::Granted);
    assert_eq!(outcome(&text, &Right::RESET_PASSWORD), Outcome::NotGranted);
    assert_eq!(outcome(&text, &Right::WRITE_LOCKOUT_TIME), Outcome::Granted);
    assert_eq!(
        outcome(&text, &Right::WRITE_PWD_LAST_SET),
        Outcome::NotGranted
    );
    // A deny for another right does not take this one away.
    let text = format!("D:(OD;;CR;{CHANGE};;{CONN})(OA;;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&text, &Right::RESET_PASSWORD), Outcome::Granted);
    // WP on the property set pwdLastSet belongs to covers it, and only it.
    let text = format!("D:(OA;;WP;{ACCOUNT_RESTRICTIONS};;{CONN})");
    assert_eq!(outcome(&text, &Right::WRITE_PWD_LAST_SET), Outcome::Granted);
    assert_eq!(
        outcome(&text, &Right::WRITE_LOCKOUT_TIME),
        Outcome::NotGranted
    );
    // The right bit must match too: RP on pwdLastSet is not a write.
    let text = format!("D:(OA;;RP;{PWDLASTSET};;{CONN})");
    assert_eq!(
        outcome(&text, &Right::WRITE_PWD_LAST_SET),
        Outcome::NotGranted
    );
}

#[test]
fn the_inherited_object_type_picks_the_class() {
    let for_user = format!("D:(OA;CIID;CR;{RESET};{USER};{CONN})");
    let for_iop = format!("D:(OA;CIID;CR;{RESET};{INETORGPERSON};{CONN})");
    let for_all = format!("D:(OA;CIID;CR;{RESET};;{CONN})");
    let r = Right::RESET_PASSWORD;
    assert_eq!(
        on(&for_user, rights::CLASS_USER, &r).outcome,
        Outcome::Granted
    );
    assert_eq!(
        on(&for_user, rights::CLASS_INET_ORG_PERSON, &r).outcome,
        Outcome::NotGranted
    );
    assert_eq!(
        on(&for_iop, rights::CLASS_USER, &r).outcome,
        Outcome::NotGranted
    );
    assert_eq!(
        on(&for_iop, rights::CLASS_INET_ORG_PERSON, &r).outcome,
        Outcome::Granted
    );
    assert_eq!(
        on(&for_all, rights::CLASS_USER, &r).outcome,
        Outcome::Granted
    );
    assert_eq!(
        on(&for_all, rights::CLASS_INET_ORG_PERSON, &r).outcome,
        Outcome::Granted
    );
}

#[test]
fn inherit_only_aces_do_not_apply_to_their_holder() {
    let io = format!("D:(OA;CIIO;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&io, &Right::RESET_PASSWORD), Outcome::NotGranted);
    let io_deny = format!("D:(OD;CIIO;CR;{RESET};;{CONN})(OA;;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&io_deny, &Right::RESET_PASSWORD), Outcome::Granted);
}

#[test]
fn no_propagate_stops_after_one_generation() {
    let ou = sd(&format!("D:(OA;CINP;CR;{RESET};;{CONN})"));
    let child_ou = child_descriptor(&ou, rights::CLASS_ORGANIZATIONAL_UNIT, &[], false);
    assert_eq!(
        child_ou.aces()[0].to_string(),
        format!("(OA;ID;CR;{RESET};;{CONN})")
    );
    let v = effective(
        &child_ou,
        rights::CLASS_ORGANIZATIONAL_UNIT,
        &connector(),
        None,
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
    assert!(inherit(&child_ou, rights::CLASS_USER, false).is_empty());
    // Without NP the grandchild gets it too.
    let ou = sd(&format!("D:(OA;CI;CR;{RESET};;{CONN})"));
    let child_ou = child_descriptor(&ou, rights::CLASS_ORGANIZATIONAL_UNIT, &[], false);
    assert_eq!(inherit(&child_ou, rights::CLASS_USER, false).len(), 1);
    // OI alone reaches a DS child (always a container) only as inherit-only.
    let ou = sd(&format!("D:(OA;OI;CR;{RESET};;{CONN})"));
    let got = inherit(&ou, rights::CLASS_USER, false);
    assert_eq!(
        got[0].to_string(),
        format!("(OA;OIIOID;CR;{RESET};;{CONN})")
    );
    assert!(inherit(
        &sd(&format!("D:(OA;OINP;CR;{RESET};;{CONN})")),
        rights::CLASS_USER,
        false
    )
    .is_empty());
    assert!(inherit(
        &sd(&format!("D:(OA;;CR;{RESET};;{CONN})")),
        rights::CLASS_USER,
        false
    )
    .is_empty());
}

#[test]
fn generic_all_generic_write_and_write_all_properties_grant_property_writes() {
    for (rights_text, writes, extended) in [
        ("GA", Outcome::Granted, Outcome::Granted),
        (
            "RPWPCRCCDCLCLORCWOWDSDDTSW",
            Outcome::Granted,
            Outcome::Granted,
        ),
        ("GW", Outcome::Granted, Outcome::NotGranted),
        ("WP", Outcome::Granted, Outcome::NotGranted),
        ("CR", Outcome::NotGranted, Outcome::Granted),
        ("GR", Outcome::NotGranted, Outcome::NotGranted),
        ("0x20", Outcome::Granted, Outcome::NotGranted),
    ] {
        let text = format!("D:(A;;{rights_text};;;{CONN})");
        assert_eq!(
            outcome(&text, &Right::WRITE_LOCKOUT_TIME),
            writes,
            "{rights_text}"
        );
        assert_eq!(
            outcome(&text, &Right::WRITE_PWD_LAST_SET),
            writes,
            "{rights_text}"
        );
        for r in [
            Right::RESET_PASSWORD,
            Right::CHANGE_PASSWORD,
            Right::UNEXPIRE_PASSWORD,
        ] {
            assert_eq!(outcome(&text, &r), extended, "{rights_text} {}", r.name);
        }
    }
    // A generic deny takes the write away too.
    let text = format!("D:(D;;GW;;;{CONN})(A;;GA;;;{CONN})");
    assert_eq!(outcome(&text, &Right::WRITE_LOCKOUT_TIME), Outcome::Denied);
    assert_eq!(outcome(&text, &Right::RESET_PASSWORD), Outcome::Granted);
}

#[test]
fn a_protected_dacl_ignores_inherited_aces() {
    let open = format!("D:AI(OA;CIID;CR;{RESET};{USER};{CONN})");
    let protected = format!("D:PAI(OA;CIID;CR;{RESET};{USER};{CONN})");
    assert_eq!(outcome(&open, &Right::RESET_PASSWORD), Outcome::Granted);
    assert_eq!(
        outcome(&protected, &Right::RESET_PASSWORD),
        Outcome::NotGranted
    );
    let explicit = format!("D:PAI(OA;;CR;{RESET};;{CONN})");
    assert_eq!(outcome(&explicit, &Right::RESET_PASSWORD), Outcome::Granted);
}

#[test]
fn domain_relative_aliases_need_the_domain_sid() {
    let admin = Token::authenticated(
        sid(&format!("{DOMAIN}-500")),
        &[sid(&format!("{DOMAIN}-512"))],
    );
    let text = sd("D:(A;;GA;;;DA)");
    let with = effective(
        &text,
        rights::CLASS_USER,
        &admin,
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(with.outcome, Outcome::Granted);
    let without = effective(
        &text,
        rights::CLASS_USER,
        &admin,
        None,
        &Right::RESET_PASSWORD,
    );
    assert_eq!(without.outcome, Outcome::NotGranted);
    let other = Domains::single(sid("S-1-5-21-9-9-9"));
    let wrong = effective(
        &text,
        rights::CLASS_USER,
        &admin,
        Some(&other),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(wrong.outcome, Outcome::NotGranted);
}

#[test]
fn the_token_holds_groups_and_the_well_known_sids() {
    let group = format!("{DOMAIN}-4242");
    let text = format!("D:(OA;;CR;{RESET};;{group})");
    let member = Token::authenticated(sid(CONN), &[sid(&group)]);
    let v = effective(
        &sd(&text),
        rights::CLASS_USER,
        &member,
        None,
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
    assert_eq!(outcome(&text, &Right::RESET_PASSWORD), Outcome::NotGranted);
    for alias in ["WD", "AU", "NU"] {
        let text = format!("D:(OA;;CR;{RESET};;{alias})");
        assert_eq!(
            outcome(&text, &Right::RESET_PASSWORD),
            Outcome::Granted,
            "{alias}"
        );
    }
    // SELF and CREATOR OWNER are not the connector.
    for alias in ["PS", "CO", "AN"] {
        let text = format!("D:(OA;;CR;{RESET};;{alias})");
        assert_eq!(
            outcome(&text, &Right::RESET_PASSWORD),
            Outcome::NotGranted,
            "{alias}"
        );
    }
}

#[test]
fn null_and_empty_dacls_and_conditional_aces() {
    assert_eq!(
        outcome("O:BAD:NO_ACCESS_CONTROL", &Right::RESET_PASSWORD),
        Outcome::Granted
    );
    assert_eq!(outcome("O:BA", &Right::RESET_PASSWORD), Outcome::Granted);
    assert_eq!(
        outcome("O:BAD:", &Right::RESET_PASSWORD),
        Outcome::NotGranted
    );
    let cond_allow = format!("D:(XA;;CR;;;{CONN};(Member_of {{SID(BA)}}))");
    assert_eq!(
        outcome(&cond_allow, &Right::RESET_PASSWORD),
        Outcome::NotGranted
    );
    let cond_deny = format!("D:(XD;;CR;;;{CONN};(Member_of {{SID(BA)}}))(A;;CR;;;{CONN})");
    assert_eq!(outcome(&cond_deny, &Right::RESET_PASSWORD), Outcome::Denied);
    // Audit ACEs in a DACL decide nothing.
    let audit = format!("D:(AU;SA;CR;;;{CONN})");
    assert_eq!(outcome(&audit, &Right::RESET_PASSWORD), Outcome::NotGranted);
}

#[test]
fn a_default_user_below_a_prepared_domain_root_has_the_four_user_rights() {
    for r in [
        Right::RESET_PASSWORD,
        Right::WRITE_LOCKOUT_TIME,
        Right::WRITE_PWD_LAST_SET,
    ] {
        let v = on(USER_DEFAULT, rights::CLASS_USER, &r);
        assert_eq!(v.outcome, Outcome::Granted, "{}", r.name);
        let ace = v.ace.expect("ace");
        assert!(ace.inherited && ace.text.contains(CONN), "{}", ace.text);
    }
    // Change Password: Everyone holds it in the schema default.
    let v = on(USER_DEFAULT, rights::CLASS_USER, &Right::CHANGE_PASSWORD);
    assert_eq!(v.outcome, Outcome::Granted);
    assert_eq!(
        v.ace.map(|a| a.text),
        Some(format!("(OA;;CR;{CHANGE};;WD)"))
    );
    // Unexpire Password is held on the root: Authenticated Users by default.
    let v = on(ROOT, rights::CLASS_DOMAIN_DNS, &Right::UNEXPIRE_PASSWORD);
    assert_eq!(v.outcome, Outcome::Granted);
    // An inetOrgPerson below the same root gets none of the connector's user-only ACEs.
    let iop = child_descriptor(&sd(ROOT), rights::CLASS_INET_ORG_PERSON, &[], false);
    let v = effective(
        &iop,
        rights::CLASS_INET_ORG_PERSON,
        &connector(),
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::NotGranted);
}

#[test]
fn user_cannot_change_password_denies_it_to_the_connector_through_everyone() {
    let v = on(
        USER_CANNOT_CHANGE,
        rights::CLASS_USER,
        &Right::CHANGE_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Denied);
    let ace = v.ace.expect("ace");
    assert_eq!((ace.index, ace.text), (0, format!("(OD;;CR;{CHANGE};;WD)")));
    assert_eq!(
        on(
            USER_CANNOT_CHANGE,
            rights::CLASS_USER,
            &Right::RESET_PASSWORD
        )
        .outcome,
        Outcome::Granted
    );
}

#[test]
fn a_protected_user_has_no_writeback_rights() {
    for r in [
        Right::RESET_PASSWORD,
        Right::WRITE_LOCKOUT_TIME,
        Right::WRITE_PWD_LAST_SET,
    ] {
        assert_eq!(
            outcome(USER_PROTECTED, &r),
            Outcome::NotGranted,
            "{}",
            r.name
        );
    }
}

#[test]
fn what_a_container_passes_down_matches_what_ad_stores() {
    let root = sd(ROOT);
    let computed = child_descriptor(&root, rights::CLASS_USER, &[], false);
    let stored = sd(USER_DEFAULT);
    let stored_inherited: Vec<_> = stored
        .aces()
        .iter()
        .filter(|a| a.is_inherited())
        .cloned()
        .collect();
    assert_eq!(computed.aces(), stored_inherited.as_slice());
    // The verdicts for a new user equal those for the stored one.
    for r in [
        Right::RESET_PASSWORD,
        Right::WRITE_LOCKOUT_TIME,
        Right::WRITE_PWD_LAST_SET,
    ] {
        let new = effective(
            &computed,
            rights::CLASS_USER,
            &connector(),
            Some(&domains()),
            &r,
        );
        assert_eq!(new.outcome, Outcome::Granted, "{}", r.name);
        assert_eq!(
            new.outcome,
            on(USER_DEFAULT, rights::CLASS_USER, &r).outcome,
            "{}",
            r.name
        );
    }
    // A protected child inherits nothing.
    assert!(inherit(&root, rights::CLASS_USER, true).is_empty());
    let protected = child_descriptor(&root, rights::CLASS_USER, &[], true);
    let v = effective(
        &protected,
        rights::CLASS_USER,
        &connector(),
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::NotGranted);
}

#[test]
fn a_blocked_ou_cuts_the_domain_roots_grant_and_passes_only_its_own() {
    let root = sd(ROOT);
    let ou = sd(OU_BLOCKED);
    assert!(ou.is_protected());
    // Stored OU descriptor: protected, so nothing from the root.
    let rebuilt = child_descriptor(&root, rights::CLASS_ORGANIZATIONAL_UNIT, ou.aces(), true);
    assert_eq!(rebuilt.aces(), ou.aces());
    let user = child_descriptor(&ou, rights::CLASS_USER, &[], false);
    let v = effective(
        &user,
        rights::CLASS_USER,
        &connector(),
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::NotGranted);
    // Its own grant is for inetOrgPerson only.
    let iop = child_descriptor(&ou, rights::CLASS_INET_ORG_PERSON, &[], false);
    let v = effective(
        &iop,
        rights::CLASS_INET_ORG_PERSON,
        &connector(),
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
    // The same OU unprotected would pass the root's user grant on.
    let open = child_descriptor(&root, rights::CLASS_ORGANIZATIONAL_UNIT, ou.aces(), false);
    let user = child_descriptor(&open, rights::CLASS_USER, &[], false);
    let v = effective(
        &user,
        rights::CLASS_USER,
        &connector(),
        Some(&domains()),
        &Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
}

#[test]
fn the_writeback_rights_and_their_severities() {
    let all = writeback_rights();
    let names: Vec<_> = all.iter().map(|r| r.right.name).collect();
    assert_eq!(
        names,
        [
            "Reset Password",
            "Change Password",
            "Write lockoutTime",
            "Write pwdLastSet",
            "Unexpire Password"
        ]
    );
    for r in &all[..4] {
        assert_eq!(
            (r.severity, r.holder),
            (Severity::Fail, Holder::UserObject),
            "{}",
            r.right.name
        );
        assert!(r.note.is_empty());
    }
    let unexpire = &all[4];
    assert_eq!(unexpire.right, Right::UNEXPIRE_PASSWORD);
    assert_eq!(
        (unexpire.severity, unexpire.holder),
        (Severity::Warning, Holder::DomainRoot)
    );
    assert!(
        unexpire.note.contains("disagree")
            && unexpire
                .note
                .contains("Set-ADSyncPasswordWritebackPermissions")
    );
}
