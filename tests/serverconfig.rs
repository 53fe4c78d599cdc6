//! The Connect configuration export (`Get-ADSyncServerConfiguration -Path`): the parser's
//! public API and the PRE-CONFIG-* rules on the real Contoso export
//! (`tests/fixtures/serverconfig/contoso`, see its SOURCE.md) and on edited copies of it,
//! made in temporary folders by changing one piece of XML text each, plus bad input and the
//! `wbdiag prerequisites --server-config` command line.

mod wbdiag_run;

#[path = "common/report.rs"]
mod report;
use report::{assert_result, result};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use wbdiag_run::wbdiag;
use writeback_diagnostics::run_json;
use writeback_diagnostics::serverconfig::{self, MAX_FILES, MAX_FILE_BYTES};

const AD_FILE: &str = "Connectors/Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml";
const ENTRA_FILE: &str = "Connectors/Connector_{b891884f-051e-4a83-95af-2544101c9083}.xml";
const MV_FILE: &str = "GlobalSettings/MV.xml";
const USER_JOIN_FILE: &str =
    "SynchronizationRules/SynchronizationRule_{6f1bc185-65f9-4175-a31e-70fc975f464a}.xml";

/// The real export, never modified.
fn contoso() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serverconfig/contoso")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A writable copy of the real export.
struct Copy {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Copy {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("export");
        copy_tree(&contoso(), &root);
        Copy { _dir: dir, root }
    }

    /// Replaces `from` (which must occur `count` times) with `to` in `file`.
    fn edit(&self, file: &str, from: &str, to: &str, count: usize) -> &Self {
        let path = self.root.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text.matches(from).count(),
            count,
            "{file}: '{from}' should occur {count} times"
        );
        std::fs::write(&path, text.replace(from, to)).expect("write");
        self
    }

    fn remove(&self, file: &str) -> &Self {
        std::fs::remove_file(self.root.join(file)).expect("remove");
        self
    }

    fn write(&self, file: &str, bytes: &[u8]) -> &Self {
        std::fs::write(self.root.join(file), bytes).expect("write");
        self
    }

    fn path(&self) -> &str {
        self.root.to_str().expect("utf-8 path")
    }
}

fn envelope(options: Value) -> Value {
    let request = json!({"Command": "prerequisites", "Options": options});
    serde_json::from_str(&run_json(&request.to_string())).expect("JSON out")
}

fn report(options: Value) -> Value {
    let e = envelope(options);
    assert_eq!(e["Ok"], true, "{e:#}");
    e["Report"].clone()
}

fn config_report(folder: &str) -> Value {
    report(json!({"ServerConfigPath": folder}))
}

fn error(options: Value) -> String {
    let e = envelope(options);
    assert_eq!(e["Ok"], false, "{e:#}");
    assert_eq!(e["Error"]["Code"], "InvalidInput", "{e:#}");
    e["Error"]["Message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Asserts status, outcome and the fields every result has; returns the result.
fn outcome<'a>(report: &'a Value, id: &str, status: &str, outcome: &str) -> &'a Value {
    let r = result(report, id, None);
    assert_result(r, id, status, outcome);
    r
}

fn message(r: &Value) -> &str {
    r["Message"].as_str().unwrap_or_default()
}

#[test]
fn the_fixture_is_the_real_export_byte_for_byte() {
    // Sizes of the files in AADConnectConfigDocumenter @ d1987713 (SOURCE.md): a checkout
    // that rewrote line endings or an edit would change them.
    for (file, len) in [
        (AD_FILE, 1_813_931),
        (ENTRA_FILE, 95_506),
        (MV_FILE, 78_790),
    ] {
        let meta = std::fs::metadata(contoso().join(file)).expect(file);
        assert_eq!(meta.len(), len, "{file}");
    }
    let rules = std::fs::read_dir(contoso().join("SynchronizationRules"))
        .expect("rules")
        .count();
    assert_eq!(rules, 62);
    assert!(contoso().join("LICENSE.txt").is_file());
}

