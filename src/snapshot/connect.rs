//! The `Connect` section: what the Entra Connect server itself reports (ADSync cmdlets,
//! the service, the registry, the OS), passed through without interpretation.

use super::node::Node;
use super::values::{EnumValue, Span, Timestamp, Version};
use crate::error::WbdError;

/// The fixed identifier of the Microsoft Entra ID connector on every Connect server.
pub const ENTRA_CONNECTOR_ID: &str = "b891884f-051e-4a83-95af-2544101c9083";

/// A fact that distinguishes "not read" (`NotCollected`) from "read, and absent on the
/// server" (`Absent`, JSON `null`), for example a registry value that does not exist.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact<T> {
    /// The key is missing from the snapshot: the collector did not read it.
    NotCollected,
    /// The key is `null`: the collector looked and the thing does not exist.
    Absent,
    /// The value.
    Present(T),
}

impl<T> Fact<T> {
    fn decode(
        n: &Node,
        key: &str,
        f: impl Fn(&Node) -> Result<T, WbdError>,
    ) -> Result<Self, WbdError> {
        Ok(match n.member(key) {
            None => Fact::NotCollected,
            Some(m) if m.is_null() => Fact::Absent,
            Some(m) => Fact::Present(f(&m)?),
        })
    }
}

/// What the collector read on the Connect server.
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    /// `AdSyncModule`: how the collector made the ADSync module available; `None` when the
    /// snapshot does not say (older collectors) or says `null`.
    pub ad_sync_module: Option<AdSyncModule>,
    /// Version information of `miiserver.exe`; `Absent` when the file does not exist.
    pub sync_engine: Fact<SyncEngine>,
    /// `Get-ADSyncGlobalSettings` parameters.
    pub global_settings: Option<Vec<Parameter>>,
    /// `Get-Service ADSync`; `Absent` when the service does not exist.
    pub service: Fact<ServiceState>,
    /// `Get-ADSyncScheduler`.
    pub scheduler: Option<Scheduler>,
    /// `Get-ADSyncConnector`.
    pub connectors: Option<Vec<SyncConnector>>,
    /// `Get-ADSyncAADPasswordResetConfiguration` for the Entra connector(s).
    pub password_reset_configuration: Option<Vec<PasswordResetConfiguration>>,
    /// `Get-ADSyncRunProfileResult`.
    pub run_profile_results: Option<Vec<RunProfileResult>>,
    /// The .NET machine.config and its proxy section.
    pub machine_config: Option<MachineConfig>,
    /// TLS 1.2 and strong-crypto registry keys.
    pub tls: Option<TlsRegistry>,
    /// `HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full` → `Release`.
    pub dot_net_release: Fact<u64>,
    /// `HKLM\System\CurrentControlSet\Control\Lsa` → `RestrictRemoteSam` (SDDL).
    pub restrict_remote_sam: Fact<String>,
    /// `Win32_OperatingSystem`.
    pub operating_system: Option<OperatingSystem>,
    /// `Get-ADSyncEntraConnectorCredential`; `Absent` when the ADSync module has no such
    /// command (a Connect version older than application-based authentication).
    pub entra_connector_credential: Fact<ConnectorCredential>,
}

/// `Get-ADSyncEntraConnectorCredential`: how the Entra connector signs in to Entra ID.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectorCredential {
    /// `ConnectorIdentityType`: `ServiceAccount` (a Sync_* user with a password) or
    /// `Application` (application-based authentication).
    pub identity_type: Option<EnumValue>,
}

/// How the collector made the ADSync module available (`AdSyncModule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdSyncModule {
    /// `AlreadyAvailable`: its commands were found (imported already, or by autoloading).
    AlreadyAvailable,
    /// `Imported`: imported with `Import-Module`, into the collecting session itself.
    Imported,
    /// `ImportedThroughWindowsPowerShell`: PowerShell 7 imported it with
    /// `Import-Module -UseWindowsPowerShell`, so the ADSync objects in the snapshot are
    /// deserialized copies returned by a Windows PowerShell 5.1 session.
    ImportedThroughWindowsPowerShell,
    /// A value this engine does not know (a newer collector), kept as written.
    Other(String),
}

