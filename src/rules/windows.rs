//! Naming Windows Server releases from build numbers, version strings and captions.

/// A Windows Server release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Release year, for example 2019.
    pub year: u16,
    /// True for an R2 release (2008 R2, 2012 R2).
    pub r2: bool,
}

impl Release {
    /// True when this release is `year` or later (an R2 counts as later than its year).
    pub fn at_least(self, year: u16) -> bool {
        self.year >= year
    }

    /// `Windows Server 2012 R2`.
    pub fn name(self) -> String {
        format!(
            "Windows Server {}{}",
            self.year,
            if self.r2 { " R2" } else { "" }
        )
    }
}

/// First build of each server release, newest first.
const BUILDS: &[(u64, u16, bool)] = &[
    (26100, 2025, false),
    (20348, 2022, false),
    (17763, 2019, false),
    (14393, 2016, false),
    (9600, 2012, true),
    (9200, 2012, false),
    (7600, 2008, true),
    (6001, 2008, false),
    (3790, 2003, false),
];

/// The server release a build number belongs to (a semi-annual build between two
/// long-term releases counts as the earlier one).
pub fn from_build(build: u64) -> Option<Release> {
    BUILDS
        .iter()
        .find(|(first, _, _)| build >= *first)
        .map(|(_, year, r2)| Release {
            year: *year,
            r2: *r2,
        })
}

/// The release named in a caption such as `Microsoft Windows Server 2012 R2 Standard`.
pub fn from_caption(caption: &str) -> Option<Release> {
    let lower = caption.to_ascii_lowercase();
    let at = lower.find("windows server")? + "windows server".len();
    let rest = lower[at..].trim_start();
    let year: u16 = rest.get(..4)?.parse().ok()?;
    let r2 = rest[4..].trim_start().starts_with("r2");
    Some(Release { year, r2 })
}

/// The build in `10.0 (17763)` or `10.0.17763`.
pub fn build_from_version(version: &str) -> Option<u64> {
    if let (Some(open), Some(close)) = (version.find('('), version.find(')')) {
        if open < close {
            return version[open + 1..close].trim().parse().ok();
        }
    }
    version.split('.').nth(2)?.trim().parse().ok()
}

/// The release from whichever facts are present: build number, version, caption.
pub fn detect(build: Option<u64>, version: Option<&str>, caption: Option<&str>) -> Option<Release> {
    build
        .or_else(|| version.and_then(build_from_version))
        .and_then(from_build)
        .or_else(|| caption.and_then(from_caption))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_releases() {
        assert_eq!(
            from_build(20348).map(|r| r.name()),
            Some("Windows Server 2022".into())
        );
        assert_eq!(
            from_build(9600).map(|r| r.name()),
            Some("Windows Server 2012 R2".into())
        );
        assert_eq!(from_build(18363).map(|r| r.year), Some(2019));
        assert_eq!(from_build(100), None);
        assert_eq!(
            from_caption("Microsoft Windows Server 2012 R2 Datacenter"),
            Some(Release {
                year: 2012,
                r2: true
            })
        );
        assert_eq!(
            from_caption("Windows Server 2019 Standard").map(|r| r.year),
            Some(2019)
        );
        assert_eq!(from_caption("Microsoft Windows 11 Pro"), None);
        assert_eq!(build_from_version("10.0 (17763)"), Some(17763));
        assert_eq!(build_from_version("10.0.20348"), Some(20348));
        assert_eq!(build_from_version("6.3"), None);
        assert_eq!(
            detect(None, Some("6.3 (9600)"), Some("Windows Server 2019")).map(|r| r.year),
            Some(2012)
        );
        assert_eq!(
            detect(None, None, Some("Windows Server 2016 Datacenter")).map(|r| r.year),
            Some(2016)
        );
    }
}
