# Dot-sourced by every *.Tests.ps1 (in BeforeDiscovery and BeforeAll): where the module under
# test is. That is $env:WBD_MODULE_PATH when set (scripts/Invoke-PesterSuite.ps1 sets it), else
# the folder scripts/Build-Module.ps1 and scripts/build-module.sh write by default.
function Get-TestModulePath {
    if ($env:WBD_MODULE_PATH) {
        return $env:WBD_MODULE_PATH
    }
    $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    [System.IO.Path]::Combine($repoRoot, 'target', 'module', 'WritebackDiagnostics')
}
