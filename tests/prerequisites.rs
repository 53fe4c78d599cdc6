//! The `prerequisites` command end to end: every rule passing on the healthy fixture and
//! failing (or warning) on a patched copy of it, both PowerShell encodings of the same
//! environment giving identical results, unavailable sections, malformed input, and the
//! `wbdiag` binary's exit codes.

#[path = "common/report.rs"]
mod report;
use report::{assert_result, result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wbdiag_run::wbdiag;
use writeback_diagnostics::run_json;

mod wbdiag_run;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prerequisites")
        .join(name)
}

fn healthy() -> Value {
    let text = std::fs::read_to_string(fixture("healthy.json")).expect("read healthy.json");
    serde_json::from_str(&text).expect("healthy.json is JSON")
}

/// One edit of the healthy snapshot.
enum Change {
    Set(&'static str, Value),
    Remove(&'static str),
}

fn set(pointer: &'static str, v: Value) -> Change {
    Change::Set(pointer, v)
}

fn del(pointer: &'static str) -> Change {
    Change::Remove(pointer)
}

fn split(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').expect("pointer has a parent")
}

fn apply(doc: &mut Value, change: &Change) {
    match change {
        Change::Set(p, v) => {
            let (parent, key) = split(p);
            match doc
                .pointer_mut(parent)
                .unwrap_or_else(|| panic!("no {parent}"))
            {
                Value::Object(m) => {
                    m.insert(key.to_string(), v.clone());
                }
                Value::Array(a) => {
                    let i: usize = key.parse().expect("array index");
                    if i == a.len() {
                        a.push(v.clone());
                    } else {
                        a[i] = v.clone();
                    }
                }
                other => panic!("{parent} is {other}"),
            }
        }
        Change::Remove(p) => {
            let (parent, key) = split(p);
            match doc
                .pointer_mut(parent)
                .unwrap_or_else(|| panic!("no {parent}"))
            {
                Value::Object(m) => {
                    m.remove(key).unwrap_or_else(|| panic!("no {p}"));
                }
                Value::Array(a) => {
                    a.remove(key.parse().expect("array index"));
                }
                other => panic!("{parent} is {other}"),
            }
        }
    }
}

fn variant(changes: &[Change]) -> Value {
    let mut doc = healthy();
    for c in changes {
        apply(&mut doc, c);
    }
    doc
}

/// Runs the command on an inline snapshot through `run_json`; returns the report.
fn report_for(snapshot: &Value) -> Value {
    let request = json!({"Command": "prerequisites", "Options": {"Snapshot": snapshot}});
    let envelope: Value = serde_json::from_str(&run_json(&request.to_string())).expect("JSON out");
    assert_eq!(envelope["Ok"], json!(true), "{envelope:#}");
    envelope["Report"].clone()
}

fn error_for(options: Value) -> (String, String) {
    let request = json!({"Command": "prerequisites", "Options": options});
    let envelope: Value = serde_json::from_str(&run_json(&request.to_string())).expect("JSON out");
    assert_eq!(envelope["Ok"], json!(false), "{envelope:#}");
    (
        envelope["Error"]["Code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        envelope["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn results<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .filter(|r| r["Id"] == id)
        .collect()
}

fn assert_outcome(report: &Value, id: &str, target: Option<&str>, status: &str, outcome: &str) {
    assert_result(result(report, id, target), id, status, outcome);
}

const ALL_IDS: &[&str] = &[
    "PRE-LICENSE-TENANT",
    "PRE-LICENSE-USER",
    "PRE-LICENSE-ADMIN",
    "PRE-SSPR-TENANT",
    "PRE-WRITEBACK-TENANT",
    "PRE-SSPR-ADMINS",
    "PRE-TENANT-DIRSYNC",
    "PRE-TESTUSER-SYNCED",
    "PRE-TESTUSER-SSPR",
    "PRE-ADMIN-CLOUDONLY",
    "PRE-ADMIN-FEDERATED",
    "PRE-ADMIN-ROLE",
    "PRE-CONNECT-VERSION",
    "PRE-CONNECT-CONFIGVERSION",
    "PRE-CONNECT-DEADLINE",
    "PRE-CONNECT-AUTH",
    "PRE-ADSYNC-RUNNING",
    "PRE-SCHEDULER",
    "PRE-STAGING-MODE",
    "PRE-WRITEBACK-ENABLED",
    "PRE-CONNECTOR-RUNS",
    "PRE-TLS12",
    "PRE-DOTNET",
    "PRE-OS",
    "PRE-RESTRICTREMOTESAM",
    "PRE-RESTRICTREMOTESAM-DC",
    "PRE-PDC",
    "PRE-PDC-REACHABLE",
    "PRE-PREFERRED-DC",
    "PRE-DC-OS",
    "PRE-FOREST-LEVEL",
    "PRE-DC-POLICYHINTS",
    "PRE-PWD-MINAGE",
    "PRE-PWD-HISTORY",
    "PRE-OU-CHARS",
    "PRE-CONFIG-WRITEBACK",
    "PRE-CONFIG-SIGNSEAL",
    "PRE-CONFIG-USERJOIN",
    "PRE-CONFIG-SCOPE",
];

#[test]
fn healthy_environment_passes_every_rule() {
    let report = report_for(&healthy());
    let expected: &[(&str, Option<&str>, &str, &str)] = &[
        ("PRE-LICENSE-TENANT", None, "Pass", "PremiumLicensed"),
        ("PRE-LICENSE-USER", None, "Pass", "UserLicensed"),
        ("PRE-LICENSE-ADMIN", None, "Pass", "UserLicensed"),
        ("PRE-SSPR-TENANT", None, "Pass", "EnabledForTestUser"),
        (
            "PRE-WRITEBACK-TENANT",
            None,
            "Skipped",
            "NoDocumentedSource",
        ),
        ("PRE-SSPR-ADMINS", None, "Pass", "AdminSsprEnabled"),
        ("PRE-TENANT-DIRSYNC", None, "Pass", "SyncEnabled"),
        ("PRE-TESTUSER-SYNCED", None, "Pass", "Synced"),
        ("PRE-TESTUSER-SSPR", None, "Pass", "Registered"),
        ("PRE-ADMIN-CLOUDONLY", None, "Pass", "CloudOnly"),
        ("PRE-ADMIN-FEDERATED", None, "Pass", "ManagedDomain"),
        ("PRE-ADMIN-ROLE", None, "Pass", "SuitableRole"),
        ("PRE-CONNECT-VERSION", None, "Pass", "Latest"),
        ("PRE-CONNECT-CONFIGVERSION", None, "Pass", "VersionsMatch"),
        ("PRE-CONNECT-DEADLINE", None, "Pass", "MeetsDeadlines"),
        ("PRE-CONNECT-AUTH", None, "Pass", "Application"),
        ("PRE-ADSYNC-RUNNING", None, "Pass", "Running"),
        ("PRE-SCHEDULER", None, "Pass", "SchedulerActive"),
        ("PRE-STAGING-MODE", None, "Pass", "Active"),
        ("PRE-WRITEBACK-ENABLED", None, "Pass", "Enabled"),
        (
            "PRE-CONNECTOR-RUNS",
            Some("contoso.com"),
            "Pass",
            "FullRunsSucceeded",
        ),
        (
            "PRE-CONNECTOR-RUNS",
            Some("contoso.onmicrosoft.com - AAD"),
            "Pass",
            "FullRunsSucceeded",
        ),
        ("PRE-TLS12", None, "Pass", "Tls12Enabled"),
        ("PRE-DOTNET", None, "Pass", "Supported"),
        ("PRE-OS", None, "Pass", "Supported"),
        ("PRE-RESTRICTREMOTESAM", None, "Pass", "NotSet"),
        ("PRE-RESTRICTREMOTESAM-DC", None, "Pass", "NotSet"),
        ("PRE-PDC", None, "Pass", "PdcKnown"),
        ("PRE-PDC-REACHABLE", None, "Skipped", "SavedSnapshot"),
        ("PRE-PREFERRED-DC", None, "Pass", "PreferredWritable"),
        ("PRE-DC-OS", None, "Pass", "All2016OrLater"),
        ("PRE-FOREST-LEVEL", None, "Pass", "LevelSupported"),
        ("PRE-DC-POLICYHINTS", None, "Pass", "ControlOffered"),
        ("PRE-PWD-MINAGE", None, "Pass", "MinAgeZero"),
        ("PRE-PWD-HISTORY", None, "Pass", "NoHistory"),
        ("PRE-OU-CHARS", None, "Pass", "NoReservedCharacters"),
    ];
    for (id, target, status, outcome) in expected {
        assert_outcome(&report, id, *target, status, outcome);
    }
    let ids: Vec<&str> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["Id"].as_str())
        .collect();
    for id in ALL_IDS {
        assert!(ids.contains(id), "{id} missing from the report");
    }
    assert_eq!(report["Summary"]["Fail"], 0);
    assert_eq!(report["Summary"]["Warning"], 0);
    // The writeback toggle and PDC reachability, and the four PRE-CONFIG-* rules without a
    // configuration export (tests/serverconfig.rs).
    assert_eq!(report["Summary"]["Skipped"], 6);
    assert_eq!(report["Command"], "prerequisites");
    let r = result(&report, "PRE-PREFERRED-DC", None);
    assert_eq!(r["Evidence"]["WritebackTarget"], "DC01.contoso.com");
    assert_eq!(r["Evidence"]["FirstPreferredIsPdc"], true);
}

/// (rule, target, changes, status, outcome)
type Case = (
    &'static str,
    Option<&'static str>,
    Vec<Change>,
    &'static str,
    &'static str,
);

fn check_cases(cases: Vec<Case>) {
    for (id, target, changes, status, outcome) in cases {
        let report = report_for(&variant(&changes));
        assert_outcome(&report, id, target, status, outcome);
    }
}

#[test]
fn licensing_rules_fail() {
    let p1 = "/Tenant/SubscribedSkus/0/servicePlans/1/servicePlanId";
    check_cases(vec![
        // The device SKU still carries AAD_PREMIUM but does not count.
        (
            "PRE-LICENSE-TENANT",
            None,
            vec![set(p1, json!("00000000-0000-0000-0000-000000000000"))],
            "Fail",
            "NoPremiumLicense",
        ),
        (
            "PRE-LICENSE-TENANT",
            None,
            vec![set(
                "/Tenant/SubscribedSkus/0/capabilityStatus",
                json!("Suspended"),
            )],
            "Fail",
            "NoPremiumLicense",
        ),
        (
            "PRE-LICENSE-TENANT",
            None,
            vec![set(
                "/Tenant/SubscribedSkus/0/capabilityStatus",
                json!("Warning"),
            )],
            "Warning",
            "PremiumInGracePeriod",
        ),
        (
            // The shape Graph gives in the grace period: nothing enabled, every unit under
            // `warning`. Classed as inactive (Fail NoPremiumLicense) before 2026-12-02.
            "PRE-LICENSE-TENANT",
            None,
            vec![
                set(
                    "/Tenant/SubscribedSkus/0/capabilityStatus",
                    json!("Warning"),
                ),
                set("/Tenant/SubscribedSkus/0/prepaidUnits/enabled", json!(0)),
                set("/Tenant/SubscribedSkus/0/prepaidUnits/warning", json!(50)),
            ],
            "Warning",
            "PremiumInGracePeriod",
        ),
        (
            "PRE-LICENSE-TENANT",
            None,
            vec![
                set("/Tenant/SubscribedSkus/0/prepaidUnits/enabled", json!(0)),
                set("/Tenant/SubscribedSkus/0/prepaidUnits/warning", json!(0)),
            ],
            "Fail",
            "NoPremiumLicense",
        ),
        (
            "PRE-LICENSE-TENANT",
            None,
            vec![set("/Tenant/SubscribedSkus/0/consumedUnits", json!(0))],
            "Warning",
            "PremiumNotAssigned",
        ),
        (
            "PRE-LICENSE-USER",
            None,
            vec![set("/Tenant/TestUser/LicenseDetails", json!([]))],
            "Fail",
            "UserNotLicensed",
        ),
        (
            "PRE-LICENSE-USER",
            None,
            vec![set(
                "/Tenant/TestUser/LicenseDetails/0/servicePlans/1/provisioningStatus",
                json!("Disabled"),
            )],
            "Fail",
            "PlanNotActive",
        ),
        (
            "PRE-LICENSE-ADMIN",
            None,
            vec![set("/Tenant/AdminUser/LicenseDetails", json!([]))],
            "Fail",
            "UserNotLicensed",
        ),
        (
            "PRE-LICENSE-USER",
            None,
            vec![del("/Tenant/TestUser")],
            "Skipped",
            "NotCollected",
        ),
    ]);
    // assignedPlans work when licenseDetails were not read.
    let report = report_for(&variant(&[
        del("/Tenant/TestUser/LicenseDetails"),
        set(
            "/Tenant/TestUser/assignedPlans",
            json!([{"servicePlanId": "41781FB2-BC02-4B7C-BD55-B576C07BB09D", "capabilityStatus": "Enabled", "service": "AADPremiumService"}]),
        ),
    ]));
    assert_outcome(&report, "PRE-LICENSE-USER", None, "Pass", "UserLicensed");
}

#[test]
fn tenant_rules_fail() {
    check_cases(vec![
        (
            "PRE-SSPR-ADMINS",
            None,
            vec![set(
                "/Tenant/AuthorizationPolicy/allowedToUseSSPR",
                json!(false),
            )],
            "Warning",
            "AdminSsprDisabled",
        ),
        (
            "PRE-TENANT-DIRSYNC",
            None,
            vec![set(
                "/Tenant/Organization/value/0/onPremisesSyncEnabled",
                json!(null),
            )],
            "Fail",
            "SyncNotEnabled",
        ),
        (
            "PRE-TENANT-DIRSYNC",
            None,
            vec![set(
                "/Tenant/Organization/value/0/onPremisesLastSyncDateTime",
                json!("2026-11-20T08:00:00Z"),
            )],
            "Warning",
            "SyncStale",
        ),
        (
            "PRE-TESTUSER-SYNCED",
            None,
            vec![set("/Tenant/TestUser/onPremisesSyncEnabled", json!(null))],
            "Fail",
            "CloudOnly",
        ),
        (
            "PRE-TESTUSER-SYNCED",
            None,
            vec![set("/Tenant/TestUser/onPremisesSyncEnabled", json!(false))],
            "Fail",
            "NoLongerSynced",
        ),
        (
            "PRE-TESTUSER-SYNCED",
            None,
            vec![del("/Tenant/TestUser/onPremisesSyncEnabled")],
            "Skipped",
            "NotCollected",
        ),
        (
            "PRE-SSPR-TENANT",
            None,
            vec![set(
                "/Tenant/TestUser/UserRegistrationDetails/isSsprEnabled",
                json!(false),
            )],
            "Fail",
            "NotEnabledForTestUser",
        ),
        (
            "PRE-TESTUSER-SSPR",
            None,
            vec![set(
                "/Tenant/TestUser/UserRegistrationDetails/isSsprRegistered",
                json!(false),
            )],
            "Fail",
            "NotRegistered",
        ),
        (
            "PRE-TESTUSER-SSPR",
            None,
            vec![
                del("/Tenant/TestUser/UserRegistrationDetails"),
                set(
                    "/Tenant/Errors",
                    json!({"TestUser.UserRegistrationDetails": "Forbidden"}),
                ),
            ],
            "Skipped",
            "NotCollected",
        ),
    ]);
    let report = report_for(&healthy());
    let r = result(&report, "PRE-WRITEBACK-TENANT", None);
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("On-premises integration"),
        "{r:#}"
    );
    let report = report_for(&variant(&[set(
        "/Tenant/TestUser/UserRegistrationDetails/isSsprEnabled",
        json!(false),
    )]));
    let r = result(&report, "PRE-SSPR-TENANT", None);
    assert!(
        r["Remediation"]
            .as_str()
            .unwrap_or_default()
            .contains("Password reset > Properties"),
        "{r:#}"
    );
}

#[test]
fn admin_rules_fail() {
    check_cases(vec![
        (
            "PRE-ADMIN-CLOUDONLY",
            None,
            vec![set("/Tenant/AdminUser/onPremisesSyncEnabled", json!(true))],
            "Warning",
            "SyncedManagedAdmin",
        ),
        (
            "PRE-ADMIN-CLOUDONLY",
            None,
            vec![
                set("/Tenant/AdminUser/onPremisesSyncEnabled", json!(true)),
                set(
                    "/Tenant/AdminUser/userPrincipalName",
                    json!("admin@partners.contoso.com"),
                ),
            ],
            "Fail",
            "SyncedFederatedAdmin",
        ),
        (
            "PRE-ADMIN-FEDERATED",
            None,
            vec![set(
                "/Tenant/AdminUser/userPrincipalName",
                json!("admin@partners.contoso.com"),
            )],
            "Fail",
            "FederatedAdmin",
        ),
        (
            "PRE-ADMIN-FEDERATED",
            None,
            vec![set(
                "/Tenant/AdminUser/userPrincipalName",
                json!("admin@elsewhere.example"),
            )],
            "Warning",
            "DomainUnknown",
        ),
        (
            "PRE-ADMIN-ROLE",
            None,
            vec![
                set(
                    "/Tenant/AdminUser/DirectoryRoles",
                    json!([{"displayName": "User Administrator", "roleTemplateId": "fe930be7-5e62-47db-91af-98c3a49a38b1"}]),
                ),
                set(
                    "/Tenant/AdminUser/RoleAssignments/0/roleDefinitionId",
                    json!("fe930be7-5e62-47db-91af-98c3a49a38b1"),
                ),
            ],
            "Fail",
            "NoSuitableRole",
        ),
        (
            "PRE-ADMIN-ROLE",
            None,
            vec![set("/Tenant/AdminUser/RoleAssignments", json!([]))],
            "Fail",
            "RoleThroughGroup",
        ),
        (
            "PRE-ADMIN-ROLE",
            None,
            vec![del("/Tenant/AdminUser/RoleAssignments")],
            "Warning",
            "DirectnessUnknown",
        ),
    ]);
}

#[test]
fn connect_version_rules_fail() {
    let file_version = "/Connect/SyncEngine/FileVersion";
    let configured = "/Connect/GlobalSettings/Parameters/0/Value";
    check_cases(vec![
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![
                set(file_version, json!("2.4.131.0")),
                set(configured, json!("2.4.131.0")),
            ],
            "Fail",
            "Retired",
        ),
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![
                set(file_version, json!("2.5.79.0")),
                set(configured, json!("2.5.79.0")),
            ],
            "Fail",
            "Retired",
        ),
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![
                set(file_version, json!("2.6.3.0")),
                set(configured, json!("2.6.3.0")),
            ],
            "Pass",
            "Supported",
        ),
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![
                set(file_version, json!("1.1.380.0")),
                set("/CollectedAt", json!("2026-06-01T08:00:00Z")),
            ],
            "Fail",
            "Version1Retired",
        ),
        (
            "PRE-CONNECT-DEADLINE",
            None,
            vec![set(file_version, json!("2.6.3.0"))],
            "Warning",
            "DeadlineAhead",
        ),
        (
            "PRE-CONNECT-DEADLINE",
            None,
            vec![
                set(file_version, json!("2.6.3.0")),
                set("/CollectedAt", json!("2027-04-08T08:00:00Z")),
            ],
            "Fail",
            "DeadlinePassed",
        ),
        (
            "PRE-CONNECT-AUTH",
            None,
            vec![set(
                "/Connect/EntraConnectorIdentity/ConnectorIdentityType",
                json!("ServiceAccount"),
            )],
            "Warning",
            "ServiceAccount",
        ),
        (
            "PRE-CONNECT-AUTH",
            None,
            vec![
                set(
                    "/Connect/EntraConnectorIdentity/ConnectorIdentityType",
                    json!("ServiceAccount"),
                ),
                set("/CollectedAt", json!("2027-04-07T08:00:00Z")),
            ],
            "Fail",
            "ServiceAccountAfterDeadline",
        ),
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![set("/Connect/SyncEngine", json!(null))],
            "Fail",
            "NotInstalled",
        ),
        (
            "PRE-CONNECT-VERSION",
            None,
            vec![set("/CollectedAt", json!("2027-08-01T08:00:00Z"))],
            "Warning",
            "VersionTableOld",
        ),
        (
            "PRE-CONNECT-CONFIGVERSION",
            None,
            vec![set(configured, json!("2.4.131.0"))],
            "Fail",
            "VersionMismatch",
        ),
    ]);
    let report = report_for(&variant(&[set(
        "/CollectedAt",
        json!("2027-08-01T08:00:00Z"),
    )]));
    let r = result(&report, "PRE-CONNECT-VERSION", None);
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("as of 2026-12-02"),
        "{r:#}"
    );
    assert!(
        r["Evidence"]["VersionTableAgeDays"]
            .as_i64()
            .unwrap_or_default()
            > 180
    );
}

