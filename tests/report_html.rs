//! The HTML report end to end: `wbdiag report` renders the fixture, real headless
//! Chromium loads the file, and the DOM it builds (read with `scraper`) and a screenshot
//! (decoded here) are checked. Chromium is required: without it these tests fail and say
//! how to install it.

mod browser;
mod wbdiag_run;

use std::path::{Path, PathBuf};
use std::time::Duration;

use scraper::{ElementRef, Html, Selector};
use serde_json::{json, Value};
use wbdiag_run::{wbdiag, Run};
use writeback_diagnostics::report::{order, sanitize};

const LIMIT: Duration = Duration::from_secs(30);

/// The fixture's distinctive fix text (of the failing PRE-CONNECT-VERSION).
const FIX: &str =
    "Upgrade Entra Connect with the package quokka-7731-upgrade.msi, then restart the ADSync service.";
const SCRIPT_HOST: &str = "<script>alert(1)</script>";
const IMG_HOST: &str = "\"><img src=x onerror=alert(2)>";
/// Values that must never reach the page: the URL password, the ProxyPassword value and
/// a token nested in the evidence.
const SECRETS: &[&str] = &["hunter2", "Pr0xyPa55-Value-91", "tok-555-secret"];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/mixed.json")
}

fn fixture_json() -> Value {
    let text = std::fs::read_to_string(fixture()).expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn describe(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
}

fn text_of(e: ElementRef) -> String {
    e.text().collect::<String>()
}

fn one_text(doc: &Html, css: &str) -> String {
    let found: Vec<ElementRef> = doc.select(&sel(css)).collect();
    assert_eq!(found.len(), 1, "exactly one {css}");
    text_of(found[0]).trim().to_string()
}

/// Renders the fixture with the real CLI into `dir/report.html`.
fn render_fixture(dir: &Path) -> PathBuf {
    let out = dir.join("report.html");
    let from = fixture();
    let r = wbdiag(
        &[
            "report",
            "--from",
            &from.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
            "--computer-name",
            SCRIPT_HOST,
        ],
        LIMIT,
    );
    assert_eq!(r.code, 0, "{}", describe(&r));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", describe(&r));
    assert!(
        lines[0].contains(&*out.to_string_lossy()),
        "names the file: {}",
        describe(&r)
    );
    out
}

#[test]
fn a_missing_chromium_fails_with_how_to_install_it() {
    let empty = tempfile::tempdir().expect("temp dir");
    let why = browser::locate(&empty.path().join("chromium"), empty.path().as_os_str())
        .expect_err("no chromium in an empty folder");
    assert!(why.contains("bash scripts/install-deps.sh --test"), "{why}");
    let found = browser::executable();
    assert!(found.is_file(), "{}", found.display());
}

#[test]
fn ordering_puts_upstream_areas_first() {
    let ids = [
        "EVT-SIG-MA-DENIED",
        "USER-RIGHTS",
        "PERM-OU",
        "PRE-PDC",
        "CONN-TLS",
        "CONN-DNS",
        "PRE-CONFIG-WRITEBACK",
        "PRE-CONNECT-VERSION",
        "PRE-ADMIN-ROLE",
        "PRE-TENANT-DIRSYNC",
        "PRE-LICENSE-TENANT",
        "SOMETHING-NEW",
    ];
    let sorted: Vec<&str> = order::sorted_indices(&ids)
        .into_iter()
        .map(|i| ids[i])
        .collect();
    let mut expected = ids;
    expected.reverse();
    expected.rotate_left(1);
    assert_eq!(sorted, expected, "exactly the reverse, unknown ids last");
    let areas: Vec<&str> = order::AREAS.iter().map(|a| a.key).collect();
    assert_eq!(
        areas,
        [
            "tenant",
            "connect",
            "network",
            "directory",
            "user",
            "events",
            "other"
        ]
    );
}

#[test]
fn sanitiser_masks_secret_members_and_url_credentials() {
    let ev = json!({"ProxyPassword": "p", "proxy_TOKEN": "t", "MinPasswordAge": 1,
                    "Url": "see http://bob:hunter2@proxy:8080 now"});
    let shown = sanitize::object(ev.as_object().expect("object"));
    assert_eq!(
        Value::Object(shown),
        json!({"ProxyPassword": sanitize::MASK, "proxy_TOKEN": sanitize::MASK,
               "MinPasswordAge": 1, "Url": "see http://proxy:8080 now"})
    );
    assert_eq!(
        sanitize::strip_url_credentials("https://a:b@c.d/x and http://e.f/"),
        "https://c.d/x and http://e.f/"
    );
}

#[test]
fn chromium_shows_counts_fixes_and_hostile_names_as_text_and_no_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = render_fixture(dir.path());
    let file = std::fs::read_to_string(&page).expect("report file");
    let dom = browser::dump_dom(&page);
    for secret in SECRETS {
        assert!(!file.contains(secret), "{secret} is in the file");
        assert!(!dom.contains(secret), "{secret} is in the DOM");
    }
    let doc = Html::parse_document(&dom);

    // Counts per status, as the fixture's summary has them (and as its results add up).
    let fx = fixture_json();
    for (status, key) in [
        ("Pass", "pass"),
        ("Warning", "warning"),
        ("Fail", "fail"),
        ("Skipped", "skipped"),
        ("Error", "error"),
    ] {
        let expected = fx["Summary"][status].as_u64().expect("summary count");
        let counted = fx["Results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["Status"] == status)
            .count() as u64;
        assert_eq!(expected, counted, "the fixture's own summary of {status}");
        assert!(expected > 0, "the fixture has a {status}");
        assert_eq!(
            one_text(&doc, &format!("dd#count-{key}")),
            expected.to_string()
        );
        let shown = doc
            .select(&sel(&format!("article.finding.status-{key}")))
            .count() as u64;
        assert_eq!(shown, expected, "{status} findings");
    }
    let total = fx["Results"].as_array().map_or(0, Vec::len);
    assert_eq!(one_text(&doc, "dd#count-total"), total.to_string());
    assert_eq!(doc.select(&sel("article.finding[data-id]")).count(), total);

    // The blocking list: every Fail and Error, upstream first, each with its fix.
    let blocking: Vec<String> = doc
        .select(&sel("ol#blocking > li"))
        .map(|li| li.value().attr("data-id").unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        blocking,
        ["PRE-CONNECT-VERSION", "CONN-TLS", "PERM-OU", "USER-RIGHTS"]
    );
    assert_eq!(
        one_text(
            &doc,
            r#"ol#blocking > li[data-id="PRE-CONNECT-VERSION"] .fix"#
        ),
        FIX
    );
    assert_eq!(
        one_text(
            &doc,
            r#"article.finding.status-fail[data-id="PRE-CONNECT-VERSION"] .remediation"#
        ),
        FIX
    );
    assert_eq!(
        one_text(
            &doc,
            r#"ol#blocking > li[data-id="CONN-TLS"].status-error .fix-missing"#
        ),
        format!(
            "No fix text was given. What was observed: Could not start TLS to {IMG_HOST}: the name is not a host name."
        ),
        "an Error without fix text shows what was observed"
    );

    // Areas appear in the fix order.
    let areas: Vec<&str> = doc
        .select(&sel("section.area"))
        .filter_map(|s| s.value().attr("id"))
        .collect();
    assert_eq!(
        areas,
        [
            "area-tenant",
            "area-connect",
            "area-network",
            "area-directory",
            "area-user",
            "area-events"
        ]
    );

    // Hostile names are text, never markup.
    assert_eq!(
        one_text(&doc, r#"article[data-id="PRE-CONNECT-VERSION"] .target"#),
        SCRIPT_HOST
    );
    assert_eq!(
        one_text(&doc, r#"article[data-id="CONN-TLS"] .target"#),
        IMG_HOST
    );
    assert_eq!(one_text(&doc, "#computer-name"), SCRIPT_HOST);
    let body = text_of(doc.select(&sel("body")).next().expect("body"));
    assert!(body.contains(SCRIPT_HOST) && body.contains(IMG_HOST));
    assert!(one_text(&doc, "title").contains(SCRIPT_HOST));
    for css in [
        "script",
        "img",
        "[onerror]",
        "b",
        "iframe",
        "object",
        "embed",
        "link",
        "[src]",
    ] {
        assert_eq!(doc.select(&sel(css)).count(), 0, "no {css} in the DOM");
    }
    for e in doc.select(&sel("*")) {
        for (name, _) in e.value().attrs() {
            assert!(!name.starts_with("on"), "event handler attribute {name}");
        }
    }

    // Self-contained: inline CSS only, links only to the docs or within the page.
    let style = doc.select(&sel("style")).map(text_of).collect::<String>();
    assert!(!style.is_empty(), "inline CSS");
    assert!(!style.contains("url(") && !style.contains("@import") && !style.contains("@font-face"));
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap_or_default();
        assert!(
            href.starts_with('#') || href.starts_with("https://learn.microsoft.com/"),
            "link {href}"
        );
    }

    // Evidence: secrets masked, URL credentials gone, nested values as compact JSON text.
    let proxy = r#"article[data-id="CONN-PROXY"]"#;
    let evidence: Vec<(String, String)> = doc
        .select(&sel(&format!("{proxy} dl.evidence dt")))
        .map(|dt| {
            let dd = dt
                .next_siblings()
                .filter_map(ElementRef::wrap)
                .next()
                .map(text_of)
                .unwrap_or_default();
            (text_of(dt), dd)
        })
        .collect();
    let get = |k: &str| {
        evidence
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("evidence {k} in {evidence:?}"))
    };
    assert_eq!(get("ProxyPassword"), sanitize::MASK);
    assert_eq!(get("ProxyUrl"), "http://proxy:8080");
    assert_eq!(
        get("Hops"),
        r#"[{"Host":"proxy","Port":8080,"Via":"http://proxy:8080/"}]"#
    );
    assert_eq!(
        get("Nested"),
        format!(
            r#"{{"AccessToken":"{}","Note":"<b>bold</b>"}}"#,
            sanitize::MASK
        )
    );
    assert_eq!(
        (get("Authenticated"), get("Seen")),
        ("true".into(), "null".into())
    );
    assert_eq!(
        one_text(&doc, &format!("{proxy} .message")),
        "Tunnel through http://proxy:8080 worked with basic authentication."
    );
    assert_eq!(
        one_text(&doc, &format!("{proxy} .docs a")),
        "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback"
    );
}

#[test]
fn screenshot_is_a_rendered_page_not_a_blank_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = render_fixture(dir.path());
    let blank = dir.path().join("blank.html");
    std::fs::write(
        &blank,
        "<!DOCTYPE html><html><head><title>b</title></head><body></body></html>",
    )
    .expect("blank page");
    let (w, h) = (1200, 2000);
    let shot = browser::png::decode(&browser::screenshot(
        &page,
        &dir.path().join("shot.png"),
        w,
        h,
    ));
    let empty = browser::png::decode(&browser::screenshot(
        &blank,
        &dir.path().join("blank.png"),
        w,
        h,
    ));
    for img in [&shot, &empty] {
        assert_eq!(
            (img.width, img.height),
            (w, h),
            "IHDR size is the window size"
        );
    }
    assert_eq!(
        empty.distinct_colours(),
        1,
        "a blank page is one flat colour"
    );
    let colours = shot.distinct_colours();
    assert!(
        colours >= 32,
        "the report shows text and colour: {colours} distinct pixel values"
    );
    assert!(
        shot.compressed > empty.compressed * 4,
        "report {} bytes of image data vs blank {}",
        shot.compressed,
        empty.compressed
    );
}

