//! The `ActiveDirectory` section: `Get-ADForest`, `Get-ADDomain`, domain controllers,
//! the registry values read on them, the default password policy and OUs per domain, and
//! per AD connector its account and partition settings.

use super::connect::Fact;
use super::node::Node;
use super::permissions::{self, Descriptors, DirectoryUser, FineGrainedPolicy};
use super::section::Section;
use super::values::{decode_sid, EnumValue, Span};
use crate::error::WbdError;

/// `Microsoft.ActiveDirectory.Management.ADForestMode`.
pub const FOREST_MODE: &[(i64, &str)] = &[
    (-1, "UnknownForest"),
    (0, "Windows2000Forest"),
    (1, "Windows2003InterimForest"),
    (2, "Windows2003Forest"),
    (3, "Windows2008Forest"),
    (4, "Windows2008R2Forest"),
    (5, "Windows2012Forest"),
    (6, "Windows2012R2Forest"),
    (7, "Windows2016Forest"),
    (10, "Windows2025Forest"),
];

/// `Microsoft.ActiveDirectory.Management.ADDomainMode`.
pub const DOMAIN_MODE: &[(i64, &str)] = &[
    (-1, "UnknownDomain"),
    (0, "Windows2000Domain"),
    (1, "Windows2003InterimDomain"),
    (2, "Windows2003Domain"),
    (3, "Windows2008Domain"),
    (4, "Windows2008R2Domain"),
    (5, "Windows2012Domain"),
    (6, "Windows2012R2Domain"),
    (7, "Windows2016Domain"),
    (10, "Windows2025Domain"),
];

/// `Microsoft.ActiveDirectory.Management.ADOperationMasterRole`.
pub const OPERATION_MASTER_ROLE: &[(i64, &str)] = &[
    (0, "PDCEmulator"),
    (1, "RIDMaster"),
    (2, "InfrastructureMaster"),
    (3, "SchemaMaster"),
    (4, "DomainNamingMaster"),
];

/// What the collector read from Active Directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActiveDirectory {
    /// One entry per forest the sync covers.
    pub forests: Vec<ForestEntry>,
    /// One entry per AD connector.
    pub connectors: Vec<AdConnector>,
}

impl ActiveDirectory {
    /// Every collected domain, with its forest's name.
    pub fn domains(&self) -> impl Iterator<Item = &DomainEntry> {
        self.forests
            .iter()
            .filter_map(|f| f.section.data())
            .flat_map(|f| f.domains.iter())
    }
}

/// A forest, named even when its facts could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestEntry {
    /// Forest name (`Forest.Name`, or the entry's `Name`).
    pub name: String,
    /// The forest's facts.
    pub section: Section<Forest>,
}

/// `Get-ADForest` and the forest's domains.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Forest {
    /// `ForestMode`.
    pub forest_mode: Option<EnumValue>,
    /// The domains of the forest that the sync covers.
    pub domains: Vec<DomainEntry>,
}

/// A domain, named even when its facts could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEntry {
    /// DNS name (`Domain.DNSRoot`, or the entry's `Name`).
    pub name: String,
    /// The domain's facts.
    pub section: Section<Domain>,
}

/// `Get-ADDomain` and what else the collector read for the domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Domain {
    /// `DistinguishedName`.
    pub distinguished_name: Option<String>,
    /// `DomainMode`.
    pub domain_mode: Option<EnumValue>,
    /// `PDCEmulator`: host name of the PDC emulator.
    pub pdc_emulator: Option<String>,
    /// `DomainSID`.
    pub domain_sid: Option<String>,
    /// `Get-ADDomainController -Filter *`.
    pub domain_controllers: Option<Vec<DomainController>>,
    /// `DomainControllerRegistry`: registry values read remotely on the PDC emulator (and,
    /// when asked, every writable DC); `None` when the collector did not read any.
    pub dc_registry: Option<Vec<DcRegistryEntry>>,
    /// `PdcRootDse`: the rootDSE of the PDC emulator, read over LDAP; `None` when the
    /// collector did not read it.
    pub pdc_root_dse: Option<RootDseEntry>,
    /// `Get-ADDefaultDomainPasswordPolicy`.
    pub password_policy: Option<PasswordPolicy>,
    /// `Get-ADOrganizationalUnit -Filter *`.
    pub organizational_units: Option<Vec<OrganizationalUnit>>,
    /// `Descriptors`: security descriptors of the root, AdminSDHolder and containers.
    pub descriptors: Option<Section<Descriptors>>,
    /// `Users`: users with their descriptors and password facts.
    pub users: Option<Vec<DirectoryUser>>,
    /// `UsersLimit`: the most users the collector read.
    pub users_limit: Option<u64>,
    /// `UsersTruncated`: the domain has more users than `UsersLimit`.
    pub users_truncated: Option<bool>,
    /// `FineGrainedPasswordPolicies`.
    pub fine_grained_policies: Option<Vec<FineGrainedPolicy>>,
}

