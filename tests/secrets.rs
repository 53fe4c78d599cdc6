//! Planted secrets never come out: distinctive passwords, tokens and keys are put into
//! every input the engine reads (request options, machine.config, snapshots, server
//! configuration exports, event logs, support bundles, saved reports), every command is
//! run through the library (`run_json`, what `wbd_run` does), the job API and the `wbdiag`
//! CLI (JSON, table, HTML, error paths, usage errors), and every output is searched for
//! each secret in its raw, percent-encoded, JSON-escaped, base64 and UTF-16LE forms.
//!
//! Every run also asserts something useful is shown (the proxy's host, the connector
//! account's name, the reason for a refusal), so no test can pass on empty output.

mod support;
mod wbdiag_run;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use support::{closed_port, write_machine_config, Behavior, Server};
use wbdiag_run::{wbdiag, Run};

const LIMIT: Duration = Duration::from_secs(60);

/// The proxy account's password.
const PROXY_PASS: &str = "WBD-SECRET-PROXYPASS-7f3a";
/// The proxy account's name (part of a URL's userinfo, removed with the password).
const PROXY_USER: &str = "wbdsecretproxyuser7f3a";
/// A bearer token shaped like a JWT (header `{"alg":"RS256","typ":"JWT"}`).
const BEARER: &str =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ3YmQiOiJzZWNyZXQtN2YzYSJ9.WBDsecretJWTsig7f3aQ";
/// The AD DS connector account's password.
const CONNECTOR_PASS: &str = "WBD-SECRET-CONNPASS-7f3a";
/// A Microsoft Graph client secret (they contain `~`).
const GRAPH_SECRET: &str = "Wbd8Q~SECRET~graph~7f3aXyZ";
/// A Service Bus shared access signature.
const SAS_SIG: &str = "WBDSECRETSASsig7f3aZq";
/// The connector's encrypted password blob, as an export would carry it.
const ENCRYPTED_BLOB: &str = "WBDSECRETENCBLOB7f3aAAAAAQAAANCMnd8BFdERjHoAwE";

const SECRETS: &[&str] = &[
    PROXY_PASS,
    PROXY_USER,
    BEARER,
    CONNECTOR_PASS,
    GRAPH_SECRET,
    SAS_SIG,
    ENCRYPTED_BLOB,
];

// ---------------------------------------------------------------------------------------
// Searching
// ---------------------------------------------------------------------------------------

fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Base64 of `s` as it would appear inside a longer encoded text: for each of the three
/// alignments, the characters that depend only on `s`'s bytes.
fn base64_forms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for engine in [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::URL_SAFE,
    ] {
        for pad in 0..3usize {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(s.as_bytes());
            let enc = engine.encode(&bytes);
            // Skip the characters that mix in the padding bytes, and the last group,
            // which depends on what follows.
            let skip = match pad {
                0 => 0,
                1 => 2,
                _ => 3,
            };
            let keep = enc.len().saturating_sub(4);
            if keep > skip + 8 {
                out.push(enc[skip..keep].to_string());
            }
        }
    }
    out
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Every form of every secret found in `output`, as `secret (form)`.
fn leaks_in(output: &[u8]) -> Vec<String> {
    let lower = output.to_ascii_lowercase();
    let mut found = Vec::new();
    for s in SECRETS {
        let json_escaped = serde_json::to_string(s).unwrap_or_default();
        let json_escaped = json_escaped.trim_matches('"').to_string();
        let mut forms: Vec<(String, Vec<u8>, bool)> = vec![
            (
                "raw, any case".into(),
                s.to_ascii_lowercase().into_bytes(),
                true,
            ),
            (
                "percent-encoded".into(),
                percent_encoded(s).into_bytes(),
                false,
            ),
            ("JSON-escaped".into(), json_escaped.into_bytes(), false),
            ("UTF-16LE".into(), utf16le(&s.to_ascii_lowercase()), true),
            ("UTF-16LE".into(), utf16le(s), false),
        ];
        for b in base64_forms(s) {
            forms.push(("base64".into(), b.into_bytes(), false));
        }
        for (form, needle, any_case) in forms {
            let hay = if any_case { &lower } else { output };
            if contains(hay, &needle) {
                found.push(format!("{s} ({form})"));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Up to three places where a raw secret occurs, with some context, for the message.
fn excerpts(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for s in SECRETS {
        let needle = s.to_ascii_lowercase();
        for (at, _) in lower.match_indices(&needle).take(3) {
            // Widen to char boundaries (at most 3 steps each; 0 and len are boundaries).
            let mut from = at.saturating_sub(160);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (at + needle.len() + 60).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            out.push(format!("...{}...", &text[from..to]));
        }
    }
    if out.is_empty() {
        text.chars().take(2000).collect()
    } else {
        out.join("\n")
    }
}

fn assert_clean(what: &str, output: &[u8]) {
    let leaks = leaks_in(output);
    assert!(
        leaks.is_empty(),
        "{what} leaks {leaks:?}:\n{}",
        excerpts(output)
    );
}

/// The output must not be empty and must show `useful` (so a clean result means
/// something).
fn assert_shows(what: &str, output: &str, useful: &[&str]) {
    for u in useful {
        assert!(
            output.to_lowercase().contains(&u.to_lowercase()),
            "{what} does not show {u:?}:\n{}",
            output.chars().take(3000).collect::<String>()
        );
    }
}

#[test]
fn the_search_finds_every_form_it_claims_to() {
    for s in SECRETS {
        let mut forms: Vec<Vec<u8>> = vec![
            format!("x{s}y").into_bytes(),
            s.to_ascii_uppercase().into_bytes(),
            percent_encoded(&format!("a={s}")).into_bytes(),
            serde_json::to_string(&json!({ "k": s }))
                .unwrap_or_default()
                .into_bytes(),
            utf16le(&format!("<{s}>")),
        ];
        for prefix in ["", "a", "ab", "abc"] {
            let text = format!("{prefix}{s}tail");
            forms.push(
                base64::engine::general_purpose::STANDARD
                    .encode(text.as_bytes())
                    .into_bytes(),
            );
            forms.push(
                base64::engine::general_purpose::URL_SAFE
                    .encode(text.as_bytes())
                    .into_bytes(),
            );
        }
        for f in forms {
            assert!(
                !leaks_in(&f).is_empty(),
                "{s} not found in {}",
                String::from_utf8_lossy(&f)
            );
        }
    }
    assert!(leaks_in(b"http://proxy.contoso.com:8080 (credentials removed)").is_empty());
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

/// `run_json`, checked for leaks; returns the envelope.
fn lib(what: &str, command: &str, options: Value) -> Value {
    let request = json!({ "Command": command, "Options": options }).to_string();
    let out = writeback_diagnostics::run_json(&request);
    assert_clean(&format!("run_json {what}"), out.as_bytes());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {out}"))
}

/// The job API (`wbd_start`/`wbd_poll` minus the pointers): every poll, progress
/// included, is checked for leaks; returns the final envelope.
fn job(what: &str, command: &str, options: Value) -> Value {
    use writeback_diagnostics::jobs;
    let request = json!({ "Command": command, "Options": options }).to_string();
    let id = jobs::start(Ok(request));
    assert_ne!(id, 0, "{what}: job did not start");
    let until = Instant::now() + LIMIT;
    let last = loop {
        let v = jobs::poll(id);
        assert_clean(&format!("job poll {what}"), v.to_string().as_bytes());
        if v["State"] != "Running" || Instant::now() > until {
            break v;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(jobs::free(id), "{what}: job already freed");
    assert_ne!(last["State"], "Running", "{what}: job still running");
    last
}

/// `wbdiag ARGS`, stdout and stderr checked for leaks.
fn cli(what: &str, args: &[&str]) -> Run {
    let run = wbdiag(args, LIMIT);
    assert_clean(&format!("wbdiag {what} stdout"), run.stdout.as_bytes());
    assert_clean(&format!("wbdiag {what} stderr"), run.stderr.as_bytes());
    run
}

fn error_message(what: &str, envelope: &Value) -> String {
    assert_eq!(
        envelope["Ok"], false,
        "{what}: expected an error: {envelope}"
    );
    let m = envelope["Error"]["Message"].as_str().unwrap_or_default();
    assert!(!m.is_empty(), "{what}: empty error message");
    m.to_string()
}

fn report_text(what: &str, envelope: &Value) -> String {
    assert_eq!(
        envelope["Ok"], true,
        "{what}: expected a report: {envelope}"
    );
    envelope["Report"].to_string()
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("fixture");
    serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("fixture is JSON")
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

// ---------------------------------------------------------------------------------------
// Request options
// ---------------------------------------------------------------------------------------

/// Options that carry credentials where the engine must refuse or ignore them.
fn credential_options() -> Vec<(&'static str, Value, &'static str)> {
    let port = closed_port();
    vec![
        (
            "proxy with userinfo",
            json!({"Proxy": format!("http://{PROXY_USER}:{PROXY_PASS}@127.0.0.1:{port}")}),
            "credentials",
        ),
        (
            "proxy with a token in the query",
            json!({"Proxy": format!("http://127.0.0.1:{port}/?access_token={BEARER}")}),
            "path",
        ),
        (
            "proxy with a percent-encoded password",
            json!({"Proxy": format!("http://{PROXY_USER}:{}@127.0.0.1:{port}", percent_encoded(GRAPH_SECRET))}),
            "credentials",
        ),
        (
            "https proxy with userinfo",
            json!({"Proxy": format!("https://{PROXY_USER}:{PROXY_PASS}@127.0.0.1:{port}")}),
            "not supported",
        ),
        (
            "endpoint with userinfo",
            json!({"Endpoints": [format!("https://{PROXY_USER}:{PROXY_PASS}@localhost:{port}")], "NoDefaultEndpoints": true}),
            "endpoint",
        ),
        (
            "endpoint with a SAS signature",
            json!({"Endpoints": [format!("localhost:{port}/?sv=2024-01-01&sig={SAS_SIG}")], "NoDefaultEndpoints": true}),
            "endpoint",
        ),
        (
            "endpoint with a query and no slash",
            json!({"Endpoints": [format!("localhost:{port}?sig={SAS_SIG}")], "NoDefaultEndpoints": true}),
            "endpoint",
        ),
        (
            "namespace with userinfo",
            json!({"Namespaces": [format!("{PROXY_USER}:{PROXY_PASS}@contoso-sb")]}),
            "namespace",
        ),
        (
            "DNS server with userinfo",
            json!({"Namespaces": ["contoso-sb"], "DnsServer": format!("{PROXY_USER}:{CONNECTOR_PASS}@127.0.0.1:53")}),
            "DnsServer",
        ),
        (
            "a wrongly typed option holding a token",
            json!({"TimeoutMs": format!("Bearer {BEARER}")}),
            "expected u64",
        ),
    ]
}

#[test]
fn request_options_with_credentials_are_refused_without_echoing_them() {
    for (what, options, shown) in credential_options() {
        let m = error_message(what, &lib(what, "connectivity", options.clone()));
        assert_shows(what, &m, &[shown]);
        let m = error_message(what, &job(what, "connectivity", options.clone()));
        assert_shows(what, &m, &[shown]);
        // The same through `all`, which passes its Connectivity options on.
        let env = lib(
            what,
            "all",
            json!({"Suites": ["connectivity"], "Connectivity": options}),
        );
        if env["Ok"] == true {
            assert_shows(what, &report_text(what, &env), &[shown]);
        } else {
            assert_shows(what, &error_message(what, &env), &[shown]);
        }
    }
}

#[test]
fn cli_flags_with_credentials_are_refused_without_echoing_them() {
    let port = closed_port().to_string();
    let proxy = format!("http://{PROXY_USER}:{PROXY_PASS}@127.0.0.1:{port}");
    let endpoint = format!("https://{PROXY_USER}:{PROXY_PASS}@localhost:{port}");
    let sas = format!("localhost:{port}/?sig={SAS_SIG}");
    let flag = format!("--proxy-password={PROXY_PASS}");
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "--proxy userinfo",
            vec![
                "connectivity",
                "--proxy",
                &proxy,
                "--no-default-endpoints",
                "--endpoint",
                "localhost:1",
            ],
            "credentials",
        ),
        (
            "--proxy userinfo --json",
            vec!["connectivity", "--json", "--proxy", &proxy],
            "credentials",
        ),
        (
            "--endpoint userinfo",
            vec![
                "connectivity",
                "--no-default-endpoints",
                "--endpoint",
                &endpoint,
            ],
            "endpoint",
        ),
        (
            "--endpoint SAS",
            vec!["connectivity", "--no-default-endpoints", "--endpoint", &sas],
            "endpoint",
        ),
        (
            "all --proxy userinfo",
            vec!["all", "--suite", "connectivity", "--proxy", &proxy],
            "credentials",
        ),
        (
            "usage error: URL with userinfo as a stray argument",
            vec!["connectivity", &proxy],
            "unexpected argument",
        ),
        (
            "usage error: URL with userinfo as a number",
            vec!["connectivity", "--timeout-ms", &proxy],
            "--timeout-ms",
        ),
        (
            "usage error: unknown flag with the secret attached",
            vec!["connectivity", &flag],
            "unexpected argument",
        ),
        (
            "usage error: unknown subcommand",
            vec![&endpoint],
            "unrecognized subcommand",
        ),
    ];
    for (what, args, shown) in cases {
        let run = cli(what, &args);
        // `all` reports an unusable suite input as a SUITE-* Error result (exit 1).
        assert!(
            run.code == 1 || run.code == 2,
            "{what}: exit {}; {}",
            run.code,
            run.stderr
        );
        assert_shows(what, &format!("{}{}", run.stdout, run.stderr), &[shown]);
    }
}

// ---------------------------------------------------------------------------------------
// machine.config and a proxy that demands credentials
// ---------------------------------------------------------------------------------------

/// A proxy that answers every CONNECT with 407, as one demanding Basic credentials does.
fn proxy_demanding_credentials() -> Server {
    Server::plain(Behavior::PlainRespond(
        b"HTTP/1.1 407 Proxy Authentication Required\r\n\
          Proxy-Authenticate: Basic realm=\"contoso\"\r\n\
          Content-Length: 0\r\nConnection: close\r\n\r\n"
            .to_vec(),
    ))
}

/// Parts of a real machine.config that hold secrets next to the proxy settings.
fn machine_config_noise() -> String {
    format!(
        "<connectionStrings><add name=\"LocalSqlServer\" \
         connectionString=\"Server=.;User ID=sa;Password={CONNECTOR_PASS}\" /></connectionStrings>\n\
         <appSettings><add key=\"GraphClientSecret\" value=\"{GRAPH_SECRET}\" /></appSettings>"
    )
}

fn machine_config_with(dir: &Path, name: &str, proxy_address: &str, extra: &str) -> PathBuf {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).expect("mkdir");
    let path = write_machine_config(
        &sub,
        &format!(
            "<defaultProxy enabled=\"true\" useDefaultCredentials=\"true\">\
             <proxy proxyaddress=\"{proxy_address}\" bypassonlocal=\"false\" />\
             <bypasslist><add address=\"contoso\\.local\" /></bypasslist>\
             <!-- proxy login {PROXY_USER} / {PROXY_PASS} -->\
             </defaultProxy>{extra}"
        ),
    );
    // Secrets outside <system.net> too, where a real machine.config keeps them.
    let text = std::fs::read_to_string(&path).expect("read back");
    let text = text.replace(
        "<configSections />",
        &format!("<configSections />\n{}", machine_config_noise()),
    );
    std::fs::write(&path, text).expect("write machine.config");
    path
}

#[test]
fn machine_config_secrets_stay_out_of_reports_and_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = proxy_demanding_credentials();
    let target = format!("localhost:{}", closed_port());
    let proxy_host = format!("127.0.0.1:{}", proxy.port());

    // A usable proxy address; the secrets sit in the rest of the file.
    let good = machine_config_with(dir.path(), "good", &format!("http://{proxy_host}"), "");
    let options = json!({
        "MachineConfigPath": s(&good),
        "Endpoints": [target],
        "NoDefaultEndpoints": true,
        "TimeoutMs": 2000,
    });
    let report = report_text(
        "machine.config",
        &lib("machine.config", "connectivity", options.clone()),
    );
    assert_shows("machine.config report", &report, &[&proxy_host, "407"]);
    let report = report_text(
        "machine.config",
        &job("machine.config", "connectivity", options),
    );
    assert_shows("machine.config job", &report, &[&proxy_host]);
    for json_flag in [true, false] {
        let mut args = vec![
            "connectivity",
            "--machine-config",
            good.to_str().unwrap_or_default(),
            "--no-default-endpoints",
            "--endpoint",
            &target,
            "--timeout-ms",
            "2000",
        ];
        if json_flag {
            args.push("--json");
        }
        let run = cli("connectivity --machine-config", &args);
        assert_shows("machine.config CLI", &run.stdout, &[&proxy_host]);
    }
    // The tool never sends credentials of its own to the proxy.
    for head in proxy.requests() {
        assert_clean("CONNECT request sent to the proxy", head.as_bytes());
        assert!(
            !head.to_ascii_lowercase().contains("proxy-authorization"),
            "{head}"
        );
    }

    // A proxy address with credentials, and one with a token in the query.
    for (name, address, shown) in [
        (
            "userinfo",
            format!("http://{PROXY_USER}:{PROXY_PASS}@{proxy_host}"),
            "credentials",
        ),
        (
            "query",
            format!("http://{proxy_host}/?token={BEARER}"),
            "proxyaddress",
        ),
    ] {
        let path = machine_config_with(dir.path(), name, &address, "");
        let options = json!({"MachineConfigPath": s(&path), "Endpoints": [target], "NoDefaultEndpoints": true});
        let m = error_message(name, &lib(name, "connectivity", options));
        assert_shows(name, &m, &[shown, "machine.config"]);
        let run = cli(
            name,
            &[
                "connectivity",
                "--machine-config",
                path.to_str().unwrap_or_default(),
            ],
        );
        assert_shows(name, &run.stderr, &[shown]);
    }

    // Not well-formed, and a bad attribute value, both next to the secrets.
    let broken = dir.path().join("broken.config");
    std::fs::write(
        &broken,
        format!("<configuration>{}<system.net><defaultProxy><bypasslist><add address=\"http://{PROXY_USER}:{PROXY_PASS}@(proxy\" /></bypasslist></defaultProxy></system.net></configuration>", machine_config_noise()),
    )
    .expect("write");
    let m = error_message(
        "bad bypass entry",
        &lib(
            "bad bypass entry",
            "connectivity",
            json!({"MachineConfigPath": s(&broken)}),
        ),
    );
    assert_shows("bad bypass entry", &m, &["bypasslist", "(proxy"]);
    std::fs::write(
        &broken,
        format!("<configuration>{}<system.net><defaultProxy><proxy proxyaddress=\"http://{PROXY_USER}:{PROXY_PASS}@p:1\"></system.net>", machine_config_noise()),
    )
    .expect("write");
    let m = error_message(
        "not XML",
        &lib(
            "not XML",
            "connectivity",
            json!({"MachineConfigPath": s(&broken)}),
        ),
    );
    assert_shows("not XML", &m, &["well-formed"]);
}

#[test]
fn ca_file_contents_stay_out_of_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pem = dir.path().join("ca.pem");
    let key = base64::engine::general_purpose::STANDARD
        .encode(format!("{CONNECTOR_PASS}{GRAPH_SECRET}{PROXY_PASS}").as_bytes());
    std::fs::write(
        &pem,
        format!(
            "password={PROXY_PASS}\n-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----\n\
             -----BEGIN CERTIFICATE-----\n{key}\n-----END CERTIFICATE-----\n"
        ),
    )
    .expect("write");
    let options =
        json!({"CaFile": s(&pem), "Endpoints": ["localhost:1"], "NoDefaultEndpoints": true});
    let env = lib("CA file", "connectivity", options);
    let text = if env["Ok"] == true {
        report_text("CA file", &env)
    } else {
        error_message("CA file", &env)
    };
    assert_shows("CA file", &text, &["ca.pem"]);
    let run = cli(
        "--ca-file",
        &[
            "connectivity",
            "--ca-file",
            pem.to_str().unwrap_or_default(),
            "--no-default-endpoints",
            "--endpoint",
            "localhost:1",
        ],
    );
    assert_shows(
        "CA file CLI",
        &format!("{}{}", run.stdout, run.stderr),
        &["ca.pem"],
    );
}

// ---------------------------------------------------------------------------------------
// Snapshots and server configuration exports
// ---------------------------------------------------------------------------------------

/// Secret-bearing members added at every level of a snapshot: credentials, tokens, the
/// connector's parameters, free-form text with URLs.
fn plant_in_snapshot(v: &mut Value) {
    let extra = json!({
        "AccessToken": BEARER,
        "ClientSecret": GRAPH_SECRET,
        "ProxyPassword": PROXY_PASS,
        "Notes": format!("proxy http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080, Authorization: Bearer {BEARER}"),
    });
    let add = |o: &mut Value| {
        if let (Some(map), Value::Object(e)) = (o.as_object_mut(), &extra) {
            for (k, val) in e {
                map.insert(k.clone(), val.clone());
            }
        }
    };
    add(v);
    for section in ["Tenant", "Connect", "ActiveDirectory"] {
        if let Some(sec) = v.get_mut(section) {
            add(sec);
        }
    }
    if let Some(conns) = v
        .pointer_mut("/Connect/Connectors")
        .and_then(Value::as_array_mut)
    {
        for c in conns {
            if let Some(params) = c
                .get_mut("ConnectivityParameters")
                .and_then(Value::as_array_mut)
            {
                params.push(json!({"Name": "forest-login-password", "Value": CONNECTOR_PASS, "InputType": "encryptedString"}));
                params.push(json!({"Name": "Password", "Value": ENCRYPTED_BLOB, "InputType": "encryptedString"}));
            }
            add(c);
        }
    }
    if let Some(conns) = v
        .pointer_mut("/ActiveDirectory/Connectors")
        .and_then(Value::as_array_mut)
    {
        for c in conns {
            if let Some(acct) = c.get_mut("Account") {
                add(acct);
                if let Some(a) = acct.as_object_mut() {
                    a.insert("Password".into(), json!(CONNECTOR_PASS));
                    a.insert(
                        "Credential".into(),
                        json!({"UserName": "MSOL_x", "Password": CONNECTOR_PASS}),
                    );
                }
            }
        }
    }
    if let Some(mc) = v.pointer_mut("/Connect/MachineConfig") {
        if let Some(m) = mc.as_object_mut() {
            m.insert(
                "DefaultProxy".into(),
                json!(format!("<defaultProxy><proxy proxyaddress=\"http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080\" /></defaultProxy>")),
            );
        }
    }
}

fn planted_snapshot(rel: &str) -> Value {
    let mut v = read_json(&fixture(rel));
    plant_in_snapshot(&mut v);
    v
}

/// A copy of the server configuration fixture with the connector's password, its
/// encrypted attributes and a proxy URL with credentials written into every connector.
fn planted_server_config(dir: &Path) -> PathBuf {
    let src = fixture("serverconfig/contoso");
    let dst = dir.join("server-config");
    copy_dir(&src, &dst);
    let connectors = dst.join("Connectors");
    for entry in std::fs::read_dir(&connectors).expect("Connectors") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("connector");
        let text = text
            .replacen(
                "<private-configuration>",
                &format!(
                    "<private-configuration><forest-login-password>{CONNECTOR_PASS}</forest-login-password>\
                     <parameter name=\"password\" type=\"encrypted-string\" encrypted=\"1\">{ENCRYPTED_BLOB}</parameter>\
                     <proxy-url>http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080</proxy-url>"
                ),
                1,
            )
            .replace(
                "<encrypted-attributes />",
                &format!("<encrypted-attributes><attribute name=\"password\" partition=\"\">{ENCRYPTED_BLOB}</attribute><attribute name=\"client-secret\">{GRAPH_SECRET}</attribute></encrypted-attributes>"),
            );
        std::fs::write(&path, text).expect("write connector");
    }
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for entry in std::fs::read_dir(src).expect("read_dir") {
        let entry = entry.expect("entry");
        let to = dst.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
}

fn write_utf16(path: &Path, text: &str) {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16le(text));
    std::fs::write(path, bytes).expect("write");
}

#[test]
fn snapshot_and_server_config_secrets_stay_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = planted_snapshot("prerequisites/healthy.json");
    let perms = planted_snapshot("permissions/contoso.json");
    let env_path = dir.path().join("env.json");
    let env16 = dir.path().join("env16.json");
    let perms_path = dir.path().join("perms.json");
    std::fs::write(&env_path, env.to_string()).expect("write");
    write_utf16(
        &env16,
        &serde_json::to_string_pretty(&env).unwrap_or_default(),
    );
    std::fs::write(&perms_path, perms.to_string()).expect("write");
    let config = planted_server_config(dir.path());

    for (what, command, options, useful) in [
        (
            "prerequisites inline",
            "prerequisites",
            json!({"Snapshot": env}),
            "PRE-CONNECT-VERSION",
        ),
        (
            "prerequisites file",
            "prerequisites",
            json!({"SnapshotPath": s(&env_path)}),
            "PRE-CONNECT-VERSION",
        ),
        (
            "prerequisites UTF-16 file",
            "prerequisites",
            json!({"SnapshotPath": s(&env16), "ServerConfigPath": s(&config)}),
            "MSOL_",
        ),
        (
            "prerequisites server config",
            "prerequisites",
            json!({"ServerConfigPath": s(&config)}),
            "MSOL_",
        ),
        (
            "permissions",
            "permissions",
            json!({"SnapshotPath": s(&perms_path), "ServerConfigPath": s(&config)}),
            "MSOL_",
        ),
        (
            "permissions user",
            "permissions",
            json!({"Snapshot": perms, "User": "jdoe"}),
            "MSOL_",
        ),
        (
            "all",
            "all",
            json!({"SnapshotPath": s(&env_path), "ServerConfigPath": s(&config), "Suites": ["prerequisites", "permissions"]}),
            "MSOL_",
        ),
    ] {
        let report = report_text(what, &lib(what, command, options));
        assert_shows(what, &report, &[useful]);
    }
    let report = report_text(
        "job",
        &job(
            "job",
            "prerequisites",
            json!({"SnapshotPath": s(&env_path), "ServerConfigPath": s(&config)}),
        ),
    );
    assert_shows("job", &report, &["MSOL_"]);

    for json_flag in [true, false] {
        let mut runs = vec![
            vec![
                "prerequisites",
                "--snapshot",
                env_path.to_str().unwrap_or_default(),
                "--server-config",
                config.to_str().unwrap_or_default(),
            ],
            vec![
                "prerequisites",
                "--snapshot",
                env16.to_str().unwrap_or_default(),
            ],
            vec![
                "permissions",
                "--snapshot",
                perms_path.to_str().unwrap_or_default(),
                "--user",
                "jdoe",
            ],
            vec![
                "all",
                "--snapshot",
                env_path.to_str().unwrap_or_default(),
                "--server-config",
                config.to_str().unwrap_or_default(),
            ],
        ];
        for args in &mut runs {
            if json_flag {
                args.push("--json");
            }
            let what = args.join(" ");
            let run = cli(&what, args);
            assert!(
                !run.stdout.trim().is_empty(),
                "{what}: no output; {}",
                run.stderr
            );
        }
    }
}

#[test]
fn snapshot_errors_do_not_echo_secret_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut env = read_json(&fixture("prerequisites/healthy.json"));
    // A known member of the wrong shape holding a URL with credentials, and one holding a
    // bearer header: the error names the path, not the secret.
    env["Connect"]["DotNetRelease"] = json!(format!("http://{PROXY_USER}:{PROXY_PASS}@proxy:8080"));
    let m = error_message(
        "wrong shape",
        &lib(
            "wrong shape",
            "prerequisites",
            json!({"Snapshot": env.clone()}),
        ),
    );
    assert_shows("wrong shape", &m, &["DotNetRelease"]);
    env["Connect"]["DotNetRelease"] = json!(format!("Authorization: Bearer {BEARER}"));
    let m = error_message(
        "bearer",
        &lib("bearer", "prerequisites", json!({"Snapshot": env})),
    );
    assert_shows("bearer", &m, &["DotNetRelease"]);
    // Text that is not JSON around a secret.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        format!("{{\"SchemaVersion\": 1, \"Connect\": {{\"Password\": \"{PROXY_PASS}\" oops"),
    )
    .expect("write");
    let m = error_message(
        "not JSON",
        &lib(
            "not JSON",
            "prerequisites",
            json!({"SnapshotPath": s(&bad)}),
        ),
    );
    assert_shows("not JSON", &m, &["bad.json"]);
    let run = cli(
        "not JSON",
        &[
            "prerequisites",
            "--snapshot",
            bad.to_str().unwrap_or_default(),
        ],
    );
    assert_shows("not JSON CLI", &run.stderr, &["bad.json"]);
}