impl AdSyncModule {
    /// Reads the collector's token, ignoring case and surrounding blanks; any other text is
    /// kept as [`AdSyncModule::Other`].
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        [
            ("AlreadyAvailable", AdSyncModule::AlreadyAvailable),
            ("Imported", AdSyncModule::Imported),
            (
                "ImportedThroughWindowsPowerShell",
                AdSyncModule::ImportedThroughWindowsPowerShell,
            ),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(t))
        .map(|(_, v)| v)
        .unwrap_or_else(|| AdSyncModule::Other(t.to_string()))
    }

    /// The token, as the collector writes it.
    pub fn as_str(&self) -> &str {
        match self {
            AdSyncModule::AlreadyAvailable => "AlreadyAvailable",
            AdSyncModule::Imported => "Imported",
            AdSyncModule::ImportedThroughWindowsPowerShell => "ImportedThroughWindowsPowerShell",
            AdSyncModule::Other(text) => text,
        }
    }
}

/// `(Get-Item miiserver.exe).VersionInfo`.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncEngine {
    /// `FileName`.
    pub file_name: Option<String>,
    /// `FileVersion` (or `ProductVersion` when FileVersion is missing).
    pub version: Option<Version>,
}

/// One `Get-ADSyncGlobalSettings` parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `Name`.
    pub name: String,
    /// `Value` as text.
    pub value: Option<String>,
}

/// Looks a parameter up by name (ignoring case).
pub fn parameter<'a>(params: &'a [Parameter], name: &str) -> Option<&'a Parameter> {
    params.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// `System.ServiceProcess.ServiceControllerStatus`.
pub const SERVICE_STATUS: &[(i64, &str)] = &[
    (1, "Stopped"),
    (2, "StartPending"),
    (3, "StopPending"),
    (4, "Running"),
    (5, "ContinuePending"),
    (6, "PausePending"),
    (7, "Paused"),
];

/// `System.ServiceProcess.ServiceStartMode`.
pub const SERVICE_START_MODE: &[(i64, &str)] = &[
    (0, "Boot"),
    (1, "System"),
    (2, "Automatic"),
    (3, "Manual"),
    (4, "Disabled"),
];

/// `Get-Service ADSync | Select-Object Name, Status, StartType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceState {
    /// `Name`.
    pub name: Option<String>,
    /// `Status`.
    pub status: Option<EnumValue>,
    /// `StartType`.
    pub start_type: Option<EnumValue>,
}

/// `Get-ADSyncScheduler`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scheduler {
    /// `SyncCycleEnabled`.
    pub sync_cycle_enabled: Option<bool>,
    /// `SchedulerSuspended`.
    pub scheduler_suspended: Option<bool>,
    /// `StagingModeEnabled`.
    pub staging_mode_enabled: Option<bool>,
    /// `MaintenanceEnabled`.
    pub maintenance_enabled: Option<bool>,
    /// `NextSyncCycleStartTimeInUTC`.
    pub next_sync_cycle_start: Option<Timestamp>,
    /// `CurrentlyEffectiveSyncCycleInterval`.
    pub effective_interval: Option<Span>,
}

/// One `Get-ADSyncConnector` object (the parts the rules read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncConnector {
    /// `Identifier` (lower case).
    pub identifier: Option<String>,
    /// `Name`.
    pub name: String,
    /// `Type`: `AD` or `Extensible2` (the Entra connector).
    pub connector_type: Option<String>,
    /// `Subtype`.
    pub subtype: Option<String>,
    /// `ConnectivityParameters`.
    pub connectivity_parameters: Vec<Parameter>,
    /// `Partitions`.
    pub partitions: Vec<ConnectorPartition>,
}

impl SyncConnector {
    /// True for the Microsoft Entra ID connector.
    pub fn is_entra(&self) -> bool {
        self.identifier.as_deref() == Some(ENTRA_CONNECTOR_ID)
            || self
                .subtype
                .as_deref()
                .is_some_and(|s| s.contains("Azure Active Directory"))
            || self.name.to_ascii_lowercase().ends_with(" - aad")
    }

    /// True for an Active Directory connector.
    pub fn is_ad(&self) -> bool {
        !self.is_entra()
            && self
                .connector_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("AD"))
    }

    /// A connectivity parameter's value.
    pub fn connectivity(&self, name: &str) -> Option<&str> {
        parameter(&self.connectivity_parameters, name).and_then(|p| p.value.as_deref())
    }
}

/// One partition of a `Get-ADSyncConnector` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectorPartition {
    /// `Name`.
    pub name: Option<String>,
    /// `DN`.
    pub dn: Option<String>,
    /// `ConnectorPartitionScope.ContainerInclusionList`.
    pub inclusions: Vec<String>,
    /// `ConnectorPartitionScope.ContainerExclusionList`.
    pub exclusions: Vec<String>,
}

