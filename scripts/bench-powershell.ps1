<#
.SYNOPSIS
Measures what the PowerShell module adds to the engine: import, first call, later calls and
polling of Test-WritebackConnectivity, against the wbdiag CLI on the same loopback endpoints.

.DESCRIPTION
Issue 14, speed item 5. Each round starts the loopback servers of examples/loopback_servers.rs
(as tests/pester/Connectivity.Live.Tests.ps1 does) and runs against their trusted TLS server:

- the CLI, wbdiag connectivity --endpoint <it> --no-default-endpoints --ca-file <CA>, as a
  process, timed from start to exit;
- a fresh child PowerShell per shim mode (the precompiled Native/WbdNative.dll, and a copy of
  the module without it, which compiles Native/WbdNative.cs with Add-Type at first use) that
  times Import-Module, the first Test-WritebackConnectivity call (shim load or compile, engine
  bind, first run) and the later calls of the same session;
- in the precompiled child only, the engine job alone (wbd_job_start, then wbd_job_poll every
  millisecond until it is done), Invoke-WbdRequest on the same options (the module's poll loop,
  including parsing the final report) and the parse of that report on its own, whose
  difference is the polling overhead: the time between the job finishing and the loop seeing it.

The module's added cost per later call is the median later call minus the CLI median; the
issue's target is under 100 ms. The ratio (module later call / CLI) is printed last. Times are
wall-clock medians and drift with machine load; the ratio and differences are what to watch.

-Quick is a smoke round (one round, two calls each) that prints the same lines; the Pester test
tests/pester/BenchPowerShell.Tests.ps1 runs it and checks the lines, not the times.

.PARAMETER ModulePath
The module folder scripts/build-module.sh assembled (with Native/WbdNative.dll for the
precompiled measurement; without it, that mode is reported as missing).

.PARAMETER CliPath
The wbdiag executable. Defaults to target/release/wbdiag of this checkout, or target/debug/wbdiag
when there is no release build.

.PARAMETER LoopbackServersPath
The loopback_servers example. Defaults to $env:WBD_LOOPBACK_SERVERS, else
target/debug/examples/loopback_servers, else target/release/examples/loopback_servers.

.PARAMETER Rounds
Rounds (fresh servers, fresh child sessions). Default 3; -Quick makes it 1.

.PARAMETER Calls
Later calls per child session and CLI runs per round. Default 10; -Quick makes it 2.

.PARAMETER Quick
A smoke round: one round, two calls.

.EXAMPLE
scripts/pwsh.sh -NoProfile -NonInteractive -File scripts/bench-powershell.ps1 -ModulePath target/module/WritebackDiagnostics

Measures the release module that scripts/build-module.sh wrote, against target/release/wbdiag.
#>
[CmdletBinding()]
[OutputType([void])]
param (
    [Parameter(Mandatory = $true)]
    [string] $ModulePath,

    [Parameter()]
    [string] $CliPath,

    [Parameter()]
    [string] $LoopbackServersPath,

    [Parameter()]
    [ValidateRange(1, 20)]
    [int] $Rounds = 3,

    [Parameter()]
    [ValidateRange(1, 100)]
    [int] $Calls = 10,

    [Parameter()]
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Path $PSScriptRoot -Parent
$onWindows = [System.IO.Path]::DirectorySeparatorChar -eq '\'
$exe = ''
if ($onWindows) {
    $exe = '.exe'
}
if ($Quick) {
    $Rounds = 1
    $Calls = 2
}

$modulePathFull = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ModulePath)
$manifest = [System.IO.Path]::Combine($modulePathFull, 'WritebackDiagnostics.psd1')
if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
    throw ('No WritebackDiagnostics.psd1 in {0}: build the module first (scripts/build-module.sh).' -f $modulePathFull)
}
if (-not $CliPath) {
    $CliPath = [System.IO.Path]::Combine($repoRoot, 'target', 'release', 'wbdiag' + $exe)
    if (-not (Test-Path -LiteralPath $CliPath -PathType Leaf)) {
        $CliPath = [System.IO.Path]::Combine($repoRoot, 'target', 'debug', 'wbdiag' + $exe)
    }
}
if (-not (Test-Path -LiteralPath $CliPath -PathType Leaf)) {
    throw ('The wbdiag CLI is missing: no file at {0}. Build it with "cargo build --release --bins".' -f $CliPath)
}
if (-not $LoopbackServersPath) {
    $LoopbackServersPath = $env:WBD_LOOPBACK_SERVERS
}
if (-not $LoopbackServersPath) {
    $LoopbackServersPath = [System.IO.Path]::Combine($repoRoot, 'target', 'debug', 'examples', 'loopback_servers' + $exe)
    if (-not (Test-Path -LiteralPath $LoopbackServersPath -PathType Leaf)) {
        $LoopbackServersPath = [System.IO.Path]::Combine($repoRoot, 'target', 'release', 'examples', 'loopback_servers' + $exe)
    }
}
if (-not (Test-Path -LiteralPath $LoopbackServersPath -PathType Leaf)) {
    throw ('The loopback server program is missing: no file at {0}. Build it with "cargo build --examples".' -f $LoopbackServersPath)
}

