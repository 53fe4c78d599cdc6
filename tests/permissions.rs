//! The `permissions` command end to end on hand-built snapshots: the connector
//! account's rights below the domain root, in each OU of the scope (inheritance
//! blocked, a deny ACE), on AdminSDHolder and on the users in scope; and the per-user
//! diagnosis with USER-VERDICT first (inetOrgPerson-only grants, a protected user,
//! "user cannot change password", a PSO's minimum age, a user joined in two forests, a
//! 403 from Graph, an SSPR failure in the audit log), in both PowerShell encodings,
//! through the library and the `wbdiag` binary.

#[path = "common/report.rs"]
mod report;
mod wbdiag_run;

use std::path::{Path, PathBuf};
use std::time::Duration;

use report::{assert_result, result};
use serde_json::{json, Value};
use wbdiag_run::wbdiag;
use writeback_diagnostics::run_json;

const D: &str = "DC=contoso,DC=com";
const DOMAIN: &str = "/ActiveDirectory/Forests/0/Domains/0";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/permissions")
        .join(name)
}

fn snapshot(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).expect("read fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn contoso() -> Value {
    snapshot("contoso.json")
}

fn envelope(options: Value) -> Value {
    let request = json!({"Command": "permissions", "Options": options});
    serde_json::from_str(&run_json(&request.to_string())).expect("JSON out")
}

fn run(snap: &Value, user: Option<&str>) -> Value {
    let mut options = json!({"Snapshot": snap});
    if let Some(u) = user {
        options["User"] = json!(u);
    }
    let e = envelope(options);
    assert_eq!(e["Ok"], true, "{e:#}");
    e["Report"].clone()
}

fn set(doc: &mut Value, pointer: &str, v: Value) {
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = v;
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

fn right<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["Evidence"]["Rights"]
        .as_array()
        .expect("Rights")
        .iter()
        .find(|x| x["Right"] == name)
        .unwrap_or_else(|| panic!("no {name}: {r:#}"))
}