/// `Get-ADSyncAADPasswordResetConfiguration`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PasswordResetConfiguration {
    /// The connector it belongs to, when the collector recorded it.
    pub connector: Option<String>,
    /// `Enabled`.
    pub enabled: Option<bool>,
}

/// One `Get-ADSyncRunProfileResult` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunProfileResult {
    /// `ConnectorId` (lower case).
    pub connector_id: Option<String>,
    /// `ConnectorName`.
    pub connector_name: Option<String>,
    /// `RunProfileName`: Full Import, Full Synchronization, Delta Import, Export, ...
    pub run_profile_name: String,
    /// `Result`: success, completed-sync-errors, no-start-connection, ...
    pub result: String,
    /// `StartDate`.
    pub start: Option<Timestamp>,
    /// `EndDate`.
    pub end: Option<Timestamp>,
}

/// The .NET machine.config the sync engine reads its proxy from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MachineConfig {
    /// `Path`.
    pub path: Option<String>,
    /// `DefaultProxy`: the `<defaultProxy>` element as XML text, absent when none.
    pub default_proxy: Option<String>,
}

/// The TLS registry keys; each is `None` when the key does not exist.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsRegistry {
    /// `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`.
    pub net_framework_64: Option<RegistryValues>,
    /// `HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319`.
    pub net_framework_32: Option<RegistryValues>,
    /// `...\SCHANNEL\Protocols\TLS 1.2\Client`.
    pub schannel_client: Option<RegistryValues>,
    /// `...\SCHANNEL\Protocols\TLS 1.2\Server`.
    pub schannel_server: Option<RegistryValues>,
}

/// DWORD values of one registry key (missing values are `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryValues {
    /// `SchUseStrongCrypto`.
    pub sch_use_strong_crypto: Option<i64>,
    /// `SystemDefaultTlsVersions`.
    pub system_default_tls_versions: Option<i64>,
    /// `Enabled`.
    pub enabled: Option<i64>,
    /// `DisabledByDefault`.
    pub disabled_by_default: Option<i64>,
}

/// `Get-CimInstance Win32_OperatingSystem` plus the registry `InstallationType`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperatingSystem {
    /// `Caption`, for example `Microsoft Windows Server 2022 Standard`.
    pub caption: Option<String>,
    /// `Version`, for example `10.0.20348`.
    pub version: Option<String>,
    /// `BuildNumber`.
    pub build_number: Option<u64>,
    /// `ProductType`: 1 workstation, 2 domain controller, 3 server.
    pub product_type: Option<i64>,
    /// `InstallationType`: `Server` or `Server Core`.
    pub installation_type: Option<String>,
}

fn parameter_entry(n: &Node) -> Result<Parameter, WbdError> {
    n.object()?;
    Ok(Parameter {
        name: n
            .opt_text("Name")?
            .ok_or_else(|| n.invalid("a parameter needs a Name"))?,
        value: n.opt("Value", parameter_value)?,
    })
}

/// A parameter's value: a text, or the texts of a multi-valued parameter joined with `; `.
fn parameter_value(n: &Node) -> Result<String, WbdError> {
    if n.value().is_array() {
        let parts: Vec<String> = n.items().iter().map(Node::text).collect::<Result<_, _>>()?;
        return Ok(parts.join("; "));
    }
    n.text()
}

fn sync_engine(n: &Node) -> Result<SyncEngine, WbdError> {
    if n.value().is_string() {
        return Ok(SyncEngine {
            file_name: None,
            version: Some(Version::decode(n)?),
        });
    }
    n.object()?;
    let version = match n.get("FileVersion") {
        Some(v) => Some(Version::decode(&v)?),
        None => n.opt("ProductVersion", Version::decode)?,
    };
    Ok(SyncEngine {
        file_name: n.opt_text("FileName")?,
        version,
    })
}

fn global_settings(n: &Node) -> Result<Vec<Parameter>, WbdError> {
    match n.get("Parameters") {
        Some(p) => p.items().iter().map(parameter_entry).collect(),
        None => n.items().iter().map(parameter_entry).collect(),
    }
}

fn service(n: &Node) -> Result<ServiceState, WbdError> {
    n.object()?;
    Ok(ServiceState {
        name: n.opt_text("Name")?,
        status: n.opt("Status", |v| EnumValue::decode(v, SERVICE_STATUS))?,
        start_type: n.opt("StartType", |v| EnumValue::decode(v, SERVICE_START_MODE))?,
    })
}

