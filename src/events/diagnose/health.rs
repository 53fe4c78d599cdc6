//! The health signals of a diagnosis: what was read, the heartbeat's age, the service
//! state, onboarding, password operations, the relays named and the time-skew pattern.

use serde_json::{json, Map, Value};

use super::causes::sourced;
use super::{Diagnosis, HEARTBEAT_MAX_AGE_MIN, MINUTE_MS, TIME_SKEW_WINDOW_MIN};
use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::events::catalog::{self, Source};
use crate::events::input::ReadReport;
use crate::events::reference::Reference;
use crate::events::{sources, RelayName};
use crate::probe::Finding;
use crate::snapshot::Timestamp;

impl Diagnosis {
    pub(super) fn read_result(&self, read: &ReadReport, target: &str) -> CheckResult {
        let writeback = self.prs_events + self.adsync_events;
        let excluded: u64 = self.excluded.values().sum();
        let span = match (self.oldest, self.newest) {
            (Some(a), Some(b)) => format!(" from {a} to {b}"),
            _ => String::new(),
        };
        let mut message = format!(
            "Read {} events from the {} file{span}: {} from PasswordResetService, {} from ADSync, {} password hash sync events left out, {} from other providers ignored.",
            read.events,
            read.format.name(),
            self.prs_events,
            self.adsync_events,
            excluded,
            self.other_providers
        );
        if self.older > 0 {
            message.push_str(&format!(
                " {} events older than Since were skipped.",
                self.older
            ));
        }
        let mut remediation = String::new();
        let (status, outcome) = if read.truncated.is_some() {
            message.push_str(&format!(
                " The file is incomplete: {}.",
                read.truncated.as_deref().unwrap_or_default()
            ));
            remediation =
                "Copy or export the log again; the events after the damaged point were not read."
                    .into();
            (Status::Warning, "Truncated")
        } else if read.warnings.count > 0 {
            message.push_str(&format!(
                " {} entries could not be used (see WarningTexts); the others were read.",
                read.warnings.count
            ));
            remediation = "Export the log again with Get-WinEvent ... | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message | ConvertTo-Json, or as .evtx.".into();
            (Status::Warning, "ReadWithWarnings")
        } else if self.limited {
            remediation = "Raise MaxEvents, or narrow Since to the period to diagnose, so that the events that matter are read.".into();
            (Status::Warning, "Limited")
        } else if writeback == 0 {
            (Status::Warning, "NoWritebackEvents")
        } else {
            (Status::Pass, "Read")
        };
        if self.limited {
            message.push_str(&format!(
                " Stopped after MaxEvents ({}) events, in file order (Get-WinEvent exports list the newest first, .evtx files the oldest first).",
                self.analysed
            ));
        }
        if writeback == 0 && remediation.is_empty() {
            remediation = "Export the Application log of the Entra Connect server with both sources: Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='PasswordResetService','ADSync'} (or wevtutil epl Application file.evtx).".into();
        }
        let f = Finding {
            status,
            ..Finding::fail(
                outcome,
                format!("Event file read ({} events)", read.events),
                message,
                remediation,
            )
        }
        .with("Format", read.format.name())
        .with("Entries", read.entries)
        .with("Events", read.events)
        .with("Analysed", self.analysed)
        .with("OlderThanSince", self.older)
        .with("PasswordResetServiceEvents", self.prs_events)
        .with("ADSyncEvents", self.adsync_events)
        .with("ExcludedHashSyncEvents", excluded)
        .with("OtherProviderEvents", self.other_providers)
        .with("Warnings", read.warnings.count)
        .with("WarningTexts", read.warnings.first.clone())
        .with(
            "Truncated",
            read.truncated.clone().map_or(Value::Null, Value::from),
        )
        .with("StoppedAtMaxEvents", self.limited)
        .with(
            "Oldest",
            self.oldest.map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "Newest",
            self.newest.map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "Since",
            self.settings
                .since
                .map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "ExportedAt",
            read.exported_at
                .map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "FileModified",
            read.modified.map_or(Value::Null, |t| t.to_string().into()),
        );
        result_from(
            "EVT-READ",
            "EventLog",
            target,
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    /// EVT-HEARTBEAT: the age of the last 31019 at `chosen`; `service` is the last start
    /// and stop of the writeback service.
    pub(super) fn heartbeat_result(
        &self,
        chosen: &Reference,
        heartbeat: Option<Timestamp>,
        service: (Option<Timestamp>, Option<Timestamp>),
        service_stopped: bool,
        disabled: bool,
    ) -> CheckResult {
        let (started, stopped) = service;
        let info = catalog::event(Source::PasswordResetService, 31019);
        let fix = info.map_or("", |i| i.fix);
        let reference = chosen.time;
        let count = self.count_of(31019);
        let max_age_ms = HEARTBEAT_MAX_AGE_MIN * MINUTE_MS;
        let age_ms = match (reference, heartbeat) {
            (Some(r), Some(h)) => Some((r.0 - h.0).max(0)),
            _ => None,
        };
        let age_min = age_ms.map(|a| a / MINUTE_MS);
        // A start within the window and after the last heartbeat: the next heartbeat is not
        // due yet, whatever the age of the one before the restart.
        let recent_start = match (reference, started) {
            (Some(r), Some(s)) => r.0 - s.0 <= max_age_ms && heartbeat.is_none_or(|h| s > h),
            _ => false,
        };
        let at = |t: Option<Timestamp>| t.map_or_else(|| "-".to_string(), |t| t.to_string());
        let f = if self.prs_events == 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "NoWritebackEvents",
                    "No PasswordResetService events",
                    "The log has no PasswordResetService events: password writeback is not enabled on this server, or the export left that source out.",
                    "Enable password writeback in the Entra Connect wizard (Optional features), or export the Application log with the PasswordResetService and ADSync sources.",
                )
            }
        } else if disabled {
            Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "WritebackDisabled",
                    "No heartbeat expected: writeback was disabled",
                    "Password writeback was disabled (offboarding, event 31013), so no heartbeat is expected; see EVT-WRITEBACK-STATE.",
                )
            }
        } else if service_stopped {
            Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "ServiceStopped",
                    "No heartbeat expected: the writeback service is stopped",
                    format!(
                        "The writeback service stopped at {} and has not started since, so no heartbeat is expected; see EVT-SERVICE-STOPPED.",
                        at(stopped)
                    ),
                )
            }
        } else {
            match (heartbeat, age_ms, age_min) {
                // Strictly "none in the last 15 minutes": 15 minutes and 59 seconds is too old.
                (Some(h), Some(ms), Some(age)) if ms <= max_age_ms => Finding::pass(
                    "Recent",
                    "Writeback heartbeat is current",
                    format!(
                        "The last heartbeat (31019) was at {h}, {age} minutes before {} ({}); {count} heartbeats in the log. {}",
                        at(reference),
                        chosen.noun(),
                        chosen.reason
                    ),
                ),
                _ if recent_start => {
                    let before = heartbeat.map_or_else(String::new, |h| {
                        format!(" (the last heartbeat before it was at {h})")
                    });
                    Finding {
                        status: Status::Warning,
                        ..Finding::fail(
                            "StartedRecently",
                            "No heartbeat yet since the service started",
                            format!(
                                "The writeback service started at {}{before} and no heartbeat (31019) followed yet; one is due within 5 minutes of the start.",
                                at(started)
                            ),
                            "Look at the log again in 15 minutes; if no 31019 appears, follow the connectivity checks.",
                        )
                    }
                }
                (Some(h), Some(_), Some(age)) => Finding::fail(
                    "Stale",
                    format!("No writeback heartbeat for {age} minutes"),
                    format!(
                        "The last heartbeat (31019) was at {h}, {age} minutes before {} ({}); more than {HEARTBEAT_MAX_AGE_MIN} minutes without one, while Microsoft documents a heartbeat every five minutes, means writeback has not been talking to its relay since. {}",
                        at(reference),
                        chosen.noun(),
                        chosen.reason
                    ),
                    fix,
                ),
                _ => Finding::fail(
                    "NoHeartbeat",
                    "No writeback heartbeat in the log",
                    "The log has PasswordResetService events but no heartbeat (31019), while Microsoft documents a writeback heartbeat every five minutes.",
                    fix,
                ),
            }
        };
        let f = f
            .with(
                "LastHeartbeat",
                heartbeat.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with("HeartbeatCount", count)
            .with("AgeMinutes", age_min.map_or(Value::Null, Value::from))
            .with("MaxAgeMinutes", HEARTBEAT_MAX_AGE_MIN)
            .with(
                "ReferenceTime",
                reference.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with("ReferenceIs", chosen.kind.token())
            .with("ReferenceReason", chosen.reason.clone());
        let f = sourced(f, &sources::INFERENCE_HEARTBEAT);
        result_from(
            "EVT-HEARTBEAT",
            "Heartbeat",
            "PasswordResetService:31019",
            catalog::DOC_CONCEPT,
            f,
            0,
        )
    }

    pub(super) fn service_result(
        &self,
        started: Option<Timestamp>,
        stopped: Option<Timestamp>,
        service_stopped: bool,
    ) -> CheckResult {
        let stops = self.count_of(31016);
        let fix = catalog::event(Source::PasswordResetService, 31016).map_or("", |i| i.fix);
        let at = |t: Option<Timestamp>| t.map_or_else(|| "-".to_string(), |t| t.to_string());
        let f = if service_stopped {
            let mut f = Finding::fail(
                "Stopped",
                "The writeback service is stopped",
                format!(
                    "The writeback service stopped (31016) at {} and no start (31015) followed; password requests from the cloud fail.",
                    at(stopped)
                ),
                fix,
            );
            if let Some(g) = self.known.get(&(Source::PasswordResetService, 31016)) {
                f = f.with("Excerpt", g.excerpt().to_string());
            }
            f
        } else if stops > 0 {
            Finding::pass(
                "Restarted",
                "The writeback service is running",
                format!(
                    "The writeback service stopped {stops} times; the last stop at {} was followed by a start at {}.",
                    at(stopped),
                    at(started)
                ),
            )
        } else {
            Finding::pass(
                "NoStop",
                "The writeback service did not stop",
                "No WriteBackServiceStopped (31016) event in the log.",
            )
        };
        let f = f
            .with("StopCount", stops)
            .with("StartCount", self.count_of(31015))
            .with(
                "LastStop",
                stopped.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with(
                "LastStart",
                started.map_or(Value::Null, |t| t.to_string().into()),
            );
        result_from(
            "EVT-SERVICE-STOPPED",
            "Service",
            "PasswordResetService:31016",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    pub(super) fn writeback_state_result(
        &self,
        onboarded: Option<Timestamp>,
        offboarded: Option<Timestamp>,
    ) -> Option<CheckResult> {
        let f = match (onboarded, offboarded) {
            (None, None) => return None,
            (on, Some(off)) if on.is_none_or(|on| off > on) => Finding::fail(
                "Disabled",
                "Password writeback was disabled",
                format!("Offboarding succeeded (31013) at {off}: password writeback is disabled on this server, and no onboarding followed."),
                "Enable password writeback again in the Entra Connect wizard (Optional features > Password writeback), signed in with a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role.",
            ),
            (Some(on), _) => Finding::pass(
                "Enabled",
                "Password writeback was enabled",
                format!("Onboarding succeeded (31005) at {on}; no offboarding followed."),
            ),
            (None, Some(_)) => return None,
        };
        let f = f
            .with(
                "LastOnboarding",
                onboarded.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with(
                "LastOffboarding",
                offboarded.map_or(Value::Null, |t| t.to_string().into()),
            );
        Some(result_from(
            "EVT-WRITEBACK-STATE",
            "Onboarding",
            "PasswordResetService:31005/31013",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    pub(super) fn operations_result(&self, last_success: Option<Timestamp>) -> CheckResult {
        let kinds = [
            ("Resets", 31001, 31002, 31003),
            ("Changes", 31006, 31007, 31008),
            ("AdminResets", 31009, 31010, 31011),
        ];
        let mut evidence = Map::new();
        let (mut ok, mut failed, mut started) = (0, 0, 0);
        for (name, s, o, f) in kinds {
            let (cs, co, cf) = (self.count_of(s), self.count_of(o), self.count_of(f));
            started += cs;
            ok += co;
            failed += cf;
            evidence.insert(
                name.into(),
                json!({"Started": cs, "Succeeded": co, "Failed": cf}),
            );
        }
        let f = if failed > 0 && ok == 0 {
            Finding::fail(
                "AllFailed",
                format!("All {failed} password operations failed"),
                format!("{started} password operations started, none succeeded and {failed} failed in AD DS; the causes are listed below (EVT-33xxx, EVT-6329, EVT-HR-...)."),
                "Fix the causes listed with the failure events, then retry a reset.",
            )
        } else if failed > 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "SomeFailed",
                    format!("{failed} of {} password operations failed", ok + failed),
                    format!("{started} password operations started, {ok} succeeded and {failed} failed; the failures' causes are listed below."),
                    "Read the causes listed with the failure events; failures limited to some users are usually password policy or account state.",
                )
            }
        } else if ok > 0 {
            Finding::pass(
                "Succeeded",
                format!("{ok} password operations succeeded"),
                format!("{started} password operations started and {ok} succeeded; none failed."),
            )
        } else {
            Finding::pass(
                "None",
                "No password operations in the log",
                format!("No password reset or change finished in this period ({started} started)."),
            )
        };
        let mut f = f.with(
            "LastSuccess",
            last_success.map_or(Value::Null, |t| t.to_string().into()),
        );
        for (k, v) in evidence {
            f.evidence.insert(k, v);
        }
        result_from(
            "EVT-OPERATIONS",
            "Operations",
            "PasswordResetService:310xx",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    pub(super) fn relays_result(&self) -> Option<CheckResult> {
        let relays = self.relays();
        if relays.is_empty() {
            if self.prs_events == 0 {
                return None;
            }
            let f = Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "NoneNamed",
                    "No relay namespace named in the log",
                    "No ssprdedicatedsb... relay namespace appears in the event texts, so connectivity tests Microsoft's documented relay hosts.",
                )
            };
            return Some(result_from(
                "EVT-RELAYS",
                "Relay",
                "ssprdedicatedsb*",
                catalog::DOC_TROUBLESHOOT,
                f,
                0,
            ));
        }
        let mut hosts: Vec<String> = relays.iter().map(RelayName::default_host).collect();
        hosts.dedup();
        let mut namespaces: Vec<String> = relays.iter().map(|r| r.namespace.clone()).collect();
        namespaces.dedup();
        let f = Finding::pass(
            "Found",
            format!("{} relay host(s) named in the log", hosts.len()),
            format!(
                "The log names the tenant's relay: {}. `wbdiag connectivity --relays-from-events FILE` tests these hosts first (Test-WritebackConnectivity on the Connect server reads them from its log by default).",
                hosts.join(", ")
            ),
        )
        .with("Hosts", hosts)
        .with("Namespaces", namespaces)
        .with("Endpoints", self.endpoints.iter().cloned().collect::<Vec<_>>());
        Some(result_from(
            "EVT-RELAYS",
            "Relay",
            "ssprdedicatedsb*",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    pub(super) fn time_skew_result(&self) -> Option<CheckResult> {
        let g6306 = self.known.get(&(Source::AdSync, 6306))?;
        let f = if self.skew_pairs > 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "SkewPattern",
                    "Time skew pattern: 6306 with writeback connection failures",
                    format!(
                        "ADSync 6306 was logged within {TIME_SKEW_WINDOW_MIN} minutes of 6800, 32001 or 31044 ({} times, last at {}); Microsoft documents this combination when the server's clock is skewed.",
                        self.skew_pairs,
                        self.skew_last.map_or_else(|| "-".into(), |t| t.to_string())
                    ),
                    "Check the Connect server's time (w32tm /query /status; w32tm /resync) and that it follows the domain hierarchy; then restart the ADSync service.",
                )
            }
        } else {
            Finding::pass(
                "NoPattern",
                "6306 without writeback connection failures",
                format!(
                    "ADSync 6306 was logged {} times, but not near 6800, 32001 or 31044, so it does not point at time skew.",
                    g6306.count
                ),
            )
        };
        let f = sourced(f, &sources::INFERENCE_TIME_SKEW)
            .with("Pairs", self.skew_pairs)
            .with("Count6306", g6306.count);
        Some(result_from(
            "EVT-TIME-SKEW",
            "TimeSkew",
            "ADSync:6306",
            catalog::DOC_UNABLE,
            f,
            0,
        ))
    }
}
