//! `report`: renders reports into one self-contained HTML file.
//!
//! Options (unknown members are an error):
//! - `Report`: a report object, the `{"Ok": true, "Report": ...}` envelope, or an array of
//!   them; or `ReportPath`: a file holding the same (what `wbdiag <command> --json`
//!   prints). Exactly one of the two.
//! - `Path` (required): the HTML file to write. It is written to a temporary file in the
//!   same folder and renamed into place, so a reader never sees half a page.
//! - `ComputerName`: the server shown in the header; default this machine's host name.
//! - `GeneratedAt`: the time shown in the header (ISO 8601); default now.
//!
//! The result is one `REPORT-HTML` Pass naming the file, with evidence `Path`, `Bytes`,
//! `Findings` and `Blocking`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::api::{CheckResult, Report, Status};
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};
use crate::report::{html, input};
use crate::snapshot::{Node, Timestamp};

/// Options of the `report` command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// The report(s) themselves.
    pub report: Option<Value>,
    /// A file holding the report(s).
    pub report_path: Option<String>,
    /// The HTML file to write.
    pub path: Option<String>,
    /// The server name shown in the header.
    pub computer_name: Option<String>,
    /// The generation time shown in the header (ISO 8601).
    pub generated_at: Option<String>,
}

fn options_of(options: &Value) -> Result<Options, WbdError> {
    serde_json::from_value(options.clone())
        .map_err(|e| WbdError::invalid(format!("report options: {e}")))
}

fn reports(opts: &Options) -> Result<Vec<Report>, WbdError> {
    match (&opts.report, &opts.report_path) {
        (Some(v), Some(_)) if !v.is_null() => Err(WbdError::invalid(
            "report options: give either Report or ReportPath, not both",
        )),
        (_, Some(p)) if p.trim().is_empty() => Err(WbdError::invalid("ReportPath is empty")),
        (_, Some(p)) => input::read_file(Path::new(p)),
        (Some(v), None) if !v.is_null() => input::decode(&Node::at(v, "Report")),
        _ => Err(WbdError::invalid(
            "report options: Report (the report JSON) or ReportPath (a file) is required",
        )),
    }
}

fn generated_at(opts: &Options) -> Result<String, WbdError> {
    match &opts.generated_at {
        Some(text) => {
            let v = Value::String(text.clone());
            Ok(Timestamp::decode(&Node::at(&v, "GeneratedAt"))?.to_string())
        }
        None => Ok(Timestamp::now().to_string()),
    }
}

fn computer_name(opts: &Options) -> String {
    match opts.computer_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => dns_lookup::get_hostname().unwrap_or_else(|_| "(unknown host)".into()),
    }
}

/// Checks `Path` before any work: present, not a folder, in a folder that exists.
fn out_path(opts: &Options) -> Result<PathBuf, WbdError> {
    let text = match opts.path.as_deref() {
        Some(p) if !p.trim().is_empty() => p,
        Some(_) => return Err(WbdError::invalid("Path is empty")),
        None => {
            return Err(WbdError::invalid(
                "report options: Path (the HTML file to write) is required",
            ))
        }
    };
    let path = PathBuf::from(text);
    if path.is_dir() {
        return Err(WbdError::invalid(format!(
            "Path '{text}' is a directory; give the name of the HTML file to write"
        )));
    }
    if path.file_name().is_none() {
        return Err(WbdError::invalid(format!("Path '{text}' names no file")));
    }
    let parent = folder_of(&path);
    if !parent.is_dir() {
        return Err(WbdError::invalid(format!(
            "Path '{text}': the folder '{}' does not exist",
            parent.display()
        )));
    }
    Ok(path)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WbdError> {
    let shown = path.display().to_string();
    let fail = |what: &str, e: std::io::Error| {
        WbdError::new(
            ErrorCode::InvalidInput,
            format!("cannot {what} '{shown}': {e}"),
        )
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = folder_of(path);
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = folder.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(fail("create a temporary file for", e)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| fail("write", e));
    drop(file);
    let renamed =
        written.and_then(|()| std::fs::rename(&tmp, path).map_err(|e| fail("replace", e)));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

/// Renders the reports named by `options` and writes the HTML file.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let started = Instant::now();
    let opts = options_of(options)?;
    let path = out_path(&opts)?;
    let info = html::PageInfo {
        generated_at: generated_at(&opts)?,
        computer_name: computer_name(&opts),
    };
    control.set_progress(0, "Reading the reports");
    let reports = reports(&opts)?;
    control.set_progress(40, "Rendering the HTML report");
    let page = html::render(&reports, &info)?;
    control.set_progress(80, "Writing the HTML report");
    write_atomically(&path, page.html.as_bytes())?;
    let shown = path.display().to_string();
    let mut evidence = Map::new();
    evidence.insert("Path".into(), json!(shown));
    evidence.insert("Bytes".into(), json!(page.html.len()));
    evidence.insert("Findings".into(), json!(page.findings));
    evidence.insert("Blocking".into(), json!(page.blocking));
    let blocking = match page.blocking {
        0 => "nothing blocks writeback".to_string(),
        1 => "1 finding blocks writeback".to_string(),
        n => format!("{n} findings block writeback"),
    };
    Ok(vec![CheckResult {
        id: "REPORT-HTML".into(),
        check: "Report".into(),
        target: shown.clone(),
        status: Status::Pass,
        title: "HTML report written".into(),
        message: format!(
            "Wrote {shown} ({} bytes): {} findings, {blocking}.",
            page.html.len(),
            page.findings
        ),
        remediation: String::new(),
        docs_url: String::new(),
        evidence,
        duration_ms: crate::probe::ms_since(started),
    }])
}
