//! Keeps secrets out of the HTML report: evidence members whose name suggests a secret
//! are masked (at any depth), and `user:password@` is removed from every URL in every
//! text. A report is often mailed or attached to a ticket, so this runs on everything
//! the page shows, not only on the fields that are known to carry URLs.

use regex::Regex;
use serde_json::{Map, Value};

use crate::api::CheckResult;
use crate::cache::Cached;

/// What a masked evidence value is replaced with.
pub const MASK: &str = "(hidden)";

/// Words that mark an evidence member as secret, matched anywhere in the name, ignoring
/// case (`ProxyPassword`, `client_secret`, `AccessToken`, `Credentials`, `ApiKey`).
const SECRET_WORDS: &[&str] = &["password", "secret", "token", "credential", "key"];

/// Member names that contain one of [`SECRET_WORDS`] but hold settings, counts or policy
/// values, never a secret; compared ignoring case. Only whole names are listed, so a new
/// member such as `PasswordHash` stays masked until someone decides it is harmless.
const HARMLESS_NAMES: &[&str] = &[
    "CannotChangePassword",
    "EnablePasswordSync",
    "FineGrainedPasswordPolicies",
    "GraphPasswordWritebackEnabledNotInUse",
    "MaxPasswordAge",
    "MinPasswordAge",
    "MinPasswordLength",
    "OtherPasswordSyncRules",
    "PasswordExpired",
    "PasswordHashSync",
    "PasswordHistoryCount",
    "PasswordLastSet",
    "PasswordNeverExpires",
    "PasswordPolicy",
    "PasswordResetConfiguration",
    "PasswordSyncEnabled",
    "PasswordWriteback",
    "PasswordWritebackEnabled",
    "ExtendedKeyUsage",
    "KeyUsage",
    "KeySize",
    "PublicKeyAlgorithm",
];

/// True when an evidence member called `name` must not be shown.
pub fn is_secret_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    SECRET_WORDS.iter().any(|w| {
        bytes
            .windows(w.len())
            .any(|part| part.eq_ignore_ascii_case(w.as_bytes()))
    }) && !HARMLESS_NAMES.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// scheme "://" then everything up to the LAST '@' before the host: greedy, so a
/// password with a raw '@' in it is removed whole. '/', '?', '#' and white space end the
/// authority part, so an '@' in a path or a later sentence is left alone.
static USERINFO: Cached<Option<Regex>> =
    Cached::new(|| Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s]*@").ok());

/// `text` with the `user:password@` part removed from every URL in it, and the other
/// credential shapes [`crate::redact::text`] knows (query-string signatures, bearer
/// tokens, `Password=`) hidden.
pub fn strip_url_credentials(text: &str) -> String {
    let stripped = USERINFO.with(|re| {
        re.as_ref()
            .map(|re| re.replace_all(text, "$1").into_owned())
    });
    match stripped {
        Some(clean) => crate::redact::text(&clean).into_owned(),
        // The pattern is a constant that compiles; should it ever fail, show no URL at
        // all rather than one that might carry a password.
        None if text.contains("://") => MASK.to_string(),
        None => text.to_string(),
    }
}

/// A JSON value with secret members masked and URL credentials removed, at any depth.
pub fn value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(strip_url_credentials(s)),
        Value::Array(items) => Value::Array(items.iter().map(value).collect()),
        Value::Object(map) => Value::Object(object(map)),
        other => other.clone(),
    }
}

/// An evidence object with secret members masked and URL credentials removed.
pub fn object(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| {
            let shown = if is_secret_name(k) {
                Value::String(MASK.to_string())
            } else {
                value(v)
            };
            (strip_url_credentials(k), shown)
        })
        .collect()
}

/// A copy of `r` that is safe to show: every text without URL credentials, the
/// evidence masked.
pub fn result(r: &CheckResult) -> CheckResult {
    CheckResult {
        id: strip_url_credentials(&r.id),
        check: strip_url_credentials(&r.check),
        target: strip_url_credentials(&r.target),
        status: r.status,
        title: strip_url_credentials(&r.title),
        message: strip_url_credentials(&r.message),
        remediation: strip_url_credentials(&r.remediation),
        docs_url: strip_url_credentials(&r.docs_url),
        evidence: object(&r.evidence),
        duration_ms: r.duration_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_names_are_recognised_ignoring_case() {
        for name in [
            "ProxyPassword",
            "password",
            "CLIENT_SECRET",
            "AccessToken",
            "Credentials",
            "ApiKey",
            "PasswordHash",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "MinPasswordAge",
            "minpasswordage",
            "PasswordWritebackEnabled",
            "KeyUsage",
            "Proxy",
            "Url",
            "Outcome",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn url_credentials_are_removed_everywhere_in_a_text() {
        assert_eq!(
            strip_url_credentials("via http://bob:hunter2@proxy:8080 and HTTPS://a@b/c"),
            "via http://proxy:8080 and HTTPS://b/c"
        );
        assert_eq!(
            strip_url_credentials("http://u:p@ss@host/x@y"),
            "http://host/x@y",
            "a raw '@' in the password goes too; one in the path stays"
        );
        assert_eq!(
            strip_url_credentials("mail admin@contoso.com, see https://learn.microsoft.com/a"),
            "mail admin@contoso.com, see https://learn.microsoft.com/a"
        );
        assert_eq!(strip_url_credentials("socks5://x:y@h"), "socks5://h");
        assert_eq!(
            strip_url_credentials("SYNC01 bob:pw@sync01 https://h/?sig=abc Bearer abcdefgh123"),
            "SYNC01 (hidden)@sync01 https://h/?sig=(hidden) Bearer (hidden)",
            "the shapes without a scheme go too"
        );
    }

    #[test]
    fn evidence_is_masked_at_any_depth() {
        let ev = json!({
            "ProxyPassword": "Tr0ub4dor&3",
            "Proxy": {"Url": "http://bob:hunter2@proxy:8080", "Token": {"a": 1}},
            "Hops": [{"ClientSecret": "s"}, "ftp://x:y@h/"],
            "MinPasswordAge": 1
        });
        let Value::Object(map) = ev else {
            panic!("object literal")
        };
        let shown = Value::Object(object(&map));
        assert_eq!(
            shown,
            json!({
                "ProxyPassword": MASK,
                "Proxy": {"Url": "http://proxy:8080", "Token": MASK},
                "Hops": [{"ClientSecret": MASK}, "ftp://h/"],
                "MinPasswordAge": 1
            })
        );
        let text = shown.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("Tr0ub4dor"),
            "{text}"
        );
    }
}
