//! Live reachability of each domain's PDC emulator from this server on the AD ports,
//! measured with the engine's own DNS and TCP probes to fill a snapshot's `Live` section.

use std::time::{Duration, Instant};

use crate::control::Control;
use crate::error::{ErrorCode, WbdError};
use crate::probe::{dns, tcp, Deadline};
use crate::rules::pdc::AD_PORTS;
use crate::snapshot::live::TcpProbe;
use crate::snapshot::{Live, Snapshot, Timestamp};

/// Probes TCP 88/135/389/445 on every PDC emulator named in the snapshot, all at once,
/// each attempt bounded by `stage`.
pub fn probe(snapshot: &Snapshot, stage: Duration, control: &Control) -> Result<Live, WbdError> {
    let mut pdcs: Vec<String> = snapshot
        .active_directory
        .data()
        .map(|ad| {
            ad.domains()
                .filter_map(|d| d.section.data())
                .filter_map(|d| d.pdc_emulator.clone())
                .filter(|h| !h.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    pdcs.sort_by_key(|h| h.to_ascii_lowercase());
    pdcs.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    control.set_progress(
        2,
        format!("Probing {} PDC emulator(s) on the AD ports", pdcs.len()),
    );
    let runtime = crate::probe::runtime()?;
    let overall = Instant::now() + stage * 3;
    let work = async {
        let mut set = tokio::task::JoinSet::new();
        for host in pdcs {
            for (port, _) in AD_PORTS {
                let host = host.clone();
                let port = *port;
                set.spawn(async move { probe_one(host, port, stage, overall).await });
            }
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(p) = r {
                out.push(p);
            }
        }
        out.sort_by(|a: &TcpProbe, b| (a.host.as_str(), a.port).cmp(&(b.host.as_str(), b.port)));
        out
    };
    let token = control.token().clone();
    let tcp = runtime
        .block_on(async {
            tokio::select! {
                r = work => Some(r),
                _ = token.cancelled() => None,
            }
        })
        .ok_or_else(|| {
            WbdError::new(
                ErrorCode::Cancelled,
                "the prerequisites check was cancelled",
            )
        })?;
    Ok(Live {
        probed_at: Some(Timestamp::now()),
        tcp,
    })
}

async fn probe_one(host: String, port: u16, stage: Duration, overall: Instant) -> TcpProbe {
    let target = format!("{host}:{port}");
    let addrs = match dns::resolve(&host, port, Deadline::for_stage(stage, overall)).await {
        Ok((a, _)) => a,
        Err(f) => {
            return TcpProbe {
                host,
                port,
                outcome: "NotResolved".into(),
                address: None,
                message: Some(f.message),
            }
        }
    };
    match tcp::connect(&target, &addrs, stage, overall).await {
        Ok(c) => TcpProbe {
            host,
            port,
            outcome: "Connected".into(),
            address: Some(c.address.to_string()),
            message: None,
        },
        Err(f) => TcpProbe {
            host,
            port,
            outcome: f.outcome.to_string(),
            address: addrs.first().map(|a| a.to_string()),
            message: Some(f.message),
        },
    }
}