#[test]
fn service_and_scheduler_rules_fail() {
    check_cases(vec![
        (
            "PRE-ADSYNC-RUNNING",
            None,
            vec![set("/Connect/Service/Status", json!(1))],
            "Fail",
            "NotRunning",
        ),
        (
            "PRE-ADSYNC-RUNNING",
            None,
            vec![set("/Connect/Service/StartType", json!("Manual"))],
            "Warning",
            "NotAutomatic",
        ),
        (
            "PRE-ADSYNC-RUNNING",
            None,
            vec![set("/Connect/Service", json!(null))],
            "Fail",
            "ServiceMissing",
        ),
        (
            "PRE-SCHEDULER",
            None,
            vec![set("/Connect/Scheduler/SchedulerSuspended", json!(true))],
            "Fail",
            "SchedulerSuspended",
        ),
        (
            "PRE-SCHEDULER",
            None,
            vec![set("/Connect/Scheduler/SyncCycleEnabled", json!(false))],
            "Warning",
            "SyncCycleDisabled",
        ),
        // Without the scheduler object, the global setting still tells.
        (
            "PRE-SCHEDULER",
            None,
            vec![
                del("/Connect/Scheduler"),
                set("/Connect/GlobalSettings/Parameters/1/Value", json!("True")),
            ],
            "Fail",
            "SchedulerSuspended",
        ),
        (
            "PRE-STAGING-MODE",
            None,
            vec![set("/Connect/Scheduler/StagingModeEnabled", json!(true))],
            "Fail",
            "StagingMode",
        ),
    ]);
}

