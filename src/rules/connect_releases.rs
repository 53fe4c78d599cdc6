//! Microsoft's Entra Connect Sync release table and dated minimum versions, as data.
//!
//! Source of the release rows: the "Retiring Microsoft Entra Connect 2.x versions" table of
//! Microsoft's version release history page
//! (<https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history>),
//! columns Version, End of support date and Release date, read on 2026-12-02 in the copy
//! that `zarguell/eoltracker` keeps of that table (`v1/products/microsoft-entra-connect.json`,
//! commit c66dd545), and cross-checked for 2.0.88.0 to 2.3.20.0 against the page's own
//! source in `MicrosoftDocs/entra-docs` (`docs/identity/hybrid/connect/
//! reference-connect-version-history.md`, commit ddd2a2d9), whose release dates match.
//! Rows older than the table (2.0.88.0 to 2.2.8.0) carry the "Release status" date of their
//! section on the same page and no stated end.
//!
//! The page's policy (same source): a 2.x release retires 12 months after a newer one is
//! released (in effect since 2023-03-15). [`retirement`] computes that date from the next row's release date and,
//! where Microsoft's table states an earlier end (the 2.3.x builds were ended on
//! 2025-04-30 to line up with the security change of 2.4.18.0; a few rows
//! state a date a little before the computed one), uses the earlier date and reports both.

use crate::snapshot::values::Version;
use crate::snapshot::Timestamp;

/// A calendar day, `(year, month, day)`.
pub type Day = (i32, u8, u8);

/// The day this table was last compared with Microsoft's page.
pub const AS_OF: Day = (2026, 12, 2);

/// Where the release rows come from, for evidence.
pub const SOURCE: &str = "Microsoft Entra Connect version release history, \"Retiring Microsoft Entra Connect 2.x versions\" table (https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history), read 2026-12-02";

/// Months after a newer release that a 2.x release retires (version history page).
pub const RETIRE_AFTER_MONTHS: u8 = 12;

/// One Entra Connect Sync 2.x release.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    /// The build, for example `2.6.84.0`.
    pub version: &'static str,
    /// Its release date, as Microsoft's table states it.
    pub released: Day,
    /// The end of support Microsoft's table states, when it states one.
    pub stated_end: Option<Day>,
}

const fn row(version: &'static str, released: Day, stated_end: Option<Day>) -> Release {
    Release {
        version,
        released,
        stated_end,
    }
}

/// Every 2.x release the version history lists, oldest first.
pub const RELEASES: &[Release] = &[
    row("2.0.88.0", (2021, 12, 15), None),
    row("2.0.89.0", (2021, 12, 22), None),
    row("2.0.91.0", (2022, 1, 19), None),
    row("2.1.1.0", (2022, 3, 24), None),
    row("2.1.15.0", (2022, 7, 6), None),
    row("2.1.16.0", (2022, 8, 2), None),
    row("2.1.18.0", (2022, 10, 5), None),
    row("2.1.19.0", (2022, 11, 2), None),
    row("2.1.20.0", (2022, 11, 9), None),
    row("2.2.1.0", (2023, 6, 19), None),
    row("2.2.8.0", (2023, 10, 11), None),
    row("2.3.2.0", (2023, 12, 12), Some((2025, 4, 30))),
    row("2.3.6.0", (2024, 2, 21), Some((2025, 4, 30))),
    row("2.3.8.0", (2024, 4, 1), Some((2025, 4, 30))),
    row("2.3.20.0", (2024, 7, 15), Some((2025, 4, 30))),
    row("2.4.18.0", (2024, 10, 7), Some((2025, 10, 9))),
    row("2.4.21.0", (2024, 10, 9), Some((2025, 11, 15))),
    row("2.4.27.0", (2024, 11, 14), Some((2026, 1, 15))),
    row("2.4.129.0", (2025, 1, 15), Some((2026, 3, 27))),
    row("2.4.131.0", (2025, 3, 27), Some((2026, 5, 26))),
    row("2.5.3.0", (2025, 5, 27), Some((2026, 7, 31))),
    row("2.5.76.0", (2025, 7, 31), Some((2026, 9, 1))),
    row("2.5.79.0", (2025, 9, 1), Some((2026, 10, 23))),
    row("2.5.190.0", (2025, 11, 19), Some((2027, 2, 2))),
    row("2.6.1.0", (2026, 2, 2), Some((2027, 3, 10))),
    row("2.6.3.0", (2026, 3, 10), Some((2027, 7, 7))),
    row("2.6.84.0", (2026, 7, 7), Some((2027, 9, 16))),
    row("2.6.91.0", (2026, 9, 16), Some((2027, 9, 23))),
    row("2.6.92.0", (2026, 9, 23), None),
];

/// A dated minimum: from `date` on, versions older than `minimum` stop working.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The oldest version that keeps working.
    pub minimum: &'static str,
    /// The first day older versions no longer work.
    pub date: Day,
    /// What else the deadline requires, if anything.
    pub also: Option<&'static str>,
    /// What happens to older versions, in Microsoft's terms.
    pub consequence: &'static str,
    /// The page that announces it, and when it was read.
    pub source: &'static str,
}