/// One `Get-ADDomainController` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainController {
    /// `HostName` (or `Name`).
    pub host_name: String,
    /// `OperatingSystem`, for example `Windows Server 2019 Standard`.
    pub operating_system: Option<String>,
    /// `OperatingSystemVersion`, for example `10.0 (17763)`.
    pub operating_system_version: Option<String>,
    /// `IsReadOnly`.
    pub is_read_only: Option<bool>,
    /// `OperationMasterRoles`.
    pub roles: Vec<EnumValue>,
}

/// One domain controller whose registry the collector tried to read, named even when the
/// read failed.
#[derive(Debug, Clone, PartialEq)]
pub struct DcRegistryEntry {
    /// `HostName`.
    pub host_name: String,
    /// `IsPdcEmulator`: whether the collector read it as the domain's PDC emulator.
    pub is_pdc_emulator: Option<bool>,
    /// The values read, or why they could not be (`Status`/`Reason` of the entry).
    pub section: Section<DcRegistry>,
}

/// What the collector read from one domain controller's registry.
#[derive(Debug, Clone, PartialEq)]
pub struct DcRegistry {
    /// `HKLM\System\CurrentControlSet\Control\Lsa` → `RestrictRemoteSam` (SDDL);
    /// `Absent` when the value does not exist.
    pub restrict_remote_sam: Fact<String>,
}

/// The rootDSE of one domain controller, named even when the read failed.
#[derive(Debug, Clone, PartialEq)]
pub struct RootDseEntry {
    /// `HostName`.
    pub host_name: String,
    /// `supportedControl`, or why it could not be read (`Status`/`Reason` of the entry).
    pub section: Section<Vec<String>>,
}

/// `Get-ADDefaultDomainPasswordPolicy`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PasswordPolicy {
    /// `MinPasswordAge`.
    pub min_password_age: Option<Span>,
    /// `MaxPasswordAge`.
    pub max_password_age: Option<Span>,
    /// `PasswordHistoryCount`.
    pub password_history_count: Option<u64>,
    /// `ComplexityEnabled`.
    pub complexity_enabled: Option<bool>,
    /// `MinPasswordLength`.
    pub min_password_length: Option<u64>,
}

/// One `Get-ADOrganizationalUnit` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganizationalUnit {
    /// `Name` (unescaped), when given.
    pub name: Option<String>,
    /// `DistinguishedName` (escaped).
    pub distinguished_name: String,
}

/// One AD connector: its account and its partitions' settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdConnector {
    /// `ConnectorName`: the AD connector's name in the sync engine.
    pub connector_name: String,
    /// `Account`: the AD DS connector account.
    pub account: Option<ConnectorAccount>,
    /// `Partitions`.
    pub partitions: Vec<PartitionSettings>,
}

/// The AD DS connector account (`Get-ADSyncADConnectorAccount` + `Get-ADUser`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectorAccount {
    /// `SamAccountName` (or `Name`).
    pub name: Option<String>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `DistinguishedName`.
    pub distinguished_name: Option<String>,
    /// `SID`.
    pub sid: Option<String>,
    /// `GroupSids`: the account's `tokenGroups`.
    pub group_sids: Option<Vec<String>>,
}

impl ConnectorAccount {
    /// `DOMAIN\name`, or what is known of it.
    pub fn label(&self) -> String {
        match (&self.domain, &self.name) {
            (Some(d), Some(n)) => format!("{d}\\{n}"),
            (None, Some(n)) => n.clone(),
            _ => self
                .distinguished_name
                .clone()
                .unwrap_or_else(|| "(unnamed account)".into()),
        }
    }
}

/// Preferred-DC settings and sync scope of one connector partition (one domain).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartitionSettings {
    /// `DN` (or `Name`): the domain's distinguished name.
    pub dn: String,
    /// `PreferredDomainControllers`, in order.
    pub preferred_dcs: Vec<String>,
    /// `OnlyUsePreferredDomainControllers`.
    pub only_use_preferred: Option<bool>,
    /// `LastDomainController`: the DC the connector used last.
    pub last_dc: Option<String>,
    /// `ContainerInclusionList`.
    pub inclusions: Vec<String>,
    /// `ContainerExclusionList`.
    pub exclusions: Vec<String>,
}