#[test]
fn parses_the_real_export_into_the_public_scope_api() {
    let config = serverconfig::load(&contoso()).expect("loads");
    assert_eq!(config.server.as_deref(), Some("CONTOSO-SYNC01"));
    assert_eq!(
        config.exported_at.as_deref(),
        Some("2016-05-03 14:28:09.784")
    );

    assert_eq!(config.ad_connectors.len(), 1);
    let ad = &config.ad_connectors[0];
    assert_eq!(ad.name, "contoso.com");
    assert_eq!(ad.id, "ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d");
    assert_eq!(ad.forest, "contoso.com");
    let account = ad.account.as_ref().expect("account");
    assert_eq!(
        (account.domain.as_str(), account.user.as_str()),
        ("contoso.com", "MSOL_d1edb676ca03")
    );
    assert_eq!(account.to_string(), "contoso.com\\MSOL_d1edb676ca03");
    assert_eq!(ad.sign_and_seal, Some(true));
    assert_eq!(ad.ssl_bind, Some(false));
    let scope: Vec<_> = ad.in_scope().collect();
    assert_eq!(scope.len(), 1);
    let p = scope[0];
    assert_eq!(p.name, "DC=contoso,DC=com");
    assert_eq!(p.display_name.as_deref(), Some("contoso.com"));
    assert_eq!(p.inclusions, ["OU=CORP,DC=contoso,DC=com"]);
    assert_eq!(p.exclusions, ["DC=contoso,DC=com"]);
    assert_eq!(p.sign_and_seal, Some(true));
    assert_eq!(p.last_dc.as_deref(), Some("CONTOSO-DC01.contoso.com"));
    assert!(p.alternate_account.is_none() && p.preferred_dcs.is_empty());

    assert_eq!(config.entra_connectors.len(), 1);
    let entra = &config.entra_connectors[0];
    assert_eq!(entra.name, "contoso.onmicrosoft.com - AAD");
    assert_eq!(entra.password_reset_enabled, Some(false));
    assert_eq!(
        entra.sync_account.as_deref(),
        Some("Sync_CONTOSO-SYNC01_e3c03195e061@contoso.onmicrosoft.com")
    );
    assert!(config.other_connectors.is_empty());

    let settings = config.global_settings.as_ref().expect("MV.xml");
    assert_eq!(settings.password_writeback(), Some(false));
    assert_eq!(
        settings.parameter("Microsoft.Synchronize.ServerConfigurationVersion"),
        Some("1.1.130.0")
    );

    let rules = config.sync_rules.as_ref().expect("rules");
    assert_eq!(rules.len(), 62);
    let join: Vec<_> = rules
        .iter()
        .filter(|r| r.name == "Out to AAD - User Join")
        .collect();
    assert_eq!(join.len(), 1);
    assert!(join[0].is_outbound() && !join[0].disabled && join[0].enable_password_sync);
    assert_eq!(join[0].connector, entra.id);
    assert_eq!(
        join[0].immutable_tag.as_deref(),
        Some("Microsoft.OuttoAADUserJoin.006")
    );
}

