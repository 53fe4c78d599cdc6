//! `UserTargets`: one entry per user `Test-WritebackUser -Identity` looked up, with its
//! connector-space and metaverse objects and what Microsoft Graph says about it.

use super::node::Node;
use super::section::Section;
use super::values::Timestamp;
use crate::error::WbdError;

/// The fixed id of the Microsoft Entra connector in the sync engine.
pub const ENTRA_CONNECTOR_ID: &str = "b891884f-051e-4a83-95af-2544101c9083";

/// One `UserTargets` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTarget {
    /// `Identity`, as typed.
    pub identity: String,
    /// What was collected, or why not.
    pub section: Section<TargetFacts>,
}

/// What the collector found for one identity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetFacts {
    /// `DistinguishedName`: the resolved user; `None` when not found.
    pub distinguished_name: Option<String>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `ConnectorSpace`: the user's connector-space objects.
    pub connector_space: Option<Vec<CsObject>>,
    /// `Metaverse`: the metaverse object it is joined to.
    pub metaverse: Option<MvObject>,
    /// `Cloud`: Microsoft Graph facts.
    pub cloud: Option<Section<Cloud>>,
}

/// One connector-space object (`Get-ADSyncCSObject`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsObject {
    /// `ConnectorName`.
    pub connector_name: String,
    /// `DistinguishedName`.
    pub distinguished_name: Option<String>,
    /// `ObjectId`.
    pub object_id: Option<String>,
    /// `ConnectedMVObjectId`: the metaverse object it is joined to.
    pub connected_mv_object_id: Option<String>,
    /// `IsConnector`: joined (a connector), as opposed to a disconnector.
    pub is_connector: Option<bool>,
    /// `ObjectType`.
    pub object_type: Option<String>,
}

/// The metaverse object (`Get-ADSyncMVObject`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MvObject {
    /// `ObjectId`.
    pub object_id: Option<String>,
    /// `Lineage`: the connector-space objects joined to it.
    pub lineage: Vec<LineageEntry>,
}

/// One lineage entry of a metaverse object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineageEntry {
    /// `ConnectorName`.
    pub connector_name: String,
    /// `ConnectorId`.
    pub connector_id: Option<String>,
    /// `ConnectedCsObjectId`.
    pub connected_cs_object_id: Option<String>,
    /// `ConnectorType`: `AD` or `AAD`.
    pub connector_type: Option<String>,
}

impl LineageEntry {
    /// True for the Microsoft Entra connector's side: type `AAD`, the fixed connector id,
    /// or a name ending in ` - AAD`.
    pub fn is_entra(&self) -> bool {
        self.connector_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("AAD"))
            || self.connector_id.as_deref().is_some_and(|id| {
                id.trim_matches(|c| c == '{' || c == '}')
                    .eq_ignore_ascii_case(ENTRA_CONNECTOR_ID)
            })
            || self.connector_name.to_ascii_lowercase().ends_with(" - aad")
    }
}

/// `Cloud`: the user as Microsoft Graph sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cloud {
    /// `User`.
    pub user: Option<CloudUser>,
    /// `RegistrationDetails` (`userRegistrationDetails`).
    pub registration: Option<Registration>,
    /// `SsprAudits`: SSPR audit records, any order.
    pub audits: Option<Vec<SsprAudit>>,
}

/// `Cloud.User`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloudUser {
    /// `id`.
    pub id: Option<String>,
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `onPremisesSyncEnabled`.
    pub on_premises_sync_enabled: Option<bool>,
    /// `onPremisesDistinguishedName`.
    pub on_premises_distinguished_name: Option<String>,
}

/// `Cloud.RegistrationDetails`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registration {
    /// `isSsprEnabled`.
    pub is_sspr_enabled: Option<bool>,
    /// `isSsprRegistered`.
    pub is_sspr_registered: Option<bool>,
    /// `isSsprCapable`.
    pub is_sspr_capable: Option<bool>,
}

/// One `Cloud.SsprAudits` record (a directory audit).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SsprAudit {
    /// `activityDateTime`.
    pub at: Option<Timestamp>,
    /// `activityDisplayName`.
    pub activity: Option<String>,
    /// `result`: `success`, `failure`, ...
    pub result: Option<String>,
    /// `resultReason`.
    pub result_reason: Option<String>,
    /// `loggedByService`.
    pub logged_by_service: Option<String>,
}

impl SsprAudit {
    /// True when `result` is `failure`.
    pub fn failed(&self) -> bool {
        self.result
            .as_deref()
            .is_some_and(|r| r.trim().eq_ignore_ascii_case("failure"))
    }
}

