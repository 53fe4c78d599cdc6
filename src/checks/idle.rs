//! Idle-connection survival: for each endpoint, one connection per checkpoint along the
//! same route the other checks use (TLS included), all idle at the same time, each used
//! after its checkpoint; the results bracket the idle timeout of the path.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::endpoints::Endpoint;
use crate::error::WbdError;
use crate::probe::idle::{hold, IdleOutcome, Observation};
use crate::probe::path::open_tls;
use crate::probe::tls::{is_microsoft_host, TrustStore};
use crate::probe::{dns, Deadline, Finding};
use crate::proxy::Route;

/// Result Id of the idle check.
pub const IDLE_ID: &str = "CONN-IDLE";
/// Check name of the idle check.
pub const IDLE_CHECK: &str = "IdleTimeout";
/// Default checkpoints, in seconds.
pub const DEFAULT_CHECKPOINTS_S: [f64; 5] = [60.0, 120.0, 180.0, 300.0, 360.0];
/// Idle time the path must allow: the Entra Connect proxy guidance (at least 6 minutes),
/// which also covers the older writeback guidance (at least 2 to 3 minutes).
pub const REQUIRED: Duration = Duration::from_secs(360);
/// Azure Load Balancer's default idle timeout: past it, a Microsoft front end may end an
/// idle connection on its own.
const AZURE_LB_IDLE: Duration = Duration::from_secs(240);
/// Most checkpoints accepted.
const MAX_CHECKPOINTS: usize = 20;
/// Longest checkpoint accepted, in seconds.
const MAX_CHECKPOINT_S: f64 = 3_600.0;
/// Shortest checkpoint accepted, in seconds.
const MIN_CHECKPOINT_S: f64 = 0.1;

const IDLE_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites";