function Get-Median {
    param ([double[]] $Value)
    $sorted = @($Value | Sort-Object)
    if ($sorted.Count -eq 0) {
        return [double]::NaN
    }
    return [double]$sorted[[int][System.Math]::Floor($sorted.Count / 2)]
}

function Format-Ms {
    param ([double] $Value)
    $Value.ToString('0.0', [System.Globalization.CultureInfo]::InvariantCulture)
}

function Start-LoopbackServer {
    # Starts the helper and returns the process and its first line (the endpoints), read within
    # 30 s: certificates, two tinyproxy processes and the servers start within a few seconds.
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $LoopbackServersPath
    $startInfo.WorkingDirectory = $repoRoot
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $stderr = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(30000) -or $null -eq $line.Result) {
        Stop-LoopbackServer -Server ([PSCustomObject]@{ Process = $process })
        throw ('The loopback server program printed no endpoints within 30 s. Its stderr: {0}' -f $(if ($stderr.Wait(2000)) { $stderr.Result } else { '(still running)' }))
    }
    [PSCustomObject]@{ Process = $process; Endpoints = (ConvertFrom-Json -InputObject $line.Result); Stderr = $stderr }
}

function Stop-LoopbackServer {
    # EOF on stdin ends the helper; it is killed if it has not gone within 10 s.
    param ([object] $Server)
    $process = $Server.Process
    try {
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(10000)) {
            $process.Kill()
            $null = $process.WaitForExit(5000)
        }
    } finally {
        $process.Dispose()
    }
}

function Measure-Cli {
    # One CLI run, timed from process start to exit (deadline 60 s); returns milliseconds.
    param ([string] $Endpoint, [string] $CaFile)
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $CliPath
    $startInfo.Arguments = 'connectivity --endpoint "{0}" --no-default-endpoints --ca-file "{1}" --timeout-ms 2000 --json' -f $Endpoint, $CaFile
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(60000)) {
            $process.Kill()
            throw 'wbdiag connectivity did not finish within 60 s.'
        }
        $process.WaitForExit()
        $elapsed = $clock.Elapsed.TotalMilliseconds
        $report = ConvertFrom-Json -InputObject $stdout.Result
        if (@($report.Results).Count -eq 0) {
            throw ('wbdiag connectivity printed no results (exit code {0}): {1}' -f $process.ExitCode, $stderr.Result)
        }
        return $elapsed
    } finally {
        $process.Dispose()
    }
}

