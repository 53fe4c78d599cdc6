//! The default domain password policy: a minimum password age above zero blocks a second
//! reset or change within that time, and password history rejects reused passwords;
//! writeback enforces both on resets.

use super::{docs, for_each_domain, pass, warn, Ctx, Rule};
use crate::api::CheckResult;

/// PRE-PWD-MINAGE.
pub const MIN_AGE: Rule = Rule {
    id: "PRE-PWD-MINAGE",
    check: "Password",
    summary: "minimum password age of zero",
    docs: docs::TUTORIAL,
};

/// PRE-PWD-HISTORY.
pub const HISTORY: Rule = Rule {
    id: "PRE-PWD-HISTORY",
    check: "Password",
    summary: "password history",
    docs: docs::PASSWORD_POLICY,
};

/// Evaluates the password-policy rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    for_each_domain(ctx, &[&MIN_AGE, &HISTORY], |entry, domain, notes| {
        let name = &entry.name;
        let Some(policy) = &domain.password_policy else {
            let why = notes.why_missing("PasswordPolicy");
            return vec![
                MIN_AGE.not_collected(name, &why),
                HISTORY.not_collected(name, &why),
            ];
        };
        let fgpp = "Fine-grained password policies (Get-ADFineGrainedPasswordPolicy) override this for the users they apply to.";
        let min_age = match policy.min_password_age {
            None => MIN_AGE.not_collected(name, "the password policy has no MinPasswordAge"),
            Some(age) => {
                let f = if age.is_zero() {
                    pass(
                        "MinAgeZero",
                        format!("Minimum password age in {name} is 0"),
                        format!("Users of {name} can reset or change their password more than once a day. {fgpp}"),
                    )
                } else {
                    warn(
                        "MinAgeSet",
                        format!("Minimum password age in {name} is {}", age.describe()),
                        format!("The default domain policy of {name} has a minimum password age of {}: a user who changed or reset the password within that time cannot reset it again, and writeback rejects the reset (event 33008, hr 0x80230619). The writeback tutorial asks for 0 so that users can change or reset more than once a day. {fgpp}", age.describe()),
                        "Set Minimum password age to 0 in the Default Domain Policy (Group Policy Management > Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy), then run gpupdate /force or wait for replication.",
                    )
                };
                MIN_AGE.emit(name, f.with("MinPasswordAge", age.to_string()))
            }
        };
        let history = match policy.password_history_count {
            None => HISTORY.not_collected(name, "the password policy has no PasswordHistoryCount"),
            Some(0) => HISTORY.emit(
                name,
                pass(
                    "NoHistory",
                    format!("No password history in {name}"),
                    format!("{name} keeps no password history, so a reset is never rejected for reusing a password. {fgpp}"),
                )
                .with("PasswordHistoryCount", 0),
            ),
            Some(n) => HISTORY.emit(
                name,
                warn(
                    "HistoryEnforced",
                    format!("{name} remembers the last {n} passwords"),
                    format!("Writeback enforces on-premises password history on resets too, so a new password equal to any of the last {n} is rejected (event 33008; the admin portal says the on-premises policy does not allow it). This is expected, but testers must choose a fresh password on every attempt. {fgpp}"),
                    "Use a new password for every test; on a test domain you may lower Enforce password history while troubleshooting.",
                )
                .with("PasswordHistoryCount", n),
            ),
        };
        vec![min_age, history]
    })
}
