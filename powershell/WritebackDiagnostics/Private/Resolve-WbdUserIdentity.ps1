function Resolve-WbdUserIdentity {
    <#
    .SYNOPSIS
    Tells how to find the user of Test-WritebackUser -Identity: by distinguished name, UPN or sAMAccountName.

    .DESCRIPTION
    Returns an object with Kind (DistinguishedName, UserPrincipalName or SamAccountName), Value
    (a DOMAIN\ prefix of a sAMAccountName removed) and Filter, the escaped LDAP filter
    (RFC 4515) for that attribute. A value of the form attribute=value,... is a DN (read with
    a base-scope search on the LDAP path), one with an @ a UPN, anything else a sAMAccountName.

    .PARAMETER Identity
    What the user typed.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Identity
    )

    $value = $Identity.Trim()
    if ($value -match '^[A-Za-z][A-Za-z0-9-]*=[^,]+(,|$)' -and $value -notmatch '@[^,=]*$') {
        $kind = 'DistinguishedName'
        $attribute = 'distinguishedName'
    } elseif ($value.Contains('@')) {
        $kind = 'UserPrincipalName'
        $attribute = 'userPrincipalName'
    } else {
        $kind = 'SamAccountName'
        $attribute = 'sAMAccountName'
        $slash = $value.LastIndexOf('\')
        if ($slash -ge 0) {
            $value = $value.Substring($slash + 1)
        }
    }
    [pscustomobject]@{
        Kind   = $kind
        Value  = $value
        Filter = '({0}={1})' -f $attribute, (ConvertTo-WbdLdapFilterValue -Value $value)
    }
}