#[test]
fn the_real_export_has_writeback_off_and_the_rest_in_order() {
    let r = config_report(contoso().to_str().expect("path"));
    let ids: Vec<&str> = r["Results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|x| x["Id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "PRE-CONFIG-WRITEBACK",
            "PRE-CONFIG-SIGNSEAL",
            "PRE-CONFIG-USERJOIN",
            "PRE-CONFIG-SCOPE"
        ],
        "without a snapshot only the configuration rules run"
    );
    let w = outcome(&r, "PRE-CONFIG-WRITEBACK", "Fail", "Disabled");
    assert_eq!(w["Target"], "contoso.onmicrosoft.com - AAD");
    assert_eq!(w["Evidence"]["ConnectorEnabled"], false);
    assert_eq!(w["Evidence"]["OptionalFeature"], false);
    assert!(w["Remediation"]
        .as_str()
        .unwrap_or_default()
        .contains("Set-ADSyncAADPasswordResetConfiguration -Connector 'contoso.onmicrosoft.com - AAD' -Enable $true"));

    let s = outcome(&r, "PRE-CONFIG-SIGNSEAL", "Pass", "On");
    assert_eq!(s["Target"], "contoso.com");
    assert_eq!(s["Evidence"]["ForestSignAndSeal"], true);
    assert_eq!(s["Evidence"]["Partitions"][0]["SignAndSeal"], true);
    assert_eq!(s["Evidence"]["Off"], json!([]));

    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Pass", "Present");
    assert_eq!(j["Evidence"]["Rules"][0]["EnablePasswordSync"], true);
    assert_eq!(j["Evidence"]["SyncRulesRead"], 62);

    let scope = outcome(&r, "PRE-CONFIG-SCOPE", "Pass", "InScope");
    let e = &scope["Evidence"];
    assert_eq!(e["Account"], "contoso.com\\MSOL_d1edb676ca03");
    assert_eq!(e["Forest"], "contoso.com");
    assert_eq!(
        e["Partitions"],
        json!([{
            "Name": "DC=contoso,DC=com",
            "DisplayName": "contoso.com",
            "Included": ["OU=CORP,DC=contoso,DC=com"],
            "Excluded": ["DC=contoso,DC=com"],
            "AlternateAccount": null
        }])
    );
    assert!(message(scope).contains("OU=CORP,DC=contoso,DC=com"));
    assert_eq!(r["Summary"]["Fail"], 1);
    assert_eq!(r["Summary"]["Pass"], 3);
}

const RESET_OFF: &str = "<aad-password-reset-config><enabled>0</enabled>";
const RESET_ON: &str = "<aad-password-reset-config><enabled>1</enabled>";
const FEATURE_OFF: &str = "\"Microsoft.OptionalFeature.PasswordWriteback\" type=\"string\" use=\"SynchronizationGlobal\" dataType=\"String\">False<";
const FEATURE_ON: &str = "\"Microsoft.OptionalFeature.PasswordWriteback\" type=\"string\" use=\"SynchronizationGlobal\" dataType=\"String\">True<";

#[test]
fn writeback_on_both_sides_passes_and_disagreement_is_its_own_outcome() {
    let on = Copy::new();
    on.edit(ENTRA_FILE, RESET_OFF, RESET_ON, 1)
        .edit(MV_FILE, FEATURE_OFF, FEATURE_ON, 1);
    let r = config_report(on.path());
    let w = outcome(&r, "PRE-CONFIG-WRITEBACK", "Pass", "Enabled");
    assert_eq!(w["Evidence"]["ConnectorEnabled"], true);
    assert_eq!(w["Evidence"]["OptionalFeature"], true);
    assert_eq!(r["Summary"]["Fail"], 0, "{r:#}");

    let connector_only = Copy::new();
    connector_only.edit(ENTRA_FILE, RESET_OFF, RESET_ON, 1);
    let r = config_report(connector_only.path());
    let w = outcome(&r, "PRE-CONFIG-WRITEBACK", "Warning", "Inconsistent");
    assert_eq!(w["Evidence"]["ConnectorEnabled"], true);
    assert_eq!(w["Evidence"]["OptionalFeature"], false);

    let feature_only = Copy::new();
    feature_only.edit(MV_FILE, FEATURE_OFF, FEATURE_ON, 1);
    let r = config_report(feature_only.path());
    let w = outcome(&r, "PRE-CONFIG-WRITEBACK", "Fail", "Inconsistent");
    assert!(message(w).contains("SSPR_0010"), "{w:#}");

    // Neither recorded: nothing to decide on.
    let neither = Copy::new();
    neither
        .edit(
            ENTRA_FILE,
            RESET_OFF,
            "<aad-password-reset-config-removed><enabled>0</enabled>",
            1,
        )
        .edit(
            ENTRA_FILE,
            "</aad-password-reset-config>",
            "</aad-password-reset-config-removed>",
            1,
        )
        .remove(MV_FILE);
    let r = config_report(neither.path());
    outcome(&r, "PRE-CONFIG-WRITEBACK", "Skipped", "NotInExport");
}

