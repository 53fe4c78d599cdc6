//! What a domain entry holds for the connector-account permission checks: the security
//! descriptors of the domain root, AdminSDHolder and the containers (`Descriptors`), the
//! users with their own descriptors and password facts (`Users`), and the fine-grained
//! password policies (`FineGrainedPasswordPolicies`). All optional; see `docs/snapshot.md`.

use super::node::Node;
use super::section::Section;
use super::values::{decode_sid, Span, Timestamp};
use crate::error::WbdError;

/// A descriptor as the collector passed it through, not yet parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DescriptorText {
    /// `Sddl`: the SDDL string.
    Sddl(String),
    /// `SecurityDescriptor`: base64 of the self-relative binary `nTSecurityDescriptor`.
    Binary(String),
}

/// One object's descriptor (`Root`, `AdminSdHolder`, a container).
#[derive(Debug, Clone, PartialEq)]
pub struct DescriptorObject {
    /// `DistinguishedName`.
    pub distinguished_name: String,
    /// `ObjectClass` (containers only), for example `organizationalUnit`.
    pub object_class: Option<String>,
    /// `Sddl` or `SecurityDescriptor`.
    pub descriptor: DescriptorText,
}

/// `Descriptors`: what the collector read about the domain's security descriptors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Descriptors {
    /// `ReadFrom`: the DC the collector read from.
    pub read_from: Option<String>,
    /// `Source`: `ActiveDirectoryModule` or `Ldap`.
    pub source: Option<String>,
    /// `Root`: the domain root object.
    pub root: Option<DescriptorObject>,
    /// `AdminSdHolder`: `CN=AdminSDHolder,CN=System,...`.
    pub admin_sd_holder: Option<DescriptorObject>,
    /// `Containers`: OUs and containers.
    pub containers: Vec<DescriptorObject>,
}

/// `PwdLastSet` of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PwdLastSet {
    /// 0: the user must change the password at next logon.
    MustChange,
    /// The last time the password was set.
    At(Timestamp),
}

/// One user of `Users`.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryUser {
    /// `DistinguishedName`.
    pub distinguished_name: String,
    /// `SamAccountName`.
    pub sam_account_name: Option<String>,
    /// `UserPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `ObjectClass`: `user` or `inetOrgPerson`.
    pub object_class: Option<String>,
    /// `ObjectSid`.
    pub object_sid: Option<String>,
    /// `AdminCount`.
    pub admin_count: Option<i64>,
    /// `UserAccountControl`.
    pub user_account_control: Option<i64>,
    /// `PwdLastSet`.
    pub pwd_last_set: Option<PwdLastSet>,
    /// `LockoutTime` (FILETIME; 0 = not locked).
    pub lockout_time: Option<i64>,
    /// `ResultantPso`: DN of the PSO that applies, if any.
    pub resultant_pso: Option<String>,
    /// `Sddl` or `SecurityDescriptor`.
    pub descriptor: Option<DescriptorText>,
}

impl DirectoryUser {
    /// True for adminCount=1 (protected by AdminSDHolder).
    pub fn is_protected(&self) -> bool {
        self.admin_count == Some(1)
    }
}

