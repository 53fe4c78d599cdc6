# ConvertFrom-Json turns ISO 8601 strings into [datetime] (in local time) in PowerShell 7 and
# keeps them as strings in Windows PowerShell 5.1. The engine's dates (StartedAt, FirstSeen,
# LastSeen, ... in Evidence) stay the engine's strings in both editions: PowerShell 7.5 and
# later are asked for strings (-DateKind String, passed by splatting so that 5.1 never sees
# the parameter); 7.0 to 7.4, which lack it, get each [datetime] written back in round-trip
# form ('o'), the same instant but the offset of this computer.
$script:WbdConvertFromJsonParameters = @{}
if ((Get-Command -Name 'ConvertFrom-Json').Parameters.ContainsKey('DateKind')) {
    $script:WbdConvertFromJsonParameters['DateKind'] = 'String'
}

function ConvertFrom-WbdJson {
    <#
    .SYNOPSIS
    Parses the engine's JSON with dates kept as strings, the same in every PowerShell edition.

    .DESCRIPTION
    Wraps ConvertFrom-Json as described above this function. Objects come back as
    PSCustomObjects and arrays as arrays, as ConvertFrom-Json gives them.

    .PARAMETER Json
    The JSON text, for example what wbd_job_poll returned.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Json
    )

    $parameters = $script:WbdConvertFromJsonParameters
    $value = ConvertFrom-Json -InputObject $Json @parameters
    if ($PSVersionTable.PSEdition -eq 'Core' -and -not $parameters.ContainsKey('DateKind')) {
        $value = ConvertTo-WbdDateString -Value $value
    }
    $value
}
