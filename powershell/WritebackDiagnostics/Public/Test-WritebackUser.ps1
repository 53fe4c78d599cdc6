function Test-WritebackUser {
    <#
    .SYNOPSIS
    Tells why password writeback would or would not work for one user, with a verdict first and the reason behind it.

    .DESCRIPTION
    Test-WritebackUser collects the facts about one user and has the diagnostics engine judge
    them. The first result, USER-VERDICT, says whether writeback can reset this user's
    password and, if not, the first reason; the others give each step: USER-SCOPE (the user is
    in the sync scope), USER-RIGHTS (the connector account's effective rights on this user's
    security descriptor), USER-PROTECTED (adminCount and protected groups), USER-INHERITANCE,
    USER-CANNOT-CHANGE (the "user cannot change password" ACE), USER-ACCOUNT
    (userAccountControl, lockout), USER-POLICY (the resulting password policy and minimum
    password age), USER-DN, USER-DC, USER-JOIN (connector space and metaverse), USER-SSPR
    (cloud registration) and USER-AUDIT (recent SSPR audit events). Each is a
    WritebackDiagnostics.CheckResult; the engine decides, this command only collects.

    For a live run it reads, like Test-WritebackPermission, the domain's security
    descriptors, the password policies and the connector account, but only this one user
    (found by distinguished name, userPrincipalName or sAMAccountName, with the value escaped
    for the LDAP filter). On the Entra Connect server it also reads the user's connector-space
    objects (Get-ADSyncCSObject for each AD connector) and metaverse object
    (Get-ADSyncMVObject). With a Microsoft Graph connection (Connect-MgGraph beforehand; this
    command never signs in) it reads the cloud user by the AD user's userPrincipalName, its
    authentication-method registration details and its recent SSPR audit events; a request
    Graph refuses (403 without AuditLog.Read.All) is recorded and only makes that check
    Skipped.

    With -Environment or -Path it evaluates a snapshot that already holds the user (saved from
    a live run of this command's collection) and reports on -Identity.

    Reading Active Directory works as for Test-WritebackPermission: the ActiveDirectory module
    when it is installed, otherwise LDAP through System.DirectoryServices.Protocols (ADSI is
    Windows-only and not used), every read with a deadline. A user that does not exist is a
    result (USER-VERDICT Fail), not an error; a DC that cannot be read is a non-terminating
    error (WbdDirectoryBindFailed, WbdDirectoryTimeout, WbdDirectoryUnavailable). The password
    of -Credential never appears in output, verbose messages or errors.

    .PARAMETER Identity
    The user: a sAMAccountName (optionally DOMAIN\name), a userPrincipalName
    (name@contoso.com) or a distinguished name (CN=Jo Doe,OU=Sales,DC=contoso,DC=com).

    .PARAMETER Environment
    A snapshot object that holds the user (UserTargets and the domain's Users). It can come
    from the pipeline.

    .PARAMETER Path
    A snapshot file that holds the user. Taken literally (no wildcards); a relative path is
    resolved against the current location.

    .PARAMETER Server
    For a live run: the domain controller to read (host or address, optional :port) instead of
    the PDC emulator. Without the ActiveDirectory module the read goes over LDAP.

    .PARAMETER ConnectorAccount
    For a live run: the AD DS connector account as DOMAIN\sAMAccountName, when ADSync is not
    on this computer.

    .PARAMETER Credential
    For a live run: the account to read Active Directory as (read access is enough).

    .PARAMETER UserLimit
    Accepted for symmetry with Test-WritebackPermission; only the one user is read.

    .PARAMETER ServerConfigPath
    A folder written by Get-ADSyncServerConfiguration -Path <folder>, for the connector's OU
    scope (USER-SCOPE). Taken literally.

    .PARAMETER Now
    The time to evaluate at (default: now), which matters for the minimum password age and the
    age of the audit events.

    .EXAMPLE
    Connect-MgGraph -Scopes 'User.Read.All', 'AuditLog.Read.All'
    Test-WritebackUser -Identity 'jdoe@contoso.com'

    On the Entra Connect server: shows the verdict for Jo Doe first, then every step behind it,
    including the sync join and the SSPR registration.

    .EXAMPLE
    Test-WritebackUser 'CONTOSO\ada.admin' -Server 'DC01.contoso.com' -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' | Select-Object -First 1 | Format-List -Property Status, Message, Remediation

    From a workstation without ADSync: shows only the verdict for one user, for example that
    she is protected by AdminSDHolder, and what to do about it.

    .INPUTS
    System.Object
    A snapshot object for -Environment.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per check, USER-VERDICT first.

    .LINK
    Test-WritebackPermission

    .LINK
    about_WritebackDiagnostics

    .LINK
    https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029
    #>
    [CmdletBinding(DefaultParameterSetName = 'Live')]
    [OutputType('WritebackDiagnostics.CheckResult')]
    param (
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Identity,

        [Parameter(Mandatory = $true, ParameterSetName = 'Environment', ValueFromPipeline = $true)]
        [ValidateNotNull()]
        [object] $Environment,

        [Parameter(Mandatory = $true, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $Server,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $ConnectorAccount,

        [Parameter(ParameterSetName = 'Live')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential = [System.Management.Automation.PSCredential]::Empty,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateRange(1, 10000000)]
        [int] $UserLimit = 20000,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $ServerConfigPath,

        [Parameter()]
        [datetime] $Now
    )

    process {
        $activity = 'Checking password writeback for {0}' -f $Identity
        $snapshotFile = $null
        try {
            $options = [ordered]@{
                SnapshotPath = $null
                User         = $Identity
            }
            switch ($PSCmdlet.ParameterSetName) {
                'Path' {
                    # The engine does not know the PowerShell location, so relative paths are resolved here.
                    $options['SnapshotPath'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
                }
                'Environment' {
                    $snapshotFile = Save-WbdSnapshotFile -InputObject $Environment
                    $options['SnapshotPath'] = $snapshotFile
                }
                default {
                    $collect = @{ UserLimit = $UserLimit; Activity = $activity; Identity = $Identity }
                    foreach ($name in 'Server', 'ConnectorAccount') {
                        if ($PSBoundParameters.ContainsKey($name)) {
                            $collect[$name] = $PSBoundParameters[$name]
                        }
                    }
                    if ($null -ne $Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) {
                        $collect['Credential'] = $Credential
                    }
                    $collected = New-WbdPermissionSnapshot @collect
                    Write-WbdDirectoryFailure -Cmdlet $PSCmdlet -Failure $collected.DirectoryFailure
                    $snapshotFile = Save-WbdSnapshotFile -InputObject $collected.Snapshot
                    $options['SnapshotPath'] = $snapshotFile
                }
            }
            if ($PSBoundParameters.ContainsKey('ServerConfigPath')) {
                $options['ServerConfigPath'] = Resolve-WbdServerConfigPath -Cmdlet $PSCmdlet -Path $ServerConfigPath
            }
            if ($PSBoundParameters.ContainsKey('Now')) {
                $options['Now'] = $Now.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
            }
            $report = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'permissions' -Options $options -Activity $activity
        } finally {
            Remove-WbdTemporaryFile -Path $snapshotFile
        }
        # The verdict first, then the steps in the engine's order.
        $results = @($report.Results)
        $results | Where-Object -FilterScript { $_.Id -eq 'USER-VERDICT' } | ConvertTo-WbdCheckResult
        $results | Where-Object -FilterScript { $_.Id -ne 'USER-VERDICT' } | ConvertTo-WbdCheckResult
    }
}
