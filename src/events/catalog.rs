//! What every writeback event id, ADSync hr code and known message signature means, and
//! what to do about it.
//!
//! Source: Microsoft's "Troubleshoot self-service password reset writeback" page (the
//! complete PasswordResetService table, the ADSync 6329 hr codes, the reserved
//! characters), its support articles, and the facts file's §4. Every entry names its
//! source and the date it was read ([`super::sources`]); results built from an entry that
//! rests on an issue thread, third-party material or an inference say so.

use super::sources::{self, Provenance};
use crate::api::Status;

/// Troubleshoot SSPR writeback (the event tables).
pub const DOC_TROUBLESHOOT: &str =
    "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback";
/// How SSPR writeback works (relays, heartbeat every 5 minutes).
pub const DOC_CONCEPT: &str =
    "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-writeback";
/// "Unable to configure password writeback" (6306 with 6800/32001/31044, time skew).
pub const DOC_UNABLE: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/unable-configure-pwd-writeback-error";
/// Error 8023062C (LDAP sign and encrypt).
pub const DOC_8023062C: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-8023062c";
/// SSPR_0029 (protected accounts, permissions, RestrictRemoteSam).
pub const DOC_SSPR_0029: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029";
/// Password rejected by the on-premises policy.
pub const DOC_POLICY: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-not-compliant-on-premises-ad-pwd-policy";
/// AD DS connector account permissions.
pub const DOC_PERMISSIONS: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-configure-ad-ds-connector-account";
/// Azure certificate authorities (root CAs the relay's certificate chains to).
pub const DOC_AZURE_CA: &str =
    "https://learn.microsoft.com/azure/security/fundamentals/azure-ca-details";
/// Password hash sync troubleshooting (events 611, 650-657).
pub const DOC_PHS: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization";
/// Entra Connect prerequisites (proxy configuration).
pub const DOC_PREREQ: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites";

/// Event sources that matter for writeback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// The writeback service itself (31xxx, 32xxx, 33xxx).
    PasswordResetService,
    /// The sync engine, which sets the password in AD DS (6329, 6800, 6306).
    AdSync,
    /// The sync engine's password hash sync events (611, 650-657); excluded.
    DirectorySynchronization,
}

impl Source {
    /// The provider name as the Application log shows it.
    pub fn name(self) -> &'static str {
        match self {
            Source::PasswordResetService => "PasswordResetService",
            Source::AdSync => "ADSync",
            Source::DirectorySynchronization => "Directory Synchronization",
        }
    }

    /// Recognises a provider name (case-insensitive, surrounding spaces ignored).
    pub fn parse(name: &str) -> Option<Source> {
        let n = name.trim();
        [
            Source::PasswordResetService,
            Source::AdSync,
            Source::DirectorySynchronization,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(n))
    }

    /// The source an id belongs to when an entry does not name its provider.
    pub fn guess_from_id(id: u32) -> Option<Source> {
        match id {
            31000..=33999 => Some(Source::PasswordResetService),
            6329 | 6800 | 6306 => Some(Source::AdSync),
            _ => None,
        }
    }
}

/// How an event id reads in Microsoft's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Normal activity.
    Info,
    /// An operation finished well.
    Success,
    /// Something to watch.
    Warning,
    /// Something failed.
    Error,
}

/// What a failure affects, which decides whether later events show it is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Normal activity; no failure.
    Activity,
    /// The service or its channel to the cloud (relay, TLS, web service): a later
    /// heartbeat or successful password operation shows it recovered.
    Channel,
    /// Writeback's own setup (onboarding, keys, configuration file, admin token): a later
    /// successful onboarding or password operation shows it recovered.
    Setup,
    /// AD DS permissions or connector configuration, which break every request: a later
    /// successful password operation suggests it is limited to some users.
    Directory,
    /// One request rejected for reasons specific to that user or password.
    Request,
}

/// One documented event id.
#[derive(Debug, Clone, Copy)]
pub struct EventInfo {
    /// Provider.
    pub source: Source,
    /// Event id.
    pub id: u32,
    /// Microsoft's name for it.
    pub name: &'static str,
    /// Kind in Microsoft's table.
    pub kind: Kind,
    /// Status of a result about it (before any recovery is taken into account).
    pub status: Status,
    /// What a failure affects.
    pub scope: Scope,
    /// What it means.
    pub meaning: &'static str,
    /// What to do; empty when nothing needs doing.
    pub fix: &'static str,
    /// Documentation page.
    pub docs: &'static str,
    /// Where the meaning and fix come from, and when that was read.
    pub provenance: Provenance,
}

