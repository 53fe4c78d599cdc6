function Import-WbdOptionalModule {
    <#
    .SYNOPSIS
    Makes an optional collector module (ADSync, ActiveDirectory) available when its commands are not found by autoloading.

    .DESCRIPTION
    Returns $true when Command can be called, importing Name first if needed. PowerShell 7 does
    not autoload Windows PowerShell modules that are not marked as compatible with it (ADSync is
    one); importing them explicitly loads them through Windows PowerShell compatibility, whose
    deserialized objects the collector reads like the originals. When the module is not on
    PSModulePath, each path in FallbackPath is tried. Never throws: a module that cannot be
    loaded gives $false and a verbose message, and its section is reported Unavailable.

    .PARAMETER Name
    The module name, for example ADSync.

    .PARAMETER Command
    A command of the module that the collector calls, for example Get-ADSyncConnector.

    .PARAMETER FallbackPath
    Module manifests to try when the module is not found by name.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Name,

        [Parameter(Mandatory = $true)]
        [string] $Command,

        [Parameter()]
        [string[]] $FallbackPath = @()
    )

    if (Test-WbdCommandAvailable -Name $Command) {
        return $true
    }
    foreach ($candidate in @($Name) + @($FallbackPath | Where-Object -FilterScript { $_ })) {
        if ($candidate -ne $Name -and -not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
            continue
        }
        try {
            Write-Verbose -Message ('Importing module {0}' -f $candidate)
            Import-Module -Name $candidate -ErrorAction Stop -WarningAction SilentlyContinue -Verbose:$false
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            Write-Verbose -Message ('Module {0} could not be imported: {1}' -f $candidate, $_.Exception.Message)
            continue
        }
        if (Test-WbdCommandAvailable -Name $Command) {
            return $true
        }
    }
    return $false
}