const FOREST_SEAL_ON: &str =
    "<forest-login-user>MSOL_d1edb676ca03</forest-login-user><sign-and-seal>1</sign-and-seal>";
const FOREST_SEAL_OFF: &str =
    "<forest-login-user>MSOL_d1edb676ca03</forest-login-user><sign-and-seal>0</sign-and-seal>";
const PARTITION_SEAL_ON: &str =
    "<guid>{C58EA1C0-26F4-4A1B-9D0C-C5B36C7E1C73}</guid><sign-and-seal>1</sign-and-seal>";
const PARTITION_SEAL_OFF: &str =
    "<guid>{C58EA1C0-26F4-4A1B-9D0C-C5B36C7E1C73}</guid><sign-and-seal>0</sign-and-seal>";

#[test]
fn sign_and_seal_off_fails_naming_the_hr_and_the_fix() {
    let forest = Copy::new();
    forest.edit(AD_FILE, FOREST_SEAL_ON, FOREST_SEAL_OFF, 1);
    let r = config_report(forest.path());
    let s = outcome(&r, "PRE-CONFIG-SIGNSEAL", "Fail", "Off");
    assert_eq!(s["Target"], "contoso.com");
    assert_eq!(s["Evidence"]["ForestSignAndSeal"], false);
    assert_eq!(s["Evidence"]["Partitions"][0]["SignAndSeal"], true);
    assert!(message(s).contains("0x8023062C"), "{s:#}");
    assert!(message(s).contains("forest connection"), "{s:#}");
    let fix = s["Remediation"].as_str().unwrap_or_default();
    assert!(
        fix.contains("Sign and Encrypt LDAP Traffic") && fix.contains("Restart-Service ADSync"),
        "{fix}"
    );
    assert_eq!(
        s["DocsUrl"],
        "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-8023062c"
    );

    let partition = Copy::new();
    partition.edit(AD_FILE, PARTITION_SEAL_ON, PARTITION_SEAL_OFF, 1);
    let r = config_report(partition.path());
    let s = outcome(&r, "PRE-CONFIG-SIGNSEAL", "Fail", "Off");
    assert_eq!(s["Evidence"]["ForestSignAndSeal"], true);
    assert_eq!(s["Evidence"]["Partitions"][0]["SignAndSeal"], false);
    assert!(message(s).contains("partition DC=contoso,DC=com"), "{s:#}");

    // Off on the forest, but SSL on there: the hr's own wording allows TLS, so a warning.
    let ssl = Copy::new();
    ssl.edit(AD_FILE, FOREST_SEAL_ON, FOREST_SEAL_OFF, 1).edit(
        AD_FILE,
        "<default-ssl-strength>0</default-ssl-strength><ssl-bind crl-check=\"0\">0</ssl-bind>",
        "<default-ssl-strength>0</default-ssl-strength><ssl-bind crl-check=\"0\">1</ssl-bind>",
        1,
    );
    let r = config_report(ssl.path());
    let s = outcome(&r, "PRE-CONFIG-SIGNSEAL", "Warning", "OffWithSsl");
    assert!(message(s).contains("inference"), "{s:#}");
}

#[test]
fn alternate_credentials_and_unselected_partitions_are_reported() {
    let alternate = Copy::new();
    alternate.edit(
        AD_FILE,
        "<last-dc>CONTOSO-DC01.contoso.com</last-dc>",
        "<last-dc>CONTOSO-DC01.contoso.com</last-dc><login-domain>CONTOSO</login-domain><login-user>svc-partition</login-user>",
        1,
    );
    let r = config_report(alternate.path());
    let s = outcome(&r, "PRE-CONFIG-SIGNSEAL", "Pass", "On");
    assert_eq!(
        s["Evidence"]["Partitions"][0]["AlternateAccount"],
        "CONTOSO\\svc-partition"
    );
    assert!(message(s).contains("alternate credentials"), "{s:#}");
    let scope = outcome(&r, "PRE-CONFIG-SCOPE", "Pass", "InScope");
    assert_eq!(
        scope["Evidence"]["Partitions"][0]["AlternateAccount"],
        "CONTOSO\\svc-partition"
    );

    let unselected = Copy::new();
    unselected.edit(
        AD_FILE,
        "<version>682</version><selected>1</selected>",
        "<version>682</version><selected>0</selected>",
        1,
    );
    let r = config_report(unselected.path());
    let scope = outcome(&r, "PRE-CONFIG-SCOPE", "Warning", "NoPartitionInScope");
    assert_eq!(
        scope["Evidence"]["NotSelected"],
        json!(["DC=contoso,DC=com"])
    );
    assert_eq!(scope["Evidence"]["Partitions"], json!([]));
}