#[test]
fn cli_accepts_the_envelope_and_arrays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = fixture_json();
    let envelope = dir.path().join("envelope.json");
    std::fs::write(&envelope, json!({"Ok": true, "Report": report}).to_string()).expect("write");
    let both = dir.path().join("both.json");
    let mut events = report.clone();
    events["Command"] = json!("events");
    std::fs::write(
        &both,
        json!([{"Ok": true, "Report": report}, events]).to_string(),
    )
    .expect("write");
    for (from, findings, blocking) in [(&envelope, 11, 4), (&both, 22, 8)] {
        let out = dir.path().join("out.html");
        let r = wbdiag(
            &[
                "report",
                "--from",
                &from.to_string_lossy(),
                "--out",
                &out.to_string_lossy(),
            ],
            LIMIT,
        );
        assert_eq!(r.code, 0, "{}", describe(&r));
        assert!(
            r.stdout
                .contains(&format!("{findings} findings, {blocking} findings block")),
            "{}",
            describe(&r)
        );
        let doc = Html::parse_document(&std::fs::read_to_string(&out).expect("html"));
        assert_eq!(doc.select(&sel("article.finding")).count(), findings);
        assert!(
            !one_text(&doc, "#computer-name").is_empty(),
            "host name by default"
        );
    }
    let sources: Vec<String> =
        Html::parse_document(&std::fs::read_to_string(dir.path().join("out.html")).expect("html"))
            .select(&sel("li.source"))
            .filter_map(|li| li.value().attr("data-command").map(str::to_string))
            .collect();
    assert_eq!(sources, ["prerequisites", "events"]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
}