#[test]
fn connector_rules_fail() {
    check_cases(vec![
        (
            "PRE-WRITEBACK-ENABLED",
            None,
            vec![set(
                "/Connect/PasswordResetConfiguration/Enabled",
                json!(false),
            )],
            "Fail",
            "Disabled",
        ),
        (
            "PRE-CONNECTOR-RUNS",
            Some("contoso.com"),
            vec![set(
                "/Connect/RunProfileResults/7/Result",
                json!("stopped-server-down"),
            )],
            "Fail",
            "FullSyncFailed",
        ),
        (
            "PRE-CONNECTOR-RUNS",
            Some("contoso.com"),
            vec![set(
                "/Connect/RunProfileResults/1/Result",
                json!("no-start-connection"),
            )],
            "Fail",
            "LatestRunFailed",
        ),
    ]);
}

/// The real 5.1 run history from an Entra Connect server: the AD connector's latest run
/// could not connect, and the history holds no full runs.
#[test]
fn real_run_history_is_read() {
    let text = std::fs::read_to_string(fixture("adsync-runprofileresult-convertto-json.json"))
        .expect("real fixture");
    let runs: Value = serde_json::from_str(&text).expect("JSON");
    let connectors = json!([
        {"Identifier": "fffb4a69-4ed6-444d-8b89-73bc16f373dd", "Name": "garage.mcardletech.com", "Type": "AD"},
        {"Identifier": "b891884f-051e-4a83-95af-2544101c9083", "Name": "mcardletech.onmicrosoft.com - AAD", "Type": "Extensible2"}
    ]);
    let report = report_for(&variant(&[
        set("/Connect/RunProfileResults", runs),
        set("/Connect/Connectors", connectors),
    ]));
    assert_outcome(
        &report,
        "PRE-CONNECTOR-RUNS",
        Some("garage.mcardletech.com"),
        "Fail",
        "LatestRunFailed",
    );
    let ad = result(
        &report,
        "PRE-CONNECTOR-RUNS",
        Some("garage.mcardletech.com"),
    );
    assert_eq!(ad["Evidence"]["LatestRun"]["Result"], "no-start-connection");
    assert_eq!(
        ad["Evidence"]["LatestRun"]["StartDate"],
        "2022-04-08T04:10:53.843Z"
    );
    assert_outcome(
        &report,
        "PRE-CONNECTOR-RUNS",
        Some("mcardletech.onmicrosoft.com - AAD"),
        "Warning",
        "NoFullRunInHistory",
    );
    // The writeback rule finds the Entra connector by its fixed identifier.
    assert_eq!(
        result(&report, "PRE-WRITEBACK-ENABLED", None)["Target"],
        "mcardletech.onmicrosoft.com - AAD"
    );
}