const PWD_SYNC_ON: &str = "<EnablePasswordSync>true</EnablePasswordSync>";
const PWD_SYNC_OFF: &str = "<EnablePasswordSync>false</EnablePasswordSync>";
const ENABLED: &str = "<disabled>False</disabled>";
const DISABLED: &str = "<disabled>True</disabled>";

#[test]
fn the_user_join_rule_missing_disabled_or_without_password_sync_fails() {
    let missing = Copy::new();
    missing.remove(USER_JOIN_FILE);
    let r = config_report(missing.path());
    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Fail", "Missing");
    assert_eq!(j["Evidence"]["SyncRulesRead"], 61);
    assert_eq!(j["Target"], "contoso.onmicrosoft.com - AAD");

    let no_sync = Copy::new();
    no_sync.edit(USER_JOIN_FILE, PWD_SYNC_ON, PWD_SYNC_OFF, 1);
    let r = config_report(no_sync.path());
    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Fail", "PasswordSyncOff");
    assert!(message(j).contains("Enable Password Sync"), "{j:#}");

    let disabled = Copy::new();
    disabled.edit(USER_JOIN_FILE, ENABLED, DISABLED, 1);
    let r = config_report(disabled.path());
    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Fail", "Disabled");
    assert_eq!(j["Evidence"]["Rules"][0]["Disabled"], true);
}

#[test]
fn a_modified_copy_of_the_user_join_rule_is_recognised() {
    // The Synchronization Rules Editor's way: the standard rule disabled, an enabled copy of
    // the same name (without Microsoft's immutable tag) beside it.
    let original = std::fs::read_to_string(contoso().join(USER_JOIN_FILE)).expect("rule");
    let copy_text = original
        .replace(
            "{6f1bc185-65f9-4175-a31e-70fc975f464a}",
            "{11111111-2222-3333-4444-555555555555}",
        )
        .replace(
            "<immutable-tag>Microsoft.OuttoAADUserJoin.006</immutable-tag>",
            "<immutable-tag />",
        );
    let cloned = Copy::new();
    cloned.edit(USER_JOIN_FILE, ENABLED, DISABLED, 1).write(
        "SynchronizationRules/SynchronizationRule_{11111111-2222-3333-4444-555555555555}.xml",
        copy_text.as_bytes(),
    );
    let r = config_report(cloned.path());
    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Pass", "Present");
    assert_eq!(j["Evidence"]["Rules"].as_array().map(Vec::len), Some(2));

    // A renamed replacement that carries password sync: a warning, since it is an inference.
    let renamed = Copy::new();
    renamed.edit(USER_JOIN_FILE, ENABLED, DISABLED, 1).write(
        "SynchronizationRules/SynchronizationRule_{11111111-2222-3333-4444-555555555555}.xml",
        copy_text
            .replace(
                "<name>Out to AAD - User Join</name>",
                "<name>Custom Out to AAD - User Join</name>",
            )
            .as_bytes(),
    );
    let r = config_report(renamed.path());
    let j = outcome(&r, "PRE-CONFIG-USERJOIN", "Warning", "Replaced");
    assert_eq!(
        j["Evidence"]["OtherPasswordSyncRules"][0]["Name"],
        "Custom Out to AAD - User Join"
    );
}

