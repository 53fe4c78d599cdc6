function Test-WritebackPermission {
    <#
    .SYNOPSIS
    Checks that the AD DS connector account has the rights password writeback needs, on the domain roots, OUs, AdminSDHolder and users.

    .DESCRIPTION
    Test-WritebackPermission evaluates the security descriptors of each domain the sync covers
    against the rights writeback needs for the AD DS connector account (Reset password, Change
    password, Write lockoutTime and pwdLastSet on descendant user objects, Unexpire Password on
    the domain root), including rights through the account's groups (tokenGroups) and
    inheritance, and writes one WritebackDiagnostics.CheckResult per check and target, with a
    stable Id: PERM-ACCOUNT (the account and its groups), PERM-DOMAIN-ROOT, PERM-OU (OUs and
    containers that block inheritance or deny the rights), PERM-ADMINSDHOLDER,
    PERM-PROTECTED-USERS (users stamped from AdminSDHolder, adminCount 1) and PERM-USERS (users
    the account cannot reset). Message says what was found, Remediation what to change. The
    diagnostics engine decides; this command only collects and passes the data on.

    Where the data comes from:

    - with neither -Environment nor -Path, the command collects live: the ADSync connectors
      (which forests and domains, which connector account) and, for each domain, the security
      descriptors of the domain root, CN=AdminSDHolder,CN=System and every OU and container,
      every user and inetOrgPerson (up to -UserLimit) with adminCount, userAccountControl,
      pwdLastSet, lockoutTime, msDS-ResultantPSO and its security descriptor, the
      fine-grained password policies, and the connector account's SID and tokenGroups. It reads
      each domain's PDC emulator when TCP 389 answers there (else any DC of the domain), or the
      DC named by -Server;
    - with -Environment, it evaluates a snapshot object from Get-WritebackEnvironment (which
      collects the same data unless -SkipPermissions was used);
    - with -Path, a snapshot file saved with ConvertTo-Json -Depth 20.

    The live collection uses the ActiveDirectory module when it is installed (Windows, RSAT):
    descriptors are then read as SDDL. Without it (or on Linux and macOS) it reads over LDAP
    with System.DirectoryServices.Protocols, which Windows PowerShell 5.1 and PowerShell 7
    both have, and passes the raw binary descriptors on; ADSI ([adsi], DirectorySearcher) is not
    used because it exists only on Windows. Over LDAP the command binds with -Credential
    (Negotiate on Windows, a simple bind elsewhere, so give the account as a DN or
    user@domain there and use LDAP only on a network you trust), or without it as the current
    user (Windows) or anonymously (elsewhere). Every read has a deadline, and a DC that does
    not answer makes its checks Skipped with the reason rather than hanging.

    A failed check is data (Status 'Fail'), not an error. A DC that cannot be read at all is
    a non-terminating error (ErrorId WbdDirectoryBindFailed when the bind is rejected,
    WbdDirectoryTimeout when it does not answer in time, WbdDirectoryUnavailable otherwise),
    after which the checks still run and are Skipped. The password of -Credential never appears
    in output, verbose messages or errors.

    .PARAMETER Environment
    A snapshot object from Get-WritebackEnvironment, or one read back with ConvertFrom-Json. It
    can come from the pipeline.

    .PARAMETER Path
    A snapshot file written by Get-WritebackEnvironment | ConvertTo-Json -Depth 20. Taken
    literally (no wildcards); a relative path is resolved against the current location.

    .PARAMETER Server
    For a live run: the domain controller to read, as a host name or address with an optional
    :port (for example DC01.contoso.com or 10.0.0.5:389), instead of each domain's PDC
    emulator. Only the domain that DC serves is read. Without the ActiveDirectory module the
    read goes over LDAP.

    .PARAMETER ConnectorAccount
    For a live run: the AD DS connector account as DOMAIN\sAMAccountName, when ADSync is not
    on this computer (for example on a support engineer's workstation). Its SID and groups are
    read from the directory. With ADSync present, it replaces the account the connectors name.

    .PARAMETER Credential
    For a live run: the account to read Active Directory as. It needs only read access; the
    password is passed to the bind and nowhere else.

    .PARAMETER UserLimit
    For a live run: at most this many users are read per domain (default 20000). When a domain
    has more, the snapshot says so (UsersTruncated) and the user checks say they are partial.

    .PARAMETER ServerConfigPath
    A folder written by Get-ADSyncServerConfiguration -Path <folder>, for the connectors' OU
    scope (which users writeback can reach). Taken literally.

    .PARAMETER Now
    The time to evaluate at (default: now), for example to judge a saved snapshot as of the
    day it was taken.

    .EXAMPLE
    Test-WritebackPermission | Where-Object -FilterScript { $_.Status -ne 'Pass' } | Format-List -Property Id, Target, Message, Remediation

    On the Entra Connect server: reads every domain the AD connectors cover from its PDC
    emulator and shows the permission checks that did not pass, with the fix.

    .EXAMPLE
    $credential = Get-Credential -Message 'An account that can read contoso.com'
    Test-WritebackPermission -Server 'DC01.contoso.com' -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -Credential $credential

    From a workstation without ADSync: reads contoso.com from DC01 as the given account and
    checks the named connector account's rights.

    .EXAMPLE
    Get-WritebackEnvironment | ConvertTo-Json -Depth 20 | Out-File -FilePath .\writeback-environment.json
    Test-WritebackPermission -Path .\writeback-environment.json -Now '2026-11-25T10:00:00Z'

    Saves a snapshot on the customer's server and evaluates its permissions anywhere else.

    .INPUTS
    System.Object
    A snapshot object for -Environment.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per check and target, with the properties Id, Check, Target, Status, Title,
    Message, Remediation, DocsUrl, Evidence and DurationMs.

    .LINK
    Test-WritebackUser

    .LINK
    Get-WritebackEnvironment

    .LINK
    about_WritebackDiagnostics

    .LINK
    https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-configure-ad-ds-connector-account
    #>
    [CmdletBinding(DefaultParameterSetName = 'Live')]
    [OutputType('WritebackDiagnostics.CheckResult')]
    param (
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
        $activity = 'Checking the connector account''s writeback permissions'
        $snapshotFile = $null
        try {
            $options = [ordered]@{
                SnapshotPath = $null
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
                    $collect = @{ UserLimit = $UserLimit; Activity = $activity }
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
        $report.Results | ConvertTo-WbdCheckResult
    }
}
