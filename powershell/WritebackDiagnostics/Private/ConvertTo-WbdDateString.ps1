function ConvertTo-WbdDateString {
    <#
    .SYNOPSIS
    Replaces every [datetime] in parsed JSON by its round-trip text, in place.

    .DESCRIPTION
    Only for PowerShell 7.0 to 7.4 (see ConvertFrom-WbdJson). The engine's reports are a few
    levels deep; the walk stops at 64 levels all the same.

    .PARAMETER Value
    A value from ConvertFrom-Json.

    .PARAMETER Depth
    How deep the walk already is.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Value,

        [Parameter()]
        [int] $Depth = 0
    )

    if ($null -eq $Value -or $Depth -gt 64) {
        return , $Value
    }
    if ($Value -is [datetime]) {
        return $Value.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
    }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        foreach ($property in $Value.PSObject.Properties) {
            $property.Value = ConvertTo-WbdDateString -Value $property.Value -Depth ($Depth + 1)
        }
        return $Value
    }
    if ($Value -is [System.Object[]]) {
        for ($index = 0; $index -lt $Value.Length; $index++) {
            $Value[$index] = ConvertTo-WbdDateString -Value $Value[$index] -Depth ($Depth + 1)
        }
        return , $Value
    }
    $Value
}
