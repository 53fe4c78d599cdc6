function Test-WritebackConnectivity {
    <#
    .SYNOPSIS
    Tests the network path from this server to the endpoints that password writeback needs.

    .DESCRIPTION
    Test-WritebackConnectivity checks, for every endpoint that self-service password reset
    (SSPR) writeback uses in the chosen cloud, each step of the connection the Entra Connect
    sync engine makes: name resolution (CONN-DNS), the proxy decision (CONN-PROXY), the TCP
    connection (CONN-TCP), the TLS handshake and certificate (CONN-TLS) and an HTTP request
    (CONN-HTTP). All endpoints are probed at the same time and every stage has its own
    timeout, so a blocked path costs seconds, not minutes.

    With -IdleTimeout it also measures how long idle connections survive on the path
    (CONN-IDLE), which a firewall, NAT device or proxy with a short idle timeout breaks
    intermittently: for each endpoint it opens one connection per checkpoint (60, 120, 180,
    300 and 360 seconds by default) along the same route and with TLS, leaves them all idle
    at the same time, then sends one small request on each. Each checkpoint is Alive, Reset
    (a middlebox's RST), ClosedByPeer (a FIN without TLS close_notify, usually a proxy or
    firewall), ClosedByServer (the server's own TLS close_notify: its keep-alive limit, not
    the network's fault) or Dropped (no answer: silently discarded). The result brackets the
    timeout ("survive 120 s and are cut by 180 s") against the 6 minutes required. This takes
    as long as the longest checkpoint; the progress bar shows the time left and Ctrl+C stops
    it at once.

    The tenant's own relays are tested first. Writeback talks to the tenant's Service Bus
    namespaces, which are not necessarily the two example hosts Microsoft names
    (ssprdedicatedsbprodscu and ssprdedicatedsbprodncu); tenants are placed on other
    namespaces such as ssprdedicatedsbprodfra-1. On the Connect server the command reads the
    newest PasswordResetService events 31019, 31034 and 32002 of the last 7 days (at most
    200) from the Application log, and the engine tests every relay namespace their texts
    name before the cloud's generic hosts. CONN-TENANT-RELAYS says which namespaces the log
    named and in which events, or, as a Warning, that it named none or could not be read and
    how to find them. -Namespace adds namespaces you know; -SkipEventLogRelays turns the
    log reading off. Off Windows, and on a server without the PasswordResetService event
    provider, no log is read. Each result's Evidence.EndpointSource says where its endpoint
    came from (TenantEvents, CommandLine or Generic); the results of the example relay hosts
    say that they may not be this tenant's relays.

    Run it on the Entra Connect server itself, since that is the machine whose path matters.
    By default the proxy is read the way the sync engine reads it: from the 64-bit .NET
    Framework machine.config (its system.net/defaultProxy section). Use -Proxy to test a
    specific proxy instead, or -NoProxy to connect directly.

    The command writes one WritebackDiagnostics.CheckResult object per check and endpoint. A
    failed check is data (Status 'Fail'), not an error: the command only writes an error when
    it cannot run at all, for example because an option is invalid (ErrorId WbdInvalidInput)
    or the native engine is missing (WbdNativeLibraryNotFound). Each result's Id is stable,
    so scripts can filter on it; Remediation says what to change and DocsUrl where to read
    more. Evidence holds the facts behind the result, including a stable Outcome token.

    .PARAMETER Cloud
    The Microsoft cloud whose writeback endpoints are tested: public (the default), usgov
    (Microsoft Azure Government) or china (operated by 21Vianet).

    .PARAMETER Endpoint
    Extra endpoints to test, as HOST or HOST:PORT (the port defaults to 443). They are added
    to the cloud's default endpoints unless -NoDefaultEndpoint is also given.

    .PARAMETER NoDefaultEndpoint
    Tests only the endpoints given with -Endpoint instead of adding them to the cloud's
    default endpoints.

    .PARAMETER Proxy
    An explicit HTTP proxy, as http://host:port, used for every endpoint instead of the
    proxy found in machine.config.

    .PARAMETER MachineConfigPath
    The .NET Framework machine.config whose system.net/defaultProxy section decides the sync
    engine's proxy. On Windows it defaults to the 64-bit .NET Framework 4 machine.config
    ($env:WINDIR\Microsoft.NET\Framework64\v4.0.30319\Config\machine.config) when that file
    exists, because the sync service is a 64-bit process. A relative path is resolved against
    the current PowerShell location.

    .PARAMETER CaFile
    A PEM file with extra CA certificates to trust in the TLS check, for example the root of
    a TLS-inspecting proxy whose certificate you want to see reported. A relative path is
    resolved against the current PowerShell location.

    .PARAMETER TimeoutSeconds
    The timeout of each stage (DNS, TCP, proxy, TLS, HTTP) for each endpoint, from 1 to 300
    seconds. The default is 5.

    .PARAMETER NoProxy
    Connects directly, ignoring the proxy in machine.config. Compare a run with it and one
    without to tell whether the proxy or the network behind it causes a failure, for example
    idle connections being cut. Cannot be combined with -Proxy or -MachineConfigPath.

    .PARAMETER IdleTimeout
    Also measures how long idle connections survive on the path to each endpoint whose other
    checks pass (result CONN-IDLE). The run then takes as long as the longest checkpoint, six
    minutes by default.

    .PARAMETER Checkpoint
    The idle times to test with -IdleTimeout, in seconds (0.1 to 3600, at most 20 values).
    The default is 60, 120, 180, 300, 360. Writeback needs idle connections to live at least
    360 seconds, so shorter checkpoints alone give a Warning.

    .PARAMETER Namespace
    The tenant's Service Bus relay namespaces, tested first on port 443: a bare name such as
    ssprdedicatedsbprodfra-1 (the cloud's Service Bus suffix, for example
    .servicebus.windows.net, is added) or a host name. Events 31019 and 31034 on the Connect
    server name them. Use it on a machine that is not the Connect server, or when the log
    names none.

    .PARAMETER DnsServer
    A DNS server, IP or IP:PORT, that every name lookup of the run asks directly instead of
    the system's resolver, including the relay namespaces' CNAME chains and gateway names.
    Meant for testing and for checking what a particular DNS server answers.

    .PARAMETER SkipEventLogRelays
    Does not read the tenant's relay namespaces from the Application log, so only -Namespace,
    -Endpoint and the cloud's generic hosts are tested, and there is no CONN-TENANT-RELAYS
    result.

    .PARAMETER IncludeEventLogRelays
    Deprecated and ignored: reading the tenant's relay namespaces from the event log is now
    the default (see -SkipEventLogRelays). The switch is still accepted, so existing scripts
    keep working, and says so in the verbose stream. The result about the log is now
    CONN-TENANT-RELAYS.

    .PARAMETER Quiet
    Returns a single Boolean instead of result objects: $true when no check has the status
    Fail or Error, $false otherwise. Warnings and skipped checks do not make it $false. Failed
    checks write no errors in this mode; only a failure to run the checks at all (invalid
    input, missing engine) is reported, as a terminating error.

    .EXAMPLE
    Test-WritebackConnectivity

    Tests every public-cloud writeback endpoint through the proxy configured in machine.config
    and shows one table row per check and endpoint.

    .EXAMPLE
    Test-WritebackConnectivity -Cloud usgov -TimeoutSeconds 10 | Where-Object -FilterScript { $_.Status -ne 'Pass' } | Format-List -Property Id, Target, Status, Message, Remediation, DocsUrl

    Tests the Azure Government endpoints with a longer timeout and lists only the checks that
    did not pass, with what to do about each one.

    .EXAMPLE
    Test-WritebackConnectivity -Endpoint 'ssprdedicatedsbprodscu.servicebus.windows.net:443' -NoDefaultEndpoint -Proxy 'http://proxy.contoso.com:8080'

    Tests a single Service Bus relay through an explicit proxy, for example to compare the
    result with and without the proxy that machine.config names.

    .EXAMPLE
    $results = Test-WritebackConnectivity -TimeoutSeconds 15
    $broken = @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' })
    if ($broken.Count -gt 0) {
        $summary = ($broken | ForEach-Object -Process { '{0} {1}: {2}' -f $_.Id, $_.Target, $_.Message }) -join [System.Environment]::NewLine
        Write-Error -Message ('Password writeback connectivity is broken:{0}{1}' -f [System.Environment]::NewLine, $summary) -ErrorAction Stop
    }

    A runbook for Azure Automation (on a Hybrid Runbook Worker that is the Entra Connect server)
    or a scheduled task: it filters the results on Status and fails the job, naming each broken
    check by its stable Id, whenever a check fails.

    .EXAMPLE
    if (-not (Test-WritebackConnectivity -Quiet)) {
        Write-Warning -Message 'Password writeback cannot reach Microsoft Entra ID; run Test-WritebackConnectivity for details.'
    }

    Uses -Quiet in a monitoring script, which gets exactly one $true or $false.

    .EXAMPLE
    Test-WritebackConnectivity | Where-Object -FilterScript { $_.Evidence.EndpointSource -eq 'TenantEvents' -or $_.Id -eq 'CONN-TENANT-RELAYS' }

    On the Connect server, shows the results for the tenant's own relays, which the
    PasswordResetService events name, and the result saying which namespaces the log named.

    .EXAMPLE
    Test-WritebackConnectivity -Namespace 'ssprdedicatedsbprodfra-1' -NoDefaultEndpoint -SkipEventLogRelays

    Tests only the relay namespace ssprdedicatedsbprodfra-1.servicebus.windows.net, for
    example from a machine that is not the Connect server, with the namespace copied from
    event 31019.

    .EXAMPLE
    Test-WritebackConnectivity -IdleTimeout -Endpoint 'ssprdedicatedsbprodscu.servicebus.windows.net' -NoDefaultEndpoint | Where-Object -FilterScript { $_.Id -eq 'CONN-IDLE' } | Select-Object -ExpandProperty Evidence | Select-Object -ExpandProperty Checkpoints

    Holds connections to one relay idle for 60 to 360 seconds through the machine.config
    proxy and shows, per checkpoint, whether the connection was still alive and, if not, how
    it ended.

    .EXAMPLE
    $viaProxy = Test-WritebackConnectivity -IdleTimeout -Checkpoint 120, 240, 360 | Where-Object -FilterScript { $_.Id -eq 'CONN-IDLE' }
    $direct = Test-WritebackConnectivity -IdleTimeout -Checkpoint 120, 240, 360 -NoProxy | Where-Object -FilterScript { $_.Id -eq 'CONN-IDLE' }
    $viaProxy + $direct | Format-Table -Property Target, Status, @{ Name = 'Route'; Expression = { $_.Evidence.Route } }, Title

    Runs the idle test through the proxy and again directly (from a server allowed out
    without the proxy), to see whether the proxy or the firewall behind it cuts idle
    connections.

    .EXAMPLE
    Test-WritebackConnectivity | Where-Object -FilterScript { $_.Id -eq 'CONN-TLS' } | Select-Object -Property Target, Status, @{ Name = 'Outcome'; Expression = { $_.Evidence.Outcome } }

    Shows the TLS outcome token of every endpoint (for example Established or
    InspectionSuspected); the full certificate chain is in each result's Evidence.

    .INPUTS
    None. You cannot pipe objects to Test-WritebackConnectivity.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per check and endpoint, with the properties Id, Check, Target, Status, Title,
    Message, Remediation, DocsUrl, Evidence and DurationMs.

    System.Boolean
    With -Quiet, a single value: $true when no check failed or errored.

    .LINK
    about_WritebackDiagnostics

    .LINK
    https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback
    #>
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    [OutputType('WritebackDiagnostics.CheckResult', ParameterSetName = 'Default')]
    [OutputType('System.Boolean', ParameterSetName = 'Quiet')]
    param (
        [Parameter()]
        [ValidateSet('public', 'usgov', 'china')]
        [string] $Cloud = 'public',

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Endpoint,

        [Parameter()]
        [switch] $NoDefaultEndpoint,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Proxy,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $MachineConfigPath,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $CaFile,

        [Parameter()]
        [ValidateRange(1, 300)]
        [int] $TimeoutSeconds = 5,

        [Parameter()]
        [switch] $NoProxy,

        [Parameter()]
        [switch] $IdleTimeout,

        [Parameter()]
        [ValidateCount(1, 20)]
        [ValidateRange(0.1, 3600)]
        [double[]] $Checkpoint,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Namespace,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $DnsServer,

        [Parameter()]
        [switch] $SkipEventLogRelays,

        [Parameter()]
        [switch] $IncludeEventLogRelays,

        [Parameter(ParameterSetName = 'Quiet')]
        [switch] $Quiet
    )

    $options = [ordered]@{
        Cloud     = $Cloud
        TimeoutMs = $TimeoutSeconds * 1000
    }
    if ($PSBoundParameters.ContainsKey('Endpoint')) {
        $options['Endpoints'] = @($Endpoint)
    }
    if ($NoDefaultEndpoint) {
        $options['NoDefaultEndpoints'] = $true
    }
    if ($PSBoundParameters.ContainsKey('Proxy')) {
        $options['Proxy'] = $Proxy
    }
    if ($PSBoundParameters.ContainsKey('Namespace')) {
        $options['Namespaces'] = @($Namespace)
    }
    if ($PSBoundParameters.ContainsKey('DnsServer')) {
        $options['DnsServer'] = $DnsServer
    }

    if ($NoProxy -and ($PSBoundParameters.ContainsKey('Proxy') -or $PSBoundParameters.ContainsKey('MachineConfigPath'))) {
        $record = New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message '-NoProxy connects directly, so it cannot be combined with -Proxy or -MachineConfigPath.' -TargetObject 'NoProxy'
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if ($PSBoundParameters.ContainsKey('Checkpoint') -and -not $IdleTimeout) {
        $record = New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message '-Checkpoint sets the idle times of -IdleTimeout; add -IdleTimeout to run the idle test.' -TargetObject 'Checkpoint'
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if ($IdleTimeout) {
        $options['Idle'] = $true
        if ($PSBoundParameters.ContainsKey('Checkpoint')) {
            $options['IdleCheckpoints'] = @($Checkpoint)
        }
    }

    if ($NoProxy) {
        Write-Verbose -Message 'Connecting directly (-NoProxy); machine.config is not read'
    } elseif ($PSBoundParameters.ContainsKey('MachineConfigPath')) {
        # The engine does not know the PowerShell location, so relative paths are resolved here.
        $options['MachineConfigPath'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($MachineConfigPath)
    } elseif (Test-WbdWindowsPlatform) {
        $defaultMachineConfig = [System.IO.Path]::Combine($env:WINDIR, 'Microsoft.NET', 'Framework64', 'v4.0.30319', 'Config', 'machine.config')
        if (Test-Path -LiteralPath $defaultMachineConfig -PathType Leaf) {
            Write-Verbose -Message ('Reading the sync engine proxy settings from {0}' -f $defaultMachineConfig)
            $options['MachineConfigPath'] = $defaultMachineConfig
        } else {
            Write-Verbose -Message ('{0} does not exist; testing without a machine.config proxy' -f $defaultMachineConfig)
        }
    }
    if ($PSBoundParameters.ContainsKey('CaFile')) {
        $options['CaFile'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CaFile)
    }

    if ($IncludeEventLogRelays) {
        Write-Verbose -Message '-IncludeEventLogRelays is deprecated and ignored: the tenant''s relay namespaces are read from the event log by default (-SkipEventLogRelays turns that off)'
    }
    if ($SkipEventLogRelays) {
        Write-Verbose -Message 'Not reading the tenant''s relay namespaces from the event log (-SkipEventLogRelays)'
    } elseif (Test-WbdWindowsPlatform) {
        $liveLog = Get-WbdEventLogRelay
        if ($null -ne $liveLog) {
            $options['LiveEventLog'] = $liveLog
        }
    } else {
        Write-Verbose -Message 'Not on Windows: no event log to read the tenant''s relay namespaces from; use -Namespace to test them'
    }

    $report = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'connectivity' -Options $options -Activity 'Testing password writeback connectivity'

    if ($Quiet) {
        $problems = @($report.Results | Where-Object -FilterScript { $_.Status -eq 'Fail' -or $_.Status -eq 'Error' })
        return ($problems.Count -eq 0)
    }
    $report.Results | ConvertTo-WbdCheckResult
}
