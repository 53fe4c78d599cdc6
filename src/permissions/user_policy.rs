//! USER-POLICY: the password policy that applies to the user (the PSO `ResultantPso`
//! names, else the default domain policy) and whether its minimum password age rejects
//! a reset now. Writeback enforces the on-premises age and history rules on resets
//! (facts §3.6); `pwdLastSet` 0 is "must change password at next logon" (facts §3.7).

use serde_json::Value;

use super::docs;
use super::user::{Found, Part};
use crate::rules::{pass, warn, Rule};
use crate::snapshot::permissions::PwdLastSet;
use crate::snapshot::values::Span;
use crate::snapshot::Timestamp;

/// USER-POLICY.
pub const POLICY: Rule = Rule {
    id: "USER-POLICY",
    check: "UserPolicy",
    summary: "password policy of the user",
    docs: docs::PASSWORD_POLICY,
};

/// The policy that applies, as (name, DN, minimum age, history count).
struct Applied {
    name: String,
    dn: Option<String>,
    min_age: Option<Span>,
    history: Option<u64>,
}

fn applied(f: &Found) -> Result<Applied, String> {
    if let Some(pso) = &f.user.resultant_pso {
        let Some(list) = &f.domain.fine_grained_policies else {
            return Err(format!(
                "the user's resultant PSO is {pso}, but {}",
                f.notes.why_missing("FineGrainedPasswordPolicies")
            ));
        };
        let p = list
            .iter()
            .find(|p| p.distinguished_name.eq_ignore_ascii_case(pso))
            .ok_or_else(|| format!("the user's resultant PSO {pso} is not among the snapshot's FineGrainedPasswordPolicies"))?;
        return Ok(Applied {
            name: format!(
                "fine-grained policy {}",
                p.name
                    .clone()
                    .unwrap_or_else(|| p.distinguished_name.clone())
            ),
            dn: Some(p.distinguished_name.clone()),
            min_age: p.min_password_age,
            history: p.password_history_count,
        });
    }
    let p = f
        .domain
        .password_policy
        .as_ref()
        .ok_or_else(|| f.notes.why_missing("PasswordPolicy"))?;
    Ok(Applied {
        name: "default domain password policy".into(),
        dn: None,
        min_age: p.min_password_age,
        history: p.password_history_count,
    })
}

/// Evaluates USER-POLICY for the user in `f` at `f.ctx.now`.
pub fn evaluate(f: &Found) -> Part {
    let label = &f.label;
    let p = match applied(f) {
        Ok(p) => p,
        Err(why) => return (POLICY.not_collected(label, &why), None),
    };
    let Some(last) = f.user.pwd_last_set else {
        return (
            POLICY.not_collected(label, "the snapshot has no PwdLastSet of the user"),
            None,
        );
    };
    let age = p.min_age.unwrap_or(Span(0));
    let history = p.history.map_or("unknown".to_string(), |n| n.to_string());
    let now = f.ctx.now;
    let (finding, until, cause) = match last {
        PwdLastSet::MustChange => (
            warn(
                "MustChangeAtNextLogon",
                format!("{label} must change the password at next logon"),
                format!("pwdLastSet is 0 (\"User must change password at next logon\"). The minimum age does not hold a reset back, but the cloud honours the flag only with Connect's ForcePasswordChangeOnLogOn feature (Set-ADSyncAADCompanyFeature). The {} remembers {history} passwords.", p.name),
                "If the flag was set by mistake, clear it (Set-ADUser -ChangePasswordAtLogon $false); otherwise let the user change the password on-premises, or enable ForcePasswordChangeOnLogOn if cloud sign-ins should enforce it.",
            ),
            None,
            None,
        ),
        PwdLastSet::At(t) => {
            let until = Timestamp(t.0.saturating_add(age.0 / 10_000));
            if now < until {
                (
                    warn(
                        "MinAgeWindow",
                        format!("A reset of {label} would be rejected until {until}"),
                        format!("The password was set at {t} and the {} has a minimum password age of {}: a change now would be rejected until {until} (event 33008, hr 0x80230619). It remembers {history} passwords.", p.name, age.describe()),
                        "Wait until then, or lower the policy's minimum password age (Set-ADFineGrainedPasswordPolicy / the Default Domain Policy), or reset the password on-premises.",
                    ),
                    Some(until),
                    Some(format!("a reset now would be rejected until {until} by the minimum password age of the {}", p.name)),
                )
            } else {
                (
                    pass(
                        "OutsideMinAge",
                        format!("The password policy allows a reset of {label} now"),
                        format!("The password was set at {t}; the {}'s minimum password age of {} has passed. It remembers {history} passwords, so the new one must differ from those.", p.name, age.describe()),
                    ),
                    Some(until),
                    None,
                )
            }
        }
    };
    let result = POLICY.emit(
        label,
        finding
            .with("DistinguishedName", f.user.distinguished_name.clone())
            .with("Policy", p.name.clone())
            .with(
                "PolicyDistinguishedName",
                p.dn.clone().map_or(Value::Null, Value::from),
            )
            .with("MinPasswordAge", age.to_string())
            .with(
                "PasswordHistoryCount",
                p.history.map_or(Value::Null, Value::from),
            )
            .with(
                "PwdLastSet",
                match last {
                    PwdLastSet::MustChange => Value::from(0),
                    PwdLastSet::At(t) => Value::from(t.to_string()),
                },
            )
            .with("EvaluatedAt", now.to_string())
            .with(
                "RejectedUntil",
                until.map_or(Value::Null, |u| Value::from(u.to_string())),
            ),
    );
    (result, cause)
}