fn scheduler(n: &Node) -> Result<Scheduler, WbdError> {
    n.object()?;
    Ok(Scheduler {
        sync_cycle_enabled: n.opt_bool("SyncCycleEnabled")?,
        scheduler_suspended: n.opt_bool("SchedulerSuspended")?,
        staging_mode_enabled: n.opt_bool("StagingModeEnabled")?,
        maintenance_enabled: n.opt_bool("MaintenanceEnabled")?,
        next_sync_cycle_start: n.opt("NextSyncCycleStartTimeInUTC", Timestamp::decode)?,
        effective_interval: n.opt("CurrentlyEffectiveSyncCycleInterval", Span::decode)?,
    })
}

fn lower_text(n: &Node) -> Result<String, WbdError> {
    Ok(n.text()?.trim().to_ascii_lowercase())
}

fn partition(n: &Node) -> Result<ConnectorPartition, WbdError> {
    n.object()?;
    let scope = n.get("ConnectorPartitionScope");
    let (inclusions, exclusions) = match scope {
        Some(s) => {
            s.object()?;
            (
                s.text_list("ContainerInclusionList")?,
                s.text_list("ContainerExclusionList")?,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(ConnectorPartition {
        name: n.opt_text("Name")?,
        dn: n.opt_text("DN")?,
        inclusions,
        exclusions,
    })
}

fn connector(n: &Node) -> Result<SyncConnector, WbdError> {
    n.object()?;
    Ok(SyncConnector {
        identifier: n.opt("Identifier", lower_text)?,
        name: n
            .opt_text("Name")?
            .ok_or_else(|| n.invalid("a connector needs a Name"))?,
        connector_type: n.opt_text("Type")?,
        subtype: n.opt_text("Subtype")?,
        connectivity_parameters: n.list("ConnectivityParameters", parameter_entry)?,
        partitions: n.list("Partitions", partition)?,
    })
}

fn reset_config(n: &Node) -> Result<PasswordResetConfiguration, WbdError> {
    n.object()?;
    Ok(PasswordResetConfiguration {
        connector: n
            .get_any(&["ConnectorName", "Connector"])
            .map(|c| c.text())
            .transpose()?,
        enabled: n.opt_bool("Enabled")?,
    })
}

fn run_result(n: &Node) -> Result<RunProfileResult, WbdError> {
    n.object()?;
    Ok(RunProfileResult {
        connector_id: n.opt("ConnectorId", lower_text)?,
        connector_name: n.opt_text("ConnectorName")?,
        run_profile_name: n.opt_text("RunProfileName")?.unwrap_or_default(),
        result: n.opt_text("Result")?.unwrap_or_default(),
        start: n.opt("StartDate", Timestamp::decode)?,
        end: n.opt("EndDate", Timestamp::decode)?,
    })
}

fn machine_config(n: &Node) -> Result<MachineConfig, WbdError> {
    n.object()?;
    Ok(MachineConfig {
        path: n.opt_text("Path")?,
        default_proxy: n.opt_text("DefaultProxy")?,
    })
}

fn registry_values(n: &Node) -> Result<RegistryValues, WbdError> {
    n.object()?;
    Ok(RegistryValues {
        sch_use_strong_crypto: n.opt_int("SchUseStrongCrypto")?,
        system_default_tls_versions: n.opt_int("SystemDefaultTlsVersions")?,
        enabled: n.opt_int("Enabled")?,
        disabled_by_default: n.opt_int("DisabledByDefault")?,
    })
}

fn tls(n: &Node) -> Result<TlsRegistry, WbdError> {
    n.object()?;
    Ok(TlsRegistry {
        net_framework_64: n.opt("NetFramework64", registry_values)?,
        net_framework_32: n.opt("NetFramework32", registry_values)?,
        schannel_client: n.opt("SchannelTls12Client", registry_values)?,
        schannel_server: n.opt("SchannelTls12Server", registry_values)?,
    })
}

fn connector_credential(n: &Node) -> Result<ConnectorCredential, WbdError> {
    // One object; a list (one per Entra connector) is read by its first entry.
    if n.value().is_array() {
        return match n.items().first() {
            Some(first) => connector_credential(first),
            None => Ok(ConnectorCredential::default()),
        };
    }
    n.object()?;
    Ok(ConnectorCredential {
        identity_type: n.opt("ConnectorIdentityType", |v| EnumValue::decode(v, &[]))?,
    })
}

fn operating_system(n: &Node) -> Result<OperatingSystem, WbdError> {
    n.object()?;
    Ok(OperatingSystem {
        caption: n.opt_text("Caption")?,
        version: n.opt_text("Version")?,
        build_number: n.opt("BuildNumber", |b| b.uint())?,
        product_type: n.opt_int("ProductType")?,
        installation_type: n.opt_text("InstallationType")?,
    })
}

/// Decodes the body of a collected `Connect` section.
pub fn decode(n: &Node) -> Result<Connect, WbdError> {
    Ok(Connect {
        ad_sync_module: n.opt_text("AdSyncModule")?.map(|t| AdSyncModule::parse(&t)),
        sync_engine: Fact::decode(n, "SyncEngine", sync_engine)?,
        global_settings: n.opt("GlobalSettings", global_settings)?,
        service: Fact::decode(n, "Service", service)?,
        scheduler: n.opt("Scheduler", scheduler)?,
        connectors: n.opt_list("Connectors", connector)?,
        password_reset_configuration: n.opt_list("PasswordResetConfiguration", reset_config)?,
        run_profile_results: n.opt_list("RunProfileResults", run_result)?,
        machine_config: n.opt("MachineConfig", machine_config)?,
        tls: n.opt("Tls", tls)?,
        dot_net_release: Fact::decode(n, "DotNetRelease", |v| v.uint())?,
        restrict_remote_sam: Fact::decode(n, "RestrictRemoteSam", |v| v.text())?,
        operating_system: n.opt("OperatingSystem", operating_system)?,
        entra_connector_credential: Fact::decode(
            n,
            "EntraConnectorIdentity",
            connector_credential,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameter_values_may_be_multi_valued() {
        let one = json!({"Name": "forest-name", "Value": "contoso.com"});
        let many =
            json!({"Name": "preferred-dcs", "Value": ["DC01.contoso.com", "DC02.contoso.com"]});
        let none = json!({"Name": "sign-and-encrypt", "Value": null});
        let bad = json!({"Name": "x", "Value": [{"Nested": 1}]});
        let p = |v: &serde_json::Value| parameter_entry(&Node::at(v, "P"));
        assert_eq!(
            p(&one).ok().and_then(|p| p.value).as_deref(),
            Some("contoso.com")
        );
        assert_eq!(
            p(&many).ok().and_then(|p| p.value).as_deref(),
            Some("DC01.contoso.com; DC02.contoso.com")
        );
        assert_eq!(p(&none).ok().map(|p| p.value), Some(None));
        let err = p(&bad).err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("P.Value[0]"), "{err}");
    }

    #[test]
    fn ad_sync_module_is_decoded_when_present() {
        let through = json!({"AdSyncModule": "ImportedThroughWindowsPowerShell"});
        let c = decode(&Node::at(&through, "Connect")).expect("decode");
        assert_eq!(
            c.ad_sync_module,
            Some(AdSyncModule::ImportedThroughWindowsPowerShell)
        );
        let cased = json!({"AdSyncModule": " alreadyavailable "});
        let c = decode(&Node::at(&cased, "Connect")).expect("decode");
        assert_eq!(c.ad_sync_module, Some(AdSyncModule::AlreadyAvailable));
        let imported = json!({"AdSyncModule": "Imported"});
        let c = decode(&Node::at(&imported, "Connect")).expect("decode");
        assert_eq!(c.ad_sync_module, Some(AdSyncModule::Imported));
    }

    #[test]
    fn ad_sync_module_is_optional_and_unknown_values_are_kept() {
        // Snapshots of older collectors have no AdSyncModule.
        let old = json!({"DotNetRelease": 528449});
        let c = decode(&Node::at(&old, "Connect")).expect("decode");
        assert_eq!(c.ad_sync_module, None);
        let null = json!({"AdSyncModule": null});
        let c = decode(&Node::at(&null, "Connect")).expect("decode");
        assert_eq!(c.ad_sync_module, None);
        let newer = json!({"AdSyncModule": "ImportedSomehowElse"});
        let c = decode(&Node::at(&newer, "Connect")).expect("decode");
        let module = c.ad_sync_module.expect("kept");
        assert_eq!(module, AdSyncModule::Other("ImportedSomehowElse".into()));
        assert_eq!(module.as_str(), "ImportedSomehowElse");
        let object = json!({"AdSyncModule": {"Name": "ADSync"}});
        let err = decode(&Node::at(&object, "Connect"))
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("Connect.AdSyncModule"), "{err}");
    }
}
