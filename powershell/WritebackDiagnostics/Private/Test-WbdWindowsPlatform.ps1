function Test-WbdWindowsPlatform {
    <#
    .SYNOPSIS
    Tells whether this session runs on Windows.

    .DESCRIPTION
    Windows PowerShell (the Desktop edition) only runs on Windows and has no $IsWindows
    variable, so the edition is checked first; PowerShell 7 answers with $IsWindows.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param ()

    if ($PSVersionTable.PSEdition -ne 'Core') {
        return $true
    }
    return [bool]$IsWindows
}
