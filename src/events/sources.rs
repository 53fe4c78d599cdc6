//! Where every fact of the event catalog and the diagnosis comes from, and when it was
//! read: one place to audit. Each catalog entry ([`super::catalog`]) names one of these;
//! results built from an entry carry its `Basis`, `Source` and `SourceRead` in their
//! evidence, and a result resting on anything but Microsoft's documentation says so in
//! its message.
//!
//! "Read" is the date the page (a stored copy of its source) was read for this catalog:
//! 2026-12-02 for the pages re-read for it, 2026-12-01 for those taken from the project's
//! facts file (`writeback-facts.md`, whose corrections are dated that day).

/// What kind of source a fact rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Microsoft's documentation (Learn pages, support articles, protocol specifications).
    Microsoft,
    /// A public issue thread (users' reports, not Microsoft's documentation).
    IssueThread,
    /// Third-party material only (blogs, compiled guides).
    ThirdParty,
    /// This tool's inference from documented facts.
    Inference,
}

impl Basis {
    /// The token for the `Basis` evidence.
    pub fn token(self) -> &'static str {
        match self {
            Basis::Microsoft => "Microsoft",
            Basis::IssueThread => "IssueThread",
            Basis::ThirdParty => "ThirdParty",
            Basis::Inference => "Inference",
        }
    }
}

/// The source of one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    /// What kind of source it is.
    pub basis: Basis,
    /// A URL, or for an inference the sentence that says what it is built on.
    pub source: &'static str,
    /// When it was read (YYYY-MM-DD).
    pub read: &'static str,
}

impl Provenance {
    /// A sentence for the message of a result that rests on this source, when it is not
    /// Microsoft's documentation.
    pub fn caveat(&self) -> Option<String> {
        match self.basis {
            Basis::Microsoft => None,
            Basis::IssueThread => Some(format!(
                "This explanation comes from a public issue thread ({}), not from Microsoft's documentation.",
                self.source
            )),
            Basis::ThirdParty => Some(format!(
                "This explanation comes from third-party reports ({}), not from Microsoft's documentation.",
                self.source
            )),
            Basis::Inference => Some(format!("This verdict is an inference: {}", self.source)),
        }
    }
}

const fn microsoft(source: &'static str, read: &'static str) -> Provenance {
    Provenance {
        basis: Basis::Microsoft,
        source,
        read,
    }
}

/// "Troubleshoot self-service password reset writeback": the PasswordResetService and
/// ADSync event tables, the common errors, the reserved OU characters. Read in the
/// rendered Learn page (ms.date 2025-03-04, which names the Hybrid Administrator); the
/// MicrosoftDocs/entra-docs source copies of ms.date 2024-06-21/24 still said Global
/// Administrator.
pub const TROUBLESHOOT: Provenance = microsoft(
    "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback",
    "2026-12-02",
);

/// "How does self-service password reset writeback work" (ms.date 2023-09-14): the relay,
/// the heartbeat message every five minutes, the lookup through the metaverse.
pub const CONCEPT: Provenance = microsoft(
    "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-writeback",
    "2026-12-02",
);

/// "Troubleshoot error SSPR_0029" (ms.date 2022-08-17): RestrictRemoteSam on the Connect
/// server or a domain controller, events 33004 and 6329 with ERROR_ACCESS_DENIED.
pub const SSPR_0029: Provenance = microsoft(
    "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029",
    "2026-12-02",
);

/// "Unable to configure password writeback" (KB 3185990): 6306 with 6800, 32001 or 31044
/// when the clock is skewed.
pub const UNABLE: Provenance = microsoft(
    "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/unable-configure-pwd-writeback-error",
    "2026-12-01",
);

/// "Password writeback error code 8023062C": Sign and Encrypt LDAP Traffic.
pub const ERROR_8023062C: Provenance = microsoft(
    "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-8023062c",
    "2026-12-01",
);

/// "Password hash synchronization troubleshooting": events 611 and 650-657.
pub const PHS: Provenance = microsoft(
    "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization",
    "2026-12-01",
);

/// hr 0x80230405 "No password writeback targets found": only in a user's report, with the
/// full 6329 text, of writeback failing for users outside a selective password hash sync
/// scope (MicrosoftDocs/azure-docs issue 106884, 2023-03-20).
pub const ISSUE_80230405: Provenance = Provenance {
    basis: Basis::IssueThread,
    source: "https://github.com/MicrosoftDocs/azure-docs/issues/106884",
    read: "2026-12-02",
};

/// hr 0x80230626 with 33004: a 2015 blog post and a compiled guide; Microsoft's page
/// mentions "management agent was denied access" but not the code.
pub const THIRD_PARTY_80230626: Provenance = Provenance {
    basis: Basis::ThirdParty,
    source:
        "c7solutions.com/2015/07/password-writeback-errors and a compiled troubleshooting guide",
    read: "2026-12-01",
};

/// hr 0x80005000 with reserved characters: a compiled guide; Microsoft documents only 33001
/// with reserved characters.
pub const THIRD_PARTY_80005000: Provenance = Provenance {
    basis: Basis::ThirdParty,
    source: "a compiled troubleshooting guide; Microsoft documents only event 33001 for reserved characters",
    read: "2026-12-01",
};

/// A proxy answering 407 breaks writeback: a compiled guide.
pub const THIRD_PARTY_PROXY_407: Provenance = Provenance {
    basis: Basis::ThirdParty,
    source: "a compiled troubleshooting guide",
    read: "2026-12-01",
};

/// The heartbeat rule (EVT-HEARTBEAT, 15 minutes).
pub const INFERENCE_HEARTBEAT: Provenance = Provenance {
    basis: Basis::Inference,
    source: "Microsoft documents event 31019 only as a successful request to the tenant's Service Bus (troubleshoot-sspr-writeback) and a heartbeat every five minutes (concept-sspr-writeback; event 32015); that 31019 records that heartbeat, and that none for 15 minutes (three missed) means writeback is down, is this tool's reading.",
    read: "2026-12-02",
};

/// The time-skew pattern (EVT-TIME-SKEW, 10 minutes).
pub const INFERENCE_TIME_SKEW: Provenance = Provenance {
    basis: Basis::Inference,
    source: "Microsoft documents 6306 together with 6800, 32001 or 31044 when the clock is skewed (unable-configure-pwd-writeback-error); counting them together only within 10 minutes of each other is this tool's choice.",
    read: "2026-12-01",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_microsoft_sources_go_without_a_caveat() {
        assert_eq!(TROUBLESHOOT.caveat(), None);
        let issue = ISSUE_80230405.caveat().unwrap_or_default();
        assert!(
            issue.contains("issue thread") && issue.contains("106884"),
            "{issue}"
        );
        assert!(THIRD_PARTY_80230626
            .caveat()
            .is_some_and(|c| c.contains("third-party")));
        assert!(INFERENCE_HEARTBEAT
            .caveat()
            .is_some_and(|c| c.starts_with("This verdict is an inference")));
        for p in [
            TROUBLESHOOT,
            CONCEPT,
            SSPR_0029,
            UNABLE,
            ERROR_8023062C,
            PHS,
            ISSUE_80230405,
        ] {
            assert!(p.source.starts_with("https://"), "{}", p.source);
        }
    }
}