# The child session's script: {0} manifest, {1} endpoint, {2} CA file, {3} later calls, {4}
# whether to measure polling. It prints one line, WBDBENCH <json>.
$childTemplate = @'
$ErrorActionPreference = 'Stop'
$endpoint = '{1}'
$caFile = '{2}'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module -Name '{0}'
$import = $clock.Elapsed.TotalMilliseconds
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$results = @(Test-WritebackConnectivity -Endpoint $endpoint -NoDefaultEndpoint -NoProxy -CaFile $caFile -TimeoutSeconds 2)
$first = $clock.Elapsed.TotalMilliseconds
if ($results.Count -eq 0) {{ throw 'Test-WritebackConnectivity returned no results' }}
$later = @()
for ($i = 0; $i -lt {3}; $i++) {{
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $null = @(Test-WritebackConnectivity -Endpoint $endpoint -NoDefaultEndpoint -NoProxy -CaFile $caFile -TimeoutSeconds 2)
    $later += $clock.Elapsed.TotalMilliseconds
}}
$location = [WritebackDiagnostics.Native].Assembly.Location
$engine = @()
$invoke = @()
$parse = @()
if ({4}) {{
    $module = Get-Module -Name WritebackDiagnostics
    $options = [ordered]@{{ Cloud = 'public'; TimeoutMs = 2000; Endpoints = @($endpoint); NoDefaultEndpoints = $true; CaFile = $caFile }}
    $request = ConvertTo-Json -InputObject ([ordered]@{{ Command = 'connectivity'; Options = $options }}) -Depth 32 -Compress
    for ($i = 0; $i -lt {3}; $i++) {{
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $job = [WritebackDiagnostics.Native]::JobStart($request)
        try {{
            $text = $null
            for ($poll = 0; $poll -lt 10000000; $poll++) {{
                $text = [WritebackDiagnostics.Native]::JobPoll($job)
                if ($text -notmatch '"State":"Running"' -or $clock.ElapsedMilliseconds -gt 30000) {{ break }}
                [System.Threading.Thread]::Sleep(1)
            }}
            $engine += $clock.Elapsed.TotalMilliseconds
        }} finally {{
            [WritebackDiagnostics.Native]::JobFree($job)
        }}
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $null = & $module {{ param ($Json) ConvertFrom-WbdJson -Json $Json }} $text
        $parse += $clock.Elapsed.TotalMilliseconds
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $null = & $module {{
            param ($Options)
            function Invoke-BenchRequest {{
                [CmdletBinding()]
                param ($Options)
                Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'connectivity' -Options $Options -Activity 'bench-powershell'
            }}
            Invoke-BenchRequest -Options $Options
        }} $options
        $invoke += $clock.Elapsed.TotalMilliseconds
    }}
}}
'WBDBENCH ' + (ConvertTo-Json -Compress -InputObject ([ordered]@{{ Import = $import; First = $first; Later = $later; Shim = $location; Engine = $engine; Invoke = $invoke; Parse = $parse }}))
'@

function Invoke-Child {
    # Runs the child script in a fresh process of this PowerShell (deadline 180 s); returns its
    # WBDBENCH object.
    param ([string] $Manifest, [object] $Endpoints, [bool] $MeasurePolling)
    $quote = { param ($Text) ([string]$Text).Replace("'", "''") }
    $polling = '$false'
    if ($MeasurePolling) {
        $polling = '$true'
    }
    $script = $childTemplate -f (& $quote $Manifest), (& $quote $Endpoints.Good), (& $quote $Endpoints.CaFile), $Calls, $polling
    $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = (Get-Process -Id $PID).Path
    $startInfo.Arguments = '-NoProfile -NonInteractive -EncodedCommand ' + $encoded
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) {
            $process.Kill()
            throw 'The child PowerShell did not finish within 180 s.'
        }
        $process.WaitForExit()
        $line = @(([string]$stdout.Result) -split "`r?`n" | Where-Object -FilterScript { $_.StartsWith('WBDBENCH ') })
        if ($process.ExitCode -ne 0 -or $line.Count -ne 1) {
            throw ('The child PowerShell failed (exit code {0}). stdout: {1} stderr: {2}' -f $process.ExitCode, $stdout.Result, $stderr.Result)
        }
        return (ConvertFrom-Json -InputObject $line[0].Substring(9))
    } finally {
        $process.Dispose()
    }
}

# The Add-Type mode runs on a copy of the module without the precompiled shim.
$precompiled = [System.IO.Path]::Combine($modulePathFull, 'Native', 'WbdNative.dll')
$hasDll = Test-Path -LiteralPath $precompiled -PathType Leaf
$copyRoot = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-bench-{0}' -f [guid]::NewGuid().ToString('N')))
$sourceModule = [System.IO.Path]::Combine($copyRoot, 'WritebackDiagnostics')
$null = New-Item -Path $copyRoot -ItemType Directory
try {
    Copy-Item -LiteralPath $modulePathFull -Destination $sourceModule -Recurse
    Remove-Item -LiteralPath ([System.IO.Path]::Combine($sourceModule, 'Native', 'WbdNative.dll')) -ErrorAction SilentlyContinue
    $sourceManifest = [System.IO.Path]::Combine($sourceModule, 'WritebackDiagnostics.psd1')

    $cli = @()
    $byMode = @{ dll = @(); source = @() }
    for ($round = 0; $round -lt $Rounds; $round++) {
        $server = Start-LoopbackServer
        try {
            for ($i = 0; $i -lt $Calls; $i++) {
                $cli += Measure-Cli -Endpoint $server.Endpoints.Good -CaFile $server.Endpoints.CaFile
            }
            # The order alternates, so that neither mode always runs first (on cold caches).
            if ($round % 2 -eq 1) {
                $byMode.source += Invoke-Child -Manifest $sourceManifest -Endpoints $server.Endpoints -MeasurePolling (-not $hasDll)
            }
            if ($hasDll) {
                $byMode.dll += Invoke-Child -Manifest $manifest -Endpoints $server.Endpoints -MeasurePolling $true
            }
            if ($round % 2 -eq 0) {
                $byMode.source += Invoke-Child -Manifest $sourceManifest -Endpoints $server.Endpoints -MeasurePolling (-not $hasDll)
            }
        } finally {
            Stop-LoopbackServer -Server $server
        }
    }
} finally {
    Remove-Item -LiteralPath $copyRoot -Recurse -Force -ErrorAction SilentlyContinue
}