fn domain_controller(n: &Node) -> Result<DomainController, WbdError> {
    n.object()?;
    Ok(DomainController {
        host_name: n
            .get_any(&["HostName", "Name"])
            .map(|h| h.text())
            .transpose()?
            .ok_or_else(|| n.invalid("a domain controller needs a HostName"))?,
        operating_system: n.opt_text("OperatingSystem")?,
        operating_system_version: n.opt_text("OperatingSystemVersion")?,
        is_read_only: n.opt_bool("IsReadOnly")?,
        roles: n.list("OperationMasterRoles", |r| {
            EnumValue::decode(r, OPERATION_MASTER_ROLE)
        })?,
    })
}

fn dc_registry(n: &Node) -> Result<DcRegistry, WbdError> {
    Ok(DcRegistry {
        restrict_remote_sam: match n.member("RestrictRemoteSam") {
            None => Fact::NotCollected,
            Some(m) if m.is_null() => Fact::Absent,
            Some(m) => Fact::Present(m.text()?),
        },
    })
}

fn dc_registry_entry(n: &Node) -> Result<DcRegistryEntry, WbdError> {
    n.object()?;
    let host_name = n
        .opt_text("HostName")?
        .filter(|h| !h.trim().is_empty())
        .ok_or_else(|| n.invalid("a domain controller registry entry needs a HostName"))?;
    Ok(DcRegistryEntry {
        host_name,
        is_pdc_emulator: n.opt_bool("IsPdcEmulator")?,
        section: Section::decode(Some(n.clone()), n.path(), dc_registry)?,
    })
}

fn root_dse_entry(n: &Node) -> Result<RootDseEntry, WbdError> {
    n.object()?;
    let host_name = n
        .opt_text("HostName")?
        .filter(|h| !h.trim().is_empty())
        .ok_or_else(|| n.invalid("a rootDSE entry needs a HostName"))?;
    Ok(RootDseEntry {
        host_name,
        section: Section::decode(Some(n.clone()), n.path(), |body| {
            Ok(body
                .opt_list("SupportedControl", Node::text)?
                .unwrap_or_default())
        })?,
    })
}

fn password_policy(n: &Node) -> Result<PasswordPolicy, WbdError> {
    n.object()?;
    Ok(PasswordPolicy {
        min_password_age: n.opt("MinPasswordAge", Span::decode)?,
        max_password_age: n.opt("MaxPasswordAge", Span::decode)?,
        password_history_count: n.opt("PasswordHistoryCount", |v| v.uint())?,
        complexity_enabled: n.opt_bool("ComplexityEnabled")?,
        min_password_length: n.opt("MinPasswordLength", |v| v.uint())?,
    })
}

fn organizational_unit(n: &Node) -> Result<OrganizationalUnit, WbdError> {
    if n.value().is_string() {
        return Ok(OrganizationalUnit {
            name: None,
            distinguished_name: n.text()?,
        });
    }
    n.object()?;
    Ok(OrganizationalUnit {
        name: n.opt_text("Name")?,
        distinguished_name: n
            .opt_text("DistinguishedName")?
            .ok_or_else(|| n.invalid("an organizational unit needs a DistinguishedName"))?,
    })
}

fn domain(n: &Node) -> Result<Domain, WbdError> {
    let d = n.get("Domain");
    if let Some(d) = &d {
        d.object()?;
    }
    let from_domain = |k: &str| -> Result<Option<String>, WbdError> {
        d.as_ref()
            .map(|d| d.opt_text(k))
            .transpose()
            .map(Option::flatten)
    };
    Ok(Domain {
        distinguished_name: from_domain("DistinguishedName")?,
        domain_mode: d
            .as_ref()
            .map(|d| d.opt("DomainMode", |m| EnumValue::decode(m, DOMAIN_MODE)))
            .transpose()?
            .flatten(),
        pdc_emulator: from_domain("PDCEmulator")?,
        domain_sid: d
            .as_ref()
            .map(|d| d.opt("DomainSID", decode_sid))
            .transpose()?
            .flatten(),
        domain_controllers: n.opt_list("DomainControllers", domain_controller)?,
        dc_registry: n.opt_list("DomainControllerRegistry", dc_registry_entry)?,
        pdc_root_dse: n.opt("PdcRootDse", root_dse_entry)?,
        password_policy: n.opt("PasswordPolicy", password_policy)?,
        organizational_units: n.opt_list("OrganizationalUnits", organizational_unit)?,
        descriptors: n.opt("Descriptors", permissions::decode_descriptors)?,
        users: n.opt("Users", permissions::decode_users)?,
        users_limit: n.opt("UsersLimit", |v| v.uint())?,
        users_truncated: n.opt_bool("UsersTruncated")?,
        fine_grained_policies: n
            .opt("FineGrainedPasswordPolicies", permissions::decode_policies)?,
    })
}

