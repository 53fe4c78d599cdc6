function Test-WbdSuiteInput {
    <#
    .SYNOPSIS
    Tells whether this computer can give a diagnostic suite its live input, and if not, why.

    .DESCRIPTION
    Invoke-WritebackDiagnostic asks this for every suite that has no offline input (-Path,
    -EventsPath, -Server). Returns $null when the suite can collect here, else one sentence
    saying what is missing (for the verbose stream); the engine's all command then writes the
    suite's SUITE-* Skipped result. Only looks: imports nothing and never prompts. The Pester
    tests mock it to stand in for a Connect server.

    .PARAMETER Suite
    prerequisites, permissions, events or connectivity.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [ValidateSet('prerequisites', 'permissions', 'events', 'connectivity')]
        [string] $Suite
    )

    if ($Suite -eq 'connectivity') {
        return $null
    }
    if (-not (Test-WbdWindowsPlatform)) {
        return 'this computer is not running Windows, so it is not the Entra Connect server'
    }
    $adSyncManifest = [System.IO.Path]::Combine([string]$env:ProgramFiles, 'Microsoft Azure AD Sync', 'Bin', 'ADSync', 'ADSync.psd1')
    $hasAdSync = (Test-WbdCommandAvailable -Name 'Get-ADSyncConnector') -or (Test-Path -LiteralPath $adSyncManifest -PathType Leaf)
    switch ($Suite) {
        'prerequisites' {
            if (-not $hasAdSync) {
                return 'the ADSync module is not installed, so this is not the Entra Connect server'
            }
        }
        'permissions' {
            if (-not $hasAdSync) {
                return 'the ADSync module is not installed, so the connectors that name the domains and the connector account are not here (give -Server, or -Path with a snapshot)'
            }
            if (-not (Test-WbdCommandAvailable -Name 'Get-ADDomain')) {
                return 'the ActiveDirectory module (RSAT) is not installed and no -Server was given'
            }
        }
        'events' {
            if (-not (Test-WbdCommandAvailable -Name 'Get-WinEvent')) {
                return 'Get-WinEvent is not available, so the Application log cannot be read'
            }
        }
    }
    return $null
}