/// One `Get-ADFineGrainedPasswordPolicy` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FineGrainedPolicy {
    /// `DistinguishedName`.
    pub distinguished_name: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Precedence`.
    pub precedence: Option<i64>,
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
    /// `AppliesTo`: DNs of the groups and users it applies to.
    pub applies_to: Vec<String>,
}

/// FILETIME (100 ns since 1601-01-01 UTC) to a timestamp.
pub fn filetime(ticks: i64) -> Timestamp {
    Timestamp(ticks / 10_000 - 11_644_473_600_000)
}

fn descriptor_text(n: &Node) -> Result<Option<DescriptorText>, WbdError> {
    if let Some(s) = n.opt_text("Sddl")? {
        return Ok(Some(DescriptorText::Sddl(s)));
    }
    Ok(n.opt_text("SecurityDescriptor")?
        .map(DescriptorText::Binary))
}

fn descriptor_object(n: &Node) -> Result<DescriptorObject, WbdError> {
    n.object()?;
    Ok(DescriptorObject {
        distinguished_name: n
            .opt_text("DistinguishedName")?
            .ok_or_else(|| n.invalid("a descriptor object needs a DistinguishedName"))?,
        object_class: n.opt_text("ObjectClass")?,
        descriptor: descriptor_text(n)?
            .ok_or_else(|| n.invalid("a descriptor object needs Sddl or SecurityDescriptor"))?,
    })
}

fn descriptors(n: &Node) -> Result<Descriptors, WbdError> {
    Ok(Descriptors {
        read_from: n.opt_text("ReadFrom")?,
        source: n.opt_text("Source")?,
        root: n.opt("Root", descriptor_object)?,
        admin_sd_holder: n.opt("AdminSdHolder", descriptor_object)?,
        containers: n.list("Containers", descriptor_object)?,
    })
}

/// Decodes `Descriptors` (a section with `Status`/`Reason`).
pub fn decode_descriptors(n: &Node) -> Result<Section<Descriptors>, WbdError> {
    Section::decode(Some(n.clone()), n.path(), descriptors)
}

fn pwd_last_set(n: &Node) -> Result<PwdLastSet, WbdError> {
    if n.value().is_number() {
        return match n.int()? {
            0 => Ok(PwdLastSet::MustChange),
            t if t > 0 => Ok(PwdLastSet::At(filetime(t))),
            _ => Err(n.mismatch("a FILETIME of zero or more, or a date")),
        };
    }
    if let Some(t) = n
        .value()
        .as_str()
        .and_then(|s| s.trim().parse::<i64>().ok())
    {
        return Ok(if t == 0 {
            PwdLastSet::MustChange
        } else {
            PwdLastSet::At(filetime(t))
        });
    }
    Timestamp::decode(n).map(PwdLastSet::At)
}

fn directory_user(n: &Node) -> Result<DirectoryUser, WbdError> {
    n.object()?;
    Ok(DirectoryUser {
        distinguished_name: n
            .opt_text("DistinguishedName")?
            .ok_or_else(|| n.invalid("a user needs a DistinguishedName"))?,
        sam_account_name: n.opt_text("SamAccountName")?,
        user_principal_name: n.opt_text("UserPrincipalName")?,
        object_class: n
            .opt("ObjectClass", |c| {
                // Get-ADObject gives the most specific class; an LDAP read may give the chain.
                c.items().last().map(|x| x.text()).transpose()
            })?
            .flatten(),
        object_sid: n.opt("ObjectSid", decode_sid)?,
        admin_count: n.opt_int("AdminCount")?,
        user_account_control: n.opt_int("UserAccountControl")?,
        pwd_last_set: n.opt("PwdLastSet", pwd_last_set)?,
        lockout_time: n.opt_int("LockoutTime")?,
        resultant_pso: n.opt_text("ResultantPso")?,
        descriptor: descriptor_text(n)?,
    })
}

/// Decodes `Users`.
pub fn decode_users(n: &Node) -> Result<Vec<DirectoryUser>, WbdError> {
    n.items().iter().map(directory_user).collect()
}

fn fine_grained_policy(n: &Node) -> Result<FineGrainedPolicy, WbdError> {
    n.object()?;
    Ok(FineGrainedPolicy {
        distinguished_name: n
            .opt_text("DistinguishedName")?
            .ok_or_else(|| n.invalid("a fine-grained password policy needs a DistinguishedName"))?,
        name: n.opt_text("Name")?,
        precedence: n.opt_int("Precedence")?,
        min_password_age: n.opt("MinPasswordAge", Span::decode)?,
        max_password_age: n.opt("MaxPasswordAge", Span::decode)?,
        password_history_count: n.opt("PasswordHistoryCount", |v| v.uint())?,
        complexity_enabled: n.opt_bool("ComplexityEnabled")?,
        min_password_length: n.opt("MinPasswordLength", |v| v.uint())?,
        applies_to: n.text_list("AppliesTo")?,
    })
}

/// Decodes `FineGrainedPasswordPolicies`.
pub fn decode_policies(n: &Node) -> Result<Vec<FineGrainedPolicy>, WbdError> {
    n.items().iter().map(fine_grained_policy).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pwd_last_set_in_every_encoding() {
        let p = |v: serde_json::Value| pwd_last_set(&Node::at(&v, "P"));
        assert_eq!(p(json!(0)).ok(), Some(PwdLastSet::MustChange));
        assert_eq!(p(json!("0")).ok(), Some(PwdLastSet::MustChange));
        // 2023-11-14T22:13:20Z as FILETIME, a 5.1 date and an ISO date.
        let at = PwdLastSet::At(Timestamp(1_700_000_000_000));
        assert_eq!(p(json!(133_444_736_000_000_000_i64)).ok(), Some(at));
        assert_eq!(p(json!("/Date(1700000000000)/")).ok(), Some(at));
        assert_eq!(p(json!("2023-11-14T22:13:20Z")).ok(), Some(at));
        assert!(p(json!(-5)).is_err());
        assert!(p(json!("soon")).is_err());
    }

    #[test]
    fn descriptor_objects_need_a_dn_and_a_descriptor() {
        let d = |v: serde_json::Value| descriptor_object(&Node::at(&v, "D"));
        assert_eq!(
            d(json!({"DistinguishedName": "DC=x", "Sddl": "D:"}))
                .ok()
                .map(|o| o.descriptor),
            Some(DescriptorText::Sddl("D:".into()))
        );
        assert_eq!(
            d(json!({"DistinguishedName": "DC=x", "SecurityDescriptor": "AQA="}))
                .ok()
                .map(|o| o.descriptor),
            Some(DescriptorText::Binary("AQA=".into()))
        );
        let e = d(json!({"DistinguishedName": "DC=x"})).expect_err("no descriptor");
        assert!(
            e.message.contains("Sddl or SecurityDescriptor"),
            "{}",
            e.message
        );
        assert!(d(json!({"Sddl": "D:"})).is_err());
    }
}
