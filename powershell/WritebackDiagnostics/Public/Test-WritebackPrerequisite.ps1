function Test-WritebackPrerequisite {
    <#
    .SYNOPSIS
    Checks every prerequisite of password writeback, cloud side and on-premises side, with a cause and a fix for each.

    .DESCRIPTION
    Test-WritebackPrerequisite evaluates an environment snapshot (see Get-WritebackEnvironment)
    against every prerequisite of self-service password reset (SSPR) writeback and writes one
    WritebackDiagnostics.CheckResult object per prerequisite and target: licences with the
    Entra ID P1/P2 service plans, the tenant and admin-account settings, the Entra Connect
    version, service, scheduler, connectors and run history, TLS 1.2 and .NET Framework, the
    server OS, RestrictRemoteSam, the PDC emulators and preferred domain controllers, the domain
    controllers' OS and functional levels, password policies and OU names. Each result's Id is
    stable (PRE-...), so scripts can filter on it; Message says what was found, Remediation what
    to change and DocsUrl where to read more.

    Where the snapshot comes from:

    - with neither -Environment nor -Path, the command collects a live snapshot on this server
      (Get-WritebackEnvironment, with progress) and also probes the PDC emulators on the AD
      ports from here, which a saved snapshot cannot show;
    - with -Environment, it evaluates a snapshot object, for example one you piped from
      Get-WritebackEnvironment or read back with ConvertFrom-Json;
    - with -Path, it evaluates a snapshot file saved with ConvertTo-Json -Depth 20 on another
      server, in Windows PowerShell 5.1 or PowerShell 7 encoding.

    The Connect server's own sync configuration, as Get-ADSyncServerConfiguration exports it,
    adds four checks (PRE-CONFIG-*): password writeback on the Entra connector and in the
    optional features, LDAP sign and encrypt on each AD connector (off causes hr 0x8023062C),
    the "Out to AAD - User Join" rule with password sync, and each AD connector's account and
    OU scope. A live run exports it itself into a temporary folder, which is deleted
    afterwards; with -ServerConfigPath the command reads a folder exported earlier. Without
    either, or when the export fails, those four checks are Skipped with the reason.

    A section that could not be collected (a missing module, no Graph connection, no rights)
    makes its checks Skipped with the reason. A failed check is data (Status 'Fail'), not an
    error: the command only writes an error when it cannot run at all, for example because the
    snapshot is malformed (ErrorId WbdInvalidInput, naming the JSON path of the bad value) or
    the native engine is missing (WbdNativeLibraryNotFound).

    .PARAMETER Environment
    A snapshot object from Get-WritebackEnvironment, or one read back with ConvertFrom-Json. It
    can come from the pipeline.

    .PARAMETER Path
    A snapshot file written by Get-WritebackEnvironment | ConvertTo-Json -Depth 20 (UTF-8 or
    UTF-16, at most 64 MiB). A relative path is resolved against the current PowerShell location.

    .PARAMETER AdminUser
    For a live run: the UPN of the admin account that configures writeback (default: the account
    signed in to Microsoft Graph).

    .PARAMETER TestUser
    For a live run: the UPN of a user you will test writeback with; without it the test user
    checks are skipped.

    .PARAMETER AllDomainControllers
    For a live run: reads RestrictRemoteSam on every writable domain controller, not only on each
    domain's PDC emulator (passed to Get-WritebackEnvironment).

    .PARAMETER ServerConfigPath
    A folder written by Get-ADSyncServerConfiguration -Path <folder> on the Entra Connect server
    (Connectors, GlobalSettings and SynchronizationRules), to evaluate instead of a fresh export.
    Works with every parameter set. The path is taken literally (no wildcards) and a relative
    path is resolved against the current PowerShell location; a path that is not a folder, or
    a folder that is not such an export, is an error (ErrorId WbdInvalidInput).

    .PARAMETER Quiet
    Returns a single Boolean per snapshot instead of result objects: $true when no check has the
    status Fail or Error, $false otherwise. Warnings and skipped checks do not make it $false.
    Failed checks write no errors in this mode; only a failure to run the checks at all (a
    malformed snapshot, a missing engine) is reported, as a terminating error.

    .EXAMPLE
    Connect-MgGraph -Scopes 'Organization.Read.All', 'Directory.Read.All', 'Policy.Read.All', 'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory', 'AuditLog.Read.All'
    Test-WritebackPrerequisite -TestUser 'alex.wilber@contoso.com' | Where-Object -FilterScript { $_.Status -ne 'Pass' }

    Runs every check live on the Entra Connect server, including the PDC reachability probes,
    and shows only the checks that did not pass.

    .EXAMPLE
    # On the customer's Entra Connect server:
    Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com' | ConvertTo-Json -Depth 20 | Out-File -FilePath .\writeback-environment.json

    # Anywhere else, for example on your workstation:
    Test-WritebackPrerequisite -Path .\writeback-environment.json | Format-List -Property Id, Target, Status, Message, Remediation

    Saves a snapshot on the customer's server, where nothing needs to be installed beyond this
    module, and evaluates it elsewhere. The PDC reachability check is Skipped for a saved
    snapshot, because it must be probed from the server itself.

    .EXAMPLE
    $results = Test-WritebackPrerequisite
    $broken = @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' })
    if ($broken.Count -gt 0) {
        $summary = ($broken | ForEach-Object -Process { '{0} {1}: {2}' -f $_.Id, $_.Target, $_.Message }) -join [System.Environment]::NewLine
        Write-Error -Message ('Password writeback prerequisites are not met:{0}{1}' -f [System.Environment]::NewLine, $summary) -ErrorAction Stop
    }

    A runbook for Azure Automation on a Hybrid Runbook Worker that is the Entra Connect server
    (after Connect-MgGraph -Identity): it fails the job, naming each broken prerequisite by its
    stable Id, whenever a check fails.

    .EXAMPLE
    if (-not (Test-WritebackPrerequisite -Path .\writeback-environment.json -Quiet)) {
        Write-Warning -Message 'A password writeback prerequisite is not met; run Test-WritebackPrerequisite for details.'
    }

    Uses -Quiet in a monitoring script, which gets exactly one $true or $false.

    .EXAMPLE
    # On the Entra Connect server, in an elevated session:
    Get-ADSyncServerConfiguration -Path .\connect-config

    # Anywhere else:
    Test-WritebackPrerequisite -Path .\writeback-environment.json -ServerConfigPath .\connect-config | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' }

    Evaluates a saved snapshot together with a saved configuration export, and shows the
    configuration checks: writeback on the Entra connector, LDAP sign and encrypt, the user join
    rule, and each AD connector's account and scope (in Evidence).

    .EXAMPLE
    Get-Content -Path .\writeback-environment.json -Raw | ConvertFrom-Json | Test-WritebackPrerequisite | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' } | Select-Object -ExpandProperty Evidence

    Reads a saved snapshot back as an object, evaluates it, and shows the evidence behind the
    Entra Connect version check.

    .INPUTS
    System.Object
    A snapshot object for -Environment.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per check and target, with the properties Id, Check, Target, Status, Title,
    Message, Remediation, DocsUrl, Evidence and DurationMs.

    System.Boolean
    With -Quiet, one value per snapshot: $true when no check failed or errored.

    .LINK
    Get-WritebackEnvironment

    .LINK
    about_WritebackDiagnostics

    .LINK
    https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback
    #>
    [CmdletBinding(DefaultParameterSetName = 'Live')]
    [OutputType('WritebackDiagnostics.CheckResult')]
    [OutputType([bool])]
    param (
        [Parameter(Mandatory = $true, ParameterSetName = 'Environment', ValueFromPipeline = $true)]
        [ValidateNotNull()]
        [object] $Environment,

        [Parameter(Mandatory = $true, ParameterSetName = 'Path')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $AdminUser,

        [Parameter(ParameterSetName = 'Live')]
        [ValidateNotNullOrEmpty()]
        [string] $TestUser,

        [Parameter(ParameterSetName = 'Live')]
        [switch] $AllDomainControllers,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $ServerConfigPath,

        [Parameter()]
        [switch] $Quiet
    )

    process {
        $activity = 'Checking password writeback prerequisites'
        $snapshotFile = $null
        $serverConfigFolder = $null
        $exportedFolder = $null
        $exportError = $null
        try {
            if ($PSBoundParameters.ContainsKey('ServerConfigPath')) {
                # Taken literally, like -LiteralPath; the engine does not know the PowerShell location.
                $serverConfigFolder = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ServerConfigPath)
                if (-not (Test-Path -LiteralPath $serverConfigFolder -PathType Container)) {
                    $message = '-ServerConfigPath ''{0}'' is not a folder. Give the folder that Get-ADSyncServerConfiguration -Path <folder> wrote on the Entra Connect server.' -f $serverConfigFolder
                    $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $serverConfigFolder))
                }
            }
            switch ($PSCmdlet.ParameterSetName) {
                'Path' {
                    # The engine does not know the PowerShell location, so relative paths are resolved here.
                    $options = [ordered]@{
                        SnapshotPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
                    }
                }
                'Environment' {
                    $snapshotFile = Save-WbdSnapshotFile -InputObject $Environment
                    $options = [ordered]@{
                        SnapshotPath = $snapshotFile
                    }
                }
                default {
                    # The prerequisite checks do not read the security descriptors and users.
                    $collect = @{ SkipPermissions = $true }
                    if ($PSBoundParameters.ContainsKey('AdminUser')) {
                        $collect['AdminUser'] = $AdminUser
                    }
                    if ($PSBoundParameters.ContainsKey('TestUser')) {
                        $collect['TestUser'] = $TestUser
                    }
                    if ($AllDomainControllers) {
                        $collect['AllDomainControllers'] = $true
                    }
                    $snapshot = Get-WritebackEnvironment @collect
                    $snapshotFile = Save-WbdSnapshotFile -InputObject $snapshot
                    # A live run is on the Connect server itself, so the engine also probes each
                    # PDC emulator on the AD ports from here (its DNS and TCP probes, each with a deadline).
                    $options = [ordered]@{
                        SnapshotPath = $snapshotFile
                        ProbePdc     = $true
                    }
                    if (-not $serverConfigFolder) {
                        # The collector only exports; the engine reads and judges the folder.
                        $export = Export-WbdServerConfiguration
                        $exportedFolder = $export.Path
                        $exportError = $export.Error
                    }
                }
            }
            if ($serverConfigFolder) {
                $options['ServerConfigPath'] = $serverConfigFolder
            } elseif ($exportedFolder) {
                $options['ServerConfigPath'] = $exportedFolder
            } elseif ($exportError) {
                $options['ServerConfigError'] = $exportError
            }

            $report = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'prerequisites' -Options $options -Activity $activity
        } finally {
            Remove-WbdTemporaryFile -Path $snapshotFile
            Remove-WbdTemporaryFolder -Path $exportedFolder
        }

        if ($Quiet) {
            $problems = @($report.Results | Where-Object -FilterScript { $_.Status -eq 'Fail' -or $_.Status -eq 'Error' })
            return ($problems.Count -eq 0)
        }
        $report.Results | ConvertTo-WbdCheckResult
    }
}
