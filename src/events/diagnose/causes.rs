//! The causes of a diagnosis: one result per catalog id, hr code and signature seen,
//! judged against the later events that show a failure is over, plus the undocumented
//! ids and the password hash sync events left out.

use serde_json::{json, Map, Value};

use super::{Diagnosis, Group};
use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::events::catalog::{self, EventInfo, Scope, Signature, Source};
use crate::events::sources::{self, Provenance};
use crate::probe::Finding;
use crate::snapshot::Timestamp;

/// `meaning`, followed by the caveat of a source that is not Microsoft's documentation.
fn explained(meaning: &str, p: &Provenance) -> String {
    match p.caveat() {
        Some(c) => format!("{meaning} {c}"),
        None => meaning.to_string(),
    }
}

/// `f` with the evidence of where its explanation comes from: `Basis` (Microsoft,
/// IssueThread, ThirdParty or Inference), `Source` (a URL, or what an inference rests on)
/// and `SourceRead` (when it was read).
pub(super) fn sourced(f: Finding, p: &Provenance) -> Finding {
    f.with("Basis", p.basis.token())
        .with("Source", p.source)
        .with("SourceRead", p.read)
}

impl Diagnosis {
    pub(super) fn cause_result(
        &self,
        info: &EventInfo,
        g: &Group,
        recovery: &Recovery,
    ) -> CheckResult {
        let (status, outcome, note) = recovery.judge(info.status, info.scope, g.last);
        let mut message = format!(
            "{} Seen {} times, first {}, last {}.{note}",
            explained(info.meaning, &info.provenance),
            g.count,
            g.first,
            g.last
        );
        if !g.excerpt().is_empty() {
            message.push_str(&format!(" Newest: {}", g.excerpt()));
        }
        let f = g.evidence(Finding {
            status,
            ..Finding::fail(
                outcome,
                format!("{} {}: {} times", info.id, info.name, g.count),
                message,
                info.fix,
            )
        });
        let mut f = sourced(f, &info.provenance)
            .with("Provider", info.source.name())
            .with("EventId", info.id)
            .with("Name", info.name);
        if info.id == 33001 {
            if let Some(dn) = &self.reserved_dn {
                f = f.with("ReservedCharacterText", dn.clone());
                f.message
                    .push_str(" The text names a distinguished name with a reserved character.");
            }
        }
        result_from(
            &info.result_id(),
            "Event",
            &format!("{}:{}", info.source.name(), info.id),
            info.docs,
            f,
            0,
        )
    }