#[test]
fn every_domain_rule_on_the_default_like_domain() {
    let report = run(&contoso(), None);
    assert_eq!(report["Command"], "permissions");
    let account = result(&report, "PERM-ACCOUNT", Some("contoso.com"));
    assert_result(account, "PERM-ACCOUNT", "Pass", "AccountKnown");

    let root = result(&report, "PERM-DOMAIN-ROOT", Some("contoso.com"));
    assert_result(root, "PERM-DOMAIN-ROOT", "Pass", "AllRights");
    assert_eq!(root["Evidence"]["Rights"].as_array().map(Vec::len), Some(5));
    let reset = right(root, "Reset Password");
    assert_eq!(reset["Outcome"], "Granted");
    assert_eq!(
        reset["AceInherited"], true,
        "reached the new user by inheritance"
    );
    assert_eq!(
        right(root, "Change Password")["Ace"],
        "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)",
        "the user class's default ACE for Everyone decides"
    );
    assert_eq!(
        right(root, "Unexpire Password")["Ace"],
        "(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)",
        "Authenticated Users hold it on the root by default"
    );

    let sales = result(&report, "PERM-OU", Some(&format!("OU=Sales,{D}")));
    assert_result(sales, "PERM-OU", "Pass", "AllRights");
    let east = result(&report, "PERM-OU", Some(&format!("OU=East,OU=Sales,{D}")));
    assert_result(east, "PERM-OU", "Pass", "AllRights");

    let blocked = result(&report, "PERM-OU", Some(&format!("OU=Blocked,{D}")));
    assert_result(blocked, "PERM-OU", "Fail", "InheritanceBlocked");
    assert!(
        blocked["Message"]
            .as_str()
            .is_some_and(|m| m.contains("inheritance is disabled (D:P) on OU=Blocked")),
        "{blocked:#}"
    );
    assert_eq!(
        right(blocked, "Reset Password")["Outcome"],
        "NotGranted",
        "the OU grants it for inetOrgPerson only"
    );
    let cmds = strings(&blocked["Evidence"]["RemediationCommands"]);
    assert_eq!(
        cmds,
        [
            r"Import-Module 'C:\Program Files\Microsoft Azure Active Directory Connect\AdSyncConfig\AdSyncConfig.psm1'".to_string(),
            format!("Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_0123456789ab' -ADConnectorAccountDomain 'CONTOSO' -ADobjectDN 'OU=Blocked,{D}'"),
            format!(r#"dsacls "OU=Blocked,{D}" /I:S /G "CONTOSO\MSOL_0123456789ab:CA;Reset Password;user""#),
            format!(r#"dsacls "OU=Blocked,{D}" /I:S /G "CONTOSO\MSOL_0123456789ab:WP;lockoutTime;user""#),
            format!(r#"dsacls "OU=Blocked,{D}" /I:S /G "CONTOSO\MSOL_0123456789ab:WP;pwdLastSet;user""#),
        ]
    );
    assert!(blocked["Remediation"]
        .as_str()
        .is_some_and(|r| r.contains(&cmds[1])));

    let lab = result(&report, "PERM-OU", Some(&format!("OU=Lab,{D}")));
    assert_result(lab, "PERM-OU", "Fail", "RightsMissing");
    let pls = right(lab, "Write pwdLastSet");
    assert_eq!(pls["Outcome"], "Denied");
    assert_eq!(pls["Ace"], "(OD;CIID;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1004336348-1177238915-682003330-1105)");
    assert!(lab["Remediation"]
        .as_str()
        .is_some_and(|r| r.starts_with("A deny ACE takes rights away")));
    assert_eq!(right(lab, "Reset Password")["Outcome"], "Granted");

    let ous: Vec<&str> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["Id"] == "PERM-OU")
        .filter_map(|r| r["Target"].as_str())
        .collect();
    assert_eq!(
        ous.len(),
        4,
        "Old is excluded and Partners not included: {ous:?}"
    );

    let holder = result(&report, "PERM-ADMINSDHOLDER", Some("contoso.com"));
    assert_result(holder, "PERM-ADMINSDHOLDER", "Pass", "NotGranted");

    let protected = result(&report, "PERM-PROTECTED-USERS", Some("contoso.com"));
    assert_result(
        protected,
        "PERM-PROTECTED-USERS",
        "Warning",
        "ProtectedUsers",
    );
    assert_eq!(protected["Evidence"]["Count"], 1);
    assert_eq!(
        strings(&protected["Evidence"]["Users"]),
        [format!("admin1 (CN=Admin One,OU=Sales,{D})")]
    );
    assert!(protected["Message"]
        .as_str()
        .is_some_and(|m| m.starts_with("By design, writeback cannot reset these")));

    let users = result(&report, "PERM-USERS", Some("contoso.com"));
    assert_result(users, "PERM-USERS", "Fail", "UsersMissingRights");
    let e = &users["Evidence"];
    assert_eq!(
        (
            e["Checked"].as_u64(),
            e["WithEveryRight"].as_u64(),
            e["MissingRightsCount"].as_u64(),
            e["InheritanceDisabledCount"].as_u64(),
            e["NotEvaluatedCount"].as_u64()
        ),
        (Some(9), Some(5), Some(4), Some(1), Some(0)),
        "{e:#}"
    );
    assert_eq!(
        e["DistinctDescriptors"], 5,
        "users sharing a descriptor are evaluated once"
    );
    let missing = strings(&e["UsersMissingRights"]);
    assert!(
        missing.contains(&format!(
            "iop1 (CN=Iop Person,OU=Blocked,{D}): Write lockoutTime, Write pwdLastSet"
        )),
        "{missing:?}"
    );
    assert!(missing.contains(&format!("ublocked (CN=User Blocked,OU=Blocked,{D}): Reset Password, Write lockoutTime, Write pwdLastSet")), "{missing:?}");
    assert_eq!(
        strings(&e["UsersInheritanceDisabled"]),
        [format!("inhoff (CN=Inherit Off,OU=Sales,{D})")]
    );
}

#[test]
fn a_root_without_the_grants_fails_and_without_unexpire_only_warns() {
    let mut snap = contoso();
    let bare = "O:DAG:DAD:AI(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;ED)(A;;RPLCLORC;;;AU)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;CI;RPWPCRCCDCLCLORCWOWDSDDTSW;;;EA)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)";
    set(
        &mut snap,
        &format!("{DOMAIN}/Descriptors/Root/Sddl"),
        json!(bare),
    );
    let report = run(&snap, None);
    let root = result(&report, "PERM-DOMAIN-ROOT", Some("contoso.com"));
    assert_result(root, "PERM-DOMAIN-ROOT", "Fail", "RightsMissing");
    assert_eq!(right(root, "Unexpire Password")["Outcome"], "NotGranted");
    let cmds = strings(&root["Evidence"]["RemediationCommands"]);
    assert_eq!(cmds[1], "Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName 'MSOL_0123456789ab' -ADConnectorAccountDomain 'CONTOSO'");
    assert_eq!(
        cmds.last().map(String::as_str),
        Some(r#"dsacls "DC=contoso,DC=com" /G "CONTOSO\MSOL_0123456789ab:CA;Unexpire Password""#)
    );
    assert_eq!(
        cmds.len(),
        6,
        "module, cmdlet, three dsacls and Unexpire: {cmds:?}"
    );
    let sales = result(&report, "PERM-OU", Some(&format!("OU=Sales,{D}")));
    assert_result(sales, "PERM-OU", "Fail", "RightsMissing");
    assert!(
        sales["Message"].as_str().is_some_and(|m| m.contains("Reset Password (not granted)")),
        "recomputed from the root, Sales's stored copies of the root's ACEs do not count: {sales:#}"
    );

    let mut snap = contoso();
    let root_text = snap
        .pointer(&format!("{DOMAIN}/Descriptors/Root/Sddl"))
        .and_then(Value::as_str)
        .expect("root")
        .to_string();
    let no_unexpire = root_text.replace("(OA;;CR;ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501;;AU)", "");
    assert_ne!(no_unexpire, root_text);
    set(
        &mut snap,
        &format!("{DOMAIN}/Descriptors/Root/Sddl"),
        json!(no_unexpire),
    );
    let report = run(&snap, None);
    let root = result(&report, "PERM-DOMAIN-ROOT", Some("contoso.com"));
    assert_result(root, "PERM-DOMAIN-ROOT", "Warning", "UnexpireMissing");
    assert!(root["Message"]
        .as_str()
        .is_some_and(|m| m.contains("Microsoft's pages disagree on Unexpire Password")));
    assert_eq!(
        strings(&root["Evidence"]["RemediationCommands"]),
        [r#"dsacls "DC=contoso,DC=com" /G "CONTOSO\MSOL_0123456789ab:CA;Unexpire Password""#]
    );
}

#[test]
fn malformed_binary_unavailable_and_missing_descriptors_are_skipped_with_the_reason() {
    let mut snap = contoso();
    set(
        &mut snap,
        &format!("{DOMAIN}/Descriptors/Root"),
        json!({"DistinguishedName": D, "SecurityDescriptor": "AQAEjBQAAAA="}),
    );
    let report = run(&snap, None);
    let root = result(&report, "PERM-DOMAIN-ROOT", Some("contoso.com"));
    assert_result(root, "PERM-DOMAIN-ROOT", "Skipped", "NotCollected");
    assert!(
        root["Message"]
            .as_str()
            .is_some_and(|m| m.contains("Descriptors.Root") && m.contains("OffsetGroup")),
        "{root:#}"
    );

    let mut snap = contoso();
    set(
        &mut snap,
        &format!("{DOMAIN}/Descriptors"),
        json!({"Status": "Unavailable", "Reason": "LDAP bind to DC01 failed"}),
    );
    let report = run(&snap, None);
    for id in ["PERM-DOMAIN-ROOT", "PERM-OU", "PERM-ADMINSDHOLDER"] {
        let r = result(&report, id, Some("contoso.com"));
        assert_result(r, id, "Skipped", "SectionUnavailable");
        assert_eq!(r["Evidence"]["Reason"], "LDAP bind to DC01 failed");
    }
    assert_eq!(
        result(&report, "PERM-USERS", Some("contoso.com"))["Status"],
        "Fail",
        "users are evaluated on their own descriptors"
    );

    // An older snapshot: no Descriptors, Users or UserTargets at all.
    let old = snapshot("../prerequisites/healthy.json");
    let report = run(&old, None);
    for r in report["Results"].as_array().expect("results") {
        if r["Id"] != "PERM-ACCOUNT" {
            assert_eq!(r["Status"], "Skipped", "{r:#}");
        }
    }
    let users = result(&report, "PERM-USERS", None);
    assert!(
        users["Message"]
            .as_str()
            .is_some_and(|m| m.contains("Users")),
        "{users:#}"
    );
}

#[test]
fn an_account_without_groups_or_sid_is_called_out() {
    let mut snap = contoso();
    set(
        &mut snap,
        "/ActiveDirectory/Connectors/0/Account/GroupSids",
        Value::Null,
    );
    let report = run(&snap, None);
    assert_result(
        result(&report, "PERM-ACCOUNT", None),
        "PERM-ACCOUNT",
        "Warning",
        "GroupsUnknown",
    );
    set(
        &mut snap,
        "/ActiveDirectory/Connectors/0/Account/SID",
        Value::Null,
    );
    let report = run(&snap, None);
    assert_result(
        result(&report, "PERM-ACCOUNT", None),
        "PERM-ACCOUNT",
        "Skipped",
        "NotCollected",
    );
    let root = result(&report, "PERM-DOMAIN-ROOT", None);
    assert_result(root, "PERM-DOMAIN-ROOT", "Skipped", "NotCollected");
    assert!(root["Message"]
        .as_str()
        .is_some_and(|m| m.contains("no SID of the connector account")));
}

fn verdict_first(report: &Value) -> &Value {
    let first = &report["Results"][0];
    assert_eq!(first["Id"], "USER-VERDICT", "{report:#}");
    first
}

#[test]
fn a_healthy_user_passes_every_check() {
    let report = run(&contoso(), Some("ASMITH@contoso.com"));
    let v = verdict_first(&report);
    assert_result(v, "USER-VERDICT", "Pass", "CanReset");
    assert!(v["Message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Writeback can reset this user's password")));
    let ids: Vec<&str> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["Id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "USER-VERDICT",
            "USER-SCOPE",
            "USER-RIGHTS",
            "USER-PROTECTED",
            "USER-INHERITANCE",
            "USER-CANNOT-CHANGE",
            "USER-ACCOUNT",
            "USER-POLICY",
            "USER-DN",
            "USER-DC",
            "USER-JOIN",
            "USER-SSPR",
            "USER-AUDIT"
        ]
    );
    for r in report["Results"].as_array().expect("results") {
        assert_eq!(r["Status"], "Pass", "{r:#}");
    }
    assert_eq!(
        result(&report, "USER-DC", None)["Evidence"]["WritebackTarget"],
        "DC01.contoso.com"
    );
    assert_result(
        result(&report, "USER-JOIN", None),
        "USER-JOIN",
        "Pass",
        "Joined",
    );
}

#[test]
fn jdoe_is_held_back_by_the_pso_and_a_second_forest() {
    let report = run(&contoso(), Some("jdoe"));
    let v = verdict_first(&report);
    assert_result(v, "USER-VERDICT", "Fail", "CannotReset");
    assert_eq!(
        v["Message"],
        "Writeback cannot reset this user's password, because a reset now would be rejected until 2026-12-02T20:00:00Z by the minimum password age of the fine-grained policy Sales PSO and the metaverse object is joined to AD objects in 2 connectors (multiple matches)."
    );
    let policy = result(&report, "USER-POLICY", None);
    assert_result(policy, "USER-POLICY", "Warning", "MinAgeWindow");
    assert_eq!(policy["Evidence"]["RejectedUntil"], "2026-12-02T20:00:00Z");
    assert_eq!(policy["Evidence"]["PasswordHistoryCount"], 12);
    assert_eq!(policy["Evidence"]["MinPasswordAge"], "1.00:00:00");
    assert!(policy["Message"]
        .as_str()
        .is_some_and(|m| m.contains("a change now would be rejected until 2026-12-02T20:00:00Z")));
    assert_result(
        result(&report, "USER-JOIN", None),
        "USER-JOIN",
        "Fail",
        "MultipleMatches",
    );
    let sspr = result(&report, "USER-SSPR", None);
    assert_result(sspr, "USER-SSPR", "Skipped", "PermissionMissing");
    assert_eq!(sspr["Evidence"]["Permission"], "AuditLog.Read.All");
    let audit = result(&report, "USER-AUDIT", None);
    assert_result(audit, "USER-AUDIT", "Warning", "LatestFailed");
    assert_eq!(
        audit["Evidence"]["LatestFailureReason"],
        "OnPremisesConnectivityError"
    );
    assert_eq!(audit["Evidence"]["LatestFailureAt"], "2026-12-01T10:00:00Z");

    // A day later the minimum age has passed.
    let e = envelope(json!({"Snapshot": contoso(), "User": "jdoe", "Now": "2026-12-03T00:00:00Z"}));
    let policy = result(&e["Report"], "USER-POLICY", None);
    assert_result(policy, "USER-POLICY", "Pass", "OutsideMinAge");
    let v = verdict_first(&e["Report"]);
    assert_eq!(strings(&v["Evidence"]["Causes"]).len(), 1, "{v:#}");
}

#[test]
fn both_powershell_encodings_give_the_same_results() {
    let outcomes = |report: &Value| -> Vec<(String, String, String, String)> {
        report["Results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["Id"].as_str().unwrap_or_default().into(),
                    r["Target"].as_str().unwrap_or_default().into(),
                    r["Status"].as_str().unwrap_or_default().into(),
                    r["Message"].as_str().unwrap_or_default().into(),
                )
            })
            .collect()
    };
    let ps7 = contoso();
    let ps51 = snapshot("contoso-ps51.json");
    assert_eq!(outcomes(&run(&ps7, None)), outcomes(&run(&ps51, None)));
    for user in ["jdoe", "asmith", "admin1"] {
        assert_eq!(
            outcomes(&run(&ps7, Some(user))),
            outcomes(&run(&ps51, Some(user))),
            "{user}"
        );
    }
}

