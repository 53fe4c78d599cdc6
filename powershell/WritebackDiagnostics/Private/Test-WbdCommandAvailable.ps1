function Test-WbdCommandAvailable {
    <#
    .SYNOPSIS
    Tells whether an optional collector command (ADSync, ActiveDirectory, Microsoft Graph) can be called.

    .DESCRIPTION
    The collectors depend on modules that are optional (RequiredModules is empty): ADSync on
    the Entra Connect server, the ActiveDirectory module (RSAT) and Microsoft.Graph.Authentication.
    Get-Command finds commands of installed modules through module autoloading without importing
    anything else, and never prompts. The Pester tests mock this function to simulate a missing
    module.

    .PARAMETER Name
    The command name, for example Get-ADSyncConnector.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Name
    )

    $command = Get-Command -Name $Name -CommandType 'Cmdlet', 'Function' -ErrorAction SilentlyContinue
    return ($null -ne $command)
}