// ---------------------------------------------------------------------------------------
// Event logs
// ---------------------------------------------------------------------------------------

/// Events whose messages carry a proxy URL with credentials, a bearer header, a SAS
/// signature and a connection string, added to a fixture log.
fn planted_events(dir: &Path) -> PathBuf {
    let mut events = read_json(&fixture("events/relay-down.ps7.json"));
    let planted = [
        (31034, "Error", format!("TrackingId: 0d8f1c2a-1111-4222-8333-944455556666, Reason: ServiceBusListenerError, Context: proxy http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080, Details: System.Net.WebException: The remote server returned an error: (407) Proxy Authentication Required. Endpoint sb://ssprdedicatedsbprodfra-1.servicebus.windows.net/?sv=2024-01-01&sig={SAS_SIG}")),
        (31019, "Information", format!("TrackingId: 0d8f1c2a-2222-4222-8333-944455556666, ServiceBusHeartBeat, Details: Authorization: Bearer {BEARER}")),
        (6329, "Error", format!("An error occurred while connecting: Server=sql01;User ID=MSOL_x;Password={CONNECTOR_PASS}; client_secret={GRAPH_SECRET}; SharedAccessKey={ENCRYPTED_BLOB}")),
    ];
    if let Some(list) = events.as_array_mut() {
        for (id, level, message) in planted {
            list.insert(
                0,
                json!({
                    "Id": id,
                    "ProviderName": if id == 6329 { "ADSync" } else { "PasswordResetService" },
                    "TimeCreated": "2024-06-03T12:01:00.0000000+02:00",
                    "LevelDisplayName": level,
                    "Message": message,
                }),
            );
        }
    }
    let path = dir.join("events.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&events).unwrap_or_default(),
    )
    .expect("write");
    path
}

