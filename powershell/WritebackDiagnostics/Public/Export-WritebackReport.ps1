function Export-WritebackReport {
    <#
    .SYNOPSIS
    Writes password writeback diagnostic results as one self-contained HTML report.

    .DESCRIPTION
    Export-WritebackReport collects the WritebackDiagnostics.CheckResult objects piped to it
    (from any Test-Writeback* command or Invoke-WritebackDiagnostic, live, deserialized from
    Invoke-Command or read back with ConvertFrom-Json), builds one report from them (Tool,
    Version, Command, StartedAt, DurationMs, Results and the Summary counts) and has the
    diagnostics engine write it as a single HTML file with no external resources, which can be
    attached to a support case or opened offline. The engine writes the verdict texts; this
    command only passes the results on.

    Without pipeline input it runs Invoke-WritebackDiagnostic itself (with -Suite or -Bundle
    when given) and reports what it returns.

    The report names the computer it was written on ($env:COMPUTERNAME, or the host name
    elsewhere). The command returns the FileInfo of the file; with -PassThru the results are
    passed on as well, as they arrive. An existing file is overwritten. A path that is a
    folder, or whose folder does not exist, is a terminating error (ErrorId WbdInvalidInput).

    .PARAMETER Path
    The HTML file to write. Taken literally (no wildcards); a relative path is resolved against
    the current PowerShell location.

    .PARAMETER InputObject
    The CheckResult objects to report, usually from the pipeline.

    .PARAMETER Suite
    Without pipeline input: the suites Invoke-WritebackDiagnostic runs (default all four).

    .PARAMETER Bundle
    Without pipeline input: a support bundle for Invoke-WritebackDiagnostic -Bundle to evaluate
    instead of collecting on this computer.

    .PARAMETER PassThru
    Also writes the results to the pipeline, before the FileInfo.

    .EXAMPLE
    Invoke-WritebackDiagnostic | Export-WritebackReport -Path .\writeback-report.html

    Runs every suite on the Connect server and writes the results as one HTML report.

    .EXAMPLE
    Export-WritebackReport -Path .\connectivity.html -Suite connectivity -PassThru | Where-Object -FilterScript { $_.Status -eq 'Fail' }

    Runs only the connectivity suite, writes the report and shows the failures at once.

    .EXAMPLE
    Invoke-Command -ComputerName SYNC01, SYNC02 -ScriptBlock { Invoke-WritebackDiagnostic } | Export-WritebackReport -Path .\fleet.html

    Writes one report of the results of two Connect servers, gathered through remoting.

    .INPUTS
    WritebackDiagnostics.CheckResult
    The results to report.

    .OUTPUTS
    System.IO.FileInfo
    The HTML file written.

    WritebackDiagnostics.CheckResult
    With -PassThru, the results that were reported.

    .LINK
    Invoke-WritebackDiagnostic

    .LINK
    about_WritebackDiagnostics
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    [OutputType('WritebackDiagnostics.CheckResult')]
    param (
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(ValueFromPipeline = $true)]
        [psobject] $InputObject,

        [Parameter()]
        [ValidateSet('prerequisites', 'permissions', 'events', 'connectivity')]
        [string[]] $Suite,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Bundle,

        [Parameter()]
        [switch] $PassThru
    )

    begin {
        $startedAt = [System.DateTime]::UtcNow
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $collected = New-Object -TypeName 'System.Collections.Generic.List[object]'
        # Taken literally, like -LiteralPath; the engine does not know the PowerShell location.
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        if ([System.IO.Directory]::Exists($file)) {
            $message = '-Path ''{0}'' is a folder. Give the name of the HTML file to write, for example {1}.' -f $file, [System.IO.Path]::Combine($file, 'writeback-report.html')
            $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $file))
        }
        $folder = [System.IO.Path]::GetDirectoryName($file)
        if ($folder -and -not [System.IO.Directory]::Exists($folder)) {
            $message = 'The folder of -Path ''{0}'' does not exist. Create it first or choose another path.' -f $file
            $PSCmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $file))
        }
    }

    process {
        if ($null -ne $InputObject) {
            $collected.Add($InputObject)
            if ($PassThru) {
                $InputObject
            }
        }
    }

    end {
        if (-not $MyInvocation.ExpectingInput) {
            $run = @{}
            if ($PSBoundParameters.ContainsKey('Suite')) {
                $run['Suite'] = $Suite
            }
            if ($PSBoundParameters.ContainsKey('Bundle')) {
                $run['Bundle'] = $Bundle
            }
            foreach ($result in @(Invoke-WritebackDiagnostic @run)) {
                $collected.Add($result)
                if ($PassThru) {
                    $result
                }
            }
        }
        $clock.Stop()

        # The suites behind the results, from Evidence.Suite or the Id's prefix.
        $prefixes = @{ PRE = 'prerequisites'; PERM = 'permissions'; EVT = 'events'; CONN = 'connectivity'; USER = 'user' }
        $suites = @(foreach ($result in $collected) {
                $evidence = $result.Evidence
                if ($null -ne $evidence -and $null -ne $evidence.PSObject.Properties['Suite'] -and $evidence.Suite) {
                    [string]$evidence.Suite
                } else {
                    $prefix = ([string]$result.Id).Split('-')[0]
                    if ($prefixes.ContainsKey($prefix)) {
                        $prefixes[$prefix]
                    }
                }
            })
        $report = New-WbdReport -Result $collected.ToArray() -Command $suites -StartedAt $startedAt -DurationMs $clock.ElapsedMilliseconds

        $computerName = $env:COMPUTERNAME
        if (-not $computerName) {
            $computerName = [System.Net.Dns]::GetHostName()
        }
        # Through a file, so that a large report is not capped by the request size.
        $reportFile = $null
        try {
            $reportFile = Save-WbdSnapshotFile -InputObject $report
            $options = [ordered]@{
                ReportPath   = $reportFile
                Path         = $file
                ComputerName = $computerName
                GeneratedAt  = [System.DateTime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
            }
            $null = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'report' -Options $options -Activity 'Writing the writeback report'
        } finally {
            Remove-WbdTemporaryFile -Path $reportFile
        }
        Get-Item -LiteralPath $file
    }
}
