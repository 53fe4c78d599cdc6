function Test-WritebackEventLog {
    <#
    .SYNOPSIS
    Reads the Entra Connect server's Application log and turns the writeback events into causes and fixes.

    .DESCRIPTION
    Test-WritebackEventLog reads the events that password writeback logs on the Entra Connect
    server (sources PasswordResetService, events 31001-33009, and ADSync, events 6329, 6800
    and 6306) and reports what they mean. Failures are grouped by cause (EVT-<id>, for example
    EVT-33004), each with how often and when it was first and last seen, the newest message as
    evidence, and what to do. The hr codes in ADSync 6329 texts are explained (EVT-HR-<code>)
    and known message texts are recognised (EVT-SIG-*).

    It also reports the health signals: the age of the last heartbeat (EVT-HEARTBEAT; the
    service logs event 31019 about every 5 minutes, and none in the last 15 minutes is a
    failure), a writeback service that stopped and did not start again (EVT-SERVICE-STOPPED),
    one of the two Service Bus relay hosts down (EVT-RELAY-DOWN, event 31044), writeback
    disabled (EVT-WRITEBACK-STATE), the time-skew pattern (EVT-TIME-SKEW: 6306 with 6800,
    32001 or 31044) and the tenant's relay host names found in the events (EVT-RELAYS), which
    Test-WritebackConnectivity on the Connect server tests first. Event ids that Microsoft
    does not document are reported as EVT-UNKNOWN, never dropped; password hash sync events
    (611, 650-657) are left out (EVT-PHS-EXCLUDED). EVT-READ says what was read.

    Without -Path it reads this server's Application log with Get-WinEvent (Windows only) and
    measures the heartbeat's age against the current time. With -Path it reads an exported log
    instead, on any platform: an .evtx file (wevtutil epl or Event Viewer's Save As), or the
    JSON that Get-WinEvent | Select-Object Id, ProviderName, TimeCreated, Level,
    LevelDisplayName, Message | ConvertTo-Json writes in Windows PowerShell 5.1 or PowerShell 7
    (include Level: LevelDisplayName is in the server's language), optionally wrapped as
    @{ ExportedAt = <when the log was read>; Events = @(...) } (see the examples). The
    heartbeat's age is then measured against -Now when given, else against the export time
    the file records (ExportedAt), else against the time the file was last written, which
    for an export is when it was taken: a log whose heartbeats had stopped well before the
    export fails even though its newest event is a heartbeat. EVT-HEARTBEAT says which time
    it used and why (Evidence.ReferenceIs: Now, ExportedAt, FileModified or NewestEvent).

    The command writes one WritebackDiagnostics.CheckResult object per finding. A failed check
    is data (Status 'Fail'), not an error: the command only writes an error when it cannot run
    at all, for example because the file cannot be read (ErrorId WbdInvalidInput).

    .PARAMETER Since
    The oldest event to read. Reading the live log, the default is 7 days ago; reading a file,
    every event in it is read unless -Since is given.

    .PARAMETER MaxEvents
    The largest number of events to read. Reading the live log, the newest events are read and
    the default is 100000; reading a file, events are read in file order (an .evtx file holds
    the oldest first, a Get-WinEvent export the newest first) and there is no limit unless
    -MaxEvents is given.

    .PARAMETER Path
    An exported log to read instead of this server's Application log: an .evtx file, or
    Get-WinEvent JSON (UTF-8 or UTF-16). A relative path is resolved against the current
    PowerShell location.

    .PARAMETER Now
    The time the heartbeat's age is measured against. Reading the live log it is the current
    time; reading a file, give it when the file's own time is wrong, for example the time the
    log was exported for a file that was copied or edited later.

    .PARAMETER Quiet
    Returns a single Boolean instead of result objects: $true when no check has the status
    Fail or Error, $false otherwise. Warnings and skipped checks do not make it $false.

    .EXAMPLE
    Test-WritebackEventLog

    Reads the last 7 days of PasswordResetService and ADSync events on this Entra Connect
    server and shows one table row per finding.

    .EXAMPLE
    Test-WritebackEventLog -Path .\Application.evtx | Where-Object -FilterScript { $_.Status -ne 'Pass' } | Format-List -Property Id, Target, Status, Message, Remediation, DocsUrl

    Reads an Application log exported from a customer's Connect server and lists what is wrong,
    with what to do about each cause.

    .EXAMPLE
    $exportedAt = [datetime]::UtcNow.ToString('o')
    $events = Get-WinEvent -FilterHashtable @{ LogName = 'Application'; ProviderName = 'PasswordResetService', 'ADSync' } -MaxEvents 5000 | Select-Object -Property Id, ProviderName, TimeCreated, Level, LevelDisplayName, Message
    @{ ExportedAt = $exportedAt; Events = @($events) } | ConvertTo-Json -Depth 3 | Out-File -FilePath .\writeback-events.json
    Test-WritebackEventLog -Path .\writeback-events.json

    Saves the writeback events as JSON on the Connect server (in either PowerShell edition),
    with the time the log was read, then analyses the file, for example on an administrator's
    workstation; the heartbeat is measured against that recorded time even after the file
    was copied.

    .EXAMPLE
    Test-WritebackEventLog -Path .\Application.evtx -Now '2026-11-25T14:30:00Z'

    Analyses an .evtx file that was exported on 25 November at 14:30 UTC and copied since,
    measuring the heartbeat against the time of the export instead of the copy's file time.

    .EXAMPLE
    if (-not (Test-WritebackEventLog -Since (Get-Date).AddHours(-1) -Quiet)) {
        Write-Warning -Message 'Password writeback logged failures or missed its heartbeat in the last hour; run Test-WritebackEventLog for details.'
    }

    Uses -Quiet in a monitoring script, which gets exactly one $true or $false.

    .EXAMPLE
    Test-WritebackEventLog | Where-Object -FilterScript { $_.Id -like 'EVT-HR-*' } | Select-Object -Property Target, Title, Remediation

    Lists the hr codes found in ADSync 6329 events, with their meaning and fix.

    .INPUTS
    None. You cannot pipe objects to Test-WritebackEventLog.

    .OUTPUTS
    WritebackDiagnostics.CheckResult
    One object per finding, with the properties Id, Check, Target, Status, Title, Message,
    Remediation, DocsUrl, Evidence and DurationMs.

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
        [datetime] $Since,

        [Parameter()]
        [ValidateRange(1, 2147483647)]
        [int] $MaxEvents,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter()]
        [datetime] $Now,

        [Parameter(ParameterSetName = 'Quiet')]
        [switch] $Quiet
    )

    $options = [ordered]@{}
    $exported = $null
    try {
        if ($PSBoundParameters.ContainsKey('Path')) {
            # The engine does not know the PowerShell location, so relative paths are resolved here.
            $options['Path'] = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
            if ($PSBoundParameters.ContainsKey('Since')) {
                $options['Since'] = $Since.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
            }
            if ($PSBoundParameters.ContainsKey('MaxEvents')) {
                $options['MaxEvents'] = $MaxEvents
            }
            if ($PSBoundParameters.ContainsKey('Now')) {
                $options['Now'] = $Now.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
            }
        } else {
            if (-not (Test-WbdWindowsPlatform)) {
                $record = New-WbdErrorRecord -ErrorId 'WbdNotSupported' -Category NotImplemented -Message 'Reading the live event log needs Windows (Get-WinEvent). On this platform, analyse an exported log with -Path (an .evtx file or Get-WinEvent JSON).' -TargetObject 'Application'
                $PSCmdlet.ThrowTerminatingError($record)
            }
            if (-not $PSBoundParameters.ContainsKey('Since')) {
                $Since = (Get-Date).AddDays(-7)
            }
            if (-not $PSBoundParameters.ContainsKey('MaxEvents')) {
                $MaxEvents = 100000
            }
            $exported = [System.IO.Path]::GetTempFileName()
            Write-Progress -Activity 'Reading the password writeback event log' -Status 'Reading the Application log' -PercentComplete 0
            $null = Export-WbdWritebackEvent -Path $exported -Since $Since -MaxEvents $MaxEvents
            $options['Path'] = $exported
            $options['Since'] = $Since.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
            # Events read now are measured against now (or the -Now given).
            if (-not $PSBoundParameters.ContainsKey('Now')) {
                $Now = [System.DateTime]::UtcNow
            }
            $options['Now'] = $Now.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        }

        $report = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'events' -Options $options -Activity 'Reading the password writeback event log'
    } finally {
        Remove-WbdTemporaryFile -Path $exported
    }

    if ($Quiet) {
        $problems = @($report.Results | Where-Object -FilterScript { $_.Status -eq 'Fail' -or $_.Status -eq 'Error' })
        return ($problems.Count -eq 0)
    }
    $report.Results | ConvertTo-WbdCheckResult
}
