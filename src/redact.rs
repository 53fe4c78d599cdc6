//! Keeps credentials out of everything the engine returns: error messages, report texts
//! and evidence. Inputs carry them in a few recognisable shapes (a URL's `user:password@`,
//! a signature or token in a query string, `Password=` in a connection string, a bearer
//! token, an evidence member named like a secret); each is replaced by [`HIDDEN`], so the
//! rest of the text (the proxy's host, the file, the reason) stays readable.
//!
//! Event messages, saved reports in a bundle and the values a user typed all pass through
//! here, because the engine cannot know in advance which of them quote a credential.

use std::borrow::Cow;

use regex::Regex;
use serde_json::Value;

use crate::api::CheckResult;
use crate::cache::Cached;
use crate::report::sanitize::is_secret_name;

/// What a credential is replaced with.
pub const HIDDEN: &str = "(hidden)";

/// Query-string and `key=value` names whose value is a credential, matched ignoring case:
/// the Service Bus shared access signature (`sig`, `SharedAccessSignature`,
/// `SharedAccessKey`), OAuth (`access_token`, `refresh_token`, `id_token`,
/// `client_secret`, `assertion`), connection strings (`Password`, `Pwd`, `AccountKey`)
/// and generic `token`, `secret`, `apikey`, `api_key`.
const SECRET_PARAMS: &str = "sig|signature|sharedaccesssignature|sharedaccesskey|access_token|refresh_token|id_token|client_secret|assertion|password|passwd|pwd|accountkey|token|secret|apikey|api_key";

/// A credential pattern: the regex, what replaces a match, and a cheap test that is true
/// of every text the regex can match (a literal it cannot match without), so that most
/// texts, which hold none of them, skip the regex.
struct Pattern {
    re: Regex,
    with: &'static str,
    /// The [`triggers`] bit a text needs for `may_match` to be worth asking.
    needs: u8,
    may_match: Gate,
}

const AT: u8 = 1;
const EQUALS: u8 = 2;
const LETTER_B: u8 = 4;
const LETTER_J: u8 = 8;
const DASH: u8 = 16;

/// For each byte, the trigger bits it sets: one byte that each pattern's literal holds
/// (`@`, `=`, the `b` of bearer/basic, the `J` of `eyJ`, the `-` of `-----BEGIN`). A byte of a non-ASCII character sets [`LETTER_B`], as the bearer/basic gate
/// sends every non-ASCII text to its regex.
const TRIGGER: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'@' as usize] = AT;
    t[b'=' as usize] = EQUALS;
    t[b'b' as usize] = LETTER_B;
    t[b'B' as usize] = LETTER_B;
    t[b'J' as usize] = LETTER_J;
    t[b'-' as usize] = DASH;
    let mut i = 0x80;
    while i < 256 {
        t[i] = LETTER_B;
        i += 1;
    }
    t
};

/// The trigger bits of `t`, in one pass over its bytes: most texts set few or none, and
/// then their patterns are not looked at.
fn triggers(t: &str) -> u8 {
    t.bytes().fold(0, |m, b| m | TRIGGER[b as usize])
}

/// True of every text a pattern can match.
type Gate = fn(&str) -> bool;

/// For a pattern whose literal is the one byte of its [`triggers`] bit: nothing more to
/// look for.
fn bit_suffices(_: &str) -> bool {
    true
}

/// The bearer/basic pattern is case-insensitive with Unicode folding (`ſ` folds to `s`),
/// so a text with any non-ASCII character always goes to the regex. Both of its
/// alternatives hold a word starting with `b` (`bearer`, `basic`): a SIMD search for that
/// letter finds the few places to compare.
fn may_hold_auth_header(t: &str) -> bool {
    let bytes = t.as_bytes();
    !t.is_ascii()
        || memchr::memchr2_iter(b'b', b'B', bytes).any(|at| {
            let rest = &bytes[at..];
            [&b"bearer"[..], &b"basic"[..]].iter().any(|w| {
                rest.get(..w.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(w))
            })
        })
}

fn has_jwt_header(t: &str) -> bool {
    let bytes = t.as_bytes();
    memchr::memchr_iter(b'J', bytes).any(|at| at >= 2 && &bytes[at - 2..at] == b"ey")
}

fn has_pem_begin(t: &str) -> bool {
    let bytes = t.as_bytes();
    memchr::memchr_iter(b'-', bytes).any(|at| bytes[at..].starts_with(b"-----BEGIN "))
}

