<#
.SYNOPSIS
Runs the Pester suite in tests/pester against a built module folder and prints the counts.

.DESCRIPTION
Imports Pester 5, runs every *.Tests.ps1 under -TestPath against the module in -ModulePath
(passed to the tests as $env:WBD_MODULE_PATH), prints one line per skipped test with its
reason and a summary line with the passed, failed, skipped and not-run counts, and exits 1
when any test or block failed or when no test ran at all. Tests tagged 'Windows' need
Windows itself (the live registry, event log, ADSync or ActiveDirectory module); they skip
themselves elsewhere and say why.

.PARAMETER ModulePath
The module folder that scripts/build-module.sh or scripts/Build-Module.ps1 assembled.

.PARAMETER TestPath
The folder with the *.Tests.ps1 files. Defaults to tests/pester of this checkout.

.PARAMETER ResultPath
Where to write the NUnit XML result file. Nothing is written when it is not given.

.PARAMETER FullName
Runs only the tests whose full name matches one of these wildcard patterns.

.EXAMPLE
scripts/pwsh.sh -NoProfile -NonInteractive -File scripts/Invoke-PesterSuite.ps1 -ModulePath target/ci-module/WritebackDiagnostics

Runs the whole suite on Linux against the module folder that .ci/run assembles.

.EXAMPLE
./scripts/Invoke-PesterSuite.ps1 -ModulePath target/module/WritebackDiagnostics -FullName '*Ctrl+C*'

Runs only the Ctrl+C tests.
#>
[CmdletBinding()]
[OutputType([void])]
param (
    [Parameter(Mandatory = $true)]
    [string] $ModulePath,

    [string] $TestPath,

    [string] $ResultPath,

    [string[]] $FullName
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path -Path $PSScriptRoot -Parent
if (-not $TestPath) {
    $TestPath = [System.IO.Path]::Combine($repoRoot, 'tests', 'pester')
}
$resolvedModule = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ModulePath)
if (-not (Test-Path -LiteralPath ([System.IO.Path]::Combine($resolvedModule, 'WritebackDiagnostics.psd1')) -PathType Leaf)) {
    throw ('No WritebackDiagnostics.psd1 in {0}: build the module first (scripts/build-module.sh).' -f $resolvedModule)
}
$env:WBD_MODULE_PATH = $resolvedModule

Import-Module -Name Pester -MinimumVersion 5.5.0 -ErrorAction Stop
$pester = Get-Module -Name Pester
'PowerShell {0} ({1}) on {2}, Pester {3}, module {4}' -f $PSVersionTable.PSVersion, $PSVersionTable.PSEdition, [System.Environment]::OSVersion.Platform, $pester.Version, $resolvedModule

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($TestPath)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
if ($FullName) {
    $configuration.Filter.FullName = $FullName
}
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ResultPath)
}

$result = Invoke-Pester -Configuration $configuration

''
foreach ($test in @($result.Skipped)) {
    $reason = 'no reason given'
    if ($null -ne $test.ErrorRecord -and @($test.ErrorRecord).Count -gt 0) {
        $reason = (@($test.ErrorRecord)[0].Exception.Message -replace '^is skipped, because ', '')
    }
    'SKIPPED {0}: {1}' -f $test.ExpandedPath, $reason
}
$summary = 'Pester: {0} passed, {1} failed, {2} skipped, {3} not run; {4} failed blocks, {5} failed containers' -f $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount, $result.FailedBlocksCount, $result.FailedContainersCount
$summary
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0) {
    exit 1
}
if ($result.PassedCount -eq 0) {
    'Pester ran no test at all.'
    exit 1
}
$unexplained = @($result.Skipped | Where-Object -FilterScript { $null -eq $_.ErrorRecord -or @($_.ErrorRecord).Count -eq 0 })
if ($unexplained.Count -gt 0) {
    'Every skipped test must say why (Set-ItResult -Skipped -Because ...).'
    exit 1
}
exit 0
