function Get-WbdGraphProperty {
    <#
    .SYNOPSIS
    Reads one property of a Microsoft Graph item, whether Invoke-MgGraphRequest returned it as a dictionary or as an object.

    .PARAMETER InputObject
    The item.

    .PARAMETER Name
    The property, for example '@odata.type'.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $InputObject,

        [Parameter(Mandatory = $true)]
        [string] $Name
    )

    if ($null -eq $InputObject) {
        return $null
    }
    if ($InputObject -is [System.Collections.IDictionary]) {
        if ($InputObject.Contains($Name)) {
            return $InputObject[$Name]
        }
        return $null
    }
    $property = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $property) {
        return $null
    }
    $property.Value
}