/// Validates checkpoints given in seconds; `None` gives the defaults. Sorted, duplicates
/// removed.
pub fn checkpoints(seconds: Option<&[f64]>) -> Result<Vec<Duration>, WbdError> {
    let given = seconds.unwrap_or(&DEFAULT_CHECKPOINTS_S);
    if given.is_empty() {
        return Err(WbdError::invalid("IdleCheckpoints is empty"));
    }
    if given.len() > MAX_CHECKPOINTS {
        return Err(WbdError::invalid(format!(
            "IdleCheckpoints has {} values; at most {MAX_CHECKPOINTS} are allowed",
            given.len()
        )));
    }
    let mut out = Vec::with_capacity(given.len());
    for &s in given {
        if !s.is_finite() || !(MIN_CHECKPOINT_S..=MAX_CHECKPOINT_S).contains(&s) {
            return Err(WbdError::invalid(format!(
                "idle checkpoint {s} s is outside {MIN_CHECKPOINT_S}..={MAX_CHECKPOINT_S} seconds"
            )));
        }
        out.push(Duration::from_secs_f64(s));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Deadline of the whole idle phase: the longest checkpoint plus time to set up each
/// connection (DNS, TCP or proxy, TLS) and to get the answer afterwards.
pub fn phase_deadline(checkpoints: &[Duration], stage: Duration) -> Duration {
    checkpoints.iter().max().copied().unwrap_or_default() + stage * 5 + Duration::from_secs(2)
}

/// One checkpoint's connection: what it showed, or why it could not be opened.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// How long the connection was to stay idle.
    pub idle: Duration,
    /// The observation, or the finding of the stage that failed to open it.
    pub seen: Result<Observation, Finding>,
}

/// Runs the idle check for one endpoint and returns its result row.
pub async fn probe_endpoint(
    ep: &Endpoint,
    route: &Route,
    trust: &TrustStore,
    stage: Duration,
    idles: &[Duration],
    overall: Instant,
) -> CheckResult {
    let started = Instant::now();
    let (lookup_host, lookup_port) = match route {
        Route::Direct { .. } => (ep.host.clone(), ep.port),
        Route::Proxy { proxy, .. } => (proxy.endpoint.host.clone(), proxy.endpoint.port),
    };
    let points = match dns::resolve(
        &lookup_host,
        lookup_port,
        Deadline::for_stage(stage, overall),
    )
    .await
    {
        Ok((addrs, _)) => hold_all(ep, route, &addrs, trust, stage, idles, overall).await,
        Err(f) => idles
            .iter()
            .map(|&idle| Checkpoint {
                idle,
                seen: Err(f.clone()),
            })
            .collect(),
    };
    let f = summarize(ep, route, &points)
        .with("Route", route.kind())
        .with("RouteReason", route.reason().to_string())
        .with("Host", ep.host.clone())
        .with("Port", ep.port);
    result_from(
        IDLE_ID,
        IDLE_CHECK,
        &ep.to_string(),
        IDLE_DOC,
        f,
        crate::probe::ms_since(started),
    )
}

async fn hold_all(
    ep: &Endpoint,
    route: &Route,
    addrs: &[SocketAddr],
    trust: &TrustStore,
    stage: Duration,
    idles: &[Duration],
    overall: Instant,
) -> Vec<Checkpoint> {
    let mut set = tokio::task::JoinSet::new();
    for (i, &idle) in idles.iter().enumerate() {
        let (ep, route, addrs, trust) = (ep.clone(), route.clone(), addrs.to_vec(), trust.clone());
        set.spawn(async move {
            let seen = match open_tls(&ep, &route, &addrs, &trust, stage, overall).await {
                Ok(mut stream) => Ok(hold(&mut stream, &ep, idle, stage).await),
                Err(f) => Err(f),
            };
            (i, Checkpoint { idle, seen })
        });
    }
    let mut points: Vec<(usize, Checkpoint)> = Vec::with_capacity(idles.len());
    while let Some(joined) = set.join_next().await {
        if let Ok(p) = joined {
            points.push(p);
        }
    }
    points.sort_by_key(|(i, _)| *i);
    points.into_iter().map(|(_, p)| p).collect()
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if (s - s.round()).abs() < 0.05 {
        format!("{} s", s.round())
    } else {
        format!("{s:.1} s")
    }
}

fn checkpoint_evidence(p: &Checkpoint) -> Value {
    match &p.seen {
        Ok(o) => json!({
            "Seconds": p.idle.as_secs_f64(),
            "Outcome": o.outcome.token(),
            "EndedAfterSeconds": o.ended_after.map(|d| (d.as_secs_f64() * 10.0).round() / 10.0),
            "HttpStatus": o.http_status,
            "Detail": o.detail,
        }),
        Err(f) => json!({
            "Seconds": p.idle.as_secs_f64(),
            "Outcome": "SetupFailed",
            "EndedAfterSeconds": null,
            "HttpStatus": null,
            "Detail": format!("{} ({})", f.message, f.outcome),
        }),
    }
}

/// How to find the device that ends idle connections, for the route that was used.
fn route_advice(route: &Route) -> &'static str {
    match route {
        Route::Proxy { .. } => "To see whether the proxy or a device behind it ends idle connections, run the test again directly (-NoProxy, or wbdiag without --proxy and --machine-config) from a machine allowed out without the proxy, and compare the checkpoints.",
        Route::Direct { .. } => "This run went directly, so the cut comes from a firewall or NAT device on the way or from the far end; if the sync engine uses a proxy, run the test through it too (-Proxy, or the machine.config it uses) and compare the checkpoints.",
    }
}