impl EventInfo {
    /// The stable result Id of a result about this event.
    pub fn result_id(&self) -> String {
        match (self.source, self.id) {
            (Source::PasswordResetService, 31019) => "EVT-HEARTBEAT".into(),
            (Source::PasswordResetService, 31016) => "EVT-SERVICE-STOPPED".into(),
            (Source::PasswordResetService, 31044) => "EVT-RELAY-DOWN".into(),
            (_, id) => format!("EVT-{id}"),
        }
    }

    /// True for ids that report a problem.
    pub fn is_problem(&self) -> bool {
        matches!(self.kind, Kind::Warning | Kind::Error)
    }
}

const AS_31003: &str = "Choose a password that meets the on-premises policy (age, history, complexity, password filters); give the AD DS connector account Reset password, Write lockoutTime and Write pwdLastSet on descendant user objects (Set-ADSyncPasswordWritebackPermissions); accounts in protected groups (adminCount=1) cannot be reset through writeback by design. The ADSync events logged with it (6329 and its hr code) say which.";
const TOGGLE: &str = "Disable and re-enable password writeback in the Entra Connect wizard (Optional features), signed in with a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role, then restart the ADSync service.";

macro_rules! ev {
    ($src:ident, $id:expr, $name:expr, $kind:ident, $status:ident, $scope:ident, $meaning:expr, $fix:expr) => {
        ev!(
            $src,
            $id,
            $name,
            $kind,
            $status,
            $scope,
            $meaning,
            $fix,
            DOC_TROUBLESHOOT
        )
    };
    ($src:ident, $id:expr, $name:expr, $kind:ident, $status:ident, $scope:ident, $meaning:expr, $fix:expr, $docs:expr) => {
        ev!(
            $src,
            $id,
            $name,
            $kind,
            $status,
            $scope,
            $meaning,
            $fix,
            $docs,
            sources::TROUBLESHOOT
        )
    };
    ($src:ident, $id:expr, $name:expr, $kind:ident, $status:ident, $scope:ident, $meaning:expr, $fix:expr, $docs:expr, $prov:expr) => {
        EventInfo {
            source: Source::$src,
            id: $id,
            name: $name,
            kind: Kind::$kind,
            status: Status::$status,
            scope: Scope::$scope,
            meaning: $meaning,
            fix: $fix,
            docs: $docs,
            provenance: $prov,
        }
    };
}