#[test]
fn server_configuration_rules_fail() {
    check_cases(vec![
        (
            "PRE-TLS12",
            None,
            vec![del("/Connect/Tls/NetFramework32/SchUseStrongCrypto")],
            "Fail",
            "Tls12NotEnforced",
        ),
        (
            "PRE-TLS12",
            None,
            vec![set(
                "/Connect/Tls/SchannelTls12Server/DisabledByDefault",
                json!(1),
            )],
            "Fail",
            "Tls12NotEnforced",
        ),
        (
            "PRE-TLS12",
            None,
            vec![set("/Connect/Tls/SchannelTls12Client", json!(null))],
            "Warning",
            "SchannelDefaults",
        ),
        (
            "PRE-DOTNET",
            None,
            vec![set("/Connect/DotNetRelease", json!(379893))],
            "Fail",
            "TooOld",
        ),
        (
            "PRE-DOTNET",
            None,
            vec![set("/Connect/DotNetRelease", json!(461808))],
            "Warning",
            "BelowRecommended",
        ),
        (
            "PRE-DOTNET",
            None,
            vec![set("/Connect/DotNetRelease", json!(null))],
            "Fail",
            "NotInstalled",
        ),
        (
            "PRE-DOTNET",
            None,
            vec![del("/Connect/DotNetRelease")],
            "Skipped",
            "NotCollected",
        ),
        (
            "PRE-OS",
            None,
            vec![
                set(
                    "/Connect/OperatingSystem/Caption",
                    json!("Microsoft Windows Server 2025 Datacenter"),
                ),
                set("/Connect/OperatingSystem/BuildNumber", json!("26100")),
                set("/Connect/OperatingSystem/Version", json!("10.0.26100")),
            ],
            // Failed as Server2025Unsupported until the prerequisites page of 2026-01-16.
            "Pass",
            "Supported",
        ),
        (
            "PRE-OS",
            None,
            vec![
                set(
                    "/Connect/OperatingSystem/Caption",
                    json!("Microsoft Windows Server 2012 R2 Standard"),
                ),
                set("/Connect/OperatingSystem/BuildNumber", json!("9600")),
            ],
            "Fail",
            "TooOld",
        ),
        (
            "PRE-OS",
            None,
            vec![set(
                "/Connect/OperatingSystem/InstallationType",
                json!("Server Core"),
            )],
            "Fail",
            "ServerCore",
        ),
        (
            "PRE-OS",
            None,
            vec![set("/Connect/OperatingSystem/ProductType", json!(1))],
            "Fail",
            "NotServer",
        ),
        (
            "PRE-OS",
            None,
            vec![set("/Connect/OperatingSystem/ProductType", json!(2))],
            "Warning",
            "OnDomainController",
        ),
    ]);
}

