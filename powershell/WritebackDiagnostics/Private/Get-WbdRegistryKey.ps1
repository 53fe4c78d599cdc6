function Get-WbdRegistryKey {
    <#
    .SYNOPSIS
    Reads the values of one registry key as a dictionary, or $null when the key does not exist.

    .DESCRIPTION
    Uses Get-ItemProperty, so the values come back as the registry holds them (a DWORD as a
    number, a string as text) and a value that does not exist is simply left out. The PS*
    properties the registry provider adds (PSPath, PSProvider, ...) are dropped. A key that does
    not exist gives $null, which the snapshot records as a fact; any other failure (access denied)
    is thrown to the caller, which records it in the section's Errors.

    .PARAMETER Path
    The key, as a PowerShell registry path such as HKLM:\SYSTEM\CurrentControlSet\Control\Lsa.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    try {
        $key = Get-ItemProperty -LiteralPath $Path -ErrorAction Stop
    } catch [System.Management.Automation.ItemNotFoundException] {
        Write-Verbose -Message ('Registry key {0} does not exist' -f $Path)
        return $null
    }

    $values = [ordered]@{}
    if ($null -eq $key) {
        # Get-ItemProperty returns nothing for a key that exists but holds no values.
        return $values
    }
    foreach ($property in $key.PSObject.Properties) {
        if ($property.Name -in 'PSPath', 'PSParentPath', 'PSChildName', 'PSDrive', 'PSProvider') {
            continue
        }
        $values[$property.Name] = $property.Value
    }
    $values
}