/// Turns the checkpoints of one endpoint into one finding with the bracket.
pub fn summarize(ep: &Endpoint, route: &Route, points: &[Checkpoint]) -> Finding {
    let evidence: Vec<Value> = points.iter().map(checkpoint_evidence).collect();
    let opened: Vec<(&Checkpoint, &Observation)> = points
        .iter()
        .filter_map(|p| p.seen.as_ref().ok().map(|o| (p, o)))
        .collect();
    let failed_setup: Vec<&Checkpoint> = points.iter().filter(|p| p.seen.is_err()).collect();
    let via = match route {
        Route::Direct { .. } => "directly".to_string(),
        Route::Proxy { proxy, .. } => format!("through proxy {proxy}"),
    };
    let base = |f: Finding| {
        f.with("RequirementSeconds", REQUIRED.as_secs())
            .with("Checkpoints", Value::Array(evidence.clone()))
    };

    if opened.is_empty() {
        let why = failed_setup
            .first()
            .and_then(|p| p.seen.as_ref().err())
            .map(|f| f.message.clone())
            .unwrap_or_else(|| "no checkpoint was requested".into());
        return base(Finding::fail(
            "SetupFailed",
            format!("Idle test of {ep} could not start"),
            format!("No connection to {ep} could be opened {via} for the idle test: {why}"),
            "Fix the connectivity failure first (see the other rows for this endpoint), then run the idle test again.",
        ));
    }

    let first_bad = opened
        .iter()
        .position(|(_, o)| o.outcome != IdleOutcome::Alive);
    let survived = match first_bad {
        Some(0) => None,
        Some(i) => Some(opened[i - 1].0.idle),
        None => opened.last().map(|(p, _)| p.idle),
    };
    let longest = opened.last().map(|(p, _)| p.idle).unwrap_or_default();
    let mut notes = Vec::new();
    if !failed_setup.is_empty() {
        let list: Vec<String> = failed_setup.iter().map(|p| secs(p.idle)).collect();
        notes.push(format!(
            "The connection(s) for the {} checkpoint(s) could not be opened, so those were not measured.",
            list.join(", ")
        ));
    }

    let Some(bad) = first_bad else {
        let survived = survived.unwrap_or_default();
        let f = if longest >= REQUIRED {
            Finding::pass(
                "Survives",
                format!("Idle connections to {ep} survive {}", secs(survived)),
                format!(
                    "Every idle connection to {ep} ({via}) still answered after its checkpoint, the longest being {}; writeback needs at least {}.",
                    secs(survived),
                    secs(REQUIRED)
                ),
            )
        } else {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "SurvivesShortTest",
                    format!("Idle connections to {ep} survive {}, but longer idle times were not tested", secs(survived)),
                    format!(
                        "Every idle connection to {ep} ({via}) still answered, but the longest checkpoint was {} and writeback needs at least {}.",
                        secs(survived),
                        secs(REQUIRED)
                    ),
                    format!("Run the test again with a checkpoint of at least {} (the default checkpoints end there).", secs(REQUIRED)),
                )
            }
        };
        return base(with_notes(f, &notes)).with("SurvivedSeconds", survived.as_secs_f64());
    };

    let (point, seen) = opened[bad];
    let cut_by = point.idle;
    let bracket = match survived {
        Some(s) => format!("survive {} and are cut by {}", secs(s), secs(cut_by)),
        None => format!("are cut before {}, the shortest checkpoint", secs(cut_by)),
    };
    let precise = seen
        .ended_after
        .map(|t| format!(" (this one ended after about {} idle)", secs(t)))
        .unwrap_or_default();
    if opened[bad + 1..]
        .iter()
        .any(|(_, o)| o.outcome == IdleOutcome::Alive)
    {
        notes.push("A longer checkpoint survived, so idle connections are cut only sometimes: a load-balanced path, several devices with different timeouts, or a device under load.".into());
    }
    if cut_by > AZURE_LB_IDLE && is_microsoft_host(&ep.host) {
        notes.push(format!("Past {} the cut can also come from Microsoft's side: Azure Load Balancer ends idle connections after 4 minutes by default, and how Microsoft configures these front ends is not documented.", secs(AZURE_LB_IDLE)));
    }
    let survived_secs = survived.map(|s| s.as_secs_f64());
    let extra = |f: Finding| {
        base(with_notes(f, &notes))
            .with("SurvivedSeconds", survived_secs)
            .with("CutBySeconds", cut_by.as_secs_f64())
            .with("CutBy", seen.outcome.token())
    };

    if seen.outcome == IdleOutcome::ClosedByServer {
        return extra(Finding {
            status: Status::Warning,
            ..Finding::fail(
                "ClosedByServer",
                format!("{ep} closes idle connections itself"),
                format!(
                    "Idle connections to {ep} ({via}) {bracket}{precise}: {}. A TLS close_notify comes from the TLS server itself, so this is the server's own keep-alive limit, not a firewall or proxy cutting the flow. It proves the path keeps idle connections at least {} and says nothing about longer idle times.",
                    seen.detail,
                    secs(survived.unwrap_or_default())
                ),
                format!("Nothing to change for this result. To measure the path beyond the server's limit, test a server you control that keeps idle connections open longer, along the same route. {}", route_advice(route)),
            )
        });
    }

    if let Some(s) = survived {
        if s >= REQUIRED {
            return extra(Finding::pass(
                "Survives",
                format!("Idle connections to {ep} survive {}", secs(s)),
                format!(
                    "Idle connections to {ep} ({via}) {bracket}{precise}: {}. That is beyond the {} writeback needs.",
                    seen.detail,
                    secs(REQUIRED)
                ),
            ));
        }
    }

    let (outcome, cause) = match seen.outcome {
        IdleOutcome::Reset => ("Reset", "A reset (RST) on an idle connection is what a firewall, NAT device or proxy sends when its idle timer expires."),
        IdleOutcome::Dropped => ("Dropped", "No answer at all means a device on the path forgot the idle flow and now silently discards its packets, as firewalls and NAT devices do when their idle timer expires."),
        IdleOutcome::ClosedByPeer => ("ClosedByPeer", "A close (FIN) without a TLS close_notify usually comes from a proxy or firewall closing the flow; a server that skips close_notify looks the same, so compare with a direct run."),
        _ => ("Failed", "The connection stopped working for a reason the test could not classify."),
    };
    extra(Finding::fail(
        outcome,
        format!("Idle connections to {ep} {bracket}"),
        format!(
            "Idle connections to {ep} ({via}) {bracket}{precise}: {}. {cause} Writeback keeps mostly idle connections open to its relay and needs them to live at least {} (the Entra Connect proxy guidance; the older writeback guidance asked for 2 to 3 minutes at least).",
            seen.detail,
            secs(REQUIRED)
        ),
        format!("Raise the idle (TCP session) timeout for traffic to {} on port {} to at least 6 minutes on the firewall, NAT device or proxy on this path. {}", ep.host, ep.port, route_advice(route)),
    ))
}

