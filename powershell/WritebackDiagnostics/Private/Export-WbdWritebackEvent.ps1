function Export-WbdWritebackEvent {
    <#
    .SYNOPSIS
    Writes this server's writeback events as Get-WinEvent JSON to a file the engine reads.

    .DESCRIPTION
    Reads the Application log with Get-WinEvent (providers PasswordResetService and ADSync by
    default, events since -Since, at most -MaxEvents, newest first) and writes, in UTF-8,
    {"ExportedAt": "<when the log was read, ISO 8601 UTC>", "ComputerName": "<this server>",
    "Events": [...]}, where Events holds what 'Select-Object Id, ProviderName, TimeCreated,
    Level, LevelDisplayName, Message | ConvertTo-Json' produces: flat objects. ExportedAt is
    taken just before the log is read, so no event after it can be missing from the file; the
    engine measures the heartbeat's age against it when no Now is given, also after the file
    was copied. The numeric Level goes beside LevelDisplayName, which Windows localises
    ("Fehler" on a German server), so the engine reads the severity the same way in every
    language. Events are converted and written one at a time through the pipeline, so a long
    log is never held in memory. No matching events writes an empty Events array. Returns the
    number of events written.

    .PARAMETER Path
    The file to write (it is overwritten).

    .PARAMETER Since
    The oldest event to export.

    .PARAMETER MaxEvents
    The largest number of events to export (the newest ones).

    .PARAMETER ProviderName
    The event providers to read.
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Path,

        [Parameter(Mandatory = $true)]
        [datetime] $Since,

        [Parameter(Mandatory = $true)]
        [int] $MaxEvents,

        [Parameter()]
        [string[]] $ProviderName = @('PasswordResetService', 'ADSync')
    )

    $filter = @{
        LogName      = 'Application'
        ProviderName = $ProviderName
        StartTime    = $Since
    }
    $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $Path, $false, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false)
    $count = 0
    $computerName = $env:COMPUTERNAME
    if (-not $computerName) {
        $computerName = [System.Environment]::MachineName
    }
    $exportedAt = [System.DateTime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
    try {
        $header = '{{"ExportedAt":{0},"ComputerName":{1},"Events":[' -f (ConvertTo-Json -InputObject $exportedAt), (ConvertTo-Json -InputObject $computerName)
        $writer.Write($header)
        Write-Verbose -Message ('Reading the Application log: providers {0}, since {1:o}, at most {2} events' -f ($ProviderName -join ', '), $Since, $MaxEvents)
        Get-WinEvent -FilterHashtable $filter -MaxEvents $MaxEvents -ErrorAction SilentlyContinue -ErrorVariable readErrors |
            ForEach-Object -Process {
                $entry = [ordered]@{
                    Id               = $_.Id
                    ProviderName     = $_.ProviderName
                    TimeCreated      = $_.TimeCreated
                    Level            = $_.Level
                    LevelDisplayName = $_.LevelDisplayName
                    Message          = $_.Message
                }
                if ($count -gt 0) {
                    $writer.Write(',')
                }
                $writer.WriteLine()
                $writer.Write((ConvertTo-Json -InputObject $entry -Compress -Depth 2))
                $count++
            }
        $writer.WriteLine()
        $writer.Write(']}')
    } finally {
        $writer.Dispose()
    }
    foreach ($problem in @($readErrors)) {
        # Get-WinEvent reports "no events were found" as an error; that is an empty log here.
        if ($problem.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') {
            Write-Warning -Message ('Reading the Application log: {0}' -f $problem.Exception.Message)
        }
    }
    Write-Verbose -Message ('Exported {0} events to {1}' -f $count, $Path)
    $count
}