/// The name of a forest or domain entry: the first of `keys` inside its `inner` object,
/// else the entry's own `Name`.
fn entry_name(n: &Node, inner: &str, keys: &[&str], missing: &str) -> Result<String, WbdError> {
    let from_inner = match n.get(inner) {
        Some(o) => o.get_any(keys).map(|v| v.text()).transpose()?,
        None => None,
    };
    match from_inner {
        Some(name) => Ok(name),
        None => n.opt_text("Name")?.ok_or_else(|| n.invalid(missing)),
    }
}

fn domain_entry(n: &Node) -> Result<DomainEntry, WbdError> {
    n.object()?;
    let name = entry_name(
        n,
        "Domain",
        &["DNSRoot", "Name"],
        "a domain entry needs Domain.DNSRoot or Name",
    )?;
    Ok(DomainEntry {
        name,
        section: Section::decode(Some(n.clone()), n.path(), domain)?,
    })
}

fn forest(n: &Node) -> Result<Forest, WbdError> {
    let f = n.get("Forest");
    if let Some(f) = &f {
        f.object()?;
    }
    Ok(Forest {
        forest_mode: f
            .as_ref()
            .map(|f| f.opt("ForestMode", |m| EnumValue::decode(m, FOREST_MODE)))
            .transpose()?
            .flatten(),
        domains: n.list("Domains", domain_entry)?,
    })
}

fn forest_entry(n: &Node) -> Result<ForestEntry, WbdError> {
    n.object()?;
    let name = entry_name(
        n,
        "Forest",
        &["Name", "RootDomain"],
        "a forest entry needs Forest.Name or Name",
    )?;
    Ok(ForestEntry {
        name,
        section: Section::decode(Some(n.clone()), n.path(), forest)?,
    })
}

fn account(n: &Node) -> Result<ConnectorAccount, WbdError> {
    n.object()?;
    Ok(ConnectorAccount {
        name: n
            .get_any(&["SamAccountName", "Name"])
            .map(|v| v.text())
            .transpose()?,
        domain: n.opt_text("Domain")?,
        distinguished_name: n.opt_text("DistinguishedName")?,
        sid: n
            .get_any(&["SID", "ObjectSid"])
            .map(|v| decode_sid(&v))
            .transpose()?,
        group_sids: n.opt_list("GroupSids", decode_sid)?,
    })
}

fn partition_settings(n: &Node) -> Result<PartitionSettings, WbdError> {
    n.object()?;
    let scope = n.get("ConnectorPartitionScope");
    let scope_node = scope.as_ref().unwrap_or(n);
    scope_node.object()?;
    Ok(PartitionSettings {
        dn: n
            .get_any(&["DN", "Name"])
            .map(|v| v.text())
            .transpose()?
            .ok_or_else(|| n.invalid("a partition needs a DN"))?,
        preferred_dcs: n.text_list("PreferredDomainControllers")?,
        only_use_preferred: n.opt_bool("OnlyUsePreferredDomainControllers")?,
        last_dc: n.opt_text("LastDomainController")?,
        inclusions: scope_node.text_list("ContainerInclusionList")?,
        exclusions: scope_node.text_list("ContainerExclusionList")?,
    })
}

fn ad_connector(n: &Node) -> Result<AdConnector, WbdError> {
    n.object()?;
    Ok(AdConnector {
        connector_name: n
            .get_any(&["ConnectorName", "Name"])
            .map(|v| v.text())
            .transpose()?
            .ok_or_else(|| n.invalid("an AD connector entry needs a ConnectorName"))?,
        account: n.opt("Account", account)?,
        partitions: n.list("Partitions", partition_settings)?,
    })
}

/// Decodes the body of a collected `ActiveDirectory` section.
pub fn decode(n: &Node) -> Result<ActiveDirectory, WbdError> {
    Ok(ActiveDirectory {
        forests: n.list("Forests", forest_entry)?,
        connectors: n.list("Connectors", ad_connector)?,
    })
}