/// Every documented PasswordResetService id and the ADSync ids seen with writeback.
pub const EVENTS: &[EventInfo] = &[
    ev!(PasswordResetService, 31001, "PasswordResetStart", Info, Pass, Activity,
        "The writeback service received a password reset request from the cloud; it is the first event of every reset.", ""),
    ev!(PasswordResetService, 31002, "PasswordResetSuccess", Success, Pass, Activity,
        "A reset password met the on-premises policy and was written to AD DS.", ""),
    ev!(PasswordResetService, 31003, "PasswordResetFail", Error, Warning, Request,
        "A reset password reached the Connect server but setting it in AD DS failed: it breaks the age, history, complexity or filter rules, the AD DS connector account lacks permission, or the user is in a protected group.", AS_31003),
    ev!(PasswordResetService, 31004, "OnboardingEventStart", Info, Pass, Activity,
        "Password writeback was enabled in Entra Connect and tenant onboarding started.", ""),
    ev!(PasswordResetService, 31005, "OnboardingEventSuccess", Success, Pass, Activity,
        "Onboarding succeeded; password writeback is ready.", ""),
    ev!(PasswordResetService, 31006, "ChangePasswordStart", Info, Pass, Activity,
        "The writeback service received a password change request from the cloud; it is the first event of every change.", ""),
    ev!(PasswordResetService, 31007, "ChangePasswordSuccess", Success, Pass, Activity,
        "A changed password was written to AD DS.", ""),
    ev!(PasswordResetService, 31008, "ChangePasswordFail", Error, Warning, Request,
        "A password change reached the Connect server but setting it in AD DS failed (same causes as 31003).", AS_31003),
    ev!(PasswordResetService, 31009, "ResetUserPasswordByAdminStart", Info, Pass, Activity,
        "An administrator's reset of a user's password was received; it is the first event of every admin reset.", ""),
    ev!(PasswordResetService, 31010, "ResetUserPasswordByAdminSuccess", Success, Pass, Activity,
        "An administrator's reset was written to AD DS.", ""),
    ev!(PasswordResetService, 31011, "ResetUserPasswordByAdminFail", Error, Warning, Request,
        "An administrator's reset reached the Connect server but setting it in AD DS failed (same causes as 31003).", AS_31003),
    ev!(PasswordResetService, 31012, "OffboardingEventStart", Info, Pass, Activity,
        "Password writeback was disabled and offboarding started.", ""),
    ev!(PasswordResetService, 31013, "OffboardingEventSuccess", Info, Pass, Activity,
        "Offboarding succeeded: password writeback is disabled.", ""),
    ev!(PasswordResetService, 31014, "OffboardingEventFail", Error, Fail, Setup,
        "Offboarding failed: the cloud or on-premises administrator lacks rights, or a federated Hybrid Administrator account was used.", "Check the administrators' rights and run the wizard with a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role, not a federated one."),
    ev!(PasswordResetService, 31015, "WriteBackServiceStarted", Info, Pass, Activity,
        "The writeback service started and accepts requests.", ""),
    ev!(PasswordResetService, 31016, "WriteBackServiceStopped", Warning, Warning, Channel,
        "The writeback service stopped; password requests from the cloud fail until it starts again.", "Start the ADSync service (Restart-Service ADSync) and read the events logged just before the stop to find out why it stopped."),
    ev!(PasswordResetService, 31017, "AuthTokenSuccess", Info, Pass, Activity,
        "An authorisation token was obtained for the Hybrid Administrator given in setup, to start onboarding or offboarding.", ""),
    ev!(PasswordResetService, 31018, "KeyPairCreationSuccess", Info, Pass, Activity,
        "The password encryption key was created.", ""),
    ev!(PasswordResetService, 31019, "ServiceBusHeartBeat", Info, Pass, Activity,
        "A request to the tenant's Service Bus relay succeeded. Microsoft documents a writeback heartbeat every five minutes; this tool reads 31019 as that heartbeat, so a long gap without it means writeback is not talking to its relay.",
        "Restart the ADSync service, then test outbound HTTPS to *.servicebus.windows.net and *.passwordreset.microsoftonline.com (wbdiag connectivity / Test-WritebackConnectivity).", DOC_CONCEPT, sources::INFERENCE_HEARTBEAT),
    ev!(PasswordResetService, 31034, "ServiceBusListenerError", Error, Fail, Channel,
        "The service could not connect to the tenant's Service Bus listener.",
        "Allow outbound HTTPS (443) to the relay hosts. If the message says \"The remote certificate is invalid\", install the Azure root CAs (DigiCert Global Root G2, Microsoft RSA Root CA 2017, ...) and make sure no proxy inspects TLS."),
    ev!(PasswordResetService, 31044, "PasswordResetService", Error, Fail, Channel,
        "Writeback is not healthy: one of the two Service Bus relay hosts it listens on is not running (\"No serviceHost for service bus endpoints are in running state\").",
        "Check connectivity to the relay hosts (443), TLS 1.2 and the server's clock; restart the ADSync service; if it persists, disable and re-enable password writeback."),
    ev!(PasswordResetService, 32000, "UnknownError", Error, Fail, Setup,
        "An unknown error occurred during a password operation.",
        "Read the exception text in the event; disable and re-enable password writeback; if it persists, open a case with the Application log and the tracking id."),
    ev!(PasswordResetService, 32001, "ServiceError", Error, Fail, Channel,
        "The service could not connect to the cloud password reset web service.",
        "Allow outbound HTTPS (443) to *.passwordreset.microsoftonline.com (US Government: *.passwordreset.microsoftonline.us) through firewalls and proxies."),
    ev!(PasswordResetService, 32002, "ServiceBusError", Error, Fail, Channel,
        "The service could not connect to the tenant's Service Bus relay (for example \"The token provider was unable to provide a security token\").",
        "Allow outbound TCP 443 to *.servicebus.windows.net (for example ssprdedicatedsbprodncu.servicebus.windows.net), restart the Connect server, and if needed disable and re-enable password writeback."),
    ev!(PasswordResetService, 32003, "InPutValidationError", Error, Warning, Request,
        "The input passed to the web service API was invalid.", "Retry the operation."),
    ev!(PasswordResetService, 32004, "DecryptionError", Error, Fail, Setup,
        "The password sent from the cloud could not be decrypted (key mismatch between the cloud and the Connect server).", TOGGLE),
    ev!(PasswordResetService, 32005, "ConfigurationError", Error, Fail, Setup,
        "The tenant-specific configuration file written at onboarding could not be read or saved.", TOGGLE),
    ev!(PasswordResetService, 32007, "OnBoardingConfigUpdateError", Error, Fail, Setup,
        "Onboarding data could not be written in memory before the sync service stores it.", TOGGLE),
    ev!(PasswordResetService, 32008, "ValidationError", Error, Fail, Setup,
        "The password reset web service sent an invalid response.", TOGGLE),
    ev!(PasswordResetService, 32009, "AuthTokenError", Error, Fail, Setup,
        "No token could be obtained for the Hybrid Administrator given in setup: wrong user name or password, or a federated account (the wizard shows \"Error getting auth token\").",
        "Run the Entra Connect wizard again with the correct user name and password of a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role, not a federated one."),
    ev!(PasswordResetService, 32010, "CryptoError", Error, Fail, Setup,
        "The encryption key could not be generated or a password could not be decrypted.",
        "Read the event details, then disable and re-enable password writeback."),
    ev!(PasswordResetService, 32011, "OnBoardingServiceError", Error, Fail, Setup,
        "Onboarding could not reach the web service: a firewall blocks it, or the administrator's token failed.",
        "Allow outbound TCP 443 (and the legacy 9350-9354) to ssprdedicatedsbprodncu.servicebus.windows.net and *.passwordreset.microsoftonline.com, and sign in to the wizard with a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role."),
    ev!(PasswordResetService, 32013, "OffBoardingError", Error, Fail, Setup,
        "Offboarding could not reach the web service: a firewall blocks it, or the administrator's token failed.",
        "Allow outbound TCP 443 to the relay host and the password reset service, and sign in to the wizard with a managed (cloud-only or password hash synchronized) account with the Hybrid Identity Administrator role."),
    ev!(PasswordResetService, 32014, "ServiceBusWarning", Warning, Warning, Channel,
        "The Service Bus connection had to be retried. Occasional retries are normal; frequent ones point at a high-latency or low-bandwidth path.",
        "Check the network path to *.servicebus.windows.net: proxies and firewalls must keep idle connections open for several minutes."),
    ev!(PasswordResetService, 32015, "ReportServiceHealthError", Error, Fail, Channel,
        "The 5-minute health heartbeat or statistics could not be sent to the cloud.",
        "Check outbound HTTPS (443) to the relay hosts and the password reset service."),
    ev!(PasswordResetService, 33001, "ADUnKnownError", Error, Fail, Directory,
        "AD DS returned an unknown error. It is also what writeback logs when the user's OU path contains reserved characters: a leading space or #, a trailing space, or any of , + \" \\ < > ; = / LF CR.",
        "Read the ADSync events logged with it (6329 and its hr code). If the user's distinguished name contains a reserved character, rename the OU or object."),
    ev!(PasswordResetService, 33002, "ADUserNotFoundError", Error, Warning, Request,
        "The user was not found in on-premises AD DS: deleted on-premises but not yet in the cloud, or a sync problem.",
        "Check the sync logs and the latest sync runs for the user."),
    ev!(PasswordResetService, 33003, "ADMutliMatchError", Error, Warning, Request,
        "Two on-premises users share the same cloud anchor.",
        "Check the sync logs and remove the duplicate (writeback does not support users enabled in more than one forest)."),
    ev!(PasswordResetService, 33004, "ADPermissionsError", Error, Fail, Directory,
        "The AD DS connector account lacks permission to set the password, or the user has adminCount=1 (a protected account).",
        "Grant the AD DS connector account Reset password, Write lockoutTime and Write pwdLastSet on descendant user objects (Set-ADSyncPasswordWritebackPermissions) and wait for replication; users in protected groups cannot be reset through writeback by design.", DOC_PERMISSIONS),
    ev!(PasswordResetService, 33005, "ADUserAccountDisabled", Error, Warning, Request,
        "The user's on-premises account is disabled.", "Enable the account in AD DS and retry."),
    ev!(PasswordResetService, 33006, "ADUserAccountLockedOut", Error, Warning, Request,
        "The user's on-premises account is locked out.", "Unlock the account in AD DS and retry."),
    ev!(PasswordResetService, 33007, "ADUserIncorrectPassword", Error, Warning, Request,
        "The current password given for a password change was wrong.", "The user must enter the correct current password."),
    ev!(PasswordResetService, 33008, "ADPasswordPolicyError", Error, Warning, Request,
        "The new password does not meet the domain's minimum age, history, complexity or filter rules.",
        "Choose a password that meets the on-premises policy; for testing, set the minimum password age and history to 0.", DOC_POLICY),
    ev!(PasswordResetService, 33009, "ADConfigurationError", Error, Fail, Directory,
        "AD DS configuration problem while writing the password.",
        "Read the ADSync events logged with it (6329 and its hr code) for the cause."),
    ev!(AdSync, 6329, "PasswordSetError", Error, Fail, Directory,
        "The sync engine failed to set a password in AD DS (\"An unexpected error has occurred during a password set operation\"); the hr code in the text says why.",
        "Look up the hr code in the text (reported separately as EVT-HR-<code>)."),
    ev!(AdSync, 6800, "PasswordManagementExtensionError", Error, Fail, Channel,
        "When ADSync started, the password writeback endpoint failed to start (\"The password management extension encountered an error\"); sync runs, writeback does not.",
        "Read the PasswordResetService events logged with it, restart the ADSync service, and if it persists disable and re-enable password writeback."),
    ev!(AdSync, 6306, "ServerOperationError", Error, Warning, Channel,
        "\"The server encountered an unexpected error while performing an operation for the client.\" Together with 6800, 32001 or 31044 it points at a skewed clock.",
        "Check the server's time synchronisation (w32tm /query /status).", DOC_UNABLE, sources::UNABLE),
];

