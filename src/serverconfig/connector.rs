//! `Connectors/Connector_{<id>}.xml`: one `<ma-data>` per connector.
//!
//! Where each fact lives (Microsoft's Contoso sample export, read 2026-12-02):
//! - every connector: `<id>`, `<name>`, `<category>` (`AD` for Active Directory,
//!   `Extensible2` with `<subtype>Windows Azure Active Directory (Microsoft)</subtype>` for
//!   Microsoft Entra ID, whose connector id is b891884f-051e-4a83-95af-2544101c9083 on every
//!   server);
//! - AD connector, `private-configuration/adma-configuration`: `forest-name`,
//!   `forest-login-domain` and `forest-login-user` (the AD DS connector account),
//!   `sign-and-seal` and `ssl-bind` (the forest connection options);
//! - AD connector, each `ma-partition-data/partition`: `name` (the partition DN),
//!   `display-name`, `selected`, `filter/containers/inclusions/inclusion` and
//!   `exclusions/exclusion` (the OU scope), and in `custom-data/adma-partition-data` the
//!   partition's own `sign-and-seal` and `ssl-bind` (its DC connection options), `last-dc`,
//!   `preferred-dcs/preferred-dc`, and `login-domain`/`login-user` when the partition uses
//!   alternate credentials (element names of the last two from AADConnectConfigDocumenter's
//!   `ActiveDirectoryConnectorDocumenter.cs`; the sample sets neither);
//! - Entra connector, `private-configuration/MAConfig`: `aad-password-reset-config/enabled`
//!   (password writeback) and `modified-timestamp`, and the `UserName` parameter of
//!   `parameter-values` (the Entra sync account).

use std::fmt;
use std::path::Path;

use super::{child, flag, normalize_id, text, ServerConfig};
use crate::error::WbdError;

/// The Entra connector's id, the same on every Connect server.
const ENTRA_CONNECTOR_ID: &str = "b891884f-051e-4a83-95af-2544101c9083";

/// The `<subtype>` of the Entra connector.
const ENTRA_SUBTYPE: &str = "Windows Azure Active Directory (Microsoft)";

/// An AD account as a connector stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's domain as written in the connector (often its DNS name).
    pub domain: String,
    /// The account's name (sAMAccountName).
    pub user: String,
}

impl fmt::Display for Account {
    /// `domain\user`, or the user alone when the domain is empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.domain.is_empty() {
            f.write_str(&self.user)
        } else {
            write!(f, "{}\\{}", self.domain, self.user)
        }
    }
}

/// One directory partition (domain) of an AD connector and its OU scope.
#[derive(Debug, Clone, Default)]
pub struct Partition {
    /// The partition's distinguished name, for example `DC=contoso,DC=com`.
    pub name: String,
    /// The name Synchronization Service Manager shows, for example `contoso.com`.
    pub display_name: Option<String>,
    /// Whether the partition is selected, that is in the sync scope.
    pub selected: bool,
    /// Containers included in the scope (DNs).
    pub inclusions: Vec<String>,
    /// Containers excluded from the scope (DNs).
    pub exclusions: Vec<String>,
    /// "Sign and Encrypt LDAP Traffic" of the partition's DC connection options.
    pub sign_and_seal: Option<bool>,
    /// "Enable SSL for the connection" of the partition's DC connection options.
    pub ssl_bind: Option<bool>,
    /// Alternate credentials of this partition, when set.
    pub alternate_account: Option<Account>,
    /// The domain controller the connector last used.
    pub last_dc: Option<String>,
    /// Preferred domain controllers, in order.
    pub preferred_dcs: Vec<String>,
}

/// An Active Directory connector: its forest, account, connection options and scope.
#[derive(Debug, Clone, Default)]
pub struct AdConnector {
    /// The connector id, lower case without braces.
    pub id: String,
    /// The connector name (usually the forest's DNS name).
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// The forest's DNS name.
    pub forest: String,
    /// The AD DS connector account.
    pub account: Option<Account>,
    /// "Sign and Encrypt LDAP Traffic" of the forest connection options.
    pub sign_and_seal: Option<bool>,
    /// "Enable SSL for the connection" of the forest connection options.
    pub ssl_bind: Option<bool>,
    /// Every partition the connector knows, selected or not.
    pub partitions: Vec<Partition>,
}

impl AdConnector {
    /// The partitions in the sync scope (selected).
    pub fn in_scope(&self) -> impl Iterator<Item = &Partition> {
        self.partitions.iter().filter(|p| p.selected)
    }
}

/// A Microsoft Entra ID connector and its password writeback setting.
#[derive(Debug, Clone, Default)]
pub struct EntraConnector {
    /// The connector id, lower case without braces.
    pub id: String,
    /// The connector name, for example `contoso.onmicrosoft.com - AAD`.
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// `aad-password-reset-config/enabled`; `None` when the export has no such element.
    pub password_reset_enabled: Option<bool>,
    /// When that setting last changed, as the export states it.
    pub password_reset_modified: Option<String>,
    /// The Entra sync account (`UserName` connectivity parameter).
    pub sync_account: Option<String>,
}

