function Invoke-WritebackDiagnostic {
    <#
    .SYNOPSIS
    Runs every password writeback diagnostic this server can run, in one go, with one progress bar.

    .DESCRIPTION
    Invoke-WritebackDiagnostic runs the diagnostic suites in this order and writes each suite's
    WritebackDiagnostics.CheckResult objects to the pipeline as soon as that suite finishes:

    - prerequisites: Test-WritebackPrerequisite on an environment snapshot, with the Connect
      server's configuration export (Get-ADSyncServerConfiguration into a temporary folder that
      is deleted afterwards, or -ServerConfigPath);
    - permissions: Test-WritebackPermission on the same snapshot (or live from -Server);
    - events: Test-WritebackEventLog on this server's Application log (or -EventsPath);
    - connectivity: Test-WritebackConnectivity, which tests the tenant's relays first; the idle
      test runs only with -IdleTimeout.

    The snapshot is collected once (Get-WritebackEnvironment) and used by both the
    prerequisite and the permission checks. A suite whose input this computer cannot give (not
    Windows, no ADSync module, no ActiveDirectory module and no -Server, no event log) is
    handed to the diagnostics engine without input, which writes one SUITE-PREREQUISITES,
    SUITE-PERMISSIONS, SUITE-EVENTS or SUITE-CONNECTIVITY result with Status Skipped, saying
    what was not supplied and how to supply it.

    With -Bundle nothing is collected: the engine unpacks a support bundle written by
    Save-WritebackSupportBundle and evaluates what it holds.

    The command never prompts and writes nothing to the host, so it suits runbooks and
    Invoke-Command -ComputerName against many servers: the results are plain objects (no
    script properties) that keep every property through remoting, and PowerShell adds
    PSComputerName. A suite that cannot run at all is a non-terminating error with the stable
    ErrorId of the failure (for example WbdInvalidInput or WbdEngineError, WbdSuiteFailed for
    anything else) whose TargetObject is the suite's name; the other suites still run and $?
    is $false afterwards. A failed check is data (Status Fail), never an error.

    .PARAMETER Suite
    The suites to run: prerequisites, permissions, events, connectivity (default: all four).
    They always run in that order.

    .PARAMETER Path
    A snapshot file written by Get-WritebackEnvironment | ConvertTo-Json -Depth 20, evaluated
    by the prerequisite and permission suites instead of a live snapshot. Taken literally; a
    relative path is resolved against the current PowerShell location.

    .PARAMETER EventsPath
    An exported Application log (an .evtx file or Get-WinEvent JSON) for the events suite,
    instead of this server's live log. Taken literally.

    .PARAMETER ServerConfigPath
    A folder written by Get-ADSyncServerConfiguration -Path <folder>, used instead of a fresh
    export by the prerequisite (PRE-CONFIG-*) and permission (scope) suites. Taken literally.

    .PARAMETER Server
    A domain controller (host or host:port) for the permission suite to read live, over LDAP
    when the ActiveDirectory module is absent, instead of the snapshot.

    .PARAMETER Bundle
    A support bundle (.zip) written by Save-WritebackSupportBundle, evaluated by the engine
    instead of collecting anything on this computer. Taken literally.

    .PARAMETER Endpoint
    Connectivity suite: extra endpoints as HOST or HOST:PORT (see Test-WritebackConnectivity).

    .PARAMETER NoDefaultEndpoint
    Connectivity suite: tests only -Endpoint and -Namespace, not the cloud's default endpoints.

    .PARAMETER Proxy
    Connectivity suite: an explicit HTTP proxy (http://host:port) instead of machine.config's.

    .PARAMETER CaFile
    Connectivity suite: a PEM file of extra CA certificates to trust in the TLS check.

    .PARAMETER TimeoutSeconds
    Connectivity suite: the timeout of each stage per endpoint, 1 to 300 seconds (default 5).

    .PARAMETER DnsServer
    Connectivity suite: a DNS server (IP or IP:PORT) to ask instead of the system resolver.

    .PARAMETER Namespace
    Connectivity suite: the tenant's Service Bus relay namespaces, tested first.

    .PARAMETER IdleTimeout
    Connectivity suite: also measures how long idle connections survive (CONN-IDLE), which
    makes the run take about six minutes.

    .PARAMETER Quiet
    Returns a single Boolean instead of result objects: $true when no result has the status
    Fail or Error and every suite could run, $false otherwise. Warnings and skipped checks do
    not make it $false. A suite that cannot run still writes its error record.

    .EXAMPLE
    Invoke-WritebackDiagnostic | Where-Object -FilterScript { $_.Status -ne 'Pass' } | Format-List -Property Id, Target, Status, Message, Remediation

    On the Entra Connect server: runs every suite and lists what did not pass, with the fix.

    .EXAMPLE
    $results = Invoke-Command -ComputerName SYNC01, SYNC02 -ScriptBlock { Invoke-WritebackDiagnostic -Suite prerequisites, events, connectivity }
    $results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' } | Format-Table -Property PSComputerName, Id, Target, Message

    Runs the diagnostics on the active and the staging Connect server at once and shows the
    failures per server; PSComputerName says which server each result came from.

    .EXAMPLE
    if (-not (Invoke-WritebackDiagnostic -Suite connectivity, events -Quiet)) {
        Write-Error -Message 'Password writeback is unhealthy; run Invoke-WritebackDiagnostic for details.' -ErrorAction Stop
    }

    A runbook on a Hybrid Runbook Worker that fails the job when a check fails.

    .EXAMPLE
    Invoke-WritebackDiagnostic -Bundle .\case-12345.zip | Export-WritebackReport -Path .\case-12345.html

    Evaluates a customer's support bundle on a workstation and writes an HTML report of it.

    .INPUTS
    None. You cannot pipe objects to Invoke-WritebackDiagnostic.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per check and target; Evidence.Suite names the suite when the engine set it.

    System.Boolean
    With -Quiet, a single value: $true when nothing failed or errored.

    .LINK
    Save-WritebackSupportBundle

    .LINK
    Export-WritebackReport

    .LINK
    about_WritebackDiagnostics
    #>
    [CmdletBinding(DefaultParameterSetName = 'Collect')]
    [OutputType('WritebackDiagnostics.CheckResult')]
    [OutputType([bool])]
    param (
        [Parameter()]
        [ValidateSet('prerequisites', 'permissions', 'events', 'connectivity')]
        [string[]] $Suite = @('prerequisites', 'permissions', 'events', 'connectivity'),

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $EventsPath,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $ServerConfigPath,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $Server,

        [Parameter(Mandatory = $true, ParameterSetName = 'Bundle')]
        [ValidateNotNullOrEmpty()]
        [string] $Bundle,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Endpoint,

        [Parameter(ParameterSetName = 'Collect')]
        [switch] $NoDefaultEndpoint,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $Proxy,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $CaFile,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateRange(1, 300)]
        [int] $TimeoutSeconds = 5,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string] $DnsServer,

        [Parameter(ParameterSetName = 'Collect')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Namespace,

        [Parameter(ParameterSetName = 'Collect')]
        [switch] $IdleTimeout,

        [Parameter()]
        [switch] $Quiet
    )

    $activity = 'Writeback diagnostics'
    $order = @('prerequisites', 'permissions', 'events', 'connectivity' | Where-Object -FilterScript { $Suite -contains $_ })
    $problem = $false

    if ($PSCmdlet.ParameterSetName -eq 'Bundle') {
        # The engine unpacks and judges the bundle; a failure to read it stops the command.
        $options = [ordered]@{
            BundlePath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Bundle)
            Suites     = $order
        }
        try {
            Write-Progress -Activity $activity -Status ('Evaluating the support bundle {0}' -f $options['BundlePath']) -PercentComplete 0
            $report = & {
                $ProgressPreference = 'SilentlyContinue'
                Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'all' -Options $options -Activity $activity
            }
        } finally {
            Write-Progress -Activity $activity -Completed
        }
        foreach ($result in @($report.Results | ConvertTo-WbdCheckResult)) {
            if ($result.Status -eq 'Fail' -or $result.Status -eq 'Error') {
                $problem = $true
            }
            if (-not $Quiet) {
                $result
            }
        }
        if ($Quiet) {
            -not $problem
        }
        return
    }

    # Which suites collect live, which read offline input, and which have none here.
    $snapshotPath = $null
    if ($PSBoundParameters.ContainsKey('Path')) {
        $snapshotPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    }
    $serverConfigFolder = $null
    if ($PSBoundParameters.ContainsKey('ServerConfigPath')) {
        $serverConfigFolder = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ServerConfigPath)
    }
    $missing = @{}
    foreach ($name in $order) {
        $offline = ($name -eq 'prerequisites' -and $snapshotPath) -or
            ($name -eq 'permissions' -and ($snapshotPath -or $Server)) -or
            ($name -eq 'events' -and $EventsPath)
        if (-not $offline) {
            $reason = Test-WbdSuiteInput -Suite $name
            if ($reason) {
                Write-Verbose -Message ('Suite {0}: no input on this computer ({1}); the engine reports it Skipped' -f $name, $reason)
                $missing[$name] = $reason
            }
        }
    }
    $liveSnapshot = -not $snapshotPath -and (
        (($order -contains 'prerequisites') -and -not $missing.ContainsKey('prerequisites')) -or
        (($order -contains 'permissions') -and -not $missing.ContainsKey('permissions') -and -not $Server))

    $connectivity = @{ TimeoutSeconds = $TimeoutSeconds }
    foreach ($name in 'Endpoint', 'Proxy', 'CaFile', 'DnsServer', 'Namespace') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $connectivity[$name] = $PSBoundParameters[$name]
        }
    }
    foreach ($name in 'NoDefaultEndpoint', 'IdleTimeout') {
        if ($PSBoundParameters.ContainsKey($name) -and $PSBoundParameters[$name]) {
            $connectivity[$name] = $true
        }
    }

    $snapshot = $null
    $snapshotError = $null
    $exportedFolder = $null
    $index = 0
    try {
        foreach ($name in $order) {
            $index++
            Write-Progress -Activity $activity -Status ('Suite {0} of {1}: {2}' -f $index, $order.Count, $name) -PercentComplete ([int](($index - 1) * 100 / $order.Count))
            try {
                if ($liveSnapshot -and $null -eq $snapshot -and $null -eq $snapshotError -and ($name -eq 'prerequisites' -or $name -eq 'permissions')) {
                    # Collected once, for both suites; the permission data only when that suite uses it.
                    try {
                        $skipPermissions = ($order -notcontains 'permissions') -or $missing.ContainsKey('permissions') -or [bool]$Server
                        $snapshot = & {
                            $ProgressPreference = 'SilentlyContinue'
                            Get-WritebackEnvironment -SkipPermissions:$skipPermissions -ErrorAction Stop
                        }
                        if (-not $serverConfigFolder) {
                            $export = & {
                                $ProgressPreference = 'SilentlyContinue'
                                Export-WbdServerConfiguration
                            }
                            $exportedFolder = $export.Path
                            if (-not $exportedFolder) {
                                Write-Verbose -Message ('No Connect configuration export: {0}' -f $export.Error)
                            }
                        }
                    } catch [System.Management.Automation.PipelineStoppedException] {
                        throw
                    } catch {
                        $snapshotError = $_
                    }
                }
                $configFolder = $serverConfigFolder
                if (-not $configFolder) {
                    $configFolder = $exportedFolder
                }
                $usesSnapshot = ($name -eq 'prerequisites' -or ($name -eq 'permissions' -and -not $Server)) -and -not $missing.ContainsKey($name)
                if ($usesSnapshot -and -not $snapshotPath -and $null -ne $snapshotError) {
                    throw $snapshotError
                }

                & {
                    $ProgressPreference = 'SilentlyContinue'
                    if ($missing.ContainsKey($name)) {
                        # The engine writes the SUITE-* Skipped result, saying what to supply.
                        Get-WbdSkippedSuiteResult -Suite $name
                        return
                    }
                    $common = @{}
                    switch ($name) {
                        'prerequisites' {
                            if ($configFolder) {
                                $common['ServerConfigPath'] = $configFolder
                            }
                            if ($snapshotPath) {
                                Test-WritebackPrerequisite -Path $snapshotPath @common
                            } else {
                                Test-WritebackPrerequisite -Environment $snapshot @common
                            }
                        }
                        'permissions' {
                            if ($configFolder) {
                                $common['ServerConfigPath'] = $configFolder
                            }
                            if ($Server) {
                                Test-WritebackPermission -Server $Server @common
                            } elseif ($snapshotPath) {
                                Test-WritebackPermission -Path $snapshotPath @common
                            } else {
                                Test-WritebackPermission -Environment $snapshot @common
                            }
                        }
                        'events' {
                            if ($EventsPath) {
                                Test-WritebackEventLog -Path $PSCmdlet.GetUnresolvedProviderPathFromPSPath($EventsPath) @common
                            } else {
                                Test-WritebackEventLog @common
                            }
                        }
                        'connectivity' {
                            Test-WritebackConnectivity @connectivity @common
                        }
                    }
                } | ForEach-Object -Process {
                    if ($_.Status -eq 'Fail' -or $_.Status -eq 'Error') {
                        $problem = $true
                    }
                    if (-not $Quiet) {
                        $_
                    }
                }
            } catch [System.Management.Automation.PipelineStoppedException] {
                throw
            } catch {
                # This suite could not run; the others still do.
                $problem = $true
                $inner = $_
                $errorId = 'WbdSuiteFailed'
                $category = [System.Management.Automation.ErrorCategory]::NotSpecified
                if ($inner -is [System.Management.Automation.ErrorRecord]) {
                    $first = ([string]$inner.FullyQualifiedErrorId).Split(',')[0]
                    if ($first -like 'Wbd*') {
                        $errorId = $first
                        $category = $inner.CategoryInfo.Category
                    }
                }
                $message = 'The {0} suite did not run: {1}' -f $name, $inner.Exception.Message
                $record = New-WbdErrorRecord -ErrorId $errorId -Category $category -Message $message -TargetObject $name -InnerException $inner.Exception
                $PSCmdlet.WriteError($record)
            }
        }
    } finally {
        Remove-WbdTemporaryFolder -Path $exportedFolder
        Write-Progress -Activity $activity -Completed
    }

    if ($Quiet) {
        -not $problem
    }
}