#[test]
fn inet_org_person_grants_reach_only_inet_org_person_users() {
    let iop = run(&contoso(), Some("iop1"));
    let rights = result(&iop, "USER-RIGHTS", None);
    assert_result(rights, "USER-RIGHTS", "Fail", "RightsMissing");
    assert_eq!(right(rights, "Reset Password")["Outcome"], "Granted");
    assert_eq!(right(rights, "Write lockoutTime")["Outcome"], "NotGranted");
    assert_eq!(rights["Evidence"]["ObjectClass"], "inetOrgPerson");
    let user = run(&contoso(), Some("ublocked"));
    let rights = result(&user, "USER-RIGHTS", None);
    assert_eq!(right(rights, "Reset Password")["Outcome"], "NotGranted");
    let cmds = strings(&rights["Evidence"]["RemediationCommands"]);
    assert!(
        cmds[1].ends_with(&format!("-ADobjectDN 'OU=Blocked,{D}'")),
        "the block is on the OU: {cmds:?}"
    );
}

#[test]
fn a_protected_user_gets_the_explanation_not_a_fix() {
    let report = run(&contoso(), Some("admin1"));
    let v = verdict_first(&report);
    assert_eq!(v["Status"], "Fail");
    assert!(
        v["Message"]
            .as_str()
            .is_some_and(|m| m.contains("the account is protected (adminCount=1)")),
        "{v:#}"
    );
    let p = result(&report, "USER-PROTECTED", None);
    assert_result(p, "USER-PROTECTED", "Fail", "Protected");
    assert!(p["Remediation"]
        .as_str()
        .is_some_and(|r| r.starts_with("By design, writeback cannot reset")));
    let rights = result(&report, "USER-RIGHTS", None);
    assert_eq!(rights["Evidence"]["RemediationCommands"], json!([]));
    assert!(rights["Remediation"]
        .as_str()
        .is_some_and(|r| r.starts_with("By design")));
    assert_result(
        result(&report, "USER-INHERITANCE", None),
        "USER-INHERITANCE",
        "Warning",
        "AdminSdHolder",
    );
}

