function Get-WbdDirectorySection {
    <#
    .SYNOPSIS
    Collects the ActiveDirectory section of the snapshot for the forests and domains the AD connectors cover.

    .DESCRIPTION
    The section is Unavailable outside Windows, without the ActiveDirectory module, and when the
    AD connectors could not be read (then the forests the sync covers are unknown). Otherwise,
    for each forest named by an AD connector (its forest-name connectivity parameter) and each
    domain partition the connector selects (every domain of the forest when it lists none):

    - Forests[].Forest: Get-ADForest; a forest that cannot be read is an Unavailable entry with
      the reason, for example no trust or no rights;
    - Forests[].Domains[].Domain: Get-ADDomain (the PDC emulator among others); a domain that
      cannot be read is an Unavailable entry;
    - DomainControllers (Get-ADDomainController -Filter *), PasswordPolicy
      (Get-ADDefaultDomainPasswordPolicy) and OrganizationalUnits (Name and DistinguishedName of
      every OU; the engine applies the sync scope), each recorded in the domain's Errors when it
      cannot be read;
    - PdcRootDse: the supportedControl list of the PDC emulator's rootDSE, read over LDAP
      (Get-WbdDomainControllerRootDse: bounded by a TCP check of port 389 and a deadline).
    - DomainControllerRegistry: RestrictRemoteSam read through remote registry on the PDC
      emulator and, with -AllDomainControllers, on every other writable DC
      (Get-WbdDomainControllerRegistry: bounded by a TCP check of port 445 and a deadline, one
      entry per DC, Unavailable with the reason when it cannot be read).

    - Descriptors, Users, UsersLimit, UsersTruncated and FineGrainedPasswordPolicies: the
      connector-account permission data (Get-WbdPermissionData with the ActiveDirectory
      module: the security descriptors of the domain root, AdminSDHolder and every OU and
      container, every user up to -UserLimit, the PSOs), read from the PDC emulator when it
      answers on TCP 389; left out with -SkipPermissions.

    For each AD connector, Connectors[] holds its name, the AD DS connector account (the
    forest-login-user and forest-login-domain connectivity parameters, with the account's
    DistinguishedName, SID and tokenGroups SIDs from Get-ADUser) and, per selected domain
    partition, the partition's scope and DC settings. The DC settings come from the partition's
    Parameters as ADSync names them (last-dc, preferred-dcs, dc-failover, the names the
    connector's exported configuration uses); the raw Parameters are kept beside them.

    .PARAMETER Connector
    The raw Get-ADSyncConnector objects.

    .PARAMETER ConnectorError
    Why the connectors could not be read, if they could not.

    .PARAMETER AllDomainControllers
    Reads RestrictRemoteSam on every writable DC of each domain, not only on its PDC emulator.

    .PARAMETER SkipPermissions
    Leaves out the permission data (Descriptors, Users, FineGrainedPasswordPolicies).

    .PARAMETER Credential
    Passed to every ActiveDirectory module call (not to the remote registry and rootDSE reads,
    which run as the current user).

    .PARAMETER UserLimit
    At most this many users per domain in Users.

    .PARAMETER UserIdentity
    From Resolve-WbdUserIdentity: Users holds only this user (Test-WritebackUser).
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]] $Connector = @(),

        [Parameter()]
        [string] $ConnectorError,

        [Parameter()]
        [switch] $AllDomainControllers,

        [Parameter()]
        [switch] $SkipPermissions,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [psobject] $UserIdentity
    )

    if (-not (Test-WbdWindowsPlatform)) {
        return New-WbdSection -Reason 'Active Directory can only be read on Windows, from the Entra Connect server; this computer is not running Windows.'
    }
    if ((Import-WbdOptionalModule -Name 'ActiveDirectory' -Command 'Get-ADDomain') -eq 'NotAvailable') {
        return New-WbdSection -Reason 'The ActiveDirectory PowerShell module (RSAT-AD-PowerShell) is not installed, so the forests and domains were not read. Install it (Install-WindowsFeature RSAT-AD-PowerShell) on the Entra Connect server, then collect again.'
    }
    if ($ConnectorError) {
        return New-WbdSection -Reason ('The AD connectors could not be read ({0}), so the forests and domains the sync covers are unknown.' -f $ConnectorError)
    }

    $credentialParameter = @{}
    if ($null -ne $Credential) {
        $credentialParameter['Credential'] = $Credential
    }

    $section = New-WbdSection
    $section['Forests'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')
    $section['Connectors'] = (New-Object -TypeName 'System.Collections.Generic.List[object]')

    # Which connectivity parameter or partition parameter holds what, by ADSync's own names.
    function Get-ParameterValue {
        param (
            [object] $Parameters,
            [string[]] $Names
        )

        foreach ($parameter in @($Parameters)) {
            if ($null -ne $parameter -and [string]$parameter.Name -in $Names) {
                return $parameter.Value
            }
        }
        return $null
    }

    function ConvertTo-DnsName {
        param (
            [string] $DistinguishedName
        )

        $labels = foreach ($rdn in ($DistinguishedName -split '(?<!\\),')) {
            if ($rdn -match '^\s*DC=(.+)$') {
                $Matches[1].Trim()
            }
        }
        @($labels) -join '.'
    }

    $adConnectors = @($Connector | Where-Object -FilterScript { $null -ne $_ -and ([string]$_.Type -eq 'AD' -or [string]$_.ConnectorTypeName -eq 'AD') })
    $adConnectors = @($adConnectors | Where-Object -FilterScript { -not (Test-WbdEntraConnector -Connector $_) })
    if ($adConnectors.Count -eq 0) {
        $section['Errors']['Forests'] = 'no Active Directory connector is configured in the sync engine'
        Write-Verbose -Message 'No Active Directory connector: no forest to read'
        return $section
    }

    # Forest name -> the domain DNS names the connectors select in it (in order, no repeats).
    $forests = [ordered]@{}
    foreach ($adConnector in $adConnectors) {
        $forestName = [string](Get-ParameterValue -Parameters $adConnector.ConnectivityParameters -Names 'forest-name')
        if (-not $forestName) {
            $forestName = [string]$adConnector.Name
        }
        if (-not $forests.Contains($forestName)) {
            $forests[$forestName] = (New-Object -TypeName 'System.Collections.Generic.List[string]')
        }
        $partitionEntries = (New-Object -TypeName 'System.Collections.Generic.List[object]')
        foreach ($partition in @($adConnector.Partitions)) {
            if ($null -eq $partition) {
                continue
            }
            $dn = [string]$partition.DN
            if (-not $dn) {
                $dn = [string]$partition.Name
            }
            $selected = $partition.PSObject.Properties['Selected']
            if (($null -ne $selected -and $selected.Value -eq $false) -or $dn -notmatch '^\s*DC=' -or $dn -match '^\s*DC=(DomainDnsZones|ForestDnsZones),') {
                continue
            }
            $dnsName = ConvertTo-DnsName -DistinguishedName $dn
            if ($dnsName -and -not $forests[$forestName].Contains($dnsName)) {
                $forests[$forestName].Add($dnsName)
            }

            $scope = ConvertTo-WbdSnapshotValue -InputObject $partition.ConnectorPartitionScope
            $parameters = (New-Object -TypeName 'System.Collections.Generic.List[object]')
            if ($null -ne $partition.Parameters) {
                foreach ($parameter in $partition.Parameters) {
                    $parameters.Add((ConvertTo-WbdSnapshotValue -InputObject $parameter))
                }
            }
            $preferred = (New-Object -TypeName 'System.Collections.Generic.List[string]')
            foreach ($value in @(Get-ParameterValue -Parameters $partition.Parameters -Names 'preferred-dcs', 'preferred-dc')) {
                foreach ($hostName in ([string]$value -split '[;,\s]+')) {
                    if ($hostName) {
                        $preferred.Add($hostName)
                    }
                }
            }
            # dc-failover 0 is "Only use preferred domain controllers" in the connector's
            # partition settings (Configure Directory Partitions > DC connection settings).
            $failover = Get-ParameterValue -Parameters $partition.Parameters -Names 'dc-failover'
            $onlyPreferred = $null
            if ($null -ne $failover -and [string]$failover -ne '') {
                $onlyPreferred = ([string]$failover -eq '0' -or [string]$failover -eq 'False')
            }
            $entry = [ordered]@{
                DN                                = $dn
                Name                              = [string]$partition.Name
                PreferredDomainControllers        = $preferred
                OnlyUsePreferredDomainControllers = $onlyPreferred
                LastDomainController              = Get-ParameterValue -Parameters $partition.Parameters -Names 'last-dc'
                ConnectorPartitionScope           = $scope
                Parameters                        = $parameters
            }
            $partitionEntries.Add($entry)
        }

        $connectorEntry = [ordered]@{
            ConnectorName = [string]$adConnector.Name
            Forest        = $forestName
        }
        $accountName = [string](Get-ParameterValue -Parameters $adConnector.ConnectivityParameters -Names 'forest-login-user')
        $accountDomain = [string](Get-ParameterValue -Parameters $adConnector.ConnectivityParameters -Names 'forest-login-domain')
        if (-not $accountDomain) {
            $accountDomain = $forestName
        }
        if ($accountName) {
            $account = [ordered]@{
                SamAccountName = $accountName
                Domain         = $accountDomain
            }
            Add-WbdFact -Section $account -Name 'Directory' -Errors $section['Errors'] -ErrorName ('{0}.Account' -f $adConnector.Name) -ScriptBlock {
                Get-ADUser -Identity $accountName -Server $accountDomain -Properties 'tokenGroups' @credentialParameter
            }
            if ($account.Contains('Directory')) {
                $user = $account['Directory']
                $account.Remove('Directory')
                if ($null -ne $user) {
                    $account['DistinguishedName'] = $user['DistinguishedName']
                    $account['SID'] = $user['SID']
                    $groups = (New-Object -TypeName 'System.Collections.Generic.List[object]')
                    if ($null -ne $user['tokenGroups']) {
                        foreach ($group in $user['tokenGroups']) {
                            $groups.Add($group)
                        }
                    }
                    $account['GroupSids'] = $groups
                }
            }
            $connectorEntry['Account'] = $account
        } else {
            $section['Errors'][('{0}.Account' -f $adConnector.Name)] = 'the connector has no forest-login-user connectivity parameter'
        }
        $connectorEntry['Partitions'] = $partitionEntries
        $section['Connectors'].Add($connectorEntry)
    }

    $index = 0
    foreach ($forestName in @($forests.Keys)) {
        $index++
        Write-Progress -Activity 'Collecting the password writeback environment' -Status ('Active Directory: forest {0}' -f $forestName) -PercentComplete (60 + [int](35 * $index / $forests.Count))
        try {
            $forest = Get-ADForest -Identity $forestName -Server $forestName -ErrorAction Stop @credentialParameter
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            $section['Forests'].Add((New-WbdSection -Name $forestName -Reason ('Get-ADForest {0} failed: {1}' -f $forestName, $_.Exception.Message)))
            continue
        }
        $forestEntry = New-WbdSection -Name $forestName
        $forestEntry['Forest'] = ConvertTo-WbdSnapshotValue -InputObject $forest
        $domainNames = @($forests[$forestName])
        if ($domainNames.Count -eq 0) {
            $domainNames = @($forest.Domains | ForEach-Object -Process { [string]$_ })
        }

        $domains = (New-Object -TypeName 'System.Collections.Generic.List[object]')
        foreach ($domainName in $domainNames) {
            try {
                $domain = Get-ADDomain -Identity $domainName -Server $domainName -ErrorAction Stop @credentialParameter
            } catch [System.Management.Automation.PipelineStoppedException] {
                throw
            } catch {
                $domains.Add((New-WbdSection -Name $domainName -Reason ('Get-ADDomain {0} failed: {1}' -f $domainName, $_.Exception.Message)))
                continue
            }
            $domainEntry = New-WbdSection -Name $domainName
            $domainEntry['Domain'] = ConvertTo-WbdSnapshotValue -InputObject $domain
            Add-WbdFact -Section $domainEntry -Name 'DomainControllers' -List -ScriptBlock {
                Get-ADDomainController -Filter '*' -Server $domainName @credentialParameter
            }
            # RestrictRemoteSam on the DCs: the PDC emulator, and every writable DC when asked.
            $pdc = [string]$domain.PDCEmulator
            $registryTargets = (New-Object -TypeName 'System.Collections.Generic.List[string]')
            if ($pdc) {
                $registryTargets.Add($pdc)
            }
            if ($AllDomainControllers -and $domainEntry.Contains('DomainControllers')) {
                # Add-WbdFact -List stored a list (not wrapped in @(): PowerShell 7.6's binder
                # fails on @() of this generic list).
                foreach ($controller in $domainEntry['DomainControllers']) {
                    $hostName = [string]$controller['HostName']
                    $readOnly = [string]$controller['IsReadOnly'] -eq 'True'
                    if ($hostName -and -not $readOnly -and -not ($registryTargets -contains $hostName)) {
                        $registryTargets.Add($hostName)
                    }
                }
            }
            if ($registryTargets.Count -eq 0) {
                $domainEntry['Errors']['DomainControllerRegistry'] = 'Get-ADDomain named no PDC emulator, so no domain controller registry was read'
            } else {
                $reads = (New-Object -TypeName 'System.Collections.Generic.List[object]')
                foreach ($target in $registryTargets) {
                    Write-Progress -Activity 'Collecting the password writeback environment' -Status ('Active Directory: RestrictRemoteSam on {0}' -f $target) -PercentComplete (60 + [int](35 * $index / $forests.Count))
                    $reads.Add((Get-WbdDomainControllerRegistry -HostName $target -IsPdcEmulator ($target -eq $pdc)))
                }
                $domainEntry['DomainControllerRegistry'] = $reads
            }
            # The LDAP password-policy-hints control, from the PDC emulator's rootDSE.
            if ($pdc) {
                Write-Progress -Activity 'Collecting the password writeback environment' -Status ('Active Directory: rootDSE of {0}' -f $pdc) -PercentComplete (60 + [int](35 * $index / $forests.Count))
                $domainEntry['PdcRootDse'] = Get-WbdDomainControllerRootDse -HostName $pdc
            } else {
                $domainEntry['Errors']['PdcRootDse'] = 'Get-ADDomain named no PDC emulator, so no rootDSE was read'
            }
            Add-WbdFact -Section $domainEntry -Name 'PasswordPolicy' -ScriptBlock {
                Get-ADDefaultDomainPasswordPolicy -Identity $domainName -Server $domainName @credentialParameter
            }
            Add-WbdFact -Section $domainEntry -Name 'OrganizationalUnits' -List -ScriptBlock {
                foreach ($unit in @(Get-ADOrganizationalUnit -Filter '*' -Server $domainName @credentialParameter)) {
                    [ordered]@{
                        Name              = [string]$unit.Name
                        DistinguishedName = [string]$unit.DistinguishedName
                    }
                }
            }
            if (-not $SkipPermissions) {
                Write-Progress -Activity 'Collecting the password writeback environment' -Status ('Active Directory: permissions and users of {0}' -f $domainName) -PercentComplete (60 + [int](35 * $index / $forests.Count))
                $permissions = @{
                    DomainEntry       = $domainEntry
                    DomainName        = $domainName
                    DistinguishedName = [string]$domain.DistinguishedName
                    PdcEmulator       = $pdc
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
            }
            $domains.Add($domainEntry)
        }
        $forestEntry['Domains'] = $domains
        $section['Forests'].Add($forestEntry)
    }

    $section
}
