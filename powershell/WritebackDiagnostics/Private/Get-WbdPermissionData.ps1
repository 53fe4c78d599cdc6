function Get-WbdPermissionData {
    <#
    .SYNOPSIS
    Adds a domain's connector-account permission data (Descriptors, Users, FineGrainedPasswordPolicies) to its snapshot entry, choosing the DC and the way to read.

    .DESCRIPTION
    The DC: -Server when given; otherwise the domain's PDC emulator when its TCP port 389
    answers within a few seconds (Test-WbdTcpPort), since writeback resets passwords there;
    otherwise the domain name, which lets the locator pick a DC. Descriptors.ReadFrom names
    the DC used.

    The way: with -Source ActiveDirectoryModule, Add-WbdAdModulePermissionData (the
    ActiveDirectory module's cmdlets, descriptors as Sddl); with -Source Ldap,
    Add-WbdLdapPermissionData (System.DirectoryServices.Protocols, descriptors as the base64
    SecurityDescriptor). Both write the layout of docs/snapshot.md; nothing is interpreted.
    Returns what Add-WbdLdapPermissionData returns on the LDAP path (the connector account, the
    domain SID, a failure), $null on the module path.

    .PARAMETER DomainEntry
    The domain's entry in ActiveDirectory.Forests[].Domains[].

    .PARAMETER DomainName
    The domain's DNS name.

    .PARAMETER DistinguishedName
    The domain's DN; needed on the module path (the LDAP path reads defaultNamingContext).

    .PARAMETER PdcEmulator
    The PDC emulator's host name (Get-ADDomain's PDCEmulator), if known.

    .PARAMETER Server
    A DC (host or host:port) to read from instead of the PDC emulator.

    .PARAMETER Credential
    The account to read as.

    .PARAMETER UserLimit
    At most this many users.

    .PARAMETER UserIdentity
    From Resolve-WbdUserIdentity: read only this user.

    .PARAMETER ConnectorAccount
    On the LDAP path, the connector account's sAMAccountName to read with the rest.

    .PARAMETER Source
    ActiveDirectoryModule or Ldap.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $DomainEntry,

        [Parameter()]
        [string] $DomainName,

        [Parameter()]
        [string] $DistinguishedName,

        [Parameter()]
        [string] $PdcEmulator,

        [Parameter()]
        [string] $Server,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [psobject] $UserIdentity,

        [Parameter()]
        [string] $ConnectorAccount,

        [Parameter(Mandatory = $true)]
        [ValidateSet('ActiveDirectoryModule', 'Ldap')]
        [string] $Source
    )

    $target = $Server
    if (-not $target) {
        $target = $DomainName
        if ($PdcEmulator) {
            $port = Test-WbdTcpPort -ComputerName $PdcEmulator -Port 389 -TimeoutMilliseconds 3000
            if ($port.Open) {
                $target = $PdcEmulator
            } else {
                Write-Verbose -Message ('The PDC emulator {0} {1}; reading the permissions from {2} instead' -f $PdcEmulator, $port.Reason, $DomainName)
            }
        }
    }
    Write-Verbose -Message ('Permissions of {0}: reading from {1} ({2})' -f $DomainName, $target, $Source)

    $read = @{
        DomainEntry = $DomainEntry
        Server      = $target
        UserLimit   = $UserLimit
    }
    if ($null -ne $Credential) {
        $read['Credential'] = $Credential
    }
    if ($null -ne $UserIdentity) {
        $read['UserIdentity'] = $UserIdentity
    }
    if ($Source -eq 'ActiveDirectoryModule') {
        Add-WbdAdModulePermissionData @read -DistinguishedName $DistinguishedName
        return $null
    }
    if ($ConnectorAccount) {
        $read['ConnectorAccount'] = $ConnectorAccount
    }
    Add-WbdLdapPermissionData @read
}