#[test]
fn utf16_files_and_a_bom_are_read() {
    let copy = Copy::new();
    let text = std::fs::read_to_string(contoso().join(MV_FILE)).expect("mv");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.replace(FEATURE_OFF, FEATURE_ON)
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    copy.write(MV_FILE, &utf16);
    let entra = std::fs::read_to_string(contoso().join(ENTRA_FILE)).expect("entra");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(entra.replace(RESET_OFF, RESET_ON).as_bytes());
    copy.write(ENTRA_FILE, &bom);
    let r = config_report(copy.path());
    outcome(&r, "PRE-CONFIG-WRITEBACK", "Pass", "Enabled");
}

#[test]
fn a_snapshot_and_an_export_together_give_every_rule() {
    let healthy =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prerequisites/healthy.json");
    let with = report(json!({
        "SnapshotPath": healthy.to_str().expect("path"),
        "ServerConfigPath": contoso().to_str().expect("path"),
    }));
    outcome(&with, "PRE-CONFIG-WRITEBACK", "Fail", "Disabled");
    outcome(&with, "PRE-CONNECT-VERSION", "Pass", "Latest");
    assert_eq!(
        with["Summary"]["Fail"], 1,
        "only the export's writeback setting fails"
    );

    let without = report(json!({"SnapshotPath": healthy.to_str().expect("path")}));
    for id in [
        "PRE-CONFIG-WRITEBACK",
        "PRE-CONFIG-SIGNSEAL",
        "PRE-CONFIG-USERJOIN",
        "PRE-CONFIG-SCOPE",
    ] {
        let r = outcome(&without, id, "Skipped", "NotSupplied");
        assert_eq!(r["Target"], "SYNC01");
        let m = message(r);
        assert!(
            m.contains("-ServerConfigPath")
                && m.contains("--server-config")
                && m.contains("Entra Connect server"),
            "{m}"
        );
    }

    let failed = report(json!({
        "SnapshotPath": healthy.to_str().expect("path"),
        "ServerConfigError": "Get-ADSyncServerConfiguration failed: Access is denied.",
    }));
    let r = outcome(&failed, "PRE-CONFIG-SCOPE", "Skipped", "ExportFailed");
    assert_eq!(
        r["Evidence"]["Reason"],
        "Get-ADSyncServerConfiguration failed: Access is denied."
    );
    assert!(message(r).contains("Access is denied"), "{r:#}");
}

#[test]
fn a_folder_that_is_not_an_export_is_an_input_error_saying_what_one_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("export.json");
    std::fs::write(&file, "{}").expect("write");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    for (path, needle) in [
        (file.clone(), "is not a folder"),
        (
            dir.path().join("nowhere"),
            "cannot read server configuration export",
        ),
        (empty.clone(), "no Connectors folder"),
    ] {
        let m = error(json!({"ServerConfigPath": path.to_str().expect("path")}));
        assert!(m.contains(needle), "{m}");
        assert!(
            m.contains("Get-ADSyncServerConfiguration -Path"),
            "say what an export is: {m}"
        );
        assert!(
            m.contains(path.to_str().expect("path")),
            "name the folder: {m}"
        );
    }
    let m = error(json!({"ServerConfigPath": " "}));
    assert!(m.contains("ServerConfigPath is empty"), "{m}");
}

#[test]
fn bad_xml_is_an_input_error_naming_the_file() {
    let cases: Vec<(&str, &[u8], &str)> = vec![
        (USER_JOIN_FILE, b"<synchronizationRule><name>x</name>", "is not well-formed XML"),
        (
            MV_FILE,
            b"<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY lol \"lol\">]><saved-mv-configuration/>",
            "is not well-formed XML",
        ),
        (ENTRA_FILE, b"<synchronizationRule><name>x</name></synchronizationRule>", "expected <ma-data>"),
        (USER_JOIN_FILE, b"<ma-data><name>x</name></ma-data>", "expected <synchronizationRule>"),
        (AD_FILE, b"\xC3\x28<ma-data/>", "not UTF-8"),
    ];
    for (file, bytes, needle) in cases {
        let copy = Copy::new();
        copy.write(file, bytes);
        let m = error(json!({"ServerConfigPath": copy.path()}));
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        assert!(m.contains(name), "name the file {name}: {m}");
        assert!(m.contains(needle), "{file}: {m}");
    }
}