fn cs_object(n: &Node) -> Result<CsObject, WbdError> {
    n.object()?;
    Ok(CsObject {
        connector_name: n.opt_text("ConnectorName")?.unwrap_or_default(),
        distinguished_name: n.opt_text("DistinguishedName")?,
        object_id: n.opt_text("ObjectId")?,
        connected_mv_object_id: n.opt_text("ConnectedMVObjectId")?,
        is_connector: n.opt_bool("IsConnector")?,
        object_type: n.opt_text("ObjectType")?,
    })
}

fn lineage_entry(n: &Node) -> Result<LineageEntry, WbdError> {
    n.object()?;
    Ok(LineageEntry {
        connector_name: n.opt_text("ConnectorName")?.unwrap_or_default(),
        connector_id: n.opt_text("ConnectorId")?,
        connected_cs_object_id: n.opt_text("ConnectedCsObjectId")?,
        connector_type: n.opt_text("ConnectorType")?,
    })
}

fn mv_object(n: &Node) -> Result<MvObject, WbdError> {
    n.object()?;
    Ok(MvObject {
        object_id: n.opt_text("ObjectId")?,
        lineage: n.list("Lineage", lineage_entry)?,
    })
}

fn cloud(n: &Node) -> Result<Cloud, WbdError> {
    Ok(Cloud {
        user: n.opt("User", |u| {
            u.object()?;
            Ok(CloudUser {
                id: u.opt_text("id")?,
                user_principal_name: u.opt_text("userPrincipalName")?,
                on_premises_sync_enabled: u.opt_bool("onPremisesSyncEnabled")?,
                on_premises_distinguished_name: u.opt_text("onPremisesDistinguishedName")?,
            })
        })?,
        registration: n.opt("RegistrationDetails", |r| {
            r.object()?;
            Ok(Registration {
                is_sspr_enabled: r.opt_bool("isSsprEnabled")?,
                is_sspr_registered: r.opt_bool("isSsprRegistered")?,
                is_sspr_capable: r.opt_bool("isSsprCapable")?,
            })
        })?,
        audits: n.opt_list("SsprAudits", |a| {
            a.object()?;
            Ok(SsprAudit {
                at: a.opt("activityDateTime", Timestamp::decode)?,
                activity: a.opt_text("activityDisplayName")?,
                result: a.opt_text("result")?,
                result_reason: a.opt_text("resultReason")?,
                logged_by_service: a.opt_text("loggedByService")?,
            })
        })?,
    })
}

fn facts(n: &Node) -> Result<TargetFacts, WbdError> {
    Ok(TargetFacts {
        distinguished_name: n.opt_text("DistinguishedName")?,
        domain: n.opt_text("Domain")?,
        connector_space: n.opt_list("ConnectorSpace", cs_object)?,
        metaverse: n.opt("Metaverse", mv_object)?,
        cloud: n
            .get("Cloud")
            .map(|c| Section::decode(Some(c.clone()), c.path(), cloud))
            .transpose()?,
    })
}

fn user_target(n: &Node) -> Result<UserTarget, WbdError> {
    n.object()?;
    let identity = n
        .opt_text("Identity")?
        .filter(|i| !i.trim().is_empty())
        .ok_or_else(|| n.invalid("a user target needs an Identity"))?;
    Ok(UserTarget {
        identity,
        section: Section::decode(Some(n.clone()), n.path(), facts)?,
    })
}

/// Decodes `UserTargets`.
pub fn decode(n: &Node) -> Result<Vec<UserTarget>, WbdError> {
    n.items().iter().map(user_target).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_entra_side_of_a_lineage_is_recognised_three_ways() {
        let e = |v: serde_json::Value| lineage_entry(&Node::at(&v, "L")).map(|l| l.is_entra());
        assert_eq!(
            e(json!({"ConnectorName": "x", "ConnectorType": "AAD"})).ok(),
            Some(true)
        );
        assert_eq!(
            e(json!({"ConnectorName": "x", "ConnectorId": "{B891884F-051E-4A83-95AF-2544101C9083}"})).ok(),
            Some(true)
        );
        assert_eq!(
            e(json!({"ConnectorName": "contoso.onmicrosoft.com - AAD"})).ok(),
            Some(true)
        );
        assert_eq!(
            e(json!({"ConnectorName": "contoso.com", "ConnectorType": "AD"})).ok(),
            Some(false)
        );
    }

    #[test]
    fn targets_need_an_identity_and_may_be_unavailable() {
        let v = json!([{"Identity": "jdoe", "Status": "Unavailable", "Reason": "not found in AD"}]);
        let got = decode(&Node::at(&v, "UserTargets")).expect("decodes");
        assert!(
            matches!(&got[0].section, Section::Unavailable { reason } if reason == "not found in AD")
        );
        let v = json!([{"Status": "Collected"}]);
        assert!(decode(&Node::at(&v, "UserTargets")).is_err());
    }
}
