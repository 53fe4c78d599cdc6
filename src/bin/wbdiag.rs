//! `wbdiag`: the command-line front end of WritebackDiagnostics.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Map, Value};

use writeback_diagnostics::control::Control;
use writeback_diagnostics::error::{ErrorCode, WbdError};
use writeback_diagnostics::{api, engine, render, request};

/// Finds out why Microsoft Entra self-service password writeback does not work.
#[derive(Parser)]
#[command(name = "wbdiag", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Test DNS, TCP, proxy, TLS and HTTP to every endpoint password writeback needs.
    Connectivity(ConnectivityArgs),
    /// Evaluate every writeback prerequisite against a saved environment snapshot and/or a Connect configuration export.
    Prerequisites(PrerequisitesArgs),
    /// Diagnose writeback from the Connect server's Application log (.evtx or Get-WinEvent JSON).
    Events(EventsArgs),
    /// Evaluate the AD DS connector account's writeback rights (domain roots, OUs, users), or diagnose one user.
    Permissions(PermissionsArgs),
    /// Run every suite there is input for (prerequisites, permissions, events, connectivity) in one report, from files or a support bundle.
    All(AllArgs),
    /// Render a saved report (wbdiag <command> --json) as one self-contained HTML page, what blocks writeback first.
    Report(ReportArgs),
}

#[derive(Args)]
struct ReportArgs {
    /// Report JSON as `wbdiag <command> --json` prints it; the {"Ok":true,"Report":...} envelope, or an array of reports, works too.
    #[arg(long, value_name = "REPORT.json")]
    from: String,
    /// The HTML file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    out: String,
    /// Server name shown in the page's header; default: this machine's host name.
    #[arg(long, value_name = "NAME")]
    computer_name: Option<String>,
}

impl ReportArgs {
    fn options(&self) -> Value {
        let mut o = Map::new();
        o.insert("ReportPath".into(), json!(self.from));
        o.insert("Path".into(), json!(self.out));
        if let Some(n) = &self.computer_name {
            o.insert("ComputerName".into(), json!(n));
        }
        Value::Object(o)
    }
}

/// Connectivity flags that `all` passes through; none of them reads a file from another machine.
const ALL_CONNECTIVITY_FLAGS: [&str; 9] = [
    "cloud",
    "endpoints",
    "no_default_endpoints",
    "proxy",
    "ca_file",
    "timeout_ms",
    "dns_server",
    "namespaces",
    "overall_timeout_ms",
];

#[derive(Args)]
struct AllArgs {
    /// Snapshot JSON written by Get-WritebackEnvironment | ConvertTo-Json -Depth 20 (prerequisites and permissions).
    #[arg(long, value_name = "FILE")]
    snapshot: Option<String>,
    /// .evtx file or Get-WinEvent ... | ConvertTo-Json output of the Connect server's Application log (events).
    #[arg(long, value_name = "FILE")]
    events: Option<String>,
    /// Folder written by Get-ADSyncServerConfiguration -Path (PRE-CONFIG-* rules, and the permissions' sync scope).
    #[arg(long, value_name = "DIR")]
    server_config: Option<String>,
    /// Support bundle zip (manifest.json, environment.json, events.json, server-config/, connectivity.json)
    /// instead of the files above; its connectivity results are shown as saved, not probed again.
    #[arg(long, value_name = "ZIP", conflicts_with_all = ["snapshot", "events", "server_config"])]
    #[arg(conflicts_with_all = ALL_CONNECTIVITY_FLAGS)]
    bundle: Option<String>,
    /// Folder to unpack the bundle under (default: the system's temporary folder).
    #[arg(long, value_name = "DIR", requires = "bundle")]
    temp_dir: Option<String>,
    /// Run only this suite; repeatable (default: all four).
    #[arg(long = "suite", value_name = "NAME",
          value_parser = ["prerequisites", "connectivity", "permissions", "events"])]
    suites: Vec<String>,
    /// Evaluation time (ISO 8601) for permissions and events; with --bundle, events default to the bundle's CreatedAt.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Microsoft cloud whose endpoints to test: public, usgov or china (default public).
    #[arg(long)]
    cloud: Option<String>,
    /// Extra endpoint HOST[:PORT] (port defaults to 443); repeatable.
    #[arg(long = "endpoint", value_name = "HOST[:PORT]")]
    endpoints: Vec<String>,
    /// Test only the --endpoint values, not the cloud's defaults.
    #[arg(long)]
    no_default_endpoints: bool,
    /// HTTP proxy to tunnel through, http://host:port.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// PEM file of extra CA certificates to trust besides the OS store.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<String>,
    /// Deadline of each connectivity stage (DNS, TCP, TLS, HTTP), in milliseconds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    timeout_ms: Option<u64>,
    /// Deadline of the whole connectivity run, in milliseconds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    overall_timeout_ms: Option<u64>,
    /// DNS server IP[:PORT] for the relay's CNAME chain and gateway names instead of the system's.
    #[arg(long, value_name = "IP:PORT")]
    dns_server: Option<String>,
    /// The tenant's Service Bus namespace (bare name or host), tested first; repeatable.
    #[arg(long = "namespace", value_name = "NAME")]
    namespaces: Vec<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