/// The credential patterns with what replaces each match, compiled once.
static PATTERNS: Cached<Vec<Pattern>> = Cached::new(|| {
    let sources: [(String, &'static str, u8, Gate); 6] = [
        // scheme "://" then everything up to the last '@' of the authority.
        (
            r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s'\x22]*@".into(),
            "${1}(hidden)@",
            AT,
            bit_suffices,
        ),
        // `user:password@host` without a scheme; a backslash ends the user name, so a
        // Windows path (`C:\x@y`) is left alone, and a UPN has no colon.
        (
            r"(^|[\s'\x22(=,;<>\[])[^\s:/@'\x22\\]+:[^\s/@'\x22\\]+@".into(),
            "${1}(hidden)@",
            AT,
            bit_suffices,
        ),
        // `?sig=...`, `&token=...`, `;Password=...`, `Password = ...`, `password="..."`.
        (
            format!(r"(?i)(\b(?:{SECRET_PARAMS})\s*=\s*['\x22]?)[^\s&#;,'\x22<>]+"),
            "${1}(hidden)",
            EQUALS,
            bit_suffices,
        ),
        // `Authorization: Bearer <token>` and `Basic <base64>` after Authorization.
        (
            r"(?i)\b(bearer\s+|authorization:\s*basic\s+)[A-Za-z0-9\-._~+/]{8,}=*".into(),
            "${1}(hidden)",
            LETTER_B,
            may_hold_auth_header,
        ),
        // A JSON Web Token anywhere (header and payload are base64url JSON objects).
        (
            r"\beyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*".into(),
            "(hidden)",
            LETTER_J,
            has_jwt_header,
        ),
        // PEM private keys, whole.
        (
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"
                .into(),
            "(hidden)",
            DASH,
            has_pem_begin,
        ),
    ];
    sources
        .into_iter()
        .filter_map(|(re, with, needs, may_match)| {
            Regex::new(&re).ok().map(|re| Pattern {
                re,
                with,
                needs,
                may_match,
            })
        })
        .collect()
});

/// `text` with every credential shape replaced by [`HIDDEN`].
pub fn text(text: &str) -> Cow<'_, str> {
    let mut found = triggers(text);
    if found == 0 {
        return Cow::Borrowed(text);
    }
    PATTERNS.with(|patterns| {
        let mut out = Cow::Borrowed(text);
        for p in patterns {
            if found & p.needs == 0 || !(p.may_match)(&out) {
                continue;
            }
            if let Cow::Owned(s) = p.re.replace_all(&out, p.with) {
                found = triggers(&s);
                out = Cow::Owned(s);
            }
        }
        out
    })
}

fn in_place(s: &mut String) {
    if let Cow::Owned(clean) = text(s) {
        *s = clean;
    }
}