/// The catalog entry for `source`/`id`.
pub fn event(source: Source, id: u32) -> Option<&'static EventInfo> {
    EVENTS.iter().find(|e| e.source == source && e.id == id)
}

/// Events that are about password hash sync, not writeback, and are left out.
#[derive(Debug, Clone, Copy)]
pub struct Excluded {
    /// First id of the range.
    pub first: u32,
    /// Last id of the range.
    pub last: u32,
    /// What they are.
    pub meaning: &'static str,
}

/// Password hash sync events (611, 650-657). Microsoft's page documents the ids; the
/// provider that logs them ("Directory Synchronization" on current builds) is not named
/// there, so they are left out whether ADSync or Directory Synchronization logged them.
pub const EXCLUDED: &[Excluded] = &[
    Excluded {
        first: 611,
        last: 611,
        meaning: "password hash sync error",
    },
    Excluded {
        first: 650,
        last: 655,
        meaning:
            "password hash sync batch and ping (653/654 every 30 minutes when nothing changed)",
    },
    Excluded {
        first: 656,
        last: 656,
        meaning: "password hash sync change request",
    },
    Excluded {
        first: 657,
        last: 657,
        meaning: "password hash sync change result",
    },
];

/// Why `source`/`id` is left out, when it is a password hash sync event.
pub fn excluded(source: Source, id: u32) -> Option<&'static Excluded> {
    if source == Source::PasswordResetService {
        return None;
    }
    EXCLUDED.iter().find(|x| (x.first..=x.last).contains(&id))
}