/// A connector of another type, kept for evidence.
#[derive(Debug, Clone, Default)]
pub struct OtherConnector {
    /// The connector id, lower case without braces.
    pub id: String,
    /// The connector name.
    pub name: String,
    /// `<category>` (for example `Extensible2`).
    pub category: String,
    /// `<subtype>`, possibly empty.
    pub subtype: String,
}

/// Parses one connector file into `config`.
pub(super) fn parse(
    doc: &roxmltree::Document<'_>,
    file: &Path,
    config: &mut ServerConfig,
) -> Result<(), WbdError> {
    let root = doc.root_element();
    if !root.has_tag_name("ma-data") {
        return Err(WbdError::invalid(format!(
            "root element is <{}>, expected <ma-data> (a connector)",
            root.tag_name().name()
        )));
    }
    let id = text(root, &["id"])
        .map(|s| normalize_id(&s))
        .unwrap_or_default();
    let name = text(root, &["name"]).unwrap_or_default();
    if name.is_empty() {
        return Err(WbdError::invalid("the connector has no <name>"));
    }
    let category = text(root, &["category"]).unwrap_or_default();
    let subtype = text(root, &["subtype"]).unwrap_or_default();
    let shown = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    if category.eq_ignore_ascii_case("AD") {
        config.ad_connectors.push(ad(root, id, name, shown));
    } else if id == ENTRA_CONNECTOR_ID || subtype.eq_ignore_ascii_case(ENTRA_SUBTYPE) {
        config.entra_connectors.push(entra(root, id, name, shown));
    } else {
        config.other_connectors.push(OtherConnector {
            id,
            name,
            category,
            subtype,
        });
    }
    Ok(())
}

fn ad(root: roxmltree::Node<'_, '_>, id: String, name: String, file: String) -> AdConnector {
    let adma = child(root, &["private-configuration", "adma-configuration"]);
    let get = |path: &[&str]| adma.and_then(|n| text(n, path));
    let account = get(&["forest-login-user"]).map(|user| Account {
        domain: get(&["forest-login-domain"]).unwrap_or_default(),
        user,
    });
    let partitions = child(root, &["ma-partition-data"])
        .map(|data| {
            data.children()
                .filter(|n| n.has_tag_name("partition"))
                .map(partition)
                .collect()
        })
        .unwrap_or_default();
    AdConnector {
        id,
        forest: get(&["forest-name"]).unwrap_or_else(|| name.clone()),
        name,
        file,
        account,
        sign_and_seal: get(&["sign-and-seal"]).and_then(|s| flag(&s)),
        ssl_bind: get(&["ssl-bind"]).and_then(|s| flag(&s)),
        partitions,
    }
}

fn texts_of(node: Option<roxmltree::Node<'_, '_>>, item: &str) -> Vec<String> {
    node.map(|n| {
        n.children()
            .filter(|c| c.has_tag_name(item))
            .filter_map(|c| c.text().map(str::trim).filter(|s| !s.is_empty()))
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

fn partition(node: roxmltree::Node<'_, '_>) -> Partition {
    let containers = child(node, &["filter", "containers"]);
    let custom = child(node, &["custom-data", "adma-partition-data"]);
    let get = |path: &[&str]| custom.and_then(|n| text(n, path));
    let alternate_account = get(&["login-user"]).map(|user| Account {
        domain: get(&["login-domain"]).unwrap_or_default(),
        user,
    });
    Partition {
        name: text(node, &["name"]).unwrap_or_default(),
        display_name: text(node, &["display-name"]),
        selected: text(node, &["selected"]).and_then(|s| flag(&s)) == Some(true),
        inclusions: texts_of(
            containers.and_then(|c| child(c, &["inclusions"])),
            "inclusion",
        ),
        exclusions: texts_of(
            containers.and_then(|c| child(c, &["exclusions"])),
            "exclusion",
        ),
        sign_and_seal: get(&["sign-and-seal"]).and_then(|s| flag(&s)),
        ssl_bind: get(&["ssl-bind"]).and_then(|s| flag(&s)),
        alternate_account,
        last_dc: get(&["last-dc"]),
        preferred_dcs: texts_of(
            custom.and_then(|c| child(c, &["preferred-dcs"])),
            "preferred-dc",
        ),
    }
}

fn entra(root: roxmltree::Node<'_, '_>, id: String, name: String, file: String) -> EntraConnector {
    let config = child(root, &["private-configuration", "MAConfig"]);
    let reset = config.and_then(|c| child(c, &["aad-password-reset-config"]));
    let sync_account = config
        .and_then(|c| child(c, &["parameter-values"]))
        .and_then(|p| {
            p.children()
                .find(|n| n.has_tag_name("parameter") && n.attribute("name") == Some("UserName"))
        })
        .and_then(|n| n.text())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    EntraConnector {
        id,
        name,
        file,
        password_reset_enabled: reset
            .and_then(|r| text(r, &["enabled"]))
            .and_then(|s| flag(&s)),
        password_reset_modified: reset.and_then(|r| text(r, &["modified-timestamp"])),
        sync_account,
    }
}
