# Dot-sourced by the *.Tests.ps1 files (in BeforeDiscovery and BeforeAll): what several of them
# need. Must stay Windows PowerShell 5.1 syntax, like the tests themselves.

function Get-TestModulePath {
    # The module under test: $env:WBD_MODULE_PATH when set (scripts/Invoke-PesterSuite.ps1
    # sets it), else the folder scripts/Build-Module.ps1 and scripts/build-module.sh write.
    if ($env:WBD_MODULE_PATH) {
        return $env:WBD_MODULE_PATH
    }
    $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    [System.IO.Path]::Combine($repoRoot, 'target', 'module', 'WritebackDiagnostics')
}

function Add-TestStub {
    # Pester mocks only commands that exist. Each command in $Stub (name -> param block) that
    # this session lacks (a Windows-only built-in, ADSync, ActiveDirectory, Microsoft Graph)
    # becomes a global function with those parameters that throws unless mocked. Returns the
    # names created, for Remove-TestStub. Pester reuses what it learnt about a mocked command's
    # parameters for later test files of the same run, so every file must give a command the
    # same parameters (all the collector passes anywhere, -Credential included).
    param ([System.Collections.IDictionary] $Stub)
    foreach ($name in $Stub.Keys) {
        if (-not (Get-Command -Name $name -ErrorAction SilentlyContinue)) {
            $body = '[CmdletBinding()]{0}{1}{0}throw ''{2} is a test stub and was called without a mock''' -f [System.Environment]::NewLine, $Stub[$name], $name
            Set-Item -Path ('function:global:{0}' -f $name) -Value ([scriptblock]::Create($body))
            $name
        }
    }
}

function Remove-TestStub {
    param ([string[]] $Name)
    foreach ($one in @($Name)) {
        Remove-Item -Path ('function:global:{0}' -f $one) -ErrorAction SilentlyContinue
    }
}

function Enter-TestTempDirectory {
    # Points TMPDIR, TMP and TEMP of this process at a new empty folder, so that a test can see
    # every temporary file the module creates and none of anyone else's. Returns what
    # Exit-TestTempDirectory needs to put them back.
    $path = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-test-{0}' -f [guid]::NewGuid().ToString('N')))
    $null = New-Item -ItemType Directory -Path $path
    $saved = @{}
    foreach ($variable in @('TMPDIR', 'TMP', 'TEMP')) {
        $saved[$variable] = [System.Environment]::GetEnvironmentVariable($variable)
        [System.Environment]::SetEnvironmentVariable($variable, $path)
    }
    [PSCustomObject]@{ Path = $path; Saved = $saved }
}

function Exit-TestTempDirectory {
    param ([object] $State)
    foreach ($variable in $State.Saved.Keys) {
        [System.Environment]::SetEnvironmentVariable($variable, $State.Saved[$variable])
    }
    Remove-Item -LiteralPath $State.Path -Recurse -Force -ErrorAction SilentlyContinue
}

function Copy-TestEventExport {
    # Copies the exported event log $Path into the folder $Destination and sets the copy's
    # last-write time to its newest event, as for an export written at once: without -Now the
    # engine measures the heartbeat against that time (a checked-out fixture's own file time
    # is the checkout's). The newest event comes from the engine's EVT-READ. Returns the path.
    param ([string] $Path, [string] $Destination)
    $copy = [System.IO.Path]::Combine($Destination, [System.IO.Path]::GetFileName($Path))
    Copy-Item -LiteralPath $Path -Destination $copy -Force
    $read = Test-WritebackEventLog -Path $copy | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }
    if ($read.Evidence.Newest) {
        $newest = [System.DateTimeOffset]::Parse([string]$read.Evidence.Newest, [System.Globalization.CultureInfo]::InvariantCulture)
        (Get-Item -LiteralPath $copy).LastWriteTimeUtc = $newest.UtcDateTime
    }
    $copy
}

function Invoke-TestChildPowerShell {
    # Runs PowerShell code in a fresh process of this same PowerShell, non-interactive, with its
    # stdin closed and a deadline after which it is killed (how runbooks and CI start it).
    param (
        [Parameter(Mandatory = $true)] [string] $Command,
        [int] $TimeoutSeconds = 90
    )
    $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($Command))
    $start = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $start.FileName = (Get-Process -Id $PID).Path
    $start.Arguments = '-NoProfile -NonInteractive -EncodedCommand ' + $encoded
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.CreateNoWindow = $true
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $timedOut = -not $process.WaitForExit($TimeoutSeconds * 1000)
        if ($timedOut) {
            $process.Kill()
            $null = $process.WaitForExit(5000)
        } else {
            # The parameterless overload waits for the redirected streams to be read to the end.
            $process.WaitForExit()
        }
        [PSCustomObject]@{
            TimedOut = $timedOut
            ExitCode = $(if ($timedOut) { $null } else { $process.ExitCode })
            StdOut   = $stdout.Result
            StdErr   = $stderr.Result
        }
    } finally {
        $process.Dispose()
    }
}