/// One hr code the sync engine writes into ADSync 6329 (and related) texts.
#[derive(Debug, Clone, Copy)]
pub struct HrInfo {
    /// The code, for example 0x80230619.
    pub code: u32,
    /// The text Windows/the sync engine prints with it.
    pub text: &'static str,
    /// What it means for writeback.
    pub meaning: &'static str,
    /// What to do.
    pub fix: &'static str,
    /// Documentation page.
    pub docs: &'static str,
    /// Status of a result about it.
    pub status: Status,
    /// What it affects.
    pub scope: Scope,
    /// Where the meaning and fix come from, and when that was read.
    pub provenance: Provenance,
}

/// hr codes documented for writeback, two that only third-party material connects to it,
/// and one known only from an issue thread.
pub const HR_CODES: &[HrInfo] = &[
    HrInfo {
        code: 0x8023_0619,
        text: "A restriction prevents the password from being changed to the current one specified.",
        meaning: "The password breaks the domain's minimum age, history, complexity or filter rules, or the user has \"User cannot change password\" (PASSWD_CANT_CHANGE).",
        fix: "Choose a compliant password (for testing set minimum age and history to 0) and clear \"User cannot change password\" on the user.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Warning,
        scope: Scope::Request,
        provenance: sources::TROUBLESHOOT,
    },
    HrInfo {
        code: 0x8023_061F,
        text: "The operation failed because password synchronization is not enabled on this Management Agent.",
        meaning: "A forest was added (or removed and added again) after password writeback was enabled.",
        fix: "Disable and re-enable password writeback in the Entra Connect wizard after the forest change.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::TROUBLESHOOT,
    },
    HrInfo {
        code: 0x8023_0402,
        text: "An attempt to get an object failed because there are duplicated entries with the same anchor.",
        meaning: "The same user is enabled in several forests or domains, or a non-unique source anchor is used.",
        fix: "Remove the duplicate accounts or use a unique source anchor; users enabled in more than one forest are not supported.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Warning,
        scope: Scope::Request,
        provenance: sources::TROUBLESHOOT,
    },
    HrInfo {
        code: 0x8007_00CE,
        text: "The filename or extension is too long.",
        meaning: "The AD DS connector account's password is longer than 256 characters.",
        fix: "Reset the AD DS connector account's password to at most 256 characters and update it in Synchronization Service Manager (Connectors > AD connector > Properties > Credentials).",
        docs: DOC_TROUBLESHOOT,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::TROUBLESHOOT,
    },
    HrInfo {
        code: 0x8023_062C,
        text: "The password could not be set because the server is not configured for insecure setting of passwords, or a 128 bit TLS or SSL connection is required.",
        meaning: "\"Sign and Encrypt LDAP Traffic\" is off on the AD connector.",
        fix: "Turn on Sign and Encrypt LDAP Traffic in Synchronization Service Manager in all three places (Connect to Active Directory Forest > Options; Configure Directory Partitions > DC connection settings > Options; alternate credentials > Options, if used), then restart the ADSync service.",
        docs: DOC_8023062C,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::ERROR_8023062C,
    },
    HrInfo {
        code: 0x8023_0626,
        text: "The password could not be updated because the management agent credentials were denied access.",
        meaning: "The AD DS connector account lacks the password rights, or the user has \"User cannot change password\".",
        fix: "Grant the AD DS connector account Reset password, Write lockoutTime and Write pwdLastSet on descendant user objects (Set-ADSyncPasswordWritebackPermissions).",
        docs: DOC_PERMISSIONS,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::THIRD_PARTY_80230626,
    },
    HrInfo {
        code: 0x8000_5000,
        text: "An invalid directory pathname was passed.",
        meaning: "The user's distinguished name contains reserved characters.",
        fix: "Rename the OU or object so that its name has no leading space or #, no trailing space and none of , + \" \\ < > ; = / LF CR.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::THIRD_PARTY_80005000,
    },
    HrInfo {
        code: 0x8023_0405,
        text: "No password writeback targets found.",
        meaning: "The sync engine found no on-premises object to write the password to: the user's AD DS object is missing, not joined to the cloud object through the metaverse, or outside the scope of the password sync rule (reported for users outside a selective password hash sync scope).",
        fix: "Check that the user exists on-premises, is synchronised by this Connect server (joined through the metaverse), and is in the scope of password hash sync if it is selective.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Warning,
        scope: Scope::Request,
        provenance: sources::ISSUE_80230405,
    },
];