#[test]
fn cli_bad_input_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fx = fixture().to_string_lossy().into_owned();
    let out = dir.path().join("r.html").to_string_lossy().into_owned();
    let bad_status = dir.path().join("bad.json");
    let mut report = fixture_json();
    report["Results"][2]["Status"] = json!("Broken");
    std::fs::write(&bad_status, report.to_string()).expect("write");
    let failed = dir.path().join("failed.json");
    std::fs::write(
        &failed,
        r#"{"Ok":false,"Error":{"Code":"InvalidInput","Message":"no snapshot"}}"#,
    )
    .expect("write");
    let not_json = dir.path().join("table.txt");
    std::fs::write(&not_json, "Status  Check  Target  Message\n").expect("write");
    let (bad_status, failed, not_json) = (
        bad_status.to_string_lossy().into_owned(),
        failed.to_string_lossy().into_owned(),
        not_json.to_string_lossy().into_owned(),
    );
    let folder = dir.path().to_string_lossy().into_owned();
    let missing = dir.path().join("nope.json").to_string_lossy().into_owned();
    let cases: [(Vec<&str>, &str); 6] = [
        (vec!["--from", &fx, "--out", &folder], "is a directory"),
        (vec!["--from", &missing, "--out", &out], "cannot read"),
        (
            vec!["--from", &bad_status, "--out", &out],
            "$.Results[2].Status: expected one of Pass, Warning, Fail, Skipped, Error",
        ),
        (
            vec!["--from", &failed, "--out", &out],
            "is an error envelope (Ok is false: no snapshot)",
        ),
        (vec!["--from", &not_json, "--out", &out], "JSON"),
        (vec!["--from", &fx], "required arguments"),
    ];
    for (args, why) in cases {
        let mut all = vec!["report"];
        all.extend(args.iter().copied());
        let r = wbdiag(&all, LIMIT);
        assert_eq!(r.code, 2, "{all:?}: {}", describe(&r));
        assert!(
            r.stderr.contains(why),
            "{all:?} says {why:?}: {}",
            describe(&r)
        );
        assert!(!Path::new(&out).exists(), "{all:?} wrote nothing");
    }
}