#[test]
fn restrict_remote_sam_rule() {
    let sam = "/Connect/RestrictRemoteSam";
    let target = Some("contoso.com\\MSOL_1a2b3c4d5e6f");
    check_cases(vec![
        (
            "PRE-RESTRICTREMOTESAM",
            target,
            vec![set(sam, json!("O:BAG:BAD:(A;;RC;;;BA)"))],
            "Fail",
            "AccountExcluded",
        ),
        (
            "PRE-RESTRICTREMOTESAM",
            target,
            vec![set(
                sam,
                json!(
                    "O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1004336348-1177238915-682003330-1105)"
                ),
            )],
            "Pass",
            "AccountAllowed",
        ),
        (
            "PRE-RESTRICTREMOTESAM",
            target,
            vec![set(sam, json!("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;DU)"))],
            "Pass",
            "AccountAllowed",
        ),
        (
            "PRE-RESTRICTREMOTESAM",
            target,
            vec![set(
                sam,
                json!(
                    "O:BAG:BAD:(A;;RC;;;AU)(D;;RC;;;S-1-5-21-1004336348-1177238915-682003330-513)"
                ),
            )],
            "Fail",
            "AccountDenied",
        ),
        (
            "PRE-RESTRICTREMOTESAM",
            None,
            vec![set(sam, json!("garbage"))],
            "Warning",
            "Unparsable",
        ),
        (
            "PRE-RESTRICTREMOTESAM",
            None,
            vec![
                set(sam, json!("O:BAG:BAD:(A;;RC;;;BA)")),
                set("/ActiveDirectory/Connectors", json!([])),
            ],
            "Warning",
            "AccountUnknown",
        ),
    ]);
}

fn domain(p: &str) -> String {
    format!("/ActiveDirectory/Forests/0/Domains/0{p}")
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[test]
fn pdc_and_preferred_dc_rules() {
    let roles = leak(domain("/DomainControllers/0/OperationMasterRoles"));
    check_cases(vec![
        (
            "PRE-PDC",
            None,
            vec![
                set(leak(domain("/Domain/PDCEmulator")), json!(null)),
                set(roles, json!([1, 2])),
            ],
            "Fail",
            "PdcUnknown",
        ),
        (
            "PRE-PDC",
            None,
            vec![set(
                leak(domain("/Domain/PDCEmulator")),
                json!("DC09.contoso.com"),
            )],
            "Warning",
            "PdcNotListed",
        ),
        (
            "PRE-PREFERRED-DC",
            None,
            vec![
                set(
                    leak(domain("/DomainControllers/2")),
                    json!({"HostName": "RODC01.contoso.com", "IsReadOnly": true, "OperatingSystem": "Windows Server 2022 Standard", "OperatingSystemVersion": "10.0 (20348)"}),
                ),
                set(
                    "/ActiveDirectory/Connectors/0/Partitions/0/PreferredDomainControllers",
                    json!(["RODC01.contoso.com", "DC01.contoso.com"]),
                ),
            ],
            "Fail",
            "PreferredReadOnly",
        ),
        (
            "PRE-PREFERRED-DC",
            None,
            vec![set(
                "/ActiveDirectory/Connectors/0/Partitions/0/PreferredDomainControllers",
                json!(["DC77.contoso.com"]),
            )],
            "Warning",
            "PreferredNotFound",
        ),
        (
            "PRE-PREFERRED-DC",
            None,
            vec![set(
                "/ActiveDirectory/Connectors/0/Partitions/0/PreferredDomainControllers",
                json!([]),
            )],
            "Warning",
            "PreferredListEmpty",
        ),
        (
            "PRE-PREFERRED-DC",
            None,
            vec![set(
                "/ActiveDirectory/Connectors/0/Partitions/0/OnlyUsePreferredDomainControllers",
                json!(false),
            )],
            "Pass",
            "DcLocator",
        ),
    ]);
    // The PDC emulator is still found through the DC roles when Get-ADDomain lacks it.
    let report = report_for(&variant(&[set(
        leak(domain("/Domain/PDCEmulator")),
        json!(null),
    )]));
    assert_outcome(&report, "PRE-PDC", None, "Pass", "PdcKnown");
}

fn live(outcomes: &[(u16, &str)]) -> Value {
    let probes: Vec<Value> = outcomes
        .iter()
        .map(|(port, outcome)| {
            json!({"Host": "dc01.contoso.com", "Port": port, "Outcome": outcome, "Address": format!("10.0.0.10:{port}")})
        })
        .collect();
    json!({"ProbedAt": "2026-11-25T09:30:05Z", "TcpProbes": probes})
}

#[test]
fn pdc_reachability_uses_live_probes_when_present() {
    let all = [
        (88, "Connected"),
        (135, "Connected"),
        (389, "Connected"),
        (445, "Connected"),
    ];
    let blocked = [
        (88, "Connected"),
        (135, "Connected"),
        (389, "Connected"),
        (445, "TimedOut"),
    ];
    check_cases(vec![
        (
            "PRE-PDC-REACHABLE",
            None,
            vec![set("/Live", live(&all))],
            "Pass",
            "PdcReachable",
        ),
        (
            "PRE-PDC-REACHABLE",
            None,
            vec![set("/Live", live(&blocked))],
            "Fail",
            "PdcPortsBlocked",
        ),
        (
            "PRE-PDC-REACHABLE",
            None,
            vec![set("/Live", live(&all[..2]))],
            "Warning",
            "PartiallyProbed",
        ),
        (
            "PRE-PDC-REACHABLE",
            None,
            vec![set("/Live", json!({"TcpProbes": []}))],
            "Skipped",
            "NotProbed",
        ),
    ]);
    let report = report_for(&variant(&[set("/Live", live(&blocked))]));
    let r = result(&report, "PRE-PDC-REACHABLE", None);
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("445 (SMB): TimedOut"),
        "{r:#}"
    );
}