#[test]
fn event_log_secrets_stay_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = planted_events(dir.path());
    let options = json!({"Path": s(&events), "Now": "2024-06-03T12:30:00Z"});
    let report = report_text("events", &lib("events", "events", options.clone()));
    assert_shows("events", &report, &["31034"]);
    let report = report_text("events job", &job("events job", "events", options));
    assert_shows("events job", &report, &["31034"]);
    let report = report_text(
        "all events",
        &lib(
            "all events",
            "all",
            json!({"EventsPath": s(&events), "Suites": ["events"], "Now": "2024-06-03T12:30:00Z"}),
        ),
    );
    assert_shows("all events", &report, &["31034"]);
    for flag in ["--json", "--max-events=1000"] {
        let run = cli(
            "events",
            &[
                "events",
                "--file",
                events.to_str().unwrap_or_default(),
                "--now",
                "2024-06-03T12:30:00Z",
                flag,
            ],
        );
        assert!(!run.stdout.trim().is_empty(), "no output: {}", run.stderr);
    }
    // The relay hosts the file names, for the connectivity test.
    let env = lib(
        "relays from events",
        "connectivity",
        json!({"RelaysFromEvents": s(&events), "NoDefaultEndpoints": true, "Endpoints": [format!("localhost:{}", closed_port())], "TimeoutMs": 300, "OverallTimeoutMs": 3000, "RelayPort": closed_port()}),
    );
    let text = if env["Ok"] == true {
        report_text("relays", &env)
    } else {
        error_message("relays", &env)
    };
    assert_shows("relays from events", &text, &["events.json"]);
    // A broken file: the error must not quote the message around the secret.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        format!("[{{\"Id\": 31034, \"ProviderName\": \"PasswordResetService\", \"Message\": \"proxy http://{PROXY_USER}:{PROXY_PASS}@p:8080\", \"TimeCreated\": 7 oops"),
    )
    .expect("write");
    let m = error_message(
        "broken events",
        &lib("broken events", "events", json!({"Path": s(&broken)})),
    );
    assert_shows("broken events", &m, &["broken.json"]);
}

