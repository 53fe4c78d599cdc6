function Invoke-WbdRequest {
    <#
    .SYNOPSIS
    Runs one engine request as a job and returns the report object.

    .DESCRIPTION
    Starts the request on the engine's worker thread, polls it (every 10 ms at first, four
    times a second after the first second) while showing Write-Progress, and cancels and
    frees the job in finally, so Ctrl+C (which runs finally blocks, not StopProcessing, in
    script functions) stops the probes at once.
    PipelineStoppedException passes through untouched. A failure to run becomes a terminating
    error of the calling public command, so its ErrorId reads 'WbdInvalidInput,<Command>'.

    .PARAMETER Cmdlet
    The $PSCmdlet of the public command, which reports errors.

    .PARAMETER Command
    The engine command, for example 'connectivity'.

    .PARAMETER Options
    The request's Options, in the engine's PascalCase names.

    .PARAMETER Activity
    The Write-Progress activity text.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $Command,

        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $Options,

        [Parameter(Mandatory = $true)]
        [string] $Activity
    )

    Initialize-WbdNative -Cmdlet $Cmdlet

    # Snapshots travel as files (SnapshotPath), so the options are shallow; the depth keeps any
    # nested value whole rather than turning it into its type name.
    $request = ConvertTo-Json -InputObject ([ordered]@{ Command = $Command; Options = $Options }) -Depth 32 -Compress
    # The options may hold a proxy URL with credentials or a token: only the redacted copy is
    # shown in the verbose stream or kept as the TargetObject of an error (and so in $Error).
    $safeOptions = Remove-WbdSecret -InputObject $Options
    $shown = ConvertTo-Json -InputObject $safeOptions -Depth 4 -Compress
    if ($shown.Length -gt 2000) {
        $shown = '{0}... ({1} characters)' -f $shown.Substring(0, 2000), $shown.Length
    }
    Write-Verbose -Message ('Engine request: {0} {1}' -f $Command, $shown)

    $job = [WritebackDiagnostics.Native]::JobStart($request)
    if ($job -eq 0) {
        $record = New-WbdErrorRecord -ErrorId 'WbdEngineError' -Category ResourceUnavailable -Message 'The diagnostics engine could not start a worker thread.' -TargetObject $safeOptions
        $Cmdlet.ThrowTerminatingError($record)
    }

    $poll = $null
    $failure = $null
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        while ($true) {
            $poll = ConvertFrom-WbdJson -Json ([WritebackDiagnostics.Native]::JobPoll($job))
            $state = $poll.PSObject.Properties['State']
            if ($null -eq $state -or $state.Value -ne 'Running') {
                break
            }
            $progress = $poll.PSObject.Properties['Progress']
            if ($null -ne $progress -and $null -ne $progress.Value) {
                $percent = [System.Math]::Max(0, [System.Math]::Min(100, [int]$progress.Value.Percent))
                $status = [string]$progress.Value.Activity
                if (-not $status) {
                    $status = 'Running'
                }
                Write-Progress -Activity $Activity -Status $status -PercentComplete $percent
            }
            # Short runs (a loopback probe takes milliseconds) are seen finished within about
            # 10 ms; long ones are polled four times a second, so a run of minutes costs about
            # as many polls as with a fixed 250 ms. A fixed 250 ms made every short call wait
            # one whole interval: scripts/bench-powershell.ps1 measured 248 ms of polling
            # overhead on a 20 ms loopback run, 29 ms with this schedule.
            $elapsed = $clock.ElapsedMilliseconds
            if ($elapsed -lt 200) {
                $interval = 10
            } elseif ($elapsed -lt 1000) {
                $interval = 50
            } else {
                $interval = 250
            }
            Start-Sleep -Milliseconds $interval
        }
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $failure = $_
    } finally {
        # Both are no-ops for a finished job; free alone would also cancel a running one.
        [WritebackDiagnostics.Native]::JobCancel($job)
        [WritebackDiagnostics.Native]::JobFree($job)
        Write-Progress -Activity $Activity -Completed
    }

    if ($null -ne $failure) {
        $message = 'Talking to the diagnostics engine failed: {0}' -f $failure.Exception.Message
        $record = New-WbdErrorRecord -ErrorId 'WbdEngineError' -Message $message -TargetObject $safeOptions -InnerException $failure.Exception
        $Cmdlet.ThrowTerminatingError($record)
    }

    if ($poll.Ok -eq $true) {
        return $poll.Report
    }

    $code = 'Internal'
    $reason = 'the engine returned neither a report nor an error'
    $errorBody = $poll.PSObject.Properties['Error']
    if ($null -ne $errorBody -and $null -ne $errorBody.Value) {
        $code = [string]$errorBody.Value.Code
        $reason = [string]$errorBody.Value.Message
    }
    $message = 'The diagnostics engine did not run the {0} checks: {1} ({2}).' -f $Command, $reason, $code
    $record = New-WbdErrorRecord -Code $code -Message $message -TargetObject $safeOptions
    $Cmdlet.ThrowTerminatingError($record)
}