#[test]
fn limits_are_checked_before_parsing() {
    let big = Copy::new();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(big.root.join(AD_FILE))
        .expect("open");
    // Sparse: no 16 MiB is written, and the size check refuses it before any read.
    file.set_len(MAX_FILE_BYTES + 1).expect("grow");
    let m = error(json!({"ServerConfigPath": big.path()}));
    assert!(
        m.contains("16 MiB") && m.contains("Connector_{ae4db4cc"),
        "{m}"
    );

    let many = Copy::new();
    for i in 0..MAX_FILES {
        std::fs::write(
            many.root
                .join(format!("SynchronizationRules/extra-{i}.txt")),
            b"",
        )
        .expect("write");
    }
    let m = error(json!({"ServerConfigPath": many.path()}));
    assert!(m.contains(&format!("{MAX_FILES} files")), "{m}");
}

const WBDIAG_LIMIT: Duration = Duration::from_secs(60);

#[test]
fn wbdiag_server_config_alone_runs_only_the_configuration_rules() {
    let real = contoso();
    let real = real.to_str().expect("path");
    let run = wbdiag(&["prerequisites", "--server-config", real], WBDIAG_LIMIT);
    assert_eq!(
        run.code, 1,
        "writeback is off in the real export: {}{}",
        run.stdout, run.stderr
    );
    for check in ["Writeback", "SignAndSeal", "SyncRule", "SyncScope"] {
        assert!(run.stdout.contains(check), "{check}: {}", run.stdout);
    }
    assert!(
        run.stdout.contains("3 pass, 0 warning, 1 fail"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("PreferredDc"),
        "no snapshot rules: {}",
        run.stdout
    );

    let on = Copy::new();
    on.edit(ENTRA_FILE, RESET_OFF, RESET_ON, 1)
        .edit(MV_FILE, FEATURE_OFF, FEATURE_ON, 1);
    let ok = wbdiag(
        &["prerequisites", "--server-config", on.path(), "--json"],
        WBDIAG_LIMIT,
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let report: Value = serde_json::from_str(&ok.stdout).expect("--json prints the report");
    assert_eq!(report["Summary"]["Pass"], 4);

    let healthy =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prerequisites/healthy.json");
    let both = wbdiag(
        &[
            "prerequisites",
            "--snapshot",
            healthy.to_str().expect("path"),
            "--server-config",
            on.path(),
        ],
        WBDIAG_LIMIT,
    );
    assert_eq!(both.code, 0, "{}{}", both.stdout, both.stderr);
    assert!(
        both.stdout.contains("SignAndSeal") && both.stdout.contains("PreferredDc"),
        "{}",
        both.stdout
    );
}

#[test]
fn wbdiag_bad_server_config_exits_2_with_one_line_naming_it() {
    let bad = Copy::new();
    bad.write(USER_JOIN_FILE, b"<synchronizationRule>");
    let dir = tempfile::tempdir().expect("tempdir");
    let nowhere = dir.path().join("nowhere");
    for (folder, needle) in [
        (
            bad.path().to_string(),
            "SynchronizationRule_{6f1bc185-65f9-4175-a31e-70fc975f464a}.xml",
        ),
        (nowhere.to_str().expect("path").to_string(), "nowhere"),
    ] {
        let run = wbdiag(&["prerequisites", "--server-config", &folder], WBDIAG_LIMIT);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(needle), "{}", run.stderr);
        assert!(run.stdout.trim().is_empty(), "{}", run.stdout);
    }
    let help = wbdiag(&["prerequisites", "--help"], WBDIAG_LIMIT);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("--server-config <DIR>")
            && help.stdout.contains("Get-ADSyncServerConfiguration"),
        "{}",
        help.stdout
    );
    let usage = wbdiag(&["prerequisites", "--json"], WBDIAG_LIMIT);
    assert_eq!(
        usage.code, 2,
        "neither --snapshot nor --server-config: {}",
        usage.stderr
    );
}