/// The dated minimum versions Microsoft has announced, oldest first.
pub const DEADLINES: &[Deadline] = &[
    Deadline {
        minimum: "2.5.79.0",
        date: (2026, 9, 30),
        also: None,
        consequence: "all synchronization services fail",
        source: "Prerequisites for Microsoft Entra Connect (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites), ms.date 2025-09-29, and Microsoft's \"Hardening update to Microsoft Entra Connect Sync\" page (every sync service fails below 2.5.79.0 after 2026-09-30), read 2026-11-25",
    },
    Deadline {
        minimum: "2.6.84.0",
        date: (2027, 4, 7),
        also: Some("application-based authentication to Microsoft Entra ID"),
        consequence: "synchronization services stop working",
        source: "Prerequisites for Microsoft Entra Connect (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites), ms.date 2026-01-16, read 2026-12-01",
    },
];

/// A day as a timestamp (midnight UTC); an impossible day gives the epoch.
pub fn day(d: Day) -> Timestamp {
    Timestamp::from_ymd(d.0, d.1, d.2).unwrap_or(Timestamp(0))
}

/// The same day `months` months later, clamped to the month's last day.
pub fn add_months((y, m, d): Day, months: u8) -> Day {
    let total = i32::from(m) - 1 + i32::from(months);
    let year = y + total.div_euclid(12);
    let month = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(12);
    let last = (28..=31u8)
        .rev()
        .find(|&n| Timestamp::from_ymd(year, month, n).is_some())
        .unwrap_or(28);
    (year, month, d.min(last))
}

fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or(Version(vec![0]))
}

/// The release row of exactly `v`, if the table lists it.
pub fn release(v: &Version) -> Option<&'static Release> {
    RELEASES.iter().find(|r| version(r.version) == *v)
}

/// The newest release in the table.
pub fn newest() -> &'static Release {
    &RELEASES[RELEASES.len() - 1]
}

/// When `v` retires, and why.
#[derive(Debug, Clone)]
pub struct Retirement {
    /// The first release newer than `v`, which starts the 12-month clock.
    pub superseded_by: &'static Release,
    /// 12 months after `superseded_by` was released.
    pub computed: Day,
    /// The end Microsoft's table states for `v`, when it states one.
    pub stated: Option<Day>,
}

impl Retirement {
    /// The day support ends: the earlier of the computed and the stated end.
    pub fn end(&self) -> Day {
        match self.stated {
            Some(s) if day(s) < day(self.computed) => s,
            _ => self.computed,
        }
    }
}

/// When `v` (a 2.x build) retires; `None` for the newest release or a newer build, which
/// no listed release supersedes.
pub fn retirement(v: &Version) -> Option<Retirement> {
    let next = RELEASES.iter().find(|r| version(r.version) > *v)?;
    Some(Retirement {
        superseded_by: next,
        computed: add_months(next.released, RETIRE_AFTER_MONTHS),
        stated: release(v).and_then(|r| r.stated_end),
    })
}

/// The text of a day, `YYYY-MM-DD`.
pub fn day_text(d: Day) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        version(text)
    }

    #[test]
    fn the_table_is_ordered_by_version_and_by_date_and_every_day_exists() {
        for pair in RELEASES.windows(2) {
            assert!(v(pair[0].version) < v(pair[1].version), "{pair:?}");
            assert!(day(pair[0].released) <= day(pair[1].released), "{pair:?}");
        }
        for r in RELEASES {
            assert!(Timestamp::from_ymd(r.released.0, r.released.1, r.released.2).is_some());
            if let Some(s) = r.stated_end {
                assert!(Timestamp::from_ymd(s.0, s.1, s.2).is_some(), "{r:?}");
                assert!(day(s) > day(r.released), "{r:?}");
            }
        }
        assert!(day(AS_OF) >= day(newest().released));
        for d in DEADLINES {
            assert!(release(&v(d.minimum)).is_some(), "{d:?}");
        }
    }

    #[test]
    fn twelve_months_after_the_next_release() {
        let r = retirement(&v("2.6.3.0")).expect("superseded");
        assert_eq!(r.superseded_by.version, "2.6.84.0");
        assert_eq!(r.computed, (2027, 7, 7));
        assert_eq!(r.end(), (2027, 7, 7));
        assert!(retirement(&v("2.6.92.0")).is_none());
        assert!(retirement(&v("2.7.1.0")).is_none());
    }

    #[test]
    fn an_earlier_stated_end_wins_and_a_build_between_rows_retires_with_its_successor() {
        let r = retirement(&v("2.3.20.0")).expect("superseded");
        assert_eq!(r.computed, (2025, 10, 7));
        assert_eq!(r.stated, Some((2025, 4, 30)));
        assert_eq!(r.end(), (2025, 4, 30));
        let r = retirement(&v("2.5.79.0")).expect("superseded");
        assert_eq!(r.computed, (2026, 11, 19));
        assert_eq!(r.end(), (2026, 10, 23));
        let unlisted = retirement(&v("2.4.130.0")).expect("superseded");
        assert_eq!(unlisted.superseded_by.version, "2.4.131.0");
        assert_eq!(unlisted.stated, None);
        assert_eq!(unlisted.end(), (2026, 3, 27));
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months((2024, 2, 29), 12), (2025, 2, 28));
        assert_eq!(add_months((2025, 11, 30), 3), (2026, 2, 28));
        assert_eq!(add_months((2025, 1, 31), 12), (2026, 1, 31));
        assert_eq!(day_text((2027, 4, 7)), "2027-04-07");
    }
}
