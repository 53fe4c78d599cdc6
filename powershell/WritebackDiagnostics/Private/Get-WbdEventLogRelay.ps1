function Get-WbdEventLogRelay {
    <#
    .SYNOPSIS
    Reads the recent PasswordResetService events that name the tenant's relay namespaces.

    .DESCRIPTION
    Microsoft's troubleshooting page has admins read the tenant's Service Bus namespace from
    event 31019 or 31034 in the Connect server's Application log. This reads the newest
    PasswordResetService events 31019, 31034 and 32002 of the last -Days days (at most
    -MaxEvents, with one Get-WinEvent call on the local log) and returns them for the
    engine's LiveEventLog option, uninterpreted: an ordered dictionary with State (Read,
    AccessDenied or Failed), Error (the reader's message, or $null), Since, MaxEvents and
    Events, each event as Id, TimeCreated (ISO 8601, UTC) and Message. The engine finds the
    namespaces in the texts. An event whose message cannot be rendered passes its event data
    strings, one a line, as the engine reads an .evtx record.

    "No events were found" (FullyQualifiedErrorId NoMatchingEventsFound) is an empty log.
    When the PasswordResetService provider is not registered (NoMatchingProvidersFound, or
    LogsAndProvidersDontOverlap once the provider is gone from the Application log) this is
    not a Connect server with writeback set up: the function says so in the verbose stream
    and returns $null, so that nothing about the log is reported.

    .PARAMETER Days
    How many days back to read.

    .PARAMETER MaxEvents
    The largest number of events to read (the newest ones).
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter()]
        [ValidateRange(1, 365)]
        [int] $Days = 7,

        [Parameter()]
        [ValidateRange(1, 1000)]
        [int] $MaxEvents = 200
    )

    $since = (Get-Date).AddDays(-$Days)
    $filter = @{
        LogName      = 'Application'
        ProviderName = 'PasswordResetService'
        Id           = @(31019, 31034, 32002)
        StartTime    = $since
    }
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    $events = New-Object -TypeName System.Collections.ArrayList
    $readErrors = @()
    Write-Verbose -Message ('Reading the tenant''s relay namespaces from the Application log: PasswordResetService events 31019, 31034 and 32002 since {0:o}, at most {1}' -f $since, $MaxEvents)
    try {
        Get-WinEvent -FilterHashtable $filter -MaxEvents $MaxEvents -ErrorAction SilentlyContinue -ErrorVariable readErrors |
            ForEach-Object -Process {
                $record = $_
                $message = $record.Message
                $data = $record.PSObject.Properties['Properties']
                if (-not $message -and $null -ne $data -and $null -ne $data.Value) {
                    $message = @($data.Value | ForEach-Object -Process { [string]$_.Value }) -join "`n"
                }
                $created = $record.TimeCreated
                if ($created -is [datetime]) {
                    $created = $created.ToUniversalTime().ToString('o', $invariant)
                }
                $null = $events.Add([ordered]@{
                        Id          = [int]$record.Id
                        TimeCreated = $created
                        Message     = [string]$message
                    })
            }
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $readErrors = @($readErrors) + @($_)
    }

    # The error ids come from Get-WinEvent's source (PowerShell/PowerShell,
    # src/Microsoft.PowerShell.Commands.Diagnostics/GetEventCommand.cs, read 2026-12-02): no
    # matching events is NoMatchingEventsFound; an unregistered provider NoMatchingProvidersFound,
    # followed by LogsAndProvidersDontOverlap because LogName is given too.
    $state = 'Read'
    $reason = $null
    $noProvider = $false
    foreach ($problem in @($readErrors)) {
        if ($null -eq $problem) {
            continue
        }
        $errorId = [string]$problem.FullyQualifiedErrorId
        if ($errorId -like 'NoMatchingEventsFound*') {
            continue
        }
        if ($errorId -like 'NoMatchingProvidersFound*' -or $errorId -like 'LogsAndProvidersDontOverlap*') {
            $noProvider = $true
            continue
        }
        if ($problem.Exception -is [System.UnauthorizedAccessException] -or $errorId -like '*UnauthorizedAccess*' -or $problem.CategoryInfo.Category -eq [System.Management.Automation.ErrorCategory]::PermissionDenied) {
            $state = 'AccessDenied'
        } elseif ($state -eq 'Read') {
            $state = 'Failed'
        }
        if (-not $reason) {
            $reason = $problem.Exception.Message
        }
    }
    if ($noProvider -and $state -eq 'Read' -and $events.Count -eq 0) {
        Write-Verbose -Message 'The PasswordResetService event provider is not registered here, so this is not an Entra Connect server with password writeback set up; no relay namespaces are read from the log'
        return $null
    }
    Write-Verbose -Message ('Application log: {0}, {1} event(s) passed to the engine' -f $state, $events.Count)
    [ordered]@{
        State     = $state
        Error     = $reason
        Since     = $since.ToUniversalTime().ToString('o', $invariant)
        MaxEvents = $MaxEvents
        Events    = $events.ToArray()
    }
}