/// The catalog entry for an hr code.
pub fn hr(code: u32) -> Option<&'static HrInfo> {
    HR_CODES.iter().find(|h| h.code == code)
}

/// A known piece of text in a failure message that names its cause.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// Stable result Id.
    pub id: &'static str,
    /// Lower-case phrases; any one of them identifies the cause.
    pub phrases: &'static [&'static str],
    /// Short name of the cause.
    pub title: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// What to do.
    pub fix: &'static str,
    /// Documentation page.
    pub docs: &'static str,
    /// Status of a result about it.
    pub status: Status,
    /// What it affects.
    pub scope: Scope,
    /// Where the meaning and fix come from, and when that was read.
    pub provenance: Provenance,
}

/// Message signatures from Microsoft's "common errors" table and support articles.
pub const SIGNATURES: &[Signature] = &[
    Signature {
        id: "EVT-SIG-CERT-INVALID",
        phrases: &["the remote certificate is invalid"],
        title: "The relay's TLS certificate is not trusted",
        meaning: "The Connect server does not trust the relay's certificate: the Azure root CAs are missing, or a proxy inspects TLS.",
        fix: "Install the Azure root CAs (DigiCert Global Root G2 and G3, Microsoft RSA and ECC Root CA 2017) in the machine's Trusted Root store and exempt the relay hosts from TLS inspection.",
        docs: DOC_AZURE_CA,
        status: Status::Fail,
        scope: Scope::Channel,
        provenance: sources::TROUBLESHOOT,
    },
    Signature {
        id: "EVT-SIG-POLICY-CONTROL",
        phrases: &["ldap password policy control"],
        title: "A DC lacks the LDAP password policy hints control",
        meaning: "The domain controller writeback used does not support the LDAP password policy hints control (\"The server doesn't contain the LDAP password policy control\").",
        fix: "Point the AD connector at domain controllers running Windows Server 2016 or later (preferred DCs in the connector's partition settings).",
        docs: DOC_TROUBLESHOOT,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::TROUBLESHOOT,
    },
    Signature {
        id: "EVT-SIG-SAM-DENIED",
        phrases: &["failed to acquire user information"],
        title: "Remote calls to SAM are restricted",
        meaning: "The policy \"Network access: Restrict clients allowed to make remote calls to SAM\" (RestrictRemoteSam) blocks the AD DS connector account (\"Failed to acquire user information ... ERROR_ACCESS_DENIED\").",
        fix: "Allow the AD DS connector (MSOL_) account remote access in that policy on the Connect server and the DCs, or remove the policy and then the HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSam value.",
        docs: DOC_SSPR_0029,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::SSPR_0029,
    },
    Signature {
        id: "EVT-SIG-MA-DENIED",
        phrases: &[
            "management agent was denied access",
            "management agent credentials were denied access",
        ],
        title: "The AD DS connector account was denied access",
        meaning: "The AD DS connector account lacks the rights to set passwords.",
        fix: "Grant the AD DS connector account Reset password, Write lockoutTime and Write pwdLastSet on descendant user objects (Set-ADSyncPasswordWritebackPermissions), then check Effective Access on a failing user.",
        docs: DOC_PERMISSIONS,
        status: Status::Fail,
        scope: Scope::Directory,
        provenance: sources::TROUBLESHOOT,
    },
    Signature {
        id: "EVT-SIG-OBJECT-NOT-FOUND",
        phrases: &["object could not be found"],
        title: "The user is not in this server's sync scope",
        meaning: "The sync engine could not find the user in the Entra connector space, the metaverse, or the link between them.",
        fix: "Check that this Connect server synchronises the user (it is in scope and joined to its on-premises account).",
        docs: DOC_TROUBLESHOOT,
        status: Status::Warning,
        scope: Scope::Request,
        provenance: sources::TROUBLESHOOT,
    },
    Signature {
        id: "EVT-SIG-MULTIPLE-MATCHES",
        phrases: &["multiple matches found"],
        title: "The user is enabled in more than one forest",
        meaning: "The metaverse object is joined to more than one enabled AD account; writeback does not support that.",
        fix: "Keep only one enabled account per user across the forests.",
        docs: DOC_TROUBLESHOOT,
        status: Status::Warning,
        scope: Scope::Request,
        provenance: sources::TROUBLESHOOT,
    },
    Signature {
        id: "EVT-SIG-PROXY-AUTH",
        // Not "(407)" alone: ADSync texts carry process ids as "MMS(407)".
        phrases: &["proxy authentication required"],
        title: "The proxy asks for authentication",
        meaning: "A proxy answered 407 Proxy Authentication Required; the ADSync service cannot answer proxy prompts.",
        fix: "Let the Connect server through the proxy without authentication, or run ADSync as a domain account and set useDefaultCredentials=\"true\" in machine.config's <defaultProxy>.",
        docs: DOC_PREREQ,
        status: Status::Fail,
        scope: Scope::Channel,
        provenance: sources::THIRD_PARTY_PROXY_407,
    },
];