impl AllArgs {
    /// The connectivity options, when any connectivity flag was given.
    fn connectivity(&self) -> Option<Value> {
        let mut o = Map::new();
        if let Some(c) = &self.cloud {
            o.insert("Cloud".into(), json!(c));
        }
        if !self.endpoints.is_empty() {
            o.insert("Endpoints".into(), json!(self.endpoints));
        }
        if self.no_default_endpoints {
            o.insert("NoDefaultEndpoints".into(), json!(true));
        }
        for (k, v) in [
            ("Proxy", &self.proxy),
            ("CaFile", &self.ca_file),
            ("DnsServer", &self.dns_server),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        for (k, v) in [
            ("TimeoutMs", self.timeout_ms),
            ("OverallTimeoutMs", self.overall_timeout_ms),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        if !self.namespaces.is_empty() {
            o.insert("Namespaces".into(), json!(self.namespaces));
        }
        (!o.is_empty()).then_some(Value::Object(o))
    }

    fn options(&self) -> Value {
        let mut o = Map::new();
        for (k, v) in [
            ("SnapshotPath", &self.snapshot),
            ("EventsPath", &self.events),
            ("ServerConfigPath", &self.server_config),
            ("BundlePath", &self.bundle),
            ("TempPath", &self.temp_dir),
            ("Now", &self.now),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        if !self.suites.is_empty() {
            o.insert("Suites".into(), json!(self.suites));
        }
        if let Some(c) = self.connectivity() {
            o.insert("Connectivity".into(), c);
        }
        Value::Object(o)
    }
}

#[derive(Args)]
struct PermissionsArgs {
    /// Snapshot JSON written by Get-WritebackEnvironment (with descriptors and users) | ConvertTo-Json -Depth 20.
    #[arg(long, value_name = "FILE")]
    snapshot: String,
    /// Folder written by Get-ADSyncServerConfiguration -Path: its selected partitions give the sync scope.
    #[arg(long, value_name = "DIR")]
    server_config: Option<String>,
    /// Diagnose one user (sAMAccountName, UPN or DN); the verdict comes first.
    #[arg(long, value_name = "ID")]
    user: Option<String>,
    /// Evaluation time (ISO 8601); default: the snapshot's CollectedAt, else now.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

impl PermissionsArgs {
    fn options(&self) -> Value {
        let mut o = Map::new();
        o.insert("SnapshotPath".into(), json!(self.snapshot));
        for (k, v) in [
            ("ServerConfigPath", &self.server_config),
            ("User", &self.user),
            ("Now", &self.now),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        Value::Object(o)
    }
}

#[derive(Args)]
struct EventsArgs {
    /// An exported .evtx file, or Get-WinEvent | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message | ConvertTo-Json output.
    #[arg(long, value_name = "FILE")]
    file: String,
    /// Skip older events: an ISO 8601 time, or a span before --now such as 7d, 24h or 30m.
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Reference time for the heartbeat's age (ISO 8601); default: the export time the file records, else its modification time.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Stop after this many events (in file order).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_events: Option<u64>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

impl EventsArgs {
    fn options(&self) -> Value {
        let mut o = Map::new();
        o.insert("Path".into(), json!(self.file));
        if let Some(s) = &self.since {
            o.insert("Since".into(), json!(s));
        }
        if let Some(n) = &self.now {
            o.insert("Now".into(), json!(n));
        }
        if let Some(m) = self.max_events {
            o.insert("MaxEvents".into(), json!(m));
        }
        Value::Object(o)
    }
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("input").required(true).multiple(true).args(["snapshot", "server_config"]))]
struct PrerequisitesArgs {
    /// Snapshot JSON written by Get-WritebackEnvironment | ConvertTo-Json -Depth 20.
    #[arg(long, value_name = "FILE")]
    snapshot: Option<String>,
    /// Folder written by Get-ADSyncServerConfiguration -Path on the Connect server: also checks
    /// writeback on the Entra connector and in the optional features, LDAP sign-and-seal, the
    /// "Out to AAD - User Join" rule, and each AD connector's account and OU scope. Without
    /// --snapshot, only these checks run.
    #[arg(long, value_name = "DIR")]
    server_config: Option<String>,
    /// Probe each PDC emulator on the AD ports from this machine (run on the Connect server).
    #[arg(long)]
    probe_pdc: bool,
    /// Deadline of each live probe, in milliseconds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    timeout_ms: Option<u64>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ConnectivityArgs {
    /// Microsoft cloud whose endpoints to test: public, usgov or china.
    #[arg(long, default_value = "public")]
    cloud: String,
    /// Extra endpoint HOST[:PORT] (port defaults to 443); repeatable.
    #[arg(long = "endpoint", value_name = "HOST[:PORT]")]
    endpoints: Vec<String>,
    /// Test only the --endpoint values, not the cloud's defaults.
    #[arg(long)]
    no_default_endpoints: bool,
    /// HTTP proxy to tunnel through, http://host:port (overrides machine.config).
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// .NET machine.config whose <defaultProxy> the sync engine uses.
    #[arg(long, value_name = "PATH")]
    machine_config: Option<String>,
    /// PEM file of extra CA certificates to trust besides the OS store.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<String>,
    /// Deadline of each stage (DNS, TCP, TLS, HTTP), in milliseconds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    timeout_ms: Option<u64>,
    /// Deadline of the whole run, in milliseconds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=600_000))]
    overall_timeout_ms: Option<u64>,
    /// Also test the relay hosts named in this event log (.evtx or Get-WinEvent JSON),
    /// before the cloud's generic hosts.
    #[arg(long, value_name = "FILE")]
    relays_from_events: Option<String>,
    /// The tenant's Service Bus namespace, tested first on 443: a bare name such as
    /// ssprdedicatedsbprodfra-1 (the cloud's Service Bus suffix is added) or a host name.
    /// Events 31019 and 31034 on the Connect server name it; repeatable. Its cluster,
    /// gateway hosts and relay ports 9350-9354 are tested too.
    #[arg(long = "namespace", value_name = "NAME")]
    namespaces: Vec<String>,
    /// Also measure how long idle connections survive on the path (takes as long as the
    /// longest checkpoint, 6 minutes by default).
    #[arg(long)]
    idle: bool,
    /// Idle checkpoints in seconds, comma-separated (default 60,120,180,300,360).
    #[arg(long, value_name = "S,S,...", value_delimiter = ',', requires = "idle")]
    idle_checkpoints: Vec<f64>,
    /// DNS server IP[:PORT] to ask for the relay's CNAME chain and gateway names instead of the system's (for testing).
    #[arg(long, value_name = "IP:PORT")]
    dns_server: Option<String>,
    /// Test only: port of the relay probes instead of 443.
    #[arg(long, value_name = "N", hide = true)]
    relay_port: Option<u16>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

impl ConnectivityArgs {
    fn options(&self) -> Value {
        let mut o = Map::new();
        o.insert("Cloud".into(), json!(self.cloud));
        o.insert("Endpoints".into(), json!(self.endpoints));
        o.insert(
            "NoDefaultEndpoints".into(),
            json!(self.no_default_endpoints),
        );
        let mut opt = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                o.insert(k.into(), v);
            }
        };
        opt("Proxy", self.proxy.clone().map(Value::from));
        opt(
            "MachineConfigPath",
            self.machine_config.clone().map(Value::from),
        );
        opt("CaFile", self.ca_file.clone().map(Value::from));
        opt("TimeoutMs", self.timeout_ms.map(Value::from));
        opt("OverallTimeoutMs", self.overall_timeout_ms.map(Value::from));
        opt(
            "RelaysFromEvents",
            self.relays_from_events.clone().map(Value::from),
        );
        if !self.namespaces.is_empty() {
            o.insert("Namespaces".into(), json!(self.namespaces));
        }
        if self.idle {
            o.insert("Idle".into(), json!(true));
        }
        if !self.idle_checkpoints.is_empty() {
            o.insert("IdleCheckpoints".into(), json!(self.idle_checkpoints));
        }
        if let Some(d) = &self.dns_server {
            o.insert("DnsServer".into(), json!(d));
        }
        if let Some(p) = self.relay_port {
            o.insert("RelayPort".into(), json!(p));
        }
        Value::Object(o)
    }
}

/// Runs the request; on a terminal, shows the engine's progress on stderr meanwhile.
fn run_with_progress(req: &request::Request) -> Result<api::Report, WbdError> {
    let control = Control::new();
    if !std::io::stderr().is_terminal() {
        return engine::run(req, &control);
    }
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| engine::run(req, &control));
        let mut shown = String::new();
        while !worker.is_finished() {
            let now = control.progress().activity;
            if now != shown {
                eprint!("\r\x1b[K{now}");
                shown = now;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        if !shown.is_empty() {
            eprint!("\r\x1b[K");
        }
        worker
            .join()
            .unwrap_or_else(|_| Err(WbdError::new(ErrorCode::Panic, "the engine panicked")))
    })
}

/// For `all`'s table: how to supply the input of each suite that was skipped for the lack
/// of it (the table shows only the remedies of what failed or warned).
fn how_to_supply(report: &api::Report) -> String {
    let lines: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.id.starts_with("SUITE-") && r.status == api::Status::Skipped)
        .filter(|r| !r.remediation.is_empty())
        .map(|r| format!("- {}: {}\n", r.target, r.remediation))
        .collect();
    if lines.is_empty() {
        String::new()
    } else {
        format!("\nTo run the skipped suites:\n{}", lines.concat())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let reason = first.strip_prefix("error: ").unwrap_or(first);
            // clap quotes the argument it rejects, which may be a URL with a password.
            let reason = writeback_diagnostics::redact::text(reason);
            eprintln!("wbdiag: {reason} (see wbdiag --help)");
            return ExitCode::from(2);
        }
    };
    let (name, options, as_json) = match &cli.command {
        Cmd::Connectivity(a) => ("connectivity", a.options(), a.json),
        Cmd::Prerequisites(a) => {
            let mut o = json!({"ProbePdc": a.probe_pdc});
            if let Some(s) = &a.snapshot {
                o["SnapshotPath"] = json!(s);
            }
            if let Some(d) = &a.server_config {
                o["ServerConfigPath"] = json!(d);
            }
            if let Some(t) = a.timeout_ms {
                o["TimeoutMs"] = json!(t);
            }
            ("prerequisites", o, a.json)
        }
        Cmd::Events(a) => ("events", a.options(), a.json),
        Cmd::Permissions(a) => ("permissions", a.options(), a.json),
        Cmd::All(a) => ("all", a.options(), a.json),
        Cmd::Report(a) => ("report", a.options(), false),
    };
    let text = json!({"Command": name, "Options": options}).to_string();
    let result = request::parse(&text).and_then(|req| run_with_progress(&req));
    match result {
        Ok(report) if name == "report" => {
            // One line naming the file; the page itself holds the findings.
            for r in &report.results {
                println!("{}", r.message);
            }
            ExitCode::SUCCESS
        }
        Ok(report) => {
            if as_json {
                match serde_json::to_string_pretty(&report) {
                    Ok(s) => println!("{s}"),
                    Err(e) => {
                        eprintln!("wbdiag: cannot serialise the report: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                print!("{}", render::table(&report));
                if name == "all" {
                    print!("{}", how_to_supply(&report));
                }
            }
            if report.summary.healthy() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("wbdiag: {}", e.message);
            match e.code {
                ErrorCode::Internal | ErrorCode::Panic => ExitCode::from(3),
                _ => ExitCode::from(2),
            }
        }
    }
}
