# The one list of property names that carry secrets, as case-insensitive regular expressions
# matched against a property name (and against the Name of a Name/Value pair such as an
# ADSync connectivity parameter). Remove-WbdSecret empties every such value in every section
# of a snapshot. tests/powershell_static.rs reads this list: it must match the secret names
# there (Password, ClientSecret, AccessToken, ConnectionString, PrivateKey, ...) and must not
# match the facts the rules need (MinPasswordAge, PasswordHistoryCount, passwordSyncEnabled,
# PasswordResetConfiguration, AuthorizationPolicy, ...). Keep the syntax to what both .NET and
# the Rust regex crate accept: no look-around, no backreferences.
$script:WbdSecretPropertyPatterns = @(
    '(password|passwd|pwd)$'
    'passphrase'
    'secret'
    'token'
    'credential'
    'connection[-_ ]?string'
    'private[-_ ]?key'
    'key[-_ ]?material'
    '(api|access|account|shared|signing|encryption|storage|symmetric|subscription|client|master|session|recovery)[-_ ]?key$'
    '^(authorization|cookie|set-cookie)$'
    'sas[-_ ]?(url|uri)$'
)

# A Name/Value pair whose type says it holds a secret (ADSync marks encrypted connectivity
# parameters this way) loses its value whatever its name.
$script:WbdSecretTypePattern = '^(password|encrypted|encryptedstring|securestring|secret|credential)$'

# The properties that hold the value of a Name/Value pair.
$script:WbdSecretValueProperties = @('Value', 'Values', 'DefaultValue')

# Text that is a secret whatever it is called: a JSON Web Token (an OAuth access or ID token),
# with or without a Bearer prefix.
$script:WbdSecretTextPattern = '(^|\s)(bearer\s+)?eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.'

# user:password@ in a URL, for example a proxy address.
$script:WbdUrlCredentialPattern = '(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@'

# Credentials inside a longer text, each replaced by '(hidden)' so the rest stays readable; the
# same shapes the engine hides in what it returns (src/redact.rs): user:password@ without a
# scheme (a backslash or a missing colon leaves DOMAIN\user and UPNs alone), a secret query or
# connection-string parameter (?sig=, &access_token=, ;Password=), and a bearer token.
# Pattern -> replacement, applied in this order.
$script:WbdTextCredentialPatterns = [ordered]@{
    '(?<lead>^|[\s''"(=,;<>\[])[^\s:/@''"\\]+:[^\s/@''"\\]+@' = '${lead}(hidden)@'
    '(?<key>\b(sig|signature|sharedaccesssignature|sharedaccesskey|access_token|refresh_token|id_token|client_secret|assertion|password|passwd|pwd|accountkey|token|secret|apikey|api_key)\s*=\s*[''"]?)[^\s&#;,''"<>]+' = '${key}(hidden)'
    '(?<key>\bbearer\s+)[A-Za-z0-9._~+/-]{8,}=*' = '${key}(hidden)'
}

