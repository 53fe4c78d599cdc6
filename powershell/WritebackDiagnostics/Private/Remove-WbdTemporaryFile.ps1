function Remove-WbdTemporaryFile {
    <#
    .SYNOPSIS
    Deletes a temporary file of the module from a finally block, also while Ctrl+C stops the command.

    .DESCRIPTION
    Once a pipeline is stopping, cmdlets called from finally blocks may throw
    PipelineStoppedException before they run (Remove-Item included), which would leave the
    file behind; a .NET call always runs. A file that is already gone or cannot be deleted
    is left as it is: cleaning up never fails the command.

    .PARAMETER Path
    The full path of the file, or nothing when no file was created.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Deletes only a temporary file the module itself created.')]
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path
    )

    if ($Path) {
        try {
            [System.IO.File]::Delete($Path)
        } catch {
            $null = $_
        }
    }
}
