function Import-WbdOptionalModule {
    <#
    .SYNOPSIS
    Makes an optional collector module (ADSync, ActiveDirectory) available when its commands are not found, and says how.

    .DESCRIPTION
    Returns how Command was made callable, as one of these strings:

    - AlreadyAvailable: Command was found (imported already, or found by module autoloading,
      except with WindowsPowerShellOnCore on PowerShell 7, where only an imported module
      counts); nothing was imported.
    - Imported: Name (or a FallbackPath manifest) was imported with Import-Module.
    - ImportedThroughWindowsPowerShell: the same, with Import-Module -UseWindowsPowerShell (only
      with WindowsPowerShellOnCore, on PowerShell 7 on Windows).
    - NotAvailable: the module could not be imported, or its import did not make Command
      available; the caller reports its section Unavailable.

    PowerShell 7 loads a module through Windows PowerShell compatibility on its own only when the
    module lives in the Windows PowerShell System32 module folder and is not marked compatible
    with Core (ActiveDirectory is such a module). Other Windows PowerShell modules, such as
    ADSync under "$env:ProgramFiles\Microsoft Azure AD Sync\Bin\ADSync", would be loaded into
    PowerShell 7 itself; WindowsPowerShellOnCore imports them with -UseWindowsPowerShell instead,
    so that their commands run in a Windows PowerShell 5.1 session and return deserialized copies
    of their objects, which the collector reads like the originals. Windows PowerShell 5.1 has no
    -UseWindowsPowerShell, and there it is never passed.

    When the module is not found by name, each path in FallbackPath is tried. Never throws: a
    module that cannot be loaded gives NotAvailable and a verbose message.
    PipelineStoppedException (Ctrl+C) passes through.

    .PARAMETER Name
    The module name, for example ADSync.

    .PARAMETER Command
    A command of the module that the collector calls, for example Get-ADSyncConnector.

    .PARAMETER FallbackPath
    Module manifests to try when the module is not found by name.

    .PARAMETER WindowsPowerShellOnCore
    On PowerShell 7 on Windows, imports the module with -UseWindowsPowerShell (through Windows
    PowerShell compatibility). Ignored on Windows PowerShell 5.1 and outside Windows.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Name,

        [Parameter(Mandatory = $true)]
        [string] $Command,

        [Parameter()]
        [string[]] $FallbackPath = @(),

        [Parameter()]
        [switch] $WindowsPowerShellOnCore
    )

    $throughWindowsPowerShell = $WindowsPowerShellOnCore -and $PSVersionTable.PSEdition -eq 'Core' -and (Test-WbdWindowsPlatform)
    if (Test-WbdCommandAvailable -Name $Command) {
        # A command found only by autoloading (its module on PSModulePath, not imported yet)
        # would load the module into PowerShell 7 itself on its first call; with
        # WindowsPowerShellOnCore it is imported through compatibility below instead.
        if (-not $throughWindowsPowerShell -or $null -ne (Get-Module -Name $Name)) {
            return 'AlreadyAvailable'
        }
    }
    $loaded = 'Imported'
    if ($throughWindowsPowerShell) {
        $loaded = 'ImportedThroughWindowsPowerShell'
    }
    foreach ($candidate in @($Name) + @($FallbackPath | Where-Object -FilterScript { $_ })) {
        if ($candidate -ne $Name -and -not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
            continue
        }
        # Splatted, because Windows PowerShell 5.1's Import-Module has no -UseWindowsPowerShell.
        $import = @{
            Name          = $candidate
            ErrorAction   = 'Stop'
            WarningAction = 'SilentlyContinue'
            Verbose       = $false
        }
        if ($throughWindowsPowerShell) {
            $import['UseWindowsPowerShell'] = $true
        }
        try {
            if ($throughWindowsPowerShell) {
                Write-Verbose -Message ('Importing module {0} through Windows PowerShell compatibility (-UseWindowsPowerShell)' -f $candidate)
            } else {
                Write-Verbose -Message ('Importing module {0}' -f $candidate)
            }
            Import-Module @import
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            Write-Verbose -Message ('Module {0} could not be imported: {1}' -f $candidate, $_.Exception.Message)
            continue
        }
        if (Test-WbdCommandAvailable -Name $Command) {
            return $loaded
        }
    }
    return 'NotAvailable'
}