#[test]
fn cannot_change_password_disabled_inheritance_and_reserved_names_block_writeback() {
    let report = run(&contoso(), Some("nochange"));
    let c = result(&report, "USER-CANNOT-CHANGE", None);
    assert_result(c, "USER-CANNOT-CHANGE", "Fail", "CannotChangePassword");
    assert_eq!(
        strings(&c["Evidence"]["DenyAces"]),
        [
            "(OD;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)",
            "(OD;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)"
        ]
    );
    assert!(strings(&verdict_first(&report)["Evidence"]["Causes"])
        .contains(&"\"User cannot change password\" is set".to_string()));

    let report = run(&contoso(), Some(&format!("CN=Inherit Off,OU=Sales,{D}")));
    let i = result(&report, "USER-INHERITANCE", None);
    assert_result(i, "USER-INHERITANCE", "Fail", "InheritanceDisabled");
    let cmds = strings(&i["Evidence"]["RemediationCommands"]);
    assert!(
        cmds[1].ends_with(&format!("-ADobjectDN 'CN=Inherit Off,OU=Sales,{D}'")),
        "{cmds:?}"
    );
    assert_eq!(
        cmds[2],
        format!(
            r#"dsacls "CN=Inherit Off,OU=Sales,{D}" /G "CONTOSO\MSOL_0123456789ab:CA;Reset Password""#
        )
    );

    let report = run(&contoso(), Some("hashlab"));
    let dn = result(&report, "USER-DN", None);
    assert_result(dn, "USER-DN", "Fail", "ReservedCharacters");
    assert_eq!(
        strings(&dn["Evidence"]["Offending"]),
        [format!(r"OU=\#Lab,OU=Sales,{D} (a leading #)")]
    );

    let report = run(&contoso(), Some("outside"));
    assert_result(
        result(&report, "USER-SCOPE", None),
        "USER-SCOPE",
        "Fail",
        "OutOfScope",
    );

    let report = run(&contoso(), Some("locked"));
    let a = result(&report, "USER-ACCOUNT", None);
    assert_result(a, "USER-ACCOUNT", "Fail", "Disabled");
    assert!(a["Message"]
        .as_str()
        .is_some_and(|m| m.contains("also locked out")));

    let report = run(&contoso(), Some("mustchange"));
    assert_result(
        result(&report, "USER-POLICY", None),
        "USER-POLICY",
        "Warning",
        "MustChangeAtNextLogon",
    );
}