#[test]
fn domain_controller_and_policy_rules_fail() {
    check_cases(vec![
        (
            "PRE-DC-OS",
            None,
            vec![
                set(
                    leak(domain("/DomainControllers/1/OperatingSystem")),
                    json!("Windows Server 2012 R2 Standard"),
                ),
                set(
                    leak(domain("/DomainControllers/1/OperatingSystemVersion")),
                    json!("6.3 (9600)"),
                ),
            ],
            "Warning",
            "OlderThan2016",
        ),
        (
            "PRE-DC-OS",
            None,
            vec![
                del(leak(domain("/DomainControllers/1/OperatingSystem"))),
                del(leak(domain("/DomainControllers/1/OperatingSystemVersion"))),
            ],
            "Warning",
            "OsUnknown",
        ),
        (
            "PRE-FOREST-LEVEL",
            None,
            vec![set(
                "/ActiveDirectory/Forests/0/Forest/ForestMode",
                json!(0),
            )],
            "Fail",
            "LevelTooLow",
        ),
        (
            "PRE-FOREST-LEVEL",
            None,
            vec![set(
                leak(domain("/Domain/DomainMode")),
                json!("Windows2000Domain"),
            )],
            "Fail",
            "DomainLevelTooLow",
        ),
        (
            "PRE-FOREST-LEVEL",
            None,
            vec![set(
                "/ActiveDirectory/Forests/0/Forest/ForestMode",
                json!("Windows2040Forest"),
            )],
            "Warning",
            "LevelUnknown",
        ),
        (
            "PRE-PWD-MINAGE",
            None,
            vec![set(
                leak(domain("/PasswordPolicy/MinPasswordAge")),
                json!("1.00:00:00"),
            )],
            "Warning",
            "MinAgeSet",
        ),
        (
            "PRE-PWD-HISTORY",
            None,
            vec![set(
                leak(domain("/PasswordPolicy/PasswordHistoryCount")),
                json!(24),
            )],
            "Warning",
            "HistoryEnforced",
        ),
    ]);
    let report = report_for(&variant(&[
        set(
            leak(domain("/DomainControllers/1/OperatingSystem")),
            json!("Windows Server 2012 R2 Standard"),
        ),
        set(
            leak(domain("/DomainControllers/1/OperatingSystemVersion")),
            json!("6.3 (9600)"),
        ),
    ]));
    let msg = result(&report, "PRE-DC-OS", None)["Message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        msg.contains("stricter 2016 requirement") && msg.contains("DC02.contoso.com"),
        "{msg}"
    );
}

#[test]
fn ou_names_rule_fails_and_respects_scope() {
    let ous = leak(domain("/OrganizationalUnits/5"));
    check_cases(vec![
        (
            "PRE-OU-CHARS",
            None,
            vec![set(
                ous,
                json!({"Name": "#Temp", "DistinguishedName": "OU=\\#Temp,DC=contoso,DC=com"}),
            )],
            "Fail",
            "ReservedCharacters",
        ),
        // The excluded OU "Old, Archive" counts once the exclusion is gone.
        (
            "PRE-OU-CHARS",
            None,
            vec![set(
                "/ActiveDirectory/Connectors/0/Partitions/0/ContainerExclusionList",
                json!([]),
            )],
            "Fail",
            "ReservedCharacters",
        ),
        // OUs outside the inclusion list are not checked.
        (
            "PRE-OU-CHARS",
            None,
            vec![
                set(
                    ous,
                    json!({"DistinguishedName": "OU=Lab/Test,OU=Sandbox,DC=contoso,DC=com"}),
                ),
                set(
                    "/ActiveDirectory/Connectors/0/Partitions/0/ContainerInclusionList",
                    json!(["OU=Sales,DC=contoso,DC=com"]),
                ),
            ],
            "Pass",
            "NoReservedCharacters",
        ),
    ]);
    let report = report_for(&variant(&[set(
        ous,
        json!({"DistinguishedName": "OU=Lab/Test,DC=contoso,DC=com"}),
    )]));
    let r = result(&report, "PRE-OU-CHARS", None);
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("OU=Lab/Test"),
        "{r:#}"
    );
}