// ---------------------------------------------------------------------------------------
// Saved reports, HTML and support bundles
// ---------------------------------------------------------------------------------------

/// A saved connectivity report with secrets in every text and in evidence.
fn planted_saved_report() -> Value {
    let mut v = read_json(&fixture("bundle/connectivity.json"));
    if let Some(results) = v["Results"].as_array_mut() {
        for r in results {
            r["Message"] = json!(format!(
                "{} via http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080",
                r["Message"].as_str().unwrap_or_default()
            ));
            r["Target"] = json!(format!(
                "https://{PROXY_USER}:{PROXY_PASS}@127.0.0.1:9/?sig={SAS_SIG}"
            ));
            r["Remediation"] = json!(format!("Authorization: Bearer {BEARER}"));
            if let Some(e) = r["Evidence"].as_object_mut() {
                e.insert("ProxyPassword".into(), json!(PROXY_PASS));
                e.insert("AccessToken".into(), json!(BEARER));
                e.insert("Nested".into(), json!({"ClientSecret": GRAPH_SECRET, "Url": format!("http://{PROXY_USER}:{CONNECTOR_PASS}@h:1")}));
                e.insert(
                    "Proxy".into(),
                    json!(format!(
                        "http://{PROXY_USER}:{PROXY_PASS}@proxy.contoso.com:8080"
                    )),
                );
            }
        }
    }
    v
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create zip"));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), opts).expect("start entry");
        zip.write_all(bytes).expect("write entry");
    }
    zip.finish().expect("finish zip");
}