    pub(super) fn unknown_result(&self) -> Option<CheckResult> {
        if self.unknown.is_empty() {
            return None;
        }
        let total: u64 =
            self.unknown.values().map(|g| g.count).sum::<u64>() + self.unknown_overflow;
        let noteworthy = self
            .unknown
            .iter()
            .any(|((p, _), g)| p == Source::PasswordResetService.name() || g.level.is_problem());
        let ids: Vec<Value> = self
            .unknown
            .iter()
            .take(50)
            .map(|((p, id), g)| {
                json!({"Provider": p, "Id": id, "Count": g.count, "FirstSeen": g.first.to_string(),
                       "LastSeen": g.last.to_string(), "Level": g.level.name(), "Excerpt": g.excerpt()})
            })
            .collect();
        let list = self
            .unknown
            .keys()
            .take(20)
            .map(|(p, id)| format!("{p} {id}"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "{total} events with ids the catalog does not document: {list}. They are reported, not interpreted."
        );
        let f = if noteworthy {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "Unknown",
                    format!("{} undocumented event id(s)", self.unknown.len()),
                    format!("{message} Some are errors or warnings, or come from PasswordResetService, whose ids are all documented; read their messages (Excerpt in Ids)."),
                    "Read these events' messages; if they come with failing resets, open a case with the Application log and the tracking id.",
                )
            }
        } else {
            Finding::pass(
                "Unknown",
                format!(
                    "{} undocumented event id(s), informational",
                    self.unknown.len()
                ),
                message,
            )
        };
        let f = f
            .with("Ids", ids)
            .with("DistinctIds", self.unknown.len())
            .with("UnlistedEvents", self.unknown_overflow)
            .with("Events", total);
        Some(result_from(
            "EVT-UNKNOWN",
            "Unknown",
            "undocumented ids",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    pub(super) fn excluded_result(&self) -> Option<CheckResult> {
        if self.excluded.is_empty() {
            return None;
        }
        let total: u64 = self.excluded.values().sum();
        let counts: Map<String, Value> = self
            .excluded
            .iter()
            .map(|(id, n)| (id.to_string(), Value::from(*n)))
            .collect();
        let f = Finding {
            status: Status::Skipped,
            ..Finding::pass(
                "PasswordHashSync",
                format!("{total} password hash sync events left out"),
                format!(
                    "{total} events with ids {} are password hash sync events (611, 650-657), not writeback; they were left out. Enabling writeback for the first time can log 656/657 without password changes.",
                    self.excluded.keys().map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
            )
        }
        .with("Counts", counts);
        let f = sourced(f, &sources::PHS);
        Some(result_from(
            "EVT-PHS-EXCLUDED",
            "Excluded",
            "password hash sync",
            catalog::DOC_PHS,
            f,
            0,
        ))
    }
}

/// The events that show a failure is over.
pub(super) struct Recovery {
    pub(super) heartbeat: Option<Timestamp>,
    pub(super) success: Option<Timestamp>,
    pub(super) onboarded: Option<Timestamp>,
}

impl Recovery {
    /// Status, Outcome and a sentence for a cause last seen at `last`.
    pub(super) fn judge(
        &self,
        status: Status,
        scope: Scope,
        last: Timestamp,
    ) -> (Status, &'static str, String) {
        let after = |t: Option<Timestamp>| t.filter(|t| *t > last);
        if status != Status::Fail {
            let outcome = if scope == Scope::Request {
                "UserSpecific"
            } else {
                "Seen"
            };
            return (status, outcome, String::new());
        }
        let later = match scope {
            Scope::Channel => after(self.heartbeat).max(after(self.success)),
            Scope::Setup => after(self.heartbeat)
                .max(after(self.success))
                .max(after(self.onboarded)),
            Scope::Directory => after(self.success),
            Scope::Request | Scope::Activity => None,
        };
        match (later, scope) {
            (Some(t), Scope::Directory) => (
                Status::Warning,
                "LaterSuccess",
                format!(" A password operation succeeded later ({t}), so it may affect only some users."),
            ),
            (Some(t), _) => (
                Status::Warning,
                "Recovered",
                format!(" Writeback worked again afterwards (heartbeat or successful operation at {t})."),
            ),
            (None, _) => (Status::Fail, "Current", String::new()),
        }
    }
}

pub(super) fn hr_result(code: u32, g: &Group, recovery: &Recovery) -> CheckResult {
    let id = format!("EVT-HR-{code:08X}");
    let target = format!("0x{code:08X}");
    let f = match catalog::hr(code) {
        Some(h) => {
            let (status, outcome, note) = recovery.judge(h.status, h.scope, g.last);
            let f = Finding {
                status,
                ..Finding::fail(
                    outcome,
                    format!("hr {target}: {} times", g.count),
                    format!(
                        "{} (\"{}\") Seen {} times, first {}, last {}.{note} Newest: {}",
                        explained(h.meaning, &h.provenance),
                        h.text,
                        g.count,
                        g.first,
                        g.last,
                        g.excerpt()
                    ),
                    h.fix,
                )
            };
            sourced(f, &h.provenance).with("Documented", true)
        }
        None => Finding {
            status: Status::Warning,
            ..Finding::fail(
                "Undocumented",
                format!("hr {target}: {} times (not in the catalog)", g.count),
                format!(
                    "hr {target} appears in {} writeback failure texts (first {}, last {}); it is not among the codes Microsoft documents for writeback. Newest: {}",
                    g.count, g.first, g.last, g.excerpt()
                ),
                format!("Translate the code on the Connect server (certutil -error {target}) and read the whole event text."),
            )
        }
        .with("Documented", false),
    };
    let docs = catalog::hr(code).map_or(catalog::DOC_TROUBLESHOOT, |h| h.docs);
    let f = g.evidence(f).with("Code", target.clone());
    result_from(&id, "HrCode", &target, docs, f, 0)
}

pub(super) fn signature_result(sig: &Signature, g: &Group, recovery: &Recovery) -> CheckResult {
    let (status, outcome, note) = recovery.judge(sig.status, sig.scope, g.last);
    let f = Finding {
        status,
        ..Finding::fail(
            outcome,
            format!("{}: {} times", sig.title, g.count),
            format!(
                "{} Seen {} times, first {}, last {}.{note} Newest: {}",
                explained(sig.meaning, &sig.provenance),
                g.count,
                g.first,
                g.last,
                g.excerpt()
            ),
            sig.fix,
        )
    };
    let f = sourced(g.evidence(f), &sig.provenance).with("Phrases", sig.phrases.to_vec());
    result_from(
        sig.id,
        "Signature",
        sig.phrases.first().copied().unwrap_or(sig.id),
        sig.docs,
        f,
        0,
    )
}