#[test]
fn unavailable_sections_skip_their_rules() {
    let tenant_ids = [
        "PRE-LICENSE-TENANT",
        "PRE-LICENSE-USER",
        "PRE-LICENSE-ADMIN",
        "PRE-SSPR-ADMINS",
        "PRE-TENANT-DIRSYNC",
        "PRE-SSPR-TENANT",
        "PRE-TESTUSER-SYNCED",
        "PRE-TESTUSER-SSPR",
        "PRE-ADMIN-CLOUDONLY",
        "PRE-ADMIN-FEDERATED",
        "PRE-ADMIN-ROLE",
    ];
    let connect_ids = [
        "PRE-CONNECT-VERSION",
        "PRE-CONNECT-CONFIGVERSION",
        "PRE-ADSYNC-RUNNING",
        "PRE-SCHEDULER",
        "PRE-STAGING-MODE",
        "PRE-WRITEBACK-ENABLED",
        "PRE-CONNECTOR-RUNS",
        "PRE-TLS12",
        "PRE-DOTNET",
        "PRE-OS",
        "PRE-RESTRICTREMOTESAM",
    ];
    let ad_ids = [
        "PRE-PDC",
        "PRE-PDC-REACHABLE",
        "PRE-PREFERRED-DC",
        "PRE-DC-OS",
        "PRE-FOREST-LEVEL",
        "PRE-PWD-MINAGE",
        "PRE-PWD-HISTORY",
        "PRE-OU-CHARS",
    ];
    for (section, reason, ids) in [
        (
            "Tenant",
            "No Microsoft Graph context: run Connect-MgGraph first",
            &tenant_ids[..],
        ),
        (
            "Connect",
            "The ADSync module is not installed on this computer",
            &connect_ids[..],
        ),
        (
            "ActiveDirectory",
            "The ActiveDirectory module (RSAT) is not installed",
            &ad_ids[..],
        ),
    ] {
        let pointer = leak(format!("/{section}"));
        let report = report_for(&variant(&[set(
            pointer,
            json!({"Status": "Unavailable", "Reason": reason}),
        )]));
        for id in ids {
            for r in results(&report, id) {
                assert_eq!(r["Status"], "Skipped", "{r:#}");
                assert_eq!(r["Evidence"]["Outcome"], "SectionUnavailable", "{r:#}");
                assert_eq!(r["Evidence"]["Reason"], reason, "{r:#}");
                assert!(
                    r["Message"].as_str().unwrap_or_default().contains(reason),
                    "{r:#}"
                );
            }
            assert!(!results(&report, id).is_empty(), "{id}");
        }
        assert_eq!(report["Summary"]["Fail"], 0, "{section}");
        assert_eq!(report["Summary"]["Error"], 0, "{section}");
    }
    // A whole snapshot without sections still gives every rule, all Skipped.
    let report = report_for(&json!({"SchemaVersion": 1, "CollectedAt": "2026-11-25T09:30:00Z"}));
    let statuses: Vec<&str> = report["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["Status"].as_str())
        .collect();
    assert!(statuses.iter().all(|s| *s == "Skipped"), "{statuses:?}");
    for id in ALL_IDS {
        assert!(!results(&report, id).is_empty(), "{id}");
    }
}

#[test]
fn unavailable_domains_and_missing_items_are_explained() {
    let report = report_for(&variant(&[set(
        "/ActiveDirectory/Forests/0/Domains/0",
        json!({"Name": "contoso.com", "Status": "Unavailable", "Reason": "The server is not operational"}),
    )]));
    for id in ["PRE-PDC", "PRE-DC-OS", "PRE-PWD-MINAGE", "PRE-OU-CHARS"] {
        let r = result(&report, id, Some("contoso.com"));
        assert_eq!(r["Status"], "Skipped");
        assert!(
            r["Message"]
                .as_str()
                .unwrap_or_default()
                .contains("not operational"),
            "{r:#}"
        );
    }
    let report = report_for(&variant(&[set(
        "/ActiveDirectory/Forests/0/Domains",
        json!([]),
    )]));
    for id in [
        "PRE-PDC",
        "PRE-PDC-REACHABLE",
        "PRE-DC-OS",
        "PRE-PWD-MINAGE",
        "PRE-PWD-HISTORY",
        "PRE-OU-CHARS",
    ] {
        let r = result(&report, id, Some("contoso.com"));
        assert_eq!(r["Evidence"]["Outcome"], "NotCollected", "{r:#}");
    }
    let report = report_for(&variant(&[
        del("/Connect/Scheduler"),
        del("/Connect/GlobalSettings"),
        set(
            "/Connect/Errors",
            json!({"Scheduler": "Get-ADSyncScheduler: Access is denied"}),
        ),
    ]));
    let r = result(&report, "PRE-SCHEDULER", None);
    assert_eq!(r["Evidence"]["Outcome"], "NotCollected");
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("Connect.Scheduler was not collected: Get-ADSyncScheduler: Access is denied"),
        "{r:#}"
    );
}

/// Everything but the timing of a report, for comparisons.
fn comparable(report: &Value) -> Value {
    let mut results = report["Results"].clone();
    for r in results.as_array_mut().expect("results") {
        r.as_object_mut().expect("result").remove("DurationMs");
    }
    json!({"Results": results, "Summary": report["Summary"]})
}

fn report_for_file(path: &Path) -> Value {
    let request = json!({"Command": "prerequisites", "Options": {"SnapshotPath": path}});
    let envelope: Value = serde_json::from_str(&run_json(&request.to_string())).expect("JSON out");
    assert_eq!(
        envelope["Ok"],
        json!(true),
        "{}: {envelope:#}",
        path.display()
    );
    envelope["Report"].clone()
}

#[test]
fn both_powershell_encodings_give_identical_results() {
    let canonical = comparable(&report_for_file(&fixture("healthy.json")));
    for name in ["healthy-ps51.json", "healthy-ps7.json"] {
        let other = comparable(&report_for_file(&fixture(name)));
        assert_eq!(canonical, other, "{name} differs from healthy.json");
    }
    let raw = std::fs::read(fixture("healthy-ps51.json")).expect("read");
    assert_eq!(
        &raw[..2],
        &[0xFF, 0xFE],
        "the 5.1 fixture is UTF-16 LE with BOM"
    );
    // The same text as UTF-8 with a BOM, and as UTF-16 LE, reads the same too.
    let text = std::fs::read_to_string(fixture("healthy.json")).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    let bom8 = dir.path().join("bom8.json");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(text.as_bytes());
    std::fs::write(&bom8, bytes).expect("write");
    let utf16 = dir.path().join("utf16.json");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).expect("write");
    for p in [bom8, utf16] {
        assert_eq!(
            canonical,
            comparable(&report_for_file(&p)),
            "{}",
            p.display()
        );
    }
}