fn with_notes(mut f: Finding, notes: &[String]) -> Finding {
    for n in notes {
        f.message.push(' ');
        f.message.push_str(n);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep() -> Endpoint {
        Endpoint::parse("ssprdedicatedsbprodscu.servicebus.windows.net").expect("endpoint")
    }

    fn direct() -> Route {
        Route::Direct {
            reason: "no proxy configured".into(),
        }
    }

    fn point(idle: u64, outcome: IdleOutcome, ended: Option<f64>) -> Checkpoint {
        Checkpoint {
            idle: Duration::from_secs(idle),
            seen: Ok(Observation {
                outcome,
                ended_after: ended.map(Duration::from_secs_f64),
                http_status: (outcome == IdleOutcome::Alive).then_some(404),
                detail: format!("{outcome:?}"),
            }),
        }
    }

    #[test]
    fn checkpoints_are_validated_and_sorted() {
        let d = checkpoints(None).expect("defaults");
        assert_eq!(
            d.iter().map(|d| d.as_secs()).collect::<Vec<_>>(),
            [60, 120, 180, 300, 360]
        );
        let s = checkpoints(Some(&[3.0, 1.5, 3.0])).expect("given");
        assert_eq!(s, [Duration::from_millis(1500), Duration::from_secs(3)]);
        for bad in [&[][..], &[0.0], &[-1.0], &[f64::NAN], &[3601.0], &[1.0; 21]] {
            assert!(checkpoints(Some(bad)).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            phase_deadline(&d, Duration::from_secs(5)),
            Duration::from_secs(360 + 25 + 2)
        );
    }

    #[test]
    fn all_alive_to_the_requirement_passes() {
        let pts: Vec<_> = [60, 120, 180, 300, 360]
            .iter()
            .map(|&s| point(s, IdleOutcome::Alive, None))
            .collect();
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.outcome, "Survives");
        assert_eq!(f.evidence["SurvivedSeconds"], 360.0);
    }

    #[test]
    fn short_tests_warn() {
        let pts = vec![
            point(1, IdleOutcome::Alive, None),
            point(2, IdleOutcome::Alive, None),
        ];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Warning);
        assert_eq!(f.outcome, "SurvivesShortTest");
    }

    #[test]
    fn a_reset_gives_the_bracket() {
        let pts = vec![
            point(60, IdleOutcome::Alive, None),
            point(120, IdleOutcome::Alive, None),
            point(180, IdleOutcome::Reset, Some(150.2)),
            point(300, IdleOutcome::Reset, Some(150.3)),
        ];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.outcome, "Reset");
        assert!(
            f.title.contains("survive 120 s and are cut by 180 s"),
            "{}",
            f.title
        );
        assert!(f.message.contains("about 150.2 s idle"), "{}", f.message);
        assert_eq!(f.evidence["CutBySeconds"], 180.0);
        assert_eq!(f.evidence["Checkpoints"][2]["Outcome"], "Reset");
        assert!(f.remediation.contains("at least 6 minutes"));
    }

    #[test]
    fn a_server_close_is_a_warning_not_the_firewall() {
        let pts = vec![
            point(60, IdleOutcome::Alive, None),
            point(120, IdleOutcome::ClosedByServer, Some(100.0)),
        ];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Warning);
        assert_eq!(f.outcome, "ClosedByServer");
        assert!(f.message.contains("not a firewall"), "{}", f.message);
        assert!(
            f.remediation.contains("through it too"),
            "{}",
            f.remediation
        );
        let proxy = Route::Proxy {
            proxy: crate::proxy::ProxyUrl::parse("http://proxy.contoso.com:8080").expect("url"),
            reason: "explicit".into(),
        };
        let f = summarize(&ep(), &proxy, &pts);
        assert!(f.remediation.contains("-NoProxy"), "{}", f.remediation);
        assert!(
            f.message
                .contains("through proxy http://proxy.contoso.com:8080"),
            "{}",
            f.message
        );
    }

    #[test]
    fn late_cuts_at_microsoft_mention_azure_load_balancer() {
        let pts = vec![
            point(180, IdleOutcome::Alive, None),
            point(300, IdleOutcome::Dropped, None),
        ];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.outcome, "Dropped");
        assert!(f.message.contains("Azure Load Balancer"), "{}", f.message);
        let local = Endpoint::parse("relay.contoso.local").expect("endpoint");
        let f = summarize(&local, &direct(), &pts);
        assert!(!f.message.contains("Azure Load Balancer"), "{}", f.message);
    }

    #[test]
    fn intermittent_and_unopened_checkpoints_are_named() {
        let mut pts = vec![
            point(1, IdleOutcome::ClosedByPeer, Some(0.5)),
            point(2, IdleOutcome::Alive, None),
        ];
        pts.push(Checkpoint {
            idle: Duration::from_secs(3),
            seen: Err(Finding::fail("Refused", "t", "refused", "r")),
        });
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Fail);
        assert!(f.title.contains("cut before 1 s"), "{}", f.title);
        assert!(f.message.contains("only sometimes"), "{}", f.message);
        assert!(f.message.contains("3 s checkpoint"), "{}", f.message);
        assert_eq!(f.evidence["Checkpoints"][2]["Outcome"], "SetupFailed");
    }

    #[test]
    fn nothing_opened_is_a_setup_failure() {
        let pts = vec![Checkpoint {
            idle: Duration::from_secs(1),
            seen: Err(Finding::fail("Refused", "t", "connection refused", "r")),
        }];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.outcome, "SetupFailed");
        assert!(f.message.contains("connection refused"));
    }

    #[test]
    fn surviving_past_the_requirement_passes_even_if_cut_later() {
        let pts = vec![
            point(360, IdleOutcome::Alive, None),
            point(600, IdleOutcome::Reset, Some(480.0)),
        ];
        let f = summarize(&ep(), &direct(), &pts);
        assert_eq!(f.status, Status::Pass);
    }
}
