//! What the diagnosis reads out of an event's text: a short excerpt, the user and
//! tracking id, the distinguished name, relay namespaces and endpoints, hr codes, and
//! whether a DN holds a character that breaks writeback.

use regex::Regex;

use crate::cache::Cached;

use super::RelayName;

/// Longest message excerpt kept as evidence.
pub const EXCERPT_CHARS: usize = 300;

/// The first part of a message: no stack trace, no `Context:` segment (the cloud anchor
/// and user, kept apart as `User`), white space collapsed, at most [`EXCERPT_CHARS`]
/// characters.
pub fn excerpt(message: &str) -> String {
    let cut = ["\r\n   at ", "\n   at ", "   at "]
        .iter()
        .filter_map(|m| message.find(m))
        .min()
        .unwrap_or(message.len());
    let body = &message[..cut];
    let body = match (body.find(", Context:"), body.find(", Details:")) {
        (Some(c), Some(d)) if c < d => format!("{}{}", &body[..c], &body[d..]),
        _ => body.to_string(),
    };
    let mut out = String::new();
    let mut chars = 0;
    for word in body.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= EXCERPT_CHARS {
                out.push_str("...");
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

pub(super) fn user_of(message: &str) -> Option<String> {
    let start = message.find("UserPrincipalName:")? + "UserPrincipalName:".len();
    let upn: String = message[start..]
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',')
        .take(256)
        .collect();
    (!upn.is_empty()).then_some(upn)
}

/// The distinguished name a message quotes: from its first `CN=`/`OU=` (at the start of
/// a word) to the end of its last `DC=` component, or to the end of the line when it has
/// none; at most 200 characters.
pub(super) fn dn_in(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let starts_word = |i: usize| {
        message[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    let start = ["cn=", "ou="]
        .into_iter()
        .filter_map(|p| {
            lower
                .match_indices(p)
                .map(|(i, _)| i)
                .find(|i| starts_word(*i))
        })
        .min()?;
    let rest = &message[start..];
    let line = &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())];
    let end = match line.to_ascii_lowercase().rfind("dc=") {
        Some(dc) => {
            let value = &line[dc + 3..];
            dc + 3
                + value
                    .find(|c: char| !(c.is_alphanumeric() || c == '-'))
                    .unwrap_or(value.len())
        }
        None => line.len(),
    };
    Some(line[..end].chars().take(200).collect())
}
pub(super) fn tracking_id(message: &str) -> Option<String> {
    let start = message.find("TrackingId:")? + "TrackingId:".len();
    let id: String = message[start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    (id.len() >= 32).then_some(id)
}

/// A relay namespace (Service Bus rules: at most 50 letters, digits and hyphens, ending
/// in a letter or digit) with an optional Service Bus suffix. ASCII only: with Unicode
/// case folding `(?i)` would also take `ſ` (long s) or the Kelvin sign for `s`/`k` and
/// produce host names that are not in the text. Where a name starts and ends is checked
/// in [`relays_in`]: `\b` would also accept the tail of a longer host name
/// (`contoso-ssprdedicatedsbx...`, `x.ssprdedicatedsb...`).
static RELAY: Cached<Regex> = Cached::new(|| {
    Regex::new(r"(?i-u)(ssprdedicatedsb[a-z0-9-]{0,34}[a-z0-9])(\.servicebus\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn))?")
        .expect("relay pattern")
});

/// True for a character that continues a host name (or a word) around a match.
fn is_host_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A relay endpoint path: two GUIDs joined by `_`.
pub(super) static ENDPOINT: Cached<Regex> = Cached::new(|| {
    let g = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    Regex::new(&format!(r"(?i)\b{g}_{g}\b")).expect("endpoint pattern")
});

/// An hr code: `0x8...`, `hr=8...` or a bare `8023xxxx`.
static HR: Cached<Regex> = Cached::new(|| {
    Regex::new(r"(?i)(?:\b0x|\bhr\s*[=:]?\s*(?:0x)?)(8[0-9a-f]{7})\b|\b(8023[0-9a-f]{4})\b")
        .expect("hr pattern")
});

/// The relay namespaces named in `text`: `ssprdedicatedsb...` names standing on their
/// own, bare or with a Service Bus suffix. A name that is only part of a longer host name
/// or word is not a relay (a host that merely contains the prefix, or a relay name
/// followed by another domain).
pub fn relays_in(text: &str) -> impl Iterator<Item = RelayName> {
    relay_matches(text).into_iter().map(|(_, r)| r)
}

/// The relay namespaces named in `text`, each with the `<guid>_<guid>` endpoint paths
/// named after it and before the next namespace (those before the first namespace go to
/// the first), in text order without duplicates. Microsoft shows the 31019 text only as a
/// screenshot ("the name of the service bus listener", [TSWB] ms.date 2025-03-04), so the
/// pairing goes by position in the text, not by its wording: a namespace followed by its
/// endpoint, as in `sb://<namespace>.servicebus.windows.net/<endpoint>`, or a list of
/// `namespace ..., endpoint ...` pairs.
pub fn relay_mentions(text: &str) -> Vec<(RelayName, Vec<String>)> {
    let found = relay_matches(text);
    let mut out: Vec<(RelayName, Vec<String>)> = Vec::new();
    let mut slot_of = Vec::with_capacity(found.len());
    for (_, r) in &found {
        let slot = match out.iter().position(|(o, _)| o == r) {
            Some(i) => i,
            None => {
                out.push((r.clone(), Vec::new()));
                out.len() - 1
            }
        };
        slot_of.push(slot);
    }
    if out.is_empty() {
        return out;
    }
    ENDPOINT.with(|re| {
        for m in re.find_iter(text) {
            let owner = found
                .iter()
                .rposition(|(at, _)| *at <= m.start())
                .unwrap_or(0);
            let path = m.as_str().to_ascii_lowercase();
            let list = &mut out[slot_of[owner]].1;
            if !list.contains(&path) {
                list.push(path);
            }
        }
    });
    out
}

/// [`relays_in`] with the byte offset where each name starts. The match is split at its
/// first `.`: the namespace holds none and the suffix starts with one, so this gives the
/// pattern's two groups without the slower capturing search.
fn relay_matches(text: &str) -> Vec<(usize, RelayName)> {
    RELAY.with(|re| {
        re.find_iter(text)
            .filter_map(|whole| {
                if text[..whole.start()]
                    .chars()
                    .next_back()
                    .is_some_and(is_host_char)
                {
                    return None;
                }
                let mut after = text[whole.end()..].chars();
                // A full stop ends a sentence; anything else after it continues the host.
                let continues = match after.next() {
                    Some('.') => after.next().is_some_and(is_host_char),
                    Some(ch) => is_host_char(ch),
                    None => false,
                };
                if continues {
                    return None;
                }
                let found = whole.as_str();
                let (namespace, suffix) = found.split_at(found.find('.').unwrap_or(found.len()));
                Some((
                    whole.start(),
                    RelayName {
                        namespace: namespace.to_ascii_lowercase(),
                        suffix: (!suffix.is_empty()).then(|| suffix.to_ascii_lowercase()),
                    },
                ))
            })
            .collect()
    })
}

/// The hr codes written in `text` (`0x8023...`, `hr=8023...`, bare `8023xxxx`).
pub fn hr_codes_in(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    // Both alternatives of the pattern end with the code's eight hex digits (its groups),
    // so the match's last eight bytes are the code; no capturing search is needed.
    HR.with(|re| {
        for m in re.find_iter(text) {
            let Some(code) = m.as_str().get(m.len().saturating_sub(8)..) else {
                continue;
            };
            // The first group of a GUID is not an hr code.
            if text[m.end()..].starts_with('-') {
                continue;
            }
            if let Ok(code) = u32::from_str_radix(code, 16) {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
    });
    out
}

/// True when the distinguished name `dn` holds a character that breaks writeback
/// (facts §4.1: a leading space or `#`, a trailing space, `, + " \ < > ; = /`, LF, CR):
/// escaped (`\,` ... `\/`, `\ `, or as hex such as `\2C`, `\2F`, `\0A`), a `/` (which
/// DNs do not escape), or a space at the start or end of a component value.
pub(super) fn names_reserved_characters(dn: &str) -> bool {
    let b = dn.as_bytes();
    let escaped = b.windows(2).any(|w| {
        w[0] == b'\\'
            && matches!(
                w[1],
                b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';' | b'=' | b'#' | b'/' | b' '
            )
    });
    let lower = dn.to_ascii_lowercase();
    let hex = [
        "\\0a", "\\0d", "\\20", "\\23", "\\2c", "\\2b", "\\22", "\\5c", "\\3c", "\\3e", "\\3b",
        "\\3d", "\\2f",
    ]
    .iter()
    .any(|h| lower.contains(h));
    // A component value that starts with a space (`OU= Sales`) or ends with one before
    // the next, unescaped, comma (`OU=Sales ,DC=`).
    let spaces = b.windows(2).any(|w| w == b"= ")
        || b.windows(3)
            .any(|w| w[0] != b'\\' && w[1] == b' ' && w[2] == b',');
    escaped || hex || spaces || dn.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulls_hr_codes_relays_and_excerpts() {
        let t = "An unexpected error has occurred during a password set operation.\r\n \"BAIL: MMS(4924): admaexport.cpp(2837): 0x80230619 (A restriction prevents the password)\" hr=8023062C HR 0x80005000 8023abcd-1111-2222-3333-444455556666 0x12345678";
        assert_eq!(hr_codes_in(t), vec![0x8023_0619, 0x8023_062C, 0x8000_5000]);
        let names: Vec<String> = relays_in(
            "ns ssprdedicatedsbprodncu, sb://SSPRDedicatedSBProdFRA-1.servicebus.windows.net/x ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn and ssprdedicatedsb.",
        )
        .map(|r| r.default_host())
        .collect();
        assert_eq!(
            names,
            vec![
                "ssprdedicatedsbprodncu.servicebus.windows.net",
                "ssprdedicatedsbprodfra-1.servicebus.windows.net",
                "ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn",
            ]
        );
        assert_eq!(
            excerpt("TrackingId: x, Reason: bad,\r\n Details: E: m\r\n   at A.B()\r\n   at C"),
            "TrackingId: x, Reason: bad, Details: E: m"
        );
        let failure = "TrackingId: x, Reason: R, Context: cloudAnchor: User_1, SourceAnchorValue: QQ==, UserPrincipalName: a@b.c, Details: E: DN: CN=A\\, B,OU=S\r\n   at X";
        assert_eq!(
            excerpt(failure),
            "TrackingId: x, Reason: R, Details: E: DN: CN=A\\, B,OU=S"
        );
        assert_eq!(user_of(failure).as_deref(), Some("a@b.c"));
        assert_eq!(dn_in(failure).as_deref(), Some("CN=A\\, B,OU=S"));
        assert_eq!(excerpt(&"a".repeat(400)).chars().count(), EXCERPT_CHARS + 3);
        assert_eq!(
            tracking_id("TrackingId: 6c1f0f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f, x").as_deref(),
            Some("6c1f0f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f")
        );
        assert!(names_reserved_characters(
            "DN: CN=Smith\\, John,OU=Sales,DC=x"
        ));
        assert!(!names_reserved_characters("DN: CN=John,OU=Sales,DC=x"));
    }

    #[test]
    fn relay_names_must_stand_on_their_own() {
        let hosts = |t: &str| -> Vec<String> { relays_in(t).map(|r| r.default_host()).collect() };
        // The real forms: bare namespaces, full hosts in the three clouds, in URLs, at the
        // end of a sentence, upper case.
        assert_eq!(
            hosts("Endpoint=sb://SSPRDedicatedSBProdSCU-2.servicebus.windows.net/;x (ssprdedicatedsbprodeus2-1). ssprdedicatedsbprodncu.servicebus.usgovcloudapi.net."),
            vec![
                "ssprdedicatedsbprodscu-2.servicebus.windows.net",
                "ssprdedicatedsbprodeus2-1.servicebus.windows.net",
                "ssprdedicatedsbprodncu.servicebus.usgovcloudapi.net",
            ]
        );
        // Not relays: the tail of another host or word, a relay name followed by another
        // domain, Unicode look-alikes of s and k, a namespace longer than Service Bus allows.
        for text in [
            "contoso-ssprdedicatedsbprodncu.servicebus.windows.net",
            "proxy.ssprdedicatedsbprodncu.servicebus.windows.net",
            "xssprdedicatedsbprodncu",
            "ssprdedicatedsbprodncu_old",
            "ssprdedicatedsbprodncu.servicebus.windows.net.contoso.com",
            "ssprdedicatedsbprodncu.servicebus.cloudapi.de",
            "ssprdedicatedsbprodncu.servicebus.windows.network",
            "\u{17f}sprdedicatedsbprodncu.servicebus.windows.net",
            "ssprdedicatedsbprod\u{212a}ncu",
            "contoso.servicebus.windows.net",
            &format!("ssprdedicatedsb{}", "a".repeat(40)),
        ] {
            assert_eq!(hosts(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn endpoints_pair_with_the_namespace_they_follow() {
        let e1 = "6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_d9d5d679-761c-5090-9fed-000000000001";
        let e2 = "6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_30f1cb1b-5633-5436-8f18-000000000002";
        let hosts = |t: &str| -> Vec<(String, Vec<String>)> {
            relay_mentions(t)
                .into_iter()
                .map(|(r, e)| (r.default_host(), e))
                .collect()
        };
        let ncu = "ssprdedicatedsbprodncu.servicebus.windows.net".to_string();
        let scu = "ssprdedicatedsbprodscu.servicebus.windows.net".to_string();
        let fra = "ssprdedicatedsbprodfra-1.servicebus.windows.net".to_string();
        // The heartbeat shape of the fixtures (tests/fixtures/events/generate.py).
        assert_eq!(
            hosts(&format!("Heartbeat sent to the relay (namespace ssprdedicatedsbprodncu, endpoint {e1}; namespace ssprdedicatedsbprodscu, endpoint {}).", e2.to_uppercase())),
            vec![(ncu.clone(), vec![e1.to_string()]), (scu, vec![e2.to_string()])]
        );
        // A listener URL, as a 31034 or 32002 exception text may quote it; the same
        // namespace twice is one entry.
        assert_eq!(
            hosts(&format!("ServiceBusListenerError, Details: Endpoint sb://SSPRDedicatedSBProdFRA-1.servicebus.windows.net/{e1}/ failed. Listener ssprdedicatedsbprodfra-1.servicebus.windows.net is down.")),
            vec![(fra.clone(), vec![e1.to_string()])]
        );
        // An endpoint before the only namespace belongs to it.
        assert_eq!(
            hosts(&format!("endpoint {e2} on ssprdedicatedsbprodfra-1")),
            vec![(fra, vec![e2.to_string()])]
        );
        // Endpoints alone name no relay; a namespace alone has no endpoint.
        assert!(hosts(&format!("endpoint {e1}")).is_empty());
        assert_eq!(hosts("ssprdedicatedsbprodncu"), vec![(ncu, vec![])]);
    }

    #[test]
    fn reserved_characters_in_a_distinguished_name() {
        for dn in [
            "CN=Doe\\, Jane,OU=Sales,DC=contoso,DC=com",
            "CN=Jane,OU=Sales/Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=Sales\\/Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=R\\2BD,DC=contoso,DC=com",
            "CN=Jane,OU=\\#Ops,DC=contoso,DC=com",
            "CN=Jane,OU= Sales,DC=contoso,DC=com",
            "CN=Jane,OU=Sales\\ ,DC=contoso,DC=com",
            "CN=Jane,OU=Sales ,DC=contoso,DC=com",
            "CN=Jane,OU=A\\0AB,DC=contoso,DC=com",
        ] {
            assert!(names_reserved_characters(dn), "{dn}");
        }
        for dn in [
            "CN=Jane Doe,OU=Sales & Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=Sales-EMEA,DC=contoso,DC=com",
        ] {
            assert!(!names_reserved_characters(dn), "{dn}");
        }
        // The DN ends with its last DC component, so a URL after it is not part of it.
        let text = "Reason: ADUnKnownError, Details: E: DN: CN=Jane,OU=Sales,DC=contoso,DC=com, see aka.ms/sspr";
        assert_eq!(
            dn_in(text).as_deref(),
            Some("CN=Jane,OU=Sales,DC=contoso,DC=com")
        );
        assert!(!dn_in(text).is_some_and(|d| names_reserved_characters(&d)));
        assert_eq!(dn_in("Version: 5.0 bacon=1"), None);
    }
}