function Remove-WbdSecret {
    <#
    .SYNOPSIS
    Returns a copy of snapshot data with every secret removed, as PSCustomObjects.

    .DESCRIPTION
    Applied by Get-WritebackEnvironment to the whole snapshot, every section included, just
    before it is returned, so that no token, password, client secret, key or connection string
    can reach a saved snapshot. Rules, in order:

    - a property whose name matches $script:WbdSecretPropertyPatterns keeps its name and gets
      the value $null;
    - an object with a Name (or Key) that matches those patterns, or with an InputType,
      DataType, Type or ParameterType that names a password or encrypted type, or with
      Encrypted/IsEncrypted/IsSecret set, gets $null for Value, Values and DefaultValue (this
      covers ADSync ConnectivityParameters such as 'password');
    - text that is a JSON Web Token becomes $null, user:password@ is cut out of URLs, and the
      credentials $script:WbdTextCredentialPatterns matches inside a text (user:password@
      without a scheme, ?sig=, ;Password=, Bearer) become '(hidden)';
    - SecureString and PSCredential values become $null.

    Dictionaries and objects come back as PSCustomObjects and collections as arrays, which is
    what ConvertTo-Json writes the same way in Windows PowerShell 5.1 and PowerShell 7.

    .PARAMETER InputObject
    The snapshot, or any part of it, as built from ConvertTo-WbdSnapshotValue output.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Returns a redacted copy; changes nothing.')]
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $InputObject
    )

    $options = [System.Text.RegularExpressions.RegexOptions]'IgnoreCase, CultureInvariant'
    $namePatterns = @($script:WbdSecretPropertyPatterns | ForEach-Object -Process { [regex]::new($_, $options) })
    $typePattern = [regex]::new($script:WbdSecretTypePattern, $options)
    $textPattern = [regex]::new($script:WbdSecretTextPattern, $options)
    $urlPattern = [regex]::new($script:WbdUrlCredentialPattern, $options)
    $textPatterns = New-Object -TypeName 'System.Collections.Generic.List[object]'
    foreach ($entry in $script:WbdTextCredentialPatterns.GetEnumerator()) {
        $textPatterns.Add([PSCustomObject]@{ Regex = [regex]::new($entry.Key, $options); With = $entry.Value })
    }
    $propertyTypes = [System.Management.Automation.PSMemberTypes]::Property -bor [System.Management.Automation.PSMemberTypes]::NoteProperty

    function Test-SecretName {
        param (
            [string] $Name
        )

        foreach ($pattern in $namePatterns) {
            if ($pattern.IsMatch($Name)) {
                return $true
            }
        }
        return $false
    }

    function Test-SecretPair {
        param (
            [System.Collections.Specialized.OrderedDictionary] $Map
        )

        foreach ($key in $Map.Keys) {
            $value = $Map[$key]
            if ($key -in 'Name', 'Key') {
                if ($value -is [string] -and (Test-SecretName -Name $value)) {
                    return $true
                }
            } elseif ($key -in 'InputType', 'DataType', 'Type', 'ParameterType') {
                if ($value -is [string] -and $typePattern.IsMatch($value)) {
                    return $true
                }
            } elseif ($key -in 'Encrypted', 'IsEncrypted', 'IsSecret') {
                if ($value -eq $true -or [string]$value -eq 'True' -or [string]$value -eq '1') {
                    return $true
                }
            }
        }
        return $false
    }

    function Get-PropertyMap {
        param (
            [object] $Value
        )

        $map = [ordered]@{}
        if ($Value -is [System.Collections.IDictionary]) {
            foreach ($key in @($Value.Keys)) {
                $map[[string]$key] = $Value[$key]
            }
            return $map
        }
        foreach ($property in $Value.PSObject.Properties) {
            if (-not ($property.MemberType -band $propertyTypes)) {
                continue
            }
            try {
                $map[$property.Name] = $property.Value
            } catch {
                Write-Debug -Message ('Skipping property {0}: {1}' -f $property.Name, $_.Exception.Message)
            }
        }
        return $map
    }

    function ConvertTo-RedactedValue {
        param (
            [object] $Value
        )

        if ($null -eq $Value) {
            return $null
        }
        $base = $Value
        if ($Value -is [System.Management.Automation.PSObject]) {
            $base = $Value.PSObject.BaseObject
        }

        if ($base -is [string]) {
            if ($textPattern.IsMatch($base)) {
                return $null
            }
            $clean = $urlPattern.Replace($base, '${scheme}')
            foreach ($pattern in $textPatterns) {
                $clean = $pattern.Regex.Replace($clean, $pattern.With)
            }
            return $clean
        }
        if ($base -is [System.Security.SecureString] -or $base -is [System.Management.Automation.PSCredential]) {
            return $null
        }
        if ($base -is [System.ValueType]) {
            return $base
        }

        if ($base -is [System.Collections.IEnumerable] -and $base -isnot [System.Collections.IDictionary] -and $base -isnot [System.Management.Automation.PSCustomObject]) {
            $list = (New-Object -TypeName 'System.Collections.Generic.List[object]')
            foreach ($item in $base) {
                $clean = ConvertTo-RedactedValue -Value $item
                if ($clean -is [System.Management.Automation.PSObject] -and $clean.PSObject.BaseObject -is [array]) {
                    $clean = $clean.PSObject.BaseObject
                }
                $list.Add($clean)
            }
            return , $list.ToArray()
        }

        $map = Get-PropertyMap -Value $Value
        $pair = Test-SecretPair -Map $map
        $result = [PSCustomObject]@{}
        foreach ($name in @($map.Keys)) {
            if ((Test-SecretName -Name $name) -or ($pair -and $name -in $script:WbdSecretValueProperties)) {
                $clean = $null
            } else {
                $clean = ConvertTo-RedactedValue -Value $map[$name]
            }
            # Pipeline output may come back wrapped in a PSObject; arrays are stored unwrapped
            # (5.1's ConvertTo-Json writes a wrapped array as {"value": [...], "Count": n}).
            if ($clean -is [System.Management.Automation.PSObject] -and $clean.PSObject.BaseObject -is [array]) {
                $clean = $clean.PSObject.BaseObject
            }
            $result.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($name, $clean))
        }
        return $result
    }

    ConvertTo-RedactedValue -Value $InputObject
}