/// Characters that break writeback (event 33001) in an OU or object name, besides a
/// leading space or `#` and a trailing space.
pub const RESERVED_DN_CHARACTERS: &[char] =
    &[',', '+', '"', '\\', '<', '>', ';', '=', '/', '\n', '\r'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_password_reset_service_id_is_in_the_catalog() {
        let mut documented: Vec<u32> = (31001..=31019).collect();
        documented.extend([31034, 31044]);
        documented.extend((32000..=32015).filter(|id| *id != 32006 && *id != 32012));
        documented.extend(33001..=33009);
        for id in &documented {
            assert!(
                event(Source::PasswordResetService, *id).is_some(),
                "{id} missing"
            );
        }
        let prs = EVENTS
            .iter()
            .filter(|e| e.source == Source::PasswordResetService)
            .count();
        assert_eq!(prs, documented.len(), "only documented ids");
        for id in [6329, 6800, 6306] {
            assert!(event(Source::AdSync, id).is_some(), "{id}");
        }
        assert!(event(Source::PasswordResetService, 32006).is_none());
    }

    #[test]
    fn entries_are_complete_and_unique() {
        for (i, e) in EVENTS.iter().enumerate() {
            assert!(
                !e.meaning.is_empty() && e.docs.starts_with("https://"),
                "{}",
                e.id
            );
            let needs_fix = e.is_problem() || e.id == 31019;
            assert_eq!(needs_fix, !e.fix.is_empty(), "{}", e.id);
            assert!(
                EVENTS[..i]
                    .iter()
                    .all(|o| (o.source, o.id) != (e.source, e.id)),
                "{} twice",
                e.id
            );
            if e.is_problem() {
                assert_ne!(e.status, Status::Pass, "{}", e.id);
            }
        }
        for h in HR_CODES {
            assert!(!h.fix.is_empty() && h.docs.starts_with("https://"));
        }
        for s in SIGNATURES {
            assert!(s.id.starts_with("EVT-SIG-"));
            assert!(s.phrases.iter().all(|p| *p == p.to_lowercase()));
        }
    }

    #[test]
    fn every_fact_names_its_source_and_when_it_was_read() {
        use super::sources::Basis;
        let all = EVENTS
            .iter()
            .map(|e| e.provenance)
            .chain(HR_CODES.iter().map(|h| h.provenance))
            .chain(SIGNATURES.iter().map(|s| s.provenance));
        for p in all {
            assert!(!p.source.is_empty());
            let date = p.read.as_bytes();
            assert!(
                date.len() == 10 && date[4] == b'-' && date[7] == b'-',
                "{}",
                p.read
            );
        }
        let basis = |code| hr(code).map(|h| h.provenance.basis);
        assert_eq!(basis(0x8023_0405), Some(Basis::IssueThread));
        assert_eq!(basis(0x8023_0626), Some(Basis::ThirdParty));
        assert_eq!(basis(0x8000_5000), Some(Basis::ThirdParty));
        assert_eq!(basis(0x8023_0619), Some(Basis::Microsoft));
        assert_eq!(
            event(Source::PasswordResetService, 31019).map(|e| e.provenance.basis),
            Some(Basis::Inference)
        );
        let proxy = SIGNATURES.iter().find(|s| s.id == "EVT-SIG-PROXY-AUTH");
        assert_eq!(proxy.map(|s| s.provenance.basis), Some(Basis::ThirdParty));
    }

    /// The current troubleshooting page names the Hybrid Administrator for 31014, 31017
    /// and 32009 (it said Global Administrator until 2024); the fixes ask for a managed
    /// account with the Hybrid Identity Administrator role.
    #[test]
    fn setup_events_name_the_hybrid_administrator() {
        for id in [31014, 31017, 32009] {
            let e = event(Source::PasswordResetService, id).expect("documented");
            assert!(e.meaning.contains("Hybrid Administrator"), "{id}");
        }
        for id in [31014, 32009, 32011, 32013, 32004] {
            let e = event(Source::PasswordResetService, id).expect("documented");
            assert!(
                e.fix.contains("Hybrid Identity Administrator role")
                    && e.fix.contains("cloud-only or password hash synchronized"),
                "{id}: {}",
                e.fix
            );
        }
        for e in EVENTS {
            assert!(
                !e.meaning.contains("Global Administrator")
                    && !e.fix.contains("Global Administrator"),
                "{}",
                e.id
            );
        }
    }

    #[test]
    fn hash_sync_events_are_excluded_but_writeback_ids_are_not() {
        assert!(excluded(Source::AdSync, 656).is_some());
        assert!(excluded(Source::DirectorySynchronization, 611).is_some());
        assert!(excluded(Source::AdSync, 6329).is_none());
        assert!(excluded(Source::PasswordResetService, 656).is_none());
        assert_eq!(Source::parse(" adsync "), Some(Source::AdSync));
        assert_eq!(
            Source::guess_from_id(33004),
            Some(Source::PasswordResetService)
        );
        assert_eq!(
            event(Source::PasswordResetService, 31044).map(|e| e.result_id()),
            Some("EVT-RELAY-DOWN".to_string())
        );
    }
}
