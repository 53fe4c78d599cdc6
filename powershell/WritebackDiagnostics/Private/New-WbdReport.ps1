function New-WbdReport {
    <#
    .SYNOPSIS
    Builds one engine-shaped Report object from CheckResult objects.

    .DESCRIPTION
    The report's fields are the engine's (Tool, Version, Command, StartedAt, DurationMs,
    Results, Summary), so the engine's report command and a support bundle's connectivity.json
    read it as they read the engine's own reports. Results are copied as plain objects with the
    ten CheckResult fields; Summary counts each of the five statuses. Command is the one suite
    or command given, 'all' for several.

    .PARAMETER Result
    The CheckResult objects (live, deserialized or read back from JSON).

    .PARAMETER Command
    The commands or suites the results came from.

    .PARAMETER StartedAt
    When the run started.

    .PARAMETER DurationMs
    How long the run took, in milliseconds.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Only builds an object in memory.')]
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowEmptyCollection()]
        [object[]] $Result,

        [Parameter()]
        [string[]] $Command = @(),

        [Parameter(Mandatory = $true)]
        [datetime] $StartedAt,

        [Parameter()]
        [long] $DurationMs = 0
    )

    $summary = [ordered]@{ Pass = 0; Warning = 0; Fail = 0; Skipped = 0; Error = 0 }
    $results = New-Object -TypeName 'System.Collections.Generic.List[object]'
    foreach ($item in $Result) {
        if ($null -eq $item) {
            continue
        }
        $status = [string]$item.Status
        if ($summary.Contains($status)) {
            $summary[$status] = $summary[$status] + 1
        }
        $evidence = $item.Evidence
        if ($null -eq $evidence) {
            $evidence = [PSCustomObject]@{}
        }
        $duration = [long]0
        if ($null -ne $item.DurationMs) {
            $duration = [long]$item.DurationMs
        }
        $results.Add([PSCustomObject][ordered]@{
                Id          = [string]$item.Id
                Check       = [string]$item.Check
                Target      = [string]$item.Target
                Status      = $status
                Title       = [string]$item.Title
                Message     = [string]$item.Message
                Remediation = [string]$item.Remediation
                DocsUrl     = [string]$item.DocsUrl
                Evidence    = $evidence
                DurationMs  = $duration
            })
    }
    $distinct = @($Command | Where-Object -FilterScript { $_ } | Select-Object -Unique)
    $name = 'all'
    if ($distinct.Count -eq 1) {
        $name = [string]$distinct[0]
    }
    $version = '0.0.0'
    if ($null -ne $MyInvocation.MyCommand.Module) {
        $version = [string]$MyInvocation.MyCommand.Module.Version
    }
    [PSCustomObject][ordered]@{
        Tool       = 'WritebackDiagnostics'
        Version    = $version
        Command    = $name
        StartedAt  = $StartedAt.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        DurationMs = [System.Math]::Max([long]0, $DurationMs)
        Results    = $results.ToArray()
        Summary    = [PSCustomObject]$summary
    }
}