#[test]
fn engine_report_command_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("engine.html");
    let report = fixture_json();
    let run = |options: Value| -> Value {
        let text = writeback_diagnostics::run_json(
            &json!({"Command": "report", "Options": options}).to_string(),
        );
        serde_json::from_str(&text).expect("envelope")
    };
    let ok = run(json!({
        "Report": {"Ok": true, "Report": report},
        "Path": path,
        "ComputerName": "CONNECT01",
        "GeneratedAt": "2026-12-02T05:00:00+01:00"
    }));
    assert_eq!(ok["Ok"], true, "{ok}");
    let rep = &ok["Report"];
    assert_eq!(rep["Command"], "report");
    assert_eq!(rep["Summary"]["Pass"], 1);
    let result = &rep["Results"][0];
    assert_eq!(
        (&result["Id"], &result["Status"]),
        (&json!("REPORT-HTML"), &json!("Pass"))
    );
    let bytes = std::fs::metadata(&path).expect("written").len();
    let ev = &result["Evidence"];
    assert_eq!(ev["Path"], json!(path.to_string_lossy()));
    assert_eq!(ev["Bytes"], json!(bytes));
    assert_eq!((&ev["Findings"], &ev["Blocking"]), (&json!(11), &json!(4)));
    assert!(result["Message"]
        .as_str()
        .is_some_and(|m| m.contains(&*path.to_string_lossy())));
    let doc = Html::parse_document(&std::fs::read_to_string(&path).expect("html"));
    assert_eq!(one_text(&doc, "#generated-at"), "2026-12-02T04:00:00Z");
    assert_eq!(one_text(&doc, "#computer-name"), "CONNECT01");

    let error = |options: Value| -> String {
        let e = run(options);
        assert_eq!(e["Ok"], false, "{e}");
        assert_eq!(e["Error"]["Code"], "InvalidInput", "{e}");
        e["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let p = path.to_string_lossy().into_owned();
    let mut broken = report.clone();
    broken["Results"][4]["Evidence"] = json!([1]);
    let cases = [
        (
            json!({"Report": report, "Path": p, "Colour": "red"}),
            "unknown field `Colour`",
        ),
        (
            json!({"Report": report}),
            "Path (the HTML file to write) is required",
        ),
        (
            json!({"Path": p}),
            "Report (the report JSON) or ReportPath (a file) is required",
        ),
        (
            json!({"Report": report, "ReportPath": "x.json", "Path": p}),
            "not both",
        ),
        (
            json!({"Report": report, "Path": dir.path()}),
            "is a directory",
        ),
        (
            json!({"Report": report, "Path": dir.path().join("no/such/dir/x.html")}),
            "does not exist",
        ),
        (
            json!({"Report": report, "Path": p, "GeneratedAt": "soon"}),
            "GeneratedAt: expected a date",
        ),
        (
            json!({"Report": broken, "Path": p}),
            "Report.Results[4].Evidence: expected an object",
        ),
        (
            json!({"Report": [report, {"Ok": true}], "Path": p}),
            "Report[1]: Ok is true but there is no Report",
        ),
    ];
    for (options, why) in cases {
        let shown = options.to_string();
        let msg = error(options);
        assert!(msg.contains(why), "{shown}: {msg:?} should say {why:?}");
    }
}
