function Remove-WbdTemporaryFolder {
    <#
    .SYNOPSIS
    Deletes a temporary folder of the module and everything in it, from a finally block, also while Ctrl+C stops the command.

    .DESCRIPTION
    Like Remove-WbdTemporaryFile: a .NET call, because cmdlets called from finally blocks of
    a stopping pipeline may not run. A folder that is already gone or cannot be deleted is
    left as it is: cleaning up never fails the command.

    .PARAMETER Path
    The full path of the folder, or nothing when no folder was created.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Deletes only a temporary folder the module itself created.')]
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path
    )

    if ($Path -and [System.IO.Directory]::Exists($Path)) {
        try {
            [System.IO.Directory]::Delete($Path, $true)
        } catch {
            $null = $_
        }
    }
}
