function ConvertTo-WbdLdapFilterValue {
    <#
    .SYNOPSIS
    Escapes a value for an LDAP search filter (RFC 4515 section 3).

    .DESCRIPTION
    The backslash, asterisk, parentheses and NUL become \5c, \2a, \28, \29 and \00, so that a
    user name such as 'star*user' or 'a(b)' matches itself and nothing else.

    .PARAMETER Value
    The assertion value, for example a sAMAccountName.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [string] $Value
    )

    $builder = New-Object -TypeName System.Text.StringBuilder
    foreach ($character in $Value.ToCharArray()) {
        switch ([int]$character) {
            0x5c { $null = $builder.Append('\5c') }
            0x2a { $null = $builder.Append('\2a') }
            0x28 { $null = $builder.Append('\28') }
            0x29 { $null = $builder.Append('\29') }
            0x00 { $null = $builder.Append('\00') }
            default { $null = $builder.Append($character) }
        }
    }
    $builder.ToString()
}