#[test]
fn unknown_and_unavailable_users() {
    let report = run(&contoso(), Some("ghost"));
    assert_eq!(report["Results"].as_array().map(Vec::len), Some(1));
    let v = verdict_first(&report);
    assert_result(v, "USER-VERDICT", "Skipped", "UserUnavailable");
    assert!(v["Message"]
        .as_str()
        .is_some_and(|m| m.contains("Cannot find an object with identity")));
    let e = envelope(json!({"Snapshot": contoso(), "User": "nobody"}));
    assert_eq!(e["Ok"], false);
    assert_eq!(e["Error"]["Code"], "InvalidInput");
    let msg = e["Error"]["Message"].as_str().expect("message");
    assert!(
        msg.contains("'nobody'")
            && msg.contains("sAMAccountName, UserPrincipalName and DistinguishedName")
            && msg.contains("contoso.com (11 users)"),
        "{msg}"
    );
}

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn wbdiag_permissions_exit_codes_table_and_json() {
    let snap = fixture("contoso.json");
    let path = snap.to_str().expect("utf-8 path");
    let r = wbdiag(&["permissions", "--snapshot", path], LIMIT);
    assert_eq!(r.code, 1, "a failing OU: {}", r.stderr);
    assert!(
        r.stdout.contains("OuRights") && r.stdout.contains("dsacls"),
        "{}",
        r.stdout
    );

    let r = wbdiag(
        &["permissions", "--snapshot", path, "--user", "asmith"],
        LIMIT,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows: Vec<&str> = r.stdout.lines().skip(2).take(2).collect();
    assert!(
        rows[0].starts_with("Pass")
            && rows[0].contains("UserVerdict")
            && rows[0].contains("Writeback can reset this user's password"),
        "{rows:?}"
    );

    let r = wbdiag(
        &[
            "permissions",
            "--snapshot",
            path,
            "--user",
            "jdoe",
            "--now",
            "2026-12-02T10:00:00Z",
            "--json",
        ],
        LIMIT,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("--json parses");
    assert_eq!(report["Results"][0]["Id"], "USER-VERDICT");
    assert_eq!(report["Results"][0]["Status"], "Fail");
    let first_row = wbdiag(
        &["permissions", "--snapshot", path, "--user", "jdoe"],
        LIMIT,
    );
    let row = first_row.stdout.lines().nth(2).unwrap_or_default();
    assert!(
        row.starts_with("FAIL") && row.contains("UserVerdict"),
        "{}",
        first_row.stdout
    );

    let r = wbdiag(
        &["permissions", "--snapshot", path, "--user", "nobody"],
        LIMIT,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'nobody' is not in the snapshot"),
        "{}",
        r.stderr
    );
    let r = wbdiag(&["permissions"], LIMIT);
    assert_eq!(r.code, 2, "--snapshot is required");
    let r = wbdiag(
        &["permissions", "--snapshot", path, "--now", "tomorrow"],
        LIMIT,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("Now: expected a date"), "{}", r.stderr);
}

#[test]
fn a_configuration_export_gives_the_scope() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serverconfig/contoso");
    let options = |user: Option<&str>| {
        let mut o =
            json!({"Snapshot": contoso(), "ServerConfigPath": config.to_str().expect("utf-8")});
        if let Some(u) = user {
            o["User"] = json!(u);
        }
        o
    };
    // Microsoft's Contoso export syncs only OU=CORP, which this snapshot's users are not in.
    let e = envelope(options(Some("asmith")));
    let scope = result(&e["Report"], "USER-SCOPE", None);
    assert_result(scope, "USER-SCOPE", "Fail", "OutOfScope");
    assert_eq!(scope["Evidence"]["ScopeSource"], "ServerConfiguration");
    assert_eq!(verdict_first(&e["Report"])["Status"], "Fail");
    let e = envelope(options(None));
    let users = result(&e["Report"], "PERM-USERS", None);
    assert_eq!(users["Evidence"]["Checked"], 0, "{users:#}");
    assert_result(
        result(&e["Report"], "PERM-OU", None),
        "PERM-OU",
        "Skipped",
        "NotCollected",
    );
}

#[test]
fn a_verdict_without_the_rights_is_not_a_pass() {
    let mut snap = contoso();
    set(
        &mut snap,
        "/ActiveDirectory/Connectors/0/Account/SID",
        Value::Null,
    );
    let report = run(&snap, Some("asmith"));
    let v = verdict_first(&report);
    assert_result(v, "USER-VERDICT", "Warning", "NotConfirmed");
    assert!(strings(&v["Evidence"]["NotChecked"]).contains(&"USER-RIGHTS".to_string()));
}