fn planted_bundle(dir: &Path) -> PathBuf {
    let mut entries = vec![
        (
            "manifest.json".to_string(),
            std::fs::read(fixture("bundle/manifest.json")).expect("manifest"),
        ),
        (
            "environment.json".to_string(),
            planted_snapshot("prerequisites/healthy.json")
                .to_string()
                .into_bytes(),
        ),
        (
            "events.json".to_string(),
            std::fs::read(planted_events(dir)).expect("events"),
        ),
        (
            "connectivity.json".to_string(),
            planted_saved_report().to_string().into_bytes(),
        ),
    ];
    let config = planted_server_config(dir);
    for sub in ["Connectors", "GlobalSettings", "SynchronizationRules"] {
        for entry in std::fs::read_dir(config.join(sub)).expect("read_dir") {
            let path = entry.expect("entry").path();
            let name = format!(
                "server-config/{sub}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            entries.push((name, std::fs::read(&path).expect("read")));
        }
    }
    let path = dir.join("bundle.zip");
    write_zip(&path, &entries);
    path
}

#[test]
fn bundle_and_saved_report_secrets_stay_out_of_reports_and_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = planted_bundle(dir.path());
    let options = json!({"BundlePath": s(&bundle), "TempPath": s(dir.path())});
    let report = report_text("bundle", &lib("bundle", "all", options.clone()));
    assert_shows("bundle", &report, &["MSOL_", "127.0.0.1:9", "31034"]);
    let report = report_text("bundle job", &job("bundle job", "all", options));
    assert_shows("bundle job", &report, &["MSOL_"]);
    let run = cli(
        "all --bundle",
        &[
            "all",
            "--bundle",
            bundle.to_str().unwrap_or_default(),
            "--json",
        ],
    );
    assert_shows(
        "all --bundle --json",
        &run.stdout,
        &["MSOL_", "127.0.0.1:9"],
    );
    let saved = dir.path().join("all.json");
    std::fs::write(&saved, &run.stdout).expect("write");
    let run = cli(
        "all --bundle table",
        &["all", "--bundle", bundle.to_str().unwrap_or_default()],
    );
    assert_shows("all --bundle table", &run.stdout, &["127.0.0.1:9"]);

    // HTML, from the bundle's report and from the planted saved report itself.
    let raw = dir.path().join("raw.json");
    std::fs::write(&raw, planted_saved_report().to_string()).expect("write");
    for (name, from) in [("bundle", &saved), ("raw", &raw)] {
        let out = dir.path().join(format!("{name}.html"));
        let run = cli(
            "report --out",
            &[
                "report",
                "--from",
                from.to_str().unwrap_or_default(),
                "--out",
                out.to_str().unwrap_or_default(),
                "--computer-name",
                &format!("http://{PROXY_USER}:{PROXY_PASS}@sync01"),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let html = std::fs::read(&out).expect("html");
        assert_clean(&format!("{name}.html"), &html);
        assert_shows(
            &format!("{name}.html"),
            &String::from_utf8_lossy(&html),
            &["127.0.0.1:9", "sync01"],
        );
        let env = lib(
            "report",
            "report",
            json!({"Report": planted_saved_report(), "Path": s(&out), "ComputerName": format!("{PROXY_USER}:{PROXY_PASS}@sync01")}),
        );
        assert_shows("report", &report_text("report", &env), &["REPORT-HTML"]);
        assert_clean("report html (lib)", &std::fs::read(&out).expect("html"));
    }
    // Nothing of the unpacked bundle is left behind to leak later.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "server-config")
        .collect();
    assert!(left.is_empty(), "bundle folders left behind: {left:?}");
}