/// A JSON value with credentials removed from every string, and the value of every
/// member named like a secret (see [`is_secret_name`]) replaced, at any depth. Numbers,
/// booleans and `null` under such names stay (they are counts and switches).
pub fn value(v: &mut Value) {
    match v {
        Value::String(s) => in_place(s),
        Value::Array(items) => items.iter_mut().for_each(value),
        Value::Object(map) => {
            for (k, member) in map.iter_mut() {
                let holds_text = matches!(
                    member,
                    Value::String(_) | Value::Array(_) | Value::Object(_)
                );
                if holds_text && is_secret_name(k) {
                    *member = Value::String(HIDDEN.into());
                } else {
                    value(member);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A result with credentials removed from its texts and evidence.
pub fn result(r: &mut CheckResult) {
    for s in [
        &mut r.id,
        &mut r.check,
        &mut r.target,
        &mut r.title,
        &mut r.message,
        &mut r.remediation,
        &mut r.docs_url,
    ] {
        in_place(s);
    }
    for (k, member) in r.evidence.iter_mut() {
        let holds_text = matches!(
            member,
            Value::String(_) | Value::Array(_) | Value::Object(_)
        );
        if holds_text && is_secret_name(k) {
            *member = Value::String(HIDDEN.into());
        } else {
            value(member);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// [`text`] without the literal tests: every pattern's regex on every text.
    fn text_every_regex(t: &str) -> String {
        PATTERNS.with(|patterns| {
            let mut out = t.to_string();
            for p in patterns {
                out = p.re.replace_all(&out, p.with).into_owned();
            }
            out
        })
    }

    const PIECES: &[&str] = &[
        "https://",
        "sb://",
        "user",
        ":",
        "p@ss",
        "@",
        "host.example",
        "/",
        "?",
        "&",
        ";",
        "=",
        " = ",
        "sig",
        "Password",
        "PWD",
        "token",
        "Bearer ",
        "bearer\t",
        "BEARER  ",
        "Authorization: Basic ",
        "authorization:basic ",
        "abcdefgh12345678",
        "==",
        "eyJhbGciOiJIUzI1NiJ9",
        ".",
        "eyJzdWIiOiIxIn0",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIBOgIBAAJB",
        "-----END RSA PRIVATE KEY-----",
        "\u{17f}",
        "\u{212a}",
        "\u{e9}",
        "'",
        "\"",
        " ",
        "\n",
        "C:\\x",
        "(",
        "[",
        "<",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The literal tests only skip regexes that could not have matched.
        #[test]
        fn skipping_by_literal_changes_nothing(parts in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(PIECES).prop_map(str::to_string),
                "[a-zA-Z0-9 ]{1,6}",
                any::<char>().prop_map(|c| c.to_string()),
            ],
            0..16,
        )) {
            let t = parts.concat();
            prop_assert_eq!(text(&t).into_owned(), text_every_regex(&t));
        }
    }

    #[test]
    fn credentials_in_urls_are_hidden_and_the_host_kept() {
        assert_eq!(
            text("proxy 'http://bob:hunter2@proxy.contoso.com:8080' refused"),
            "proxy 'http://(hidden)@proxy.contoso.com:8080' refused"
        );
        assert_eq!(
            text("endpoint 'https://u:p@ss@host:443/x@y'"),
            "endpoint 'https://(hidden)@host:443/x@y'"
        );
        assert_eq!(
            text("namespace 'bob:hunter2@contoso-sb': no port"),
            "namespace '(hidden)@contoso-sb': no port"
        );
        assert_eq!(
            text("sb://ns.servicebus.windows.net/?sv=2024-01-01&sig=abc%2B123&se=1"),
            "sb://ns.servicebus.windows.net/?sv=2024-01-01&sig=(hidden)&se=1"
        );
        assert_eq!(
            text("http://p:1/?access_token=abc"),
            "http://p:1/?access_token=(hidden)"
        );
    }

    #[test]
    fn connection_strings_bearer_tokens_and_keys_are_hidden() {
        assert_eq!(
            text("Server=sql01;User ID=sa;Password=Tr0ub4dor3; client_secret = x~y <add password=\"p\"/>"),
            "Server=sql01;User ID=sa;Password=(hidden); client_secret = (hidden) <add password=\"(hidden)\"/>"
        );
        assert_eq!(
            text("Authorization: Bearer abc.def-ghi and Authorization: Basic dTpwYXNzd29yZA=="),
            "Authorization: Bearer (hidden) and Authorization: Basic (hidden)"
        );
        assert_eq!(
            text("t eyJhbGciOi.eyJzdWIiOi.sig_part end"),
            "t (hidden) end"
        );
        assert_eq!(
            text("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\nrest"),
            "(hidden)\nrest"
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for t in [
            "mail admin@contoso.com, see https://learn.microsoft.com/a?view=b",
            r"C:\Users\svc@contoso\machine.config",
            "MinPasswordAge=0 and PasswordHistoryCount=24",
            "Unexpire Password: the tutorial lists it",
            "Proxy-Authenticate: Basic realm=\"contoso\"",
            "the bearer of the certificate",
            "error code=5, <add key=\"GraphClientId\" value=\"x\"/>",
            "CN=MSOL_1a2b,CN=Users,DC=contoso,DC=com",
            "proxy http://proxy.contoso.com:8080 (407)",
            "10.0.0.1:53",
        ] {
            assert_eq!(text(t), t, "{t}");
            assert!(matches!(text(t), Cow::Borrowed(_)), "{t} was copied");
        }
    }

    #[test]
    fn secret_members_are_masked_at_any_depth_but_counts_stay() {
        let mut v = json!({
            "ProxyPassword": "Tr0ub4dor&3",
            "AccessToken": {"a": "b"},
            "PasswordResetServiceEvents": 22,
            "Hops": [{"ClientSecret": "s"}, "http://x:y@h/"],
            "MinPasswordAge": "1.00:00:00",
        });
        value(&mut v);
        assert_eq!(
            v,
            json!({
                "ProxyPassword": HIDDEN,
                "AccessToken": HIDDEN,
                "PasswordResetServiceEvents": 22,
                "Hops": [{"ClientSecret": HIDDEN}, "http://(hidden)@h/"],
                "MinPasswordAge": "1.00:00:00",
            })
        );
    }
}
