function Add-WbdAdModulePermissionData {
    <#
    .SYNOPSIS
    Reads a domain's permission data with the ActiveDirectory module and adds it to the domain's snapshot entry (Descriptors, Users, FineGrainedPasswordPolicies).

    .DESCRIPTION
    The ActiveDirectory module path of Get-WbdPermissionData. Every call goes to -Server (the
    PDC emulator when it answers, chosen by the caller) and carries -Credential when one is
    given. What is read, passed through without interpretation:

    - Descriptors: Root (the domain root), AdminSdHolder (CN=AdminSDHolder,CN=System) and
      Containers (every organizationalUnit and container, Get-ADObject -LDAPFilter), each with
      the Sddl of its nTSecurityDescriptor as the module returns it;
    - Users: Get-ADUser -Filter * (users and inetOrgPersons, not computers) with adminCount,
      userAccountControl, pwdLastSet, lockoutTime, msDS-ResultantPSO, nTSecurityDescriptor,
      objectSid and objectClass, at most -UserLimit of them (UsersTruncated when there are
      more), or with -UserIdentity only the one user;
    - FineGrainedPasswordPolicies: Get-ADFineGrainedPasswordPolicy -Filter *, with the
      TimeSpans encoded as the PasswordPolicy's are.

    A read that fails is recorded in the entry's Errors under Descriptors, Users or
    FineGrainedPasswordPolicies, and the field (or the descriptor) is left out.

    .PARAMETER DomainEntry
    The domain's entry in ActiveDirectory.Forests[].Domains[].

    .PARAMETER DistinguishedName
    The domain's DN (Get-ADDomain's DistinguishedName).

    .PARAMETER Server
    The DC every call goes to.

    .PARAMETER Credential
    Passed to every ActiveDirectory call when given.

    .PARAMETER UserLimit
    At most this many users.

    .PARAMETER UserIdentity
    From Resolve-WbdUserIdentity: read only this user.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $DomainEntry,

        [Parameter(Mandatory = $true)]
        [string] $DistinguishedName,

        [Parameter(Mandatory = $true)]
        [string] $Server,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [psobject] $UserIdentity
    )

    if (-not $DomainEntry.Contains('Errors') -or $null -eq $DomainEntry['Errors']) {
        $DomainEntry['Errors'] = [ordered]@{}
    }
    $ad = @{ Server = $Server; ErrorAction = 'Stop' }
    if ($null -ne $Credential) {
        $ad['Credential'] = $Credential
    }

    function Get-Sddl {
        param ([object] $Object)
        $descriptor = $Object.nTSecurityDescriptor
        if ($null -eq $descriptor) {
            return $null
        }
        [string]$descriptor.Sddl
    }

    function Get-Reason {
        param ([object] $ErrorRecord, [string] $What)
        $reason = $ErrorRecord.Exception.Message
        $command = $ErrorRecord.InvocationInfo.MyCommand
        if ($null -ne $command -and $command.Name -and $reason -notlike ('{0}*' -f $command.Name)) {
            $reason = '{0}: {1}' -f $command.Name, $reason
        }
        '{0}: {1}' -f $What, $reason
    }

    $descriptors = [ordered]@{
        Status   = 'Collected'
        Reason   = $null
        ReadFrom = $Server
        Source   = 'ActiveDirectoryModule'
    }
    $problems = New-Object -TypeName 'System.Collections.Generic.List[string]'
    $holder = 'CN=AdminSDHolder,CN=System,{0}' -f $DistinguishedName
    foreach ($part in @(@('Root', $DistinguishedName), @('AdminSdHolder', $holder))) {
        try {
            $object = Get-ADObject -Identity $part[1] -Properties 'nTSecurityDescriptor' @ad
            $descriptors[$part[0]] = [ordered]@{
                DistinguishedName = [string]$object.DistinguishedName
                Sddl              = Get-Sddl -Object $object
            }
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            $problems.Add((Get-Reason -ErrorRecord $_ -What $part[1]))
        }
    }
    try {
        $containers = New-Object -TypeName 'System.Collections.Generic.List[object]'
        foreach ($object in @(Get-ADObject -LDAPFilter '(|(objectClass=organizationalUnit)(objectClass=container))' -SearchBase $DistinguishedName -SearchScope Subtree -Properties 'nTSecurityDescriptor', 'objectClass' @ad)) {
            $containers.Add([ordered]@{
                    DistinguishedName = [string]$object.DistinguishedName
                    ObjectClass       = [string]$object.ObjectClass
                    Sddl              = Get-Sddl -Object $object
                })
        }
        $descriptors['Containers'] = $containers
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $problems.Add((Get-Reason -ErrorRecord $_ -What 'the organizational units and containers'))
    }
    $DomainEntry['Descriptors'] = $descriptors
    if ($problems.Count -gt 0) {
        $DomainEntry['Errors']['Descriptors'] = $problems -join '; '
        Write-Verbose -Message ('Descriptors not all collected: {0}' -f $DomainEntry['Errors']['Descriptors'])
    }

    $properties = @('adminCount', 'userAccountControl', 'pwdLastSet', 'lockoutTime', 'msDS-ResultantPSO', 'nTSecurityDescriptor', 'objectSid', 'objectClass', 'userPrincipalName')
    try {
        if ($null -ne $UserIdentity) {
            $found = @(Get-ADUser -LDAPFilter $UserIdentity.Filter -Properties $properties -ResultSetSize 1 @ad)
            $limit = 1
        } else {
            $found = @(Get-ADUser -Filter '*' -Properties $properties -ResultSetSize ($UserLimit + 1) -ResultPageSize 500 @ad)
            $limit = $UserLimit
        }
        $users = New-Object -TypeName 'System.Collections.Generic.List[object]'
        foreach ($user in $found) {
            if ($users.Count -ge $limit) {
                break
            }
            $adminCount = $user.adminCount
            if ($null -ne $adminCount) {
                $adminCount = [int]$adminCount
            }
            $lockout = $user.lockoutTime
            if ($null -ne $lockout) {
                $lockout = [long]$lockout
            }
            $pwdLastSet = $user.pwdLastSet
            if ($null -ne $pwdLastSet) {
                $pwdLastSet = [long]$pwdLastSet
            }
            $uac = $user.userAccountControl
            if ($null -ne $uac) {
                $uac = [long]$uac
            }
            $pso = $user.'msDS-ResultantPSO'
            if ($null -ne $pso) {
                $pso = [string]$pso
            }
            $users.Add([ordered]@{
                    DistinguishedName  = [string]$user.DistinguishedName
                    SamAccountName     = [string]$user.SamAccountName
                    UserPrincipalName  = $user.UserPrincipalName
                    ObjectClass        = [string]$user.ObjectClass
                    ObjectSid          = ConvertTo-WbdSnapshotValue -InputObject $user.objectSid
                    AdminCount         = $adminCount
                    UserAccountControl = $uac
                    PwdLastSet         = $pwdLastSet
                    LockoutTime        = $lockout
                    ResultantPso       = $pso
                    Sddl               = Get-Sddl -Object $user
                })
        }
        $DomainEntry['Users'] = $users
        $DomainEntry['UsersLimit'] = $limit
        $DomainEntry['UsersTruncated'] = ($null -eq $UserIdentity -and $found.Count -gt $UserLimit)
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $DomainEntry['Errors']['Users'] = Get-Reason -ErrorRecord $_ -What 'the users'
        Write-Verbose -Message ('Users not collected: {0}' -f $DomainEntry['Errors']['Users'])
    }

    try {
        $policies = New-Object -TypeName 'System.Collections.Generic.List[object]'
        foreach ($policy in @(Get-ADFineGrainedPasswordPolicy -Filter '*' @ad)) {
            $appliesTo = New-Object -TypeName 'System.Collections.Generic.List[string]'
            foreach ($target in @($policy.AppliesTo)) {
                if ($null -ne $target) {
                    $appliesTo.Add([string]$target)
                }
            }
            $policies.Add([ordered]@{
                    DistinguishedName    = [string]$policy.DistinguishedName
                    Name                 = [string]$policy.Name
                    Precedence           = $policy.Precedence
                    MinPasswordAge       = ConvertTo-WbdSnapshotValue -InputObject $policy.MinPasswordAge
                    MaxPasswordAge       = ConvertTo-WbdSnapshotValue -InputObject $policy.MaxPasswordAge
                    PasswordHistoryCount = $policy.PasswordHistoryCount
                    ComplexityEnabled    = $policy.ComplexityEnabled
                    MinPasswordLength    = $policy.MinPasswordLength
                    AppliesTo            = $appliesTo
                })
        }
        $DomainEntry['FineGrainedPasswordPolicies'] = $policies
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $DomainEntry['Errors']['FineGrainedPasswordPolicies'] = Get-Reason -ErrorRecord $_ -What 'the fine-grained password policies'
        Write-Verbose -Message ('FineGrainedPasswordPolicies not collected: {0}' -f $DomainEntry['Errors']['FineGrainedPasswordPolicies'])
    }
}
