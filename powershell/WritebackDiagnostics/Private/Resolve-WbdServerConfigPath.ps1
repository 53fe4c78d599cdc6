function Resolve-WbdServerConfigPath {
    <#
    .SYNOPSIS
    Resolves a -ServerConfigPath literally and stops the command when it is not a folder.

    .DESCRIPTION
    The path is taken literally, like -LiteralPath, and a relative path is resolved against the
    current PowerShell location (the engine does not know it). A path that is not a folder is a
    terminating error of the calling command (ErrorId WbdInvalidInput).

    .PARAMETER Cmdlet
    The $PSCmdlet of the public command.

    .PARAMETER Path
    What -ServerConfigPath was given.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    $folder = $Cmdlet.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
        $message = '-ServerConfigPath ''{0}'' is not a folder. Give the folder that Get-ADSyncServerConfiguration -Path <folder> wrote on the Entra Connect server.' -f $folder
        $Cmdlet.ThrowTerminatingError((New-WbdErrorRecord -ErrorId 'WbdInvalidInput' -Category InvalidArgument -Message $message -TargetObject $folder))
    }
    $folder
}