$cliMedian = Get-Median -Value $cli
Write-Output ('bench-powershell: Test-WritebackConnectivity vs wbdiag connectivity on one loopback TLS endpoint; {0} round(s), {1} call(s) each; PowerShell {2}; CLI {3}' -f $Rounds, $Calls, $PSVersionTable.PSVersion, $CliPath)
Write-Output 'note: import only dot-sources the module; the shim is loaded (or compiled) and the engine bound at the first call'
Write-Output ('cli: wbdiag connectivity median {0} ms ({1} runs, process start to exit)' -f (Format-Ms $cliMedian), $cli.Count)
$modes = @(@{ Key = 'dll'; Name = 'precompiled shim' }, @{ Key = 'source'; Name = 'Add-Type compile' })
$summary = @{}
foreach ($mode in $modes) {
    $runs = @($byMode[$mode.Key])
    if ($runs.Count -eq 0) {
        Write-Output ('import ({0}): not measured, no Native/WbdNative.dll in {1}' -f $mode.Name, $modulePathFull)
        continue
    }
    $later = @()
    foreach ($run in $runs) {
        $later += @($run.Later)
    }
    $summary[$mode.Key] = @{
        Import = (Get-Median -Value @($runs | ForEach-Object -Process { [double]$_.Import }))
        First  = (Get-Median -Value @($runs | ForEach-Object -Process { [double]$_.First }))
        Later  = (Get-Median -Value $later)
        Shim   = [string]$runs[0].Shim
    }
    $shimText = $summary[$mode.Key].Shim
    if (-not $shimText) {
        $shimText = 'compiled in memory'
    }
    Write-Output ('import ({0}): median {1} ms (fresh child session each)' -f $mode.Name, (Format-Ms $summary[$mode.Key].Import))
    Write-Output ('first call ({0}): median {1} ms (shim: {2})' -f $mode.Name, (Format-Ms $summary[$mode.Key].First), $shimText)
    Write-Output ('later calls ({0}): median {1} ms ({2} calls)' -f $mode.Name, (Format-Ms $summary[$mode.Key].Later), $later.Count)
}
if ($summary.ContainsKey('dll') -and $summary.ContainsKey('source')) {
    Write-Output ('shim compile at first use: {0} ms (first call with Add-Type minus first call with the precompiled shim)' -f (Format-Ms ($summary.source.First - $summary.dll.First)))
}

$pollKey = 'source'
if ($hasDll) {
    $pollKey = 'dll'
}
$engine = @()
$invoke = @()
$parse = @()
foreach ($run in @($byMode[$pollKey])) {
    $engine += @($run.Engine)
    $invoke += @($run.Invoke)
    $parse += @($run.Parse)
}
$engineMedian = Get-Median -Value $engine
$invokeMedian = Get-Median -Value $invoke
$parseMedian = Get-Median -Value $parse
Write-Output ('engine job alone (wbd_job_start, wbd_job_poll every 1 ms): median {0} ms' -f (Format-Ms $engineMedian))
Write-Output ('Invoke-WbdRequest (the module''s poll loop and report parse): median {0} ms; report parse alone {1} ms' -f (Format-Ms $invokeMedian), (Format-Ms $parseMedian))
Write-Output ('polling overhead (Invoke-WbdRequest - engine job - report parse): {0} ms; the loop sleeps 10 ms for the first 200 ms, 50 ms to 1 s, then 250 ms' -f (Format-Ms ($invokeMedian - $engineMedian - $parseMedian)))
$laterMedian = $summary[$pollKey].Later
Write-Output ('module added cost per later call (module - CLI): {0} ms (target: under 100 ms)' -f (Format-Ms ($laterMedian - $cliMedian)))
Write-Output ('ratio (module later call / CLI): {0}' -f ($laterMedian / [System.Math]::Max($cliMedian, 0.001)).ToString('0.00', [System.Globalization.CultureInfo]::InvariantCulture))
