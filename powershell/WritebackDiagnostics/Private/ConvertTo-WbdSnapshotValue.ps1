function ConvertTo-WbdSnapshotValue {
    <#
    .SYNOPSIS
    Turns what a source cmdlet returned into plain data (dictionaries, lists, scalars) for the snapshot.

    .DESCRIPTION
    Collectors stay dumb: the object keeps the property names and values its source gave
    (Get-ADSyncConnector, Get-ADDomain, a Graph response), without interpretation. Only the
    representation changes, the same way in Windows PowerShell 5.1 and PowerShell 7:

    - objects and dictionaries become ordered dictionaries of their properties (adapted and
      note properties; a property whose getter throws is left out);
    - collections become lists;
    - DateTime and DateTimeOffset become ISO 8601 text ('o' format, which keeps the kind:
      Z for UTC, an offset for local time, none for unspecified);
    - TimeSpan becomes its invariant text ([-][d.]hh:mm:ss[.fffffff]); Version, Guid and enum
      values become their text; a SecurityIdentifier its S-1-... value; a byte array Base64;
    - SecureString and PSCredential values become $null: they never enter a snapshot.

    Nesting deeper than -MaxDepth becomes the object's text, which bounds the size of the
    snapshot whatever a source returns. Secrets under ordinary names are removed afterwards by
    Remove-WbdSecret, which Get-WritebackEnvironment applies to the whole snapshot.

    .PARAMETER InputObject
    What the source returned: one object, a collection, or $null.

    .PARAMETER MaxDepth
    How many levels of objects and collections are kept below InputObject.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $InputObject,

        [Parameter()]
        [ValidateRange(1, 16)]
        [int] $MaxDepth = 8
    )

    $propertyTypes = [System.Management.Automation.PSMemberTypes]::Property -bor [System.Management.Automation.PSMemberTypes]::NoteProperty

    # A plain nested function: an advanced function per value would make large directories
    # (tens of thousands of OUs) slow to convert.
    function ConvertTo-PlainValue {
        param (
            [object] $Value,
            [int] $Depth,
            [int] $Limit
        )

        if ($null -eq $Value) {
            return $null
        }
        $base = $Value
        if ($Value -is [System.Management.Automation.PSObject]) {
            $base = $Value.PSObject.BaseObject
        }

        if ($base -is [string] -or $base -is [bool]) {
            return $base
        }
        if ($base -is [char]) {
            return [string]$base
        }
        if ($base -is [double] -or $base -is [single]) {
            if ([double]::IsNaN($base) -or [double]::IsInfinity($base)) {
                return [string]$base
            }
            return $base
        }
        if ($base -is [System.Enum]) {
            return $base.ToString()
        }
        if ($base -is [System.ValueType] -and ($base.GetType().IsPrimitive -or $base -is [decimal])) {
            if ($base -is [System.IntPtr] -or $base -is [System.UIntPtr]) {
                return $base.ToString()
            }
            return $base
        }
        if ($base -is [datetime] -or $base -is [System.DateTimeOffset]) {
            return $base.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        if ($base -is [timespan]) {
            return $base.ToString('c', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        if ($base -is [guid] -or $base -is [version] -or $base -is [uri]) {
            return $base.ToString()
        }
        if ($base -is [System.Security.Principal.SecurityIdentifier]) {
            return $base.Value
        }
        if ($base -is [System.Security.SecureString] -or $base -is [System.Management.Automation.PSCredential]) {
            return $null
        }
        if ($base -is [byte[]]) {
            return [System.Convert]::ToBase64String($base)
        }
        if ($base -is [System.Security.Cryptography.X509Certificates.X509Certificate]) {
            # Only what identifies the certificate; never its key.
            return [ordered]@{
                Subject    = $base.Subject
                Issuer     = $base.Issuer
                Thumbprint = $base.GetCertHashString()
            }
        }
        if ($base -is [scriptblock] -or $base -is [System.Type] -or $base -is [System.Reflection.MemberInfo]) {
            return $base.ToString()
        }

        if ($Depth -ge $Limit) {
            return [string]$base
        }

        if ($base -is [System.Collections.IDictionary]) {
            $map = [ordered]@{}
            foreach ($key in @($base.Keys)) {
                $map[[string]$key] = ConvertTo-PlainValue -Value $base[$key] -Depth ($Depth + 1) -Limit $Limit
            }
            return $map
        }
        if ($base -is [System.Collections.IEnumerable] -and $base -isnot [System.Management.Automation.PSCustomObject]) {
            $list = (New-Object -TypeName 'System.Collections.Generic.List[object]')
            foreach ($item in $base) {
                $list.Add((ConvertTo-PlainValue -Value $item -Depth ($Depth + 1) -Limit $Limit))
            }
            # The comma keeps the pipeline from unrolling the list.
            return , $list
        }

        $map = [ordered]@{}
        foreach ($property in $Value.PSObject.Properties) {
            if (-not ($property.MemberType -band $propertyTypes)) {
                continue
            }
            try {
                $propertyValue = $property.Value
            } catch {
                Write-Debug -Message ('Skipping property {0}: {1}' -f $property.Name, $_.Exception.Message)
                continue
            }
            $map[$property.Name] = ConvertTo-PlainValue -Value $propertyValue -Depth ($Depth + 1) -Limit $Limit
        }
        return $map
    }

    ConvertTo-PlainValue -Value $InputObject -Depth 0 -Limit $MaxDepth
}