#[test]
fn malformed_snapshots_name_the_bad_field() {
    let cases = [
        (set("/Connect/DotNetRelease", json!("abc")), r#"Connect.DotNetRelease: expected a number, found "abc""#),
        (set("/Connect/Scheduler/SchedulerSuspended", json!("maybe")), "Connect.Scheduler.SchedulerSuspended: expected true or false"),
        (set("/Connect/Scheduler", json!("@{SyncCycleEnabled=True}")), "-Depth 20"),
        (set("/CollectedAt", json!("yesterday")), "CollectedAt: expected a date"),
        (
            set("/ActiveDirectory/Forests/0/Domains/0/PasswordPolicy/MinPasswordAge", json!(true)),
            "ActiveDirectory.Forests[0].Domains[0].PasswordPolicy.MinPasswordAge: expected a TimeSpan",
        ),
        (
            set("/Tenant/SubscribedSkus/0/servicePlans", json!(["x"])),
            "Tenant.SubscribedSkus[0].servicePlans[0]: expected an object",
        ),
        (set("/Connect/Status", json!("Partial")), "Connect.Status: expected \"Collected\" or \"Unavailable\""),
        (set("/SchemaVersion", json!(7)), "SchemaVersion: schema version 7 is not supported"),
        (
            set("/Live", json!({"TcpProbes": [{"Host": "dc01", "Port": 70000, "Outcome": "Connected"}]})),
            "Live.TcpProbes[0].Port: expected a port number",
        ),
    ];
    for (change, needle) in cases {
        let doc = variant(&[change]);
        let (code, message) = error_for(json!({"Snapshot": doc}));
        assert_eq!(code, "InvalidInput", "{message}");
        assert!(message.contains(needle), "wanted {needle:?} in {message:?}");
    }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(bytes).expect("write");
    p
}

#[test]
fn truncated_and_junk_files_fail_fast() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture("healthy.json")).expect("read");
    let truncated = write_file(
        dir.path(),
        "truncated.json",
        &text.as_bytes()[..text.len() / 2],
    );
    let (code, message) = error_for(json!({"SnapshotPath": truncated}));
    assert_eq!(code, "InvalidJson", "{message}");
    assert!(message.contains("EOF"), "{message}");

    const FIFTY_MB: usize = 50 * 1024 * 1024;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let random: Vec<u8> = (0..FIFTY_MB)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    let ascii: Vec<u8> = b"not json at all "
        .iter()
        .copied()
        .cycle()
        .take(FIFTY_MB)
        .collect();
    let mut prefix = br#"{"SchemaVersion": 1, "Connect": {"Junk": ["#.to_vec();
    while prefix.len() < FIFTY_MB {
        prefix.extend_from_slice(b"0,");
    }
    let deep: Vec<u8> = b"[".repeat(FIFTY_MB);
    for (name, bytes, code, needle) in [
        ("random.bin", random, "InvalidInput", "not UTF-8"),
        ("ascii.txt", ascii, "InvalidJson", "not valid JSON"),
        ("endless-array.json", prefix, "InvalidInput", "more than"),
        ("deep.json", deep, "InvalidJson", "recursion limit"),
    ] {
        let path = write_file(dir.path(), name, &bytes);
        drop(bytes);
        let started = Instant::now();
        let (got, message) = error_for(json!({"SnapshotPath": path}));
        let took = started.elapsed();
        assert_eq!(got, code, "{name}: {message}");
        assert!(message.contains(needle), "{name}: {message}");
        assert!(message.len() < 400, "{name}: message too long: {message}");
        assert!(took < Duration::from_secs(20), "{name} took {took:?}");
    }
    // Over the 64 MiB limit: refused before reading (a sparse file costs no disk).
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(65 * 1024 * 1024))
        .expect("sparse file");
    let (code, message) = error_for(json!({"SnapshotPath": big}));
    assert_eq!(code, "InvalidInput");
    assert!(message.contains("the limit is"), "{message}");
    let (code, message) = error_for(json!({"SnapshotPath": dir.path()}));
    assert_eq!(code, "InvalidInput");
    assert!(message.contains("directory"), "{message}");
}

#[test]
fn options_are_checked() {
    for (options, needle) in [
        (json!({}), "is required"),
        (
            json!({"SnapshotPath": "a.json", "Snapshot": {"SchemaVersion": 1}}),
            "not both",
        ),
        (
            json!({"Snapshot": {"SchemaVersion": 1}, "Verbose": true}),
            "unknown field",
        ),
        (
            json!({"SnapshotPath": "/nonexistent/dir/snap.json"}),
            "cannot read snapshot",
        ),
        (json!({"Snapshot": "not an object"}), "expected an object"),
    ] {
        let (code, message) = error_for(options.clone());
        assert_eq!(code, "InvalidInput", "{options}: {message}");
        assert!(message.contains(needle), "{options}: {message}");
    }
}

const WBDIAG_LIMIT: Duration = Duration::from_secs(60);

#[test]
fn wbdiag_exit_codes() {
    let healthy_path = fixture("healthy-ps51.json");
    let healthy_path = healthy_path.to_str().expect("utf-8 path");
    let ok = wbdiag(&["prerequisites", "--snapshot", healthy_path], WBDIAG_LIMIT);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("PreferredDc") && ok.stdout.contains("0 fail"),
        "{}",
        ok.stdout
    );

    let json_run = wbdiag(
        &["prerequisites", "--snapshot", healthy_path, "--json"],
        WBDIAG_LIMIT,
    );
    assert_eq!(json_run.code, 0);
    let report: Value = serde_json::from_str(&json_run.stdout).expect("--json prints the report");
    assert_eq!(report["Command"], "prerequisites");

    let dir = tempfile::tempdir().expect("tempdir");
    let failing = variant(&[set("/Connect/DotNetRelease", json!(379893))]);
    let failing_path = write_file(dir.path(), "failing.json", failing.to_string().as_bytes());
    let failed = wbdiag(
        &[
            "prerequisites",
            "--snapshot",
            failing_path.to_str().expect("path"),
        ],
        WBDIAG_LIMIT,
    );
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert!(failed.stdout.contains("What to fix"), "{}", failed.stdout);

    let bad = variant(&[set("/Connect/DotNetRelease", json!("abc"))]);
    let bad_path = write_file(dir.path(), "bad.json", bad.to_string().as_bytes());
    let refused = wbdiag(
        &[
            "prerequisites",
            "--snapshot",
            bad_path.to_str().expect("path"),
        ],
        WBDIAG_LIMIT,
    );
    assert_eq!(refused.code, 2);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Connect.DotNetRelease"),
        "{}",
        refused.stderr
    );

    let missing = wbdiag(
        &["prerequisites", "--snapshot", "/nonexistent/snapshot.json"],
        WBDIAG_LIMIT,
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    let usage = wbdiag(&["prerequisites"], WBDIAG_LIMIT);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}
