//! PRE-CONFIG-SIGNSEAL: "Sign and Encrypt LDAP Traffic" on each AD connector, on the forest
//! connection and on every partition in scope; off makes writeback's password sets fail
//! with hr 0x8023062C ([`DOC_8023062C`], ms.date 2022-02-11, read 2026-12-02: the fix turns
//! it on in three places of Synchronization Service Manager and restarts ADSync).

use serde_json::{json, Value};

use super::{opt_bool, SIGN_SEAL};
use crate::api::CheckResult;
use crate::events::catalog::DOC_8023062C;
use crate::rules::{fail, join_list, pass, skipped, strings, warn};
use crate::serverconfig::{AdConnector, ServerConfig};

/// The hr a password set fails with when sign-and-seal is off.
const HR: &str = "0x8023062C";

/// One place where the connection options are set.
struct Place {
    what: String,
    seal: Option<bool>,
    ssl: Option<bool>,
}

/// One result per AD connector.
pub(super) fn evaluate(config: &ServerConfig) -> Vec<CheckResult> {
    if config.ad_connectors.is_empty() {
        return vec![SIGN_SEAL.emit(
            &config.target(),
            skipped(
                "NoAdConnector",
                "LDAP sign and encrypt: no AD connector",
                "Not checked: the export has no Active Directory connector (PRE-CONFIG-SCOPE reports that).",
            ),
        )];
    }
    config.ad_connectors.iter().map(connector).collect()
}

fn places(k: &AdConnector) -> Vec<Place> {
    let mut places = vec![Place {
        what: "the forest connection (Connect to Active Directory Forest > Options)".into(),
        seal: k.sign_and_seal,
        ssl: k.ssl_bind,
    }];
    places.extend(k.in_scope().map(|p| Place {
        what: format!(
            "partition {} (Domain controller connection settings > Options)",
            p.name
        ),
        seal: p.sign_and_seal,
        ssl: p.ssl_bind,
    }));
    places
}

/// A sentence about partitions with alternate credentials, or nothing.
fn alternate_note(k: &AdConnector) -> String {
    let alternate: Vec<String> = k
        .in_scope()
        .filter_map(|p| {
            let account = p.alternate_account.as_ref()?;
            Some(format!("{} ({account})", p.name))
        })
        .collect();
    let subject = match alternate.as_slice() {
        [] => return String::new(),
        [one] => format!("Partition {one} uses"),
        many => format!("Partitions {} use", join_list(many)),
    };
    format!(" {subject} alternate credentials, whose own connection options the export does not show; check them by hand.")
}

fn connector(k: &AdConnector) -> CheckResult {
    let places = places(k);
    let with_seal = |want: Option<bool>| -> Vec<&str> {
        places
            .iter()
            .filter(|p| p.seal == want)
            .map(|p| p.what.as_str())
            .collect()
    };
    let (on, off, unknown) = (
        with_seal(Some(true)),
        with_seal(Some(false)),
        with_seal(None),
    );
    let off_with_ssl = places
        .iter()
        .filter(|p| p.seal == Some(false))
        .all(|p| p.ssl == Some(true));
    let name = &k.name;
    let note = alternate_note(k);
    let fix = format!(
        "In Synchronization Service Manager > Connectors > {name} > Properties, turn on Sign and \
         Encrypt LDAP Traffic in all three places: Connect to Active Directory Forest > Options; \
         Configure Directory Partitions > each partition > Domain controller connection settings \
         > Options; and Set Credentials > Options where a partition uses alternate credentials. \
         Then restart the ADSync service (Restart-Service ADSync)."
    );
    let f = if !off.is_empty() && off_with_ssl {
        warn(
            "OffWithSsl",
            "LDAP sign and encrypt is off, but SSL is on",
            format!(
                "Sign and Encrypt LDAP Traffic is off for {} of AD connector {name}, with SSL \
                 enabled for the connection instead. The DC then accepts password sets over \
                 TLS, judging by the wording of hr {HR}, which asks for signing and encryption \
                 or a TLS/SSL connection (an inference); Microsoft's fix for {HR} is to turn \
                 signing and encryption on.{note}",
                join_list(&off)
            ),
            fix,
        )
    } else if !off.is_empty() {
        fail(
            "Off",
            "LDAP sign and encrypt is off on the AD connector",
            format!(
                "Sign and Encrypt LDAP Traffic is off for {} of AD connector {name}: writeback's \
                 password resets and changes then fail with hr {HR} (events 6329 and 33009), \
                 because the DC refuses to set a password over a connection that is neither \
                 signed and encrypted nor TLS.{note}",
                join_list(&off)
            ),
            fix,
        )
    } else if on.is_empty() {
        skipped(
            "NotInExport",
            "LDAP sign and encrypt: not in the export",
            format!(
                "Not checked: the export of AD connector {name} records no sign-and-seal option ({}).",
                k.file
            ),
        )
    } else {
        let mut message = format!(
            "Sign and Encrypt LDAP Traffic is on for {} of AD connector {name}.",
            join_list(&on)
        );
        if !unknown.is_empty() {
            message.push_str(&format!(
                " The export records no option for {}.",
                join_list(&unknown)
            ));
        }
        message.push_str(&note);
        pass("On", "LDAP sign and encrypt is on", message)
    };
    let partitions: Vec<Value> = k
        .in_scope()
        .map(|p| {
            json!({
                "Name": p.name,
                "SignAndSeal": opt_bool(p.sign_and_seal),
                "SslBind": opt_bool(p.ssl_bind),
                "AlternateAccount": p.alternate_account.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    SIGN_SEAL.emit(
        name,
        f.with("Connector", name.as_str())
            .with("Forest", k.forest.as_str())
            .with("ForestSignAndSeal", opt_bool(k.sign_and_seal))
            .with("ForestSslBind", opt_bool(k.ssl_bind))
            .with("Partitions", Value::Array(partitions))
            .with("Off", strings(&off))
            .with("NotRecorded", strings(&unknown))
            .with("Hr", HR)
            .with("DocsHr", DOC_8023062C)
            .with("File", k.file.as_str()),
    )
}
