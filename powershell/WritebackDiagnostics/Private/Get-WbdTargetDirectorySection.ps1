function Get-WbdTargetDirectorySection {
    <#
    .SYNOPSIS
    Collects an ActiveDirectory section for the permission checks from one named domain controller (-Server), with the ActiveDirectory module or over LDAP.

    .DESCRIPTION
    What Test-WritebackPermission and Test-WritebackUser collect when they are told which DC
    to read (-Server), or when the connector account is given by hand (-ConnectorAccount)
    because ADSync is not on this computer. The section has one forest with one domain, the
    domain the DC serves:

    - with the ActiveDirectory module (Windows, module present): Domain from Get-ADDomain
      -Server, PasswordPolicy from Get-ADDefaultDomainPasswordPolicy, the permission data from
      Add-WbdAdModulePermissionData and the connector account from Get-ADUser -Properties
      tokenGroups, each call with -Server and -Credential;
    - otherwise over LDAP (Add-WbdLdapPermissionData): Domain holds what LDAP shows
      (DistinguishedName from defaultNamingContext, DNSRoot made from it, DomainSID from the
      root's objectSid), PasswordPolicy the root's minPwdAge, maxPwdAge, pwdHistoryLength and
      minPwdLength, and the connector account's SID and tokenGroups are read in the same
      connection.

    Connectors[] holds one entry per AD connector of -Connector (the account from -ConnectorAccount
    when given, else the connector's forest-login-user), or, without connectors, one entry named
    after the domain for -ConnectorAccount. The result's LdapFailure tells the caller whether
    the DC could not be read at all (Timeout, Bind, Unavailable) and why.

    .PARAMETER Server
    The DC: host or host:port. Without it, the domain part of -ConnectorAccount is used as a
    domain name for the locator.

    .PARAMETER ConnectorAccount
    'DOMAIN\sAMAccountName' (or just the sAMAccountName) of the AD DS connector account.

    .PARAMETER Connector
    The raw Get-ADSyncConnector objects, when ADSync could be read.

    .PARAMETER Credential
    The account to read as.

    .PARAMETER UserLimit
    At most this many users.

    .PARAMETER UserIdentity
    From Resolve-WbdUserIdentity: read only this user.

    .PARAMETER Source
    ActiveDirectoryModule or Ldap.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter()]
        [string] $Server,

        [Parameter()]
        [string] $ConnectorAccount,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]] $Connector = @(),

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [psobject] $UserIdentity,

        [Parameter(Mandatory = $true)]
        [ValidateSet('ActiveDirectoryModule', 'Ldap')]
        [string] $Source
    )

    # The account: DOMAIN\sam from -ConnectorAccount, else the first AD connector's.
    $adConnectors = @($Connector | Where-Object -FilterScript { $null -ne $_ -and ([string]$_.Type -eq 'AD' -or [string]$_.ConnectorTypeName -eq 'AD') -and -not (Test-WbdEntraConnector -Connector $_) })
    $accountDomain = $null
    $accountName = $null
    if ($ConnectorAccount) {
        $accountName = $ConnectorAccount
        $slash = $ConnectorAccount.IndexOf('\')
        if ($slash -ge 0) {
            $accountDomain = $ConnectorAccount.Substring(0, $slash)
            $accountName = $ConnectorAccount.Substring($slash + 1)
        }
    } else {
        foreach ($adConnector in $adConnectors) {
            foreach ($parameter in @($adConnector.ConnectivityParameters)) {
                if ($null -ne $parameter -and [string]$parameter.Name -eq 'forest-login-user' -and -not $accountName) {
                    $accountName = [string]$parameter.Value
                }
                if ($null -ne $parameter -and [string]$parameter.Name -eq 'forest-login-domain' -and -not $accountDomain) {
                    $accountDomain = [string]$parameter.Value
                }
            }
        }
    }
    if (-not $Server) {
        $Server = $accountDomain
    }

    $section = New-WbdSection
    $section['Forests'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')
    $section['Connectors'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')
    $section['LdapFailure'] = $null
    if (-not $Server) {
        $section['Errors']['Forests'] = 'no domain controller to read: give -Server (a DC, host or host:port), or -ConnectorAccount DOMAIN\name'
        return $section
    }

    $domainEntry = $null
    $domainName = $null
    $account = $null
    $accountError = $null
    if ($Source -eq 'ActiveDirectoryModule') {
        $ad = @{ Server = $Server; ErrorAction = 'Stop' }
        if ($null -ne $Credential) {
            $ad['Credential'] = $Credential
        }
        try {
            $domain = Get-ADDomain @ad
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            $reason = 'Get-ADDomain -Server {0} failed: {1}' -f $Server, $_.Exception.Message
            $section['Forests'].Add((New-WbdSection -Name $Server -Reason $reason))
            $section['LdapFailure'] = [pscustomobject]@{ Failure = 'Unavailable'; Reason = $reason }
            return $section
        }
        $domainName = [string]$domain.DNSRoot
        $domainEntry = New-WbdSection -Name $domainName
        $domainEntry['Domain'] = ConvertTo-WbdSnapshotValue -InputObject $domain
        Add-WbdFact -Section $domainEntry -Name 'PasswordPolicy' -ScriptBlock {
            Get-ADDefaultDomainPasswordPolicy -Identity $domainName @ad
        }
        $permissions = @{
            DomainEntry       = $domainEntry
            DomainName        = $domainName
            DistinguishedName = [string]$domain.DistinguishedName
            Server            = $Server
            UserLimit         = $UserLimit
            Source            = 'ActiveDirectoryModule'
        }
        if ($null -ne $Credential) {
            $permissions['Credential'] = $Credential
        }
        if ($null -ne $UserIdentity) {
            $permissions['UserIdentity'] = $UserIdentity
        }
        $null = Get-WbdPermissionData @permissions
        if ($accountName) {
            try {
                $user = Get-ADUser -Identity $accountName -Properties 'tokenGroups' @ad
                $groups = New-Object -TypeName 'System.Collections.Generic.List[object]'
                foreach ($group in @($user.tokenGroups)) {
                    if ($null -ne $group) {
                        $groups.Add((ConvertTo-WbdSnapshotValue -InputObject $group))
                    }
                }
                $account = [ordered]@{
                    DistinguishedName = [string]$user.DistinguishedName
                    SID               = ConvertTo-WbdSnapshotValue -InputObject $user.SID
                    GroupSids         = $groups
                }
            } catch [System.Management.Automation.PipelineStoppedException] {
                throw
            } catch {
                $accountError = 'Get-ADUser {0}: {1}' -f $accountName, $_.Exception.Message
            }
        }
    } else {
        $domainEntry = New-WbdSection -Name $Server
        $permissions = @{
            DomainEntry = $domainEntry
            DomainName  = $Server
            Server      = $Server
            UserLimit   = $UserLimit
            Source      = 'Ldap'
        }
        if ($null -ne $Credential) {
            $permissions['Credential'] = $Credential
        }
        if ($null -ne $UserIdentity) {
            $permissions['UserIdentity'] = $UserIdentity
        }
        if ($accountName) {
            $permissions['ConnectorAccount'] = $accountName
        }
        $read = Get-WbdPermissionData @permissions
        if ($read.Failure) {
            $section['LdapFailure'] = $read
            $domainName = $Server
            if ($accountDomain) {
                $domainName = $accountDomain
            }
            $accountError = $read.Reason
        } else {
            $labels = foreach ($rdn in ([string]$read.DefaultNamingContext -split '(?<!\\),')) {
                if ($rdn -match '^\s*DC=(.+)$') {
                    $Matches[1].Trim()
                }
            }
            $domainName = @($labels) -join '.'
            $domainEntry['Name'] = $domainName
            $domainEntry['Domain'] = [ordered]@{
                DNSRoot           = $domainName
                DistinguishedName = $read.DefaultNamingContext
                DomainSID         = $read.DomainSid
                PDCEmulator       = $null
            }
            if ($null -ne $read.ConnectorAccount) {
                $account = [ordered]@{
                    DistinguishedName = $read.ConnectorAccount['DistinguishedName']
                    SID               = $read.ConnectorAccount['SID']
                    GroupSids         = $read.ConnectorAccount['GroupSids']
                }
            }
            $accountError = $read.ConnectorAccountError
        }
        # The usual order of a domain entry: Name, Status, Reason, Errors, Domain, the rest.
        $ordered = [ordered]@{}
        foreach ($key in @('Name', 'Status', 'Reason', 'Errors', 'Domain') + @($domainEntry.Keys)) {
            if ($domainEntry.Contains($key) -and -not $ordered.Contains($key)) {
                $ordered[$key] = $domainEntry[$key]
            }
        }
        $domainEntry = $ordered
    }

    $forest = New-WbdSection -Name $domainName
    $forest['Domains'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')
    $forest['Domains'].Add($domainEntry)
    $section['Forests'].Add($forest)

    # The connector entries, with the account read from this DC.
    $names = @($adConnectors | ForEach-Object -Process { [string]$_.Name })
    if ($names.Count -eq 0) {
        $names = @($domainName)
    }
    foreach ($name in $names) {
        $entry = [ordered]@{
            ConnectorName = $name
            Forest        = $domainName
        }
        if ($accountName) {
            $entry['Account'] = [ordered]@{
                SamAccountName = $accountName
                Domain         = $(if ($accountDomain) { $accountDomain } else { $domainName })
            }
            if ($null -ne $account) {
                foreach ($key in $account.Keys) {
                    $entry['Account'][$key] = $account[$key]
                }
            } else {
                $section['Errors'][('{0}.Account' -f $name)] = $accountError
            }
        } else {
            $section['Errors'][('{0}.Account' -f $name)] = 'no connector account: ADSync is not on this computer and -ConnectorAccount was not given'
        }
        $entry['Partitions'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')
        $section['Connectors'].Add($entry)
    }
    $section
}
