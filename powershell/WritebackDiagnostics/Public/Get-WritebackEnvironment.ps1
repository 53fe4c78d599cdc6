function Get-WritebackEnvironment {
    <#
    .SYNOPSIS
    Collects, on the Entra Connect server, the facts that password writeback depends on, as one snapshot object.

    .DESCRIPTION
    Get-WritebackEnvironment gathers what only the Entra Connect server can see and returns it
    as one WritebackDiagnostics.Environment object, the input of Test-WritebackPrerequisite. The
    objects are passed through as their sources return them, without interpretation: every rule
    lives in the diagnostics engine. The layout is documented in docs/snapshot.md, with a JSON
    Schema in schema/writeback-environment.schema.json.

    - Tenant: Microsoft Graph answers (subscribed SKUs, organization, domains, on-premises
      synchronization, authorization policy, the admin account and the test user with their
      directory roles, own role assignments and licences, and the test user's SSPR
      registration details), read with Invoke-MgGraphRequest only when the session
      already has a Graph context. The command never calls Connect-MgGraph and never prompts.
    - Connect: the sync engine's file version, Get-ADSyncGlobalSettings, Get-ADSyncScheduler,
      Get-ADSyncConnector, Get-ADSyncAADPasswordResetConfiguration, Get-ADSyncRunProfileResult,
      the ADSync service, the machine.config proxy section, the TLS 1.2 and strong-crypto
      registry values, the .NET Framework release, RestrictRemoteSam and the OS version.
    - ActiveDirectory: for each forest and domain the AD connectors cover, Get-ADForest,
      Get-ADDomain (the PDC emulator), the domain controllers, the default password policy and
      the OUs, plus each AD connector's AD DS account and partition settings; and, for the
      connector-account permission checks (Test-WritebackPermission), each domain's
      Descriptors (the security descriptors of the domain root, AdminSDHolder and every OU and
      container, read from the PDC emulator), Users (every user and inetOrgPerson, at most
      20000) and FineGrainedPasswordPolicies. -SkipPermissions leaves those three out.

    Each section has Status 'Collected' or 'Unavailable' and a Reason. A missing module (ADSync,
    ActiveDirectory, Microsoft.Graph.Authentication), no Graph context or no rights make the
    section Unavailable, never an error or a prompt; an item of a collected section that cannot
    be read is named in the section's Errors. -Verbose shows each decision. Progress is shown
    while collecting.

    The snapshot holds no secrets: before it is returned, every section goes through one
    redaction step that empties passwords, tokens, client secrets, keys, connection strings and
    credentials (including password-type connector parameters), so it can be saved with
    ConvertTo-Json -Depth 20 and sent to someone else.

    Run it in an elevated session of an account that may read the sync configuration (a member
    of ADSyncAdmins) and Active Directory, after Connect-MgGraph for the tenant facts.

    .PARAMETER AdminUser
    The UPN (or object id) of the admin account that configures writeback. Defaults to the
    account signed in to Microsoft Graph.

    .PARAMETER TestUser
    The UPN (or object id) of a user you will test password writeback with. Without it the test
    user checks are skipped.

    .PARAMETER AllDomainControllers
    Reads RestrictRemoteSam through remote registry on every writable domain controller of each
    domain, not only on its PDC emulator (the default). Each DC read waits at most a few seconds.

    .PARAMETER SkipPermissions
    Leaves out each domain's Descriptors, Users and FineGrainedPasswordPolicies, which are the
    slow part of the collection in a large directory (every user's security descriptor). The
    prerequisite checks do not need them; Test-WritebackPermission does.

    .EXAMPLE
    Connect-MgGraph -Scopes 'Organization.Read.All', 'Directory.Read.All', 'Policy.Read.All', 'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory', 'AuditLog.Read.All'
    Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com' | ConvertTo-Json -Depth 20 | Out-File -FilePath .\writeback-environment.json

    Collects the environment on the Entra Connect server and saves it as a file that can be
    evaluated anywhere with Test-WritebackPrerequisite -Path or wbdiag prerequisites --snapshot.

    .EXAMPLE
    $environment = Get-WritebackEnvironment -Verbose
    $environment.Connect.Errors
    $environment.ActiveDirectory.Reason

    Collects without a Graph connection (the Tenant section is then Unavailable), shows each
    decision on the verbose stream, and lists what could not be read.

    .EXAMPLE
    (Get-WritebackEnvironment -AllDomainControllers).ActiveDirectory.Forests.Domains.DomainControllerRegistry | Format-Table -Property HostName, IsPdcEmulator, Status, RestrictRemoteSam, Reason

    Reads RestrictRemoteSam on every writable domain controller, not only on the PDC emulators,
    and lists what each DC has set (or why it could not be read).

    .EXAMPLE
    Get-WritebackEnvironment -AdminUser 'hybridadmin@contoso.onmicrosoft.com' | Test-WritebackPrerequisite

    Collects with an explicit admin account and evaluates the snapshot at once.

    .EXAMPLE
    Get-WritebackEnvironment -SkipPermissions | ConvertTo-Json -Depth 20 | Out-File -FilePath .\writeback-environment.json

    Collects a smaller snapshot without the security descriptors and users, enough for
    Test-WritebackPrerequisite but not for Test-WritebackPermission.

    .INPUTS
    None. You cannot pipe objects to Get-WritebackEnvironment.

    .OUTPUTS
    WritebackDiagnostics.Environment
    One object with SchemaVersion, CollectedAt, ComputerName, Collector, Tenant, Connect and
    ActiveDirectory.

    .LINK
    Test-WritebackPrerequisite

    .LINK
    about_WritebackDiagnostics
    #>
    [CmdletBinding()]
    [OutputType('WritebackDiagnostics.Environment')]
    param (
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $AdminUser,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $TestUser,

        [Parameter()]
        [switch] $AllDomainControllers,

        [Parameter()]
        [switch] $SkipPermissions
    )

    $activity = 'Collecting the password writeback environment'
    $computerName = $env:COMPUTERNAME
    if (-not $computerName) {
        $computerName = [System.Environment]::MachineName
    }
    $module = $MyInvocation.MyCommand.Module
    $snapshot = [ordered]@{
        SchemaVersion = 1
        CollectedAt   = [datetime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        ComputerName  = $computerName
        Collector     = [ordered]@{
            Module            = 'WritebackDiagnostics'
            ModuleVersion     = [string]$module.Version
            PowerShellVersion = [string]$PSVersionTable.PSVersion
            PSEdition         = [string]$PSVersionTable.PSEdition
        }
    }

    try {
        Write-Progress -Activity $activity -Status 'Microsoft Graph (tenant)' -PercentComplete 0
        $tenantParameters = @{}
        if ($PSBoundParameters.ContainsKey('AdminUser')) {
            $tenantParameters['AdminUser'] = $AdminUser
        }
        if ($PSBoundParameters.ContainsKey('TestUser')) {
            $tenantParameters['TestUser'] = $TestUser
        }
        $snapshot['Tenant'] = Get-WbdTenantSection @tenantParameters

        Write-Progress -Activity $activity -Status 'Entra Connect (ADSync, registry, service)' -PercentComplete 30
        $state = @{}
        $snapshot['Connect'] = Get-WbdConnectSection -State $state

        Write-Progress -Activity $activity -Status 'Active Directory' -PercentComplete 60
        $snapshot['ActiveDirectory'] = Get-WbdDirectorySection -Connector $state['Connectors'] -ConnectorError ([string]$state['ConnectorError']) -AllDomainControllers:$AllDomainControllers -SkipPermissions:$SkipPermissions

        Write-Progress -Activity $activity -Status 'Removing secrets' -PercentComplete 95
        $environment = Remove-WbdSecret -InputObject $snapshot
    } finally {
        Write-Progress -Activity $activity -Completed
    }

    $environment.PSObject.TypeNames.Insert(0, 'WritebackDiagnostics.Environment')
    $environment
}
