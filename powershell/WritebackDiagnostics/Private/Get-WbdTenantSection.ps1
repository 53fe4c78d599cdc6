function Get-WbdTenantSection {
    <#
    .SYNOPSIS
    Collects the Tenant section of the snapshot from Microsoft Graph, without ever signing in.

    .DESCRIPTION
    Uses the Graph context the session already has (Connect-MgGraph run beforehand). Without
    the Microsoft.Graph.Authentication module, or without a context, the section is Unavailable
    with the reason: this function never calls Connect-MgGraph and never prompts. With a
    context, each item is the Graph response (or the items of its value) passed through:
    SubscribedSkus, Organization, Domains, OnPremisesSynchronization, AuthorizationPolicy, the
    admin account (AdminUser: -AdminUser, else the signed-in account) and the test user
    (TestUser: -TestUser). Each user carries DirectoryRoles (memberOf/microsoft.graph.directoryRole),
    RoleAssignments (the user's own role assignments, roleManagement/directory/roleAssignments
    filtered on principalId: an assignment to a group the user is in has the group's id) and
    LicenseDetails; the test user also carries UserRegistrationDetails
    (reports/authenticationMethods/userRegistrationDetails/{id}: whether SSPR is enabled for and
    registered by the user). An item Graph refuses (for example 403 for a missing permission:
    RoleManagement.Read.Directory for the role assignments, AuditLog.Read.All and an Entra ID
    P1/P2 tenant for the registration details) is recorded in Errors under the user's field
    name and the item ('AdminUser.RoleAssignments', 'TestUser.UserRegistrationDetails'); when
    Graph refuses every item the whole section is Unavailable.

    .PARAMETER AdminUser
    UPN or object id of the admin account used to configure writeback.

    .PARAMETER TestUser
    UPN or object id of the user writeback will be tested with.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter()]
        [string] $AdminUser,

        [Parameter()]
        [string] $TestUser
    )

    foreach ($command in 'Get-MgContext', 'Invoke-MgGraphRequest') {
        if (-not (Test-WbdCommandAvailable -Name $command)) {
            return New-WbdSection -Reason ('The Microsoft.Graph.Authentication module is not installed ({0} was not found), so the tenant was not read. Install it (Install-Module Microsoft.Graph.Authentication), run Connect-MgGraph, then collect again.' -f $command)
        }
    }

    try {
        $context = Get-MgContext -ErrorAction Stop
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        return New-WbdSection -Reason ('Get-MgContext failed, so the tenant was not read: {0}' -f $_.Exception.Message)
    }
    if ($null -eq $context) {
        return New-WbdSection -Reason 'There is no Microsoft Graph connection in this session, so the tenant was not read (this command never signs in by itself). Run Connect-MgGraph -Scopes Organization.Read.All, Directory.Read.All, Policy.Read.All, OnPremDirectorySynchronization.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All, then collect again.'
    }

    $section = New-WbdSection
    # Who and where, for the reader of a saved snapshot; the rules do not use it.
    $section['Context'] = ConvertTo-WbdSnapshotValue -InputObject ([ordered]@{
            TenantId    = [string]$context.TenantId
            Account     = [string]$context.Account
            AuthType    = [string]$context.AuthType
            Environment = [string]$context.Environment
            AppName     = [string]$context.AppName
            Scopes      = @($context.Scopes | Where-Object -FilterScript { $_ })
        })

    $items = @('SubscribedSkus', 'Organization', 'Domains', 'OnPremisesSynchronization', 'AuthorizationPolicy')
    Add-WbdFact -Section $section -Name 'SubscribedSkus' -List -ScriptBlock {
        Get-WbdGraphResource -Uri 'v1.0/subscribedSkus' -Collection
    }
    Add-WbdFact -Section $section -Name 'Organization' -List -ScriptBlock {
        Get-WbdGraphResource -Uri 'v1.0/organization' -Collection
    }
    Add-WbdFact -Section $section -Name 'Domains' -List -ScriptBlock {
        Get-WbdGraphResource -Uri 'v1.0/domains' -Collection
    }
    Add-WbdFact -Section $section -Name 'OnPremisesSynchronization' -List -ScriptBlock {
        Get-WbdGraphResource -Uri 'v1.0/directory/onPremisesSynchronization' -Collection
    }
    Add-WbdFact -Section $section -Name 'AuthorizationPolicy' -ScriptBlock {
        Get-WbdGraphResource -Uri 'v1.0/policies/authorizationPolicy'
    }

    $users = [ordered]@{}
    if ($AdminUser) {
        $users['AdminUser'] = $AdminUser
    } elseif ($context.Account) {
        Write-Verbose -Message ('Using the signed-in account {0} as the admin account; use -AdminUser for another one' -f $context.Account)
        $users['AdminUser'] = [string]$context.Account
    } else {
        $section['Errors']['AdminUser'] = 'The Graph context is app-only, so there is no signed-in admin account; pass -AdminUser with the UPN of the admin who configures writeback.'
        Write-Verbose -Message ('AdminUser not collected: {0}' -f $section['Errors']['AdminUser'])
    }
    if ($TestUser) {
        $users['TestUser'] = $TestUser
    } else {
        Write-Verbose -Message 'No -TestUser given: the test user checks will be skipped'
    }

    $select = 'id,userPrincipalName,displayName,userType,accountEnabled,onPremisesSyncEnabled,onPremisesDomainName,onPremisesSamAccountName,onPremisesDistinguishedName,onPremisesLastSyncDateTime,assignedPlans'
    foreach ($field in @($users.Keys)) {
        $items += $field
        $identity = [System.Uri]::EscapeDataString($users[$field])
        Add-WbdFact -Section $section -Name $field -ScriptBlock {
            $user = ConvertTo-WbdSnapshotValue -InputObject (Get-WbdGraphResource -Uri ('v1.0/users/{0}?$select={1}' -f $identity, $select))
            $id = [System.Uri]::EscapeDataString([string]$user['id'])
            # OData string literal (a quote doubled), then URL-encoded; the quote is encoded as
            # %27 by hand because Uri.EscapeDataString leaves it alone on some .NET Framework
            # configurations and encodes it on .NET.
            $principalFilter = "principalId eq '{0}'" -f ([string]$user['id'] -replace "'", "''")
            $principalFilter = [System.Uri]::EscapeDataString($principalFilter) -replace "'", '%27'
            $sectionErrors = $section['Errors']
            # transitiveMemberOf without an OData cast or filter needs no ConsistencyLevel header;
            # it lists groups and directory roles, including roles held through a group.
            $memberships = @{}
            Add-WbdFact -Section $user -Name 'DirectoryRoles' -List -Errors $sectionErrors -ErrorName ('{0}.DirectoryRoles' -f $field) -ScriptBlock {
                $memberships['All'] = @(Get-WbdGraphResource -Uri ('v1.0/users/{0}/transitiveMemberOf' -f $id) -Collection)
                $memberships['All'] | Where-Object -FilterScript { (Get-WbdGraphProperty -InputObject $_ -Name '@odata.type') -eq '#microsoft.graph.directoryRole' }
            }
            if ($memberships.Contains('All')) {
                Add-WbdFact -Section $user -Name 'RoleAssignableGroups' -List -Errors $sectionErrors -ErrorName ('{0}.RoleAssignableGroups' -f $field) -ScriptBlock {
                    foreach ($membership in $memberships['All']) {
                        if ((Get-WbdGraphProperty -InputObject $membership -Name '@odata.type') -eq '#microsoft.graph.group' -and (Get-WbdGraphProperty -InputObject $membership -Name 'isAssignableToRole') -eq $true) {
                            [ordered]@{
                                id          = Get-WbdGraphProperty -InputObject $membership -Name 'id'
                                displayName = Get-WbdGraphProperty -InputObject $membership -Name 'displayName'
                            }
                        }
                    }
                }
            }
            Add-WbdFact -Section $user -Name 'RoleAssignments' -List -Errors $sectionErrors -ErrorName ('{0}.RoleAssignments' -f $field) -ScriptBlock {
                Get-WbdGraphResource -Uri ('v1.0/roleManagement/directory/roleAssignments?$filter={0}' -f $principalFilter) -Collection
            }
            Add-WbdFact -Section $user -Name 'LicenseDetails' -List -Errors $sectionErrors -ErrorName ('{0}.LicenseDetails' -f $field) -ScriptBlock {
                Get-WbdGraphResource -Uri ('v1.0/users/{0}/licenseDetails' -f $id) -Collection
            }
            if ($field -eq 'TestUser') {
                Add-WbdFact -Section $user -Name 'UserRegistrationDetails' -Errors $sectionErrors -ErrorName 'TestUser.UserRegistrationDetails' -ScriptBlock {
                    Get-WbdGraphResource -Uri ('v1.0/reports/authenticationMethods/userRegistrationDetails/{0}' -f $id)
                }
            }
            $user
        }
    }

    $collected = @($items | Where-Object -FilterScript { $section.Contains($_) })
    if ($collected.Count -eq 0) {
        $first = @($section['Errors'].Values)[0]
        return New-WbdSection -Reason ('Microsoft Graph refused every request, so the tenant was not read (first error: {0}). Reconnect with Connect-MgGraph -Scopes Organization.Read.All, Directory.Read.All, Policy.Read.All, OnPremDirectorySynchronization.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All as an account that may read them, then collect again.' -f $first)
    }
    $section
}
