#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Test-WritebackUser's collection: how -Identity is resolved and escaped, the
# UserTargets entry (ADSync's Get-ADSyncCSObject/Get-ADSyncMVObject and Microsoft Graph mocked,
# a 403 as data), the one-user read with the ActiveDirectory module (mocked) and over LDAP from
# a real slapd on loopback (tests/pester/LdapTestSupport.ps1), and 'through the engine' the
# verdict the engine's permissions command gives. Windows PowerShell 5.1 syntax.

BeforeDiscovery {
    $script:NoSlapd = -not (Test-Path -LiteralPath '/usr/sbin/slapd' -PathType Leaf)
}

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    . ([System.IO.Path]::Combine($PSScriptRoot, 'LdapTestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:Module = 'WritebackDiagnostics'
    $script:OnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows

    $script:Stubs = [ordered]@{
        'Get-ADSyncCSObject'    = 'param ([string] $ConnectorName, [string] $DistinguishedName, [object] $Identifier)'
        'Get-ADSyncMVObject'    = 'param ([object] $Identifier)'
        'Get-MgContext'         = 'param ()'
        'Invoke-MgGraphRequest' = 'param ([string] $Method, [object] $Uri, [string] $OutputType)'
        'Connect-MgGraph'       = 'param ([string[]] $Scopes)'
        'Get-ADForest'          = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomain'          = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomainController' = 'param ([string] $Filter, [string] $Server, [object] $Identity, [pscredential] $Credential)'
        'Get-ADDefaultDomainPasswordPolicy' = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADOrganizationalUnit' = 'param ([string] $Filter, [string] $Server, [string[]] $Properties, [pscredential] $Credential)'
        'Get-ADUser'            = 'param ([object] $Identity, [string] $Filter, [string] $LDAPFilter, [string[]] $Properties, [object] $ResultSetSize, [int] $ResultPageSize, [string] $Server, [pscredential] $Credential)'
        'Get-ADObject'          = 'param ([object] $Identity, [string] $LDAPFilter, [string] $SearchBase, [string] $SearchScope, [string[]] $Properties, [string] $Server, [pscredential] $Credential)'
        'Get-ADFineGrainedPasswordPolicy' = 'param ([string] $Filter, [string] $Server, [pscredential] $Credential)'
    }
    $script:CreatedStubs = @(Add-TestStub -Stub $script:Stubs)

    $script:UserId = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'
    $script:CsId = '11111111-2222-4333-8444-555555555555'
    $script:MvId = '66666666-7777-4888-9999-000000000000'
    $script:AadCsId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'
    $script:AdConnectorId = '5c3f6c9e-2b1e-4d8a-9c63-0d2f0a9b7e11'
    $script:AadConnectorId = 'b891884f-051e-4a83-95af-2544101c9083'
    $script:Connectors = @(
        [PSCustomObject]@{ Identifier = [guid]$script:AdConnectorId; Name = 'contoso.com'; Type = 'AD'; ConnectivityParameters = @(); Partitions = @() }
        [PSCustomObject]@{ Identifier = [guid]$script:AadConnectorId; Name = 'contoso.onmicrosoft.com - AAD'; Type = 'Extensible2'; Subtype = 'Windows Azure Active Directory (Microsoft)'; ConnectivityParameters = @(); Partitions = @() }
    )
    $script:User = [ordered]@{ DistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'jdoe'; UserPrincipalName = 'jdoe@contoso.com' }

    function Set-SyncAndGraphMock {
        Mock -ModuleName $script:Module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName $script:Module -CommandName 'Connect-MgGraph' -MockWith { throw 'the collector must never sign in' }
        Mock -ModuleName $script:Module -CommandName 'Get-ADSyncCSObject' -MockWith {
            [PSCustomObject]@{
                ObjectId            = [guid]$script:CsId
                ConnectorId         = [guid]$script:AdConnectorId
                ConnectorName       = $ConnectorName
                DistinguishedName   = $DistinguishedName
                ObjectType          = 'user'
                IsConnector         = $true
                IsTransient         = $false
                ConnectedMVObjectId = [guid]$script:MvId
                Attributes          = @([PSCustomObject]@{ Name = 'unicodePwd'; Values = @('should never be read') })
            }
        }
        Mock -ModuleName $script:Module -CommandName 'Get-ADSyncMVObject' -MockWith {
            [PSCustomObject]@{
                ObjectId   = [guid]$script:MvId
                ObjectType = 'person'
                Lineage    = @(
                    [PSCustomObject]@{ ConnectorName = 'contoso.com'; ConnectorId = [guid]$script:AdConnectorId; ConnectedCsObjectId = [guid]$script:CsId; ConnectorType = 'AD' }
                    [PSCustomObject]@{ ConnectorName = 'contoso.onmicrosoft.com - AAD'; ConnectorId = [guid]$script:AadConnectorId; ConnectedCsObjectId = [guid]$script:AadCsId; ConnectorType = 'AAD' }
                )
            }
        }
        Mock -ModuleName $script:Module -CommandName 'Get-MgContext' -MockWith { [PSCustomObject]@{ TenantId = '2f4a9c1e-0c4b-4b6e-9d6f-3b7f0a1c2d3e'; Account = 'helpdesk@contoso.com'; Scopes = @('User.Read.All') } }
        Mock -ModuleName $script:Module -CommandName 'Invoke-MgGraphRequest' -MockWith {
            $text = [string]$Uri
            if ($Uri -is [uri]) {
                $text = $Uri.OriginalString
            }
            $script:GraphUris.Add($text)
            if ($text -like 'v1.0/users/*') {
                return [ordered]@{ id = $script:UserId; userPrincipalName = 'jdoe@contoso.com'; onPremisesSyncEnabled = $true; onPremisesDistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; onPremisesSamAccountName = 'jdoe' }
            }
            if ($text -like 'v1.0/reports/authenticationMethods/userRegistrationDetails/*') {
                if ($script:GraphForbidden) {
                    throw 'Response status code does not indicate success: Forbidden (Forbidden).'
                }
                return [ordered]@{ id = $script:UserId; isSsprRegistered = $true; isSsprEnabled = $true; isSsprCapable = $true; methodsRegistered = @('mobilePhone') }
            }
            if ($text -like 'v1.0/auditLogs/directoryAudits*') {
                if ($script:GraphForbidden) {
                    throw 'Response status code does not indicate success: Forbidden (Forbidden).'
                }
                return [ordered]@{
                    '@odata.nextLink' = 'https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=abc'
                    value             = @(
                        [ordered]@{ id = 'SSPR_1'; category = 'UserManagement'; activityDisplayName = 'Reset password (self-service)'; loggedByService = 'Self-service Password Management'; result = 'failure'; resultReason = 'OnPremisesAdminActionRequired'; activityDateTime = '2026-11-24T19:20:00Z' }
                    )
                }
            }
            throw ('unexpected Graph request {0}' -f $text)
        }
    }

    function Get-TestUserTarget {
        param ([hashtable] $Parameters)
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Target = $Parameters } -ScriptBlock {
            param ($Target)
            Get-WbdUserTarget @Target
        }
    }

    function ConvertTo-TestJson {
        param ([object] $InputObject)
        ConvertTo-Json -InputObject $InputObject -Depth 20 -Compress
    }
}

AfterAll {
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Test-WritebackUser''s parameters' {
    It 'takes -Identity first and mandatory, and the same sources as Test-WritebackPermission' {
        $command = Get-Command -Name 'Test-WritebackUser'
        $identity = $command.Parameters['Identity'].Attributes | Where-Object -FilterScript { $_ -is [System.Management.Automation.ParameterAttribute] }
        @($identity | Where-Object -FilterScript { $_.Mandatory -and $_.Position -eq 0 }).Count | Should -BeGreaterThan 0
        foreach ($name in 'Environment', 'Path', 'Server', 'ConnectorAccount', 'Credential', 'UserLimit', 'ServerConfigPath', 'Now') {
            $command.Parameters.ContainsKey($name) | Should -BeTrue -Because $name
            (Get-Command -Name 'Test-WritebackPermission').Parameters.ContainsKey($name) | Should -BeTrue -Because $name
        }
        $command.Parameters['Credential'].ParameterType | Should -Be ([System.Management.Automation.PSCredential])
    }
}

Describe 'Resolve-WbdUserIdentity' {
    It 'tells a DN, a UPN and a sAMAccountName apart and escapes the value for the filter (RFC 4515)' {
        $cases = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            foreach ($one in 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com', 'jdoe@contoso.com', 'jdoe', 'CONTOSO\jdoe', 'star*user', 'a(b)\c') {
                $resolved = Resolve-WbdUserIdentity -Identity $one
                '{0}|{1}|{2}' -f $resolved.Kind, $resolved.Value, $resolved.Filter
            }
        }
        @($cases) | Should -Be @(
            'DistinguishedName|CN=Jo Doe,OU=Sales,DC=contoso,DC=com|(distinguishedName=CN=Jo Doe,OU=Sales,DC=contoso,DC=com)'
            'UserPrincipalName|jdoe@contoso.com|(userPrincipalName=jdoe@contoso.com)'
            'SamAccountName|jdoe|(sAMAccountName=jdoe)'
            'SamAccountName|jdoe|(sAMAccountName=jdoe)'
            'SamAccountName|star*user|(sAMAccountName=star\2auser)'
            'SamAccountName|c|(sAMAccountName=c)'
        )
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { ConvertTo-WbdLdapFilterValue -Value ('a(b)\c*' + [char]0) } | Should -BeExactly 'a\28b\29\5cc\2a\00'
    }
}

Describe 'The UserTargets entry (ADSync and Microsoft Graph mocked)' {
    BeforeEach {
        Set-SyncAndGraphMock
        $script:GraphUris = New-Object -TypeName 'System.Collections.Generic.List[string]'
        $script:GraphForbidden = $false
    }

    It 'writes exactly the contract: connector space, metaverse lineage and the cloud side' {
        $entry = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $script:User; Domain = 'contoso.com'; Connector = $script:Connectors }
        $expected = [ordered]@{
            Identity          = 'jdoe'
            Status            = 'Collected'
            Reason            = $null
            DistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'
            Domain            = 'contoso.com'
            Errors            = [ordered]@{}
            ConnectorSpace    = @(
                [ordered]@{ ConnectorName = 'contoso.com'; DistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; ObjectId = $script:CsId; ConnectedMVObjectId = $script:MvId; IsConnector = $true; ObjectType = 'user' }
            )
            Metaverse         = [ordered]@{
                ObjectId = $script:MvId
                Lineage  = @(
                    [ordered]@{ ConnectorName = 'contoso.com'; ConnectorId = $script:AdConnectorId; ConnectedCsObjectId = $script:CsId; ConnectorType = 'AD' }
                    [ordered]@{ ConnectorName = 'contoso.onmicrosoft.com - AAD'; ConnectorId = $script:AadConnectorId; ConnectedCsObjectId = $script:AadCsId; ConnectorType = 'AAD' }
                )
            }
            Cloud             = [ordered]@{
                Status              = 'Collected'
                Reason              = $null
                Errors              = [ordered]@{}
                User                = [ordered]@{ id = $script:UserId; userPrincipalName = 'jdoe@contoso.com'; onPremisesSyncEnabled = $true; onPremisesDistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; onPremisesSamAccountName = 'jdoe' }
                RegistrationDetails = [ordered]@{ id = $script:UserId; isSsprRegistered = $true; isSsprEnabled = $true; isSsprCapable = $true; methodsRegistered = @('mobilePhone') }
                SsprAudits          = @(
                    [ordered]@{ id = 'SSPR_1'; category = 'UserManagement'; activityDisplayName = 'Reset password (self-service)'; loggedByService = 'Self-service Password Management'; result = 'failure'; resultReason = 'OnPremisesAdminActionRequired'; activityDateTime = '2026-11-24T19:20:00Z' }
                )
            }
        }
        ConvertTo-TestJson -InputObject $entry | Should -Be (ConvertTo-TestJson -InputObject $expected)
        # Only the AD connector is asked, with the user's DN; the MV object by its id.
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADSyncCSObject' -Times 1 -Exactly -ParameterFilter { $ConnectorName -eq 'contoso.com' -and $DistinguishedName -eq 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com' }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADSyncMVObject' -Times 1 -Exactly -ParameterFilter { [string]$Identifier -eq $script:MvId }
        Should -Invoke -ModuleName $script:Module -CommandName 'Connect-MgGraph' -Times 0 -Exactly
    }

    It 'asks Graph for the user by the AD userPrincipalName, its registration details and one page of SSPR audits' {
        $null = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $script:User; Domain = 'contoso.com'; Connector = $script:Connectors }
        $script:GraphUris.Count | Should -Be 3
        $script:GraphUris[0] | Should -BeExactly 'v1.0/users/jdoe%40contoso.com?$select=id,userPrincipalName,onPremisesSyncEnabled,onPremisesDistinguishedName,onPremisesSamAccountName'
        $script:GraphUris[1] | Should -BeExactly ('v1.0/reports/authenticationMethods/userRegistrationDetails/{0}' -f $script:UserId)
        $audit = $script:GraphUris[2]
        $audit | Should -Match '^v1\.0/auditLogs/directoryAudits\?\$filter=[^ '']+&\$top=20$'
        [System.Uri]::UnescapeDataString($audit) | Should -BeExactly ('v1.0/auditLogs/directoryAudits?$filter=loggedByService eq ''Self-service Password Management'' and targetResources/any(t:t/id eq ''{0}'')&$top=20' -f $script:UserId)
    }

    It 'records a 403 in Cloud.Errors and carries on' {
        $script:GraphForbidden = $true
        $entry = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $script:User; Domain = 'contoso.com'; Connector = $script:Connectors }
        $entry['Status'] | Should -Be 'Collected'
        $entry['Cloud']['Status'] | Should -Be 'Collected'
        $entry['Cloud']['User']['id'] | Should -Be $script:UserId
        $entry['Cloud']['Errors']['RegistrationDetails'] | Should -BeLike '*Forbidden*'
        $entry['Cloud']['Errors']['SsprAudits'] | Should -BeLike '*Forbidden*'
        $entry['Cloud'].Contains('RegistrationDetails') | Should -BeFalse
        $entry['Cloud'].Contains('SsprAudits') | Should -BeFalse
    }

    It 'marks the cloud side Unavailable without a Graph connection, and never signs in' {
        Mock -ModuleName $script:Module -CommandName 'Get-MgContext' -MockWith { $null }
        $entry = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $script:User; Domain = 'contoso.com'; Connector = $script:Connectors }
        $entry['Cloud']['Status'] | Should -Be 'Unavailable'
        $entry['Cloud']['Reason'] | Should -BeLike '*no Microsoft Graph connection*'
        Should -Invoke -ModuleName $script:Module -CommandName 'Invoke-MgGraphRequest' -Times 0 -Exactly
        Should -Invoke -ModuleName $script:Module -CommandName 'Connect-MgGraph' -Times 0 -Exactly
    }

    It 'says why the sync engine was not read without ADSync, and keeps a missing user as a null DN' {
        Mock -ModuleName $script:Module -CommandName 'Test-WbdCommandAvailable' -MockWith { $Name -notlike 'Get-ADSync*' }
        $entry = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $script:User; Domain = 'contoso.com'; Connector = $script:Connectors }
        $entry['Errors']['ConnectorSpace'] | Should -BeLike '*Get-ADSyncCSObject not found*'
        $entry['Errors']['Metaverse'] | Should -BeLike '*Get-ADSyncMVObject not found*'
        $entry.Contains('ConnectorSpace') | Should -BeFalse

        $missing = Get-TestUserTarget -Parameters @{ Identity = 'nobody'; User = $null; Domain = 'contoso.com'; Connector = $script:Connectors }
        $missing['Status'] | Should -Be 'Collected'
        $null -eq $missing['DistinguishedName'] | Should -BeTrue
        $missing['Cloud']['Status'] | Should -Be 'Unavailable'
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADSyncCSObject' -Times 0 -Exactly
    }

    It 'is Unavailable with the reason when the directory could not be read' {
        $entry = Get-TestUserTarget -Parameters @{ Identity = 'jdoe'; User = $null; DirectoryError = 'DC01 did not answer the LDAP read within 300000 ms'; Connector = $script:Connectors }
        $entry['Status'] | Should -Be 'Unavailable'
        $entry['Reason'] | Should -BeLike '*whether jdoe exists is unknown*DC01 did not answer*'
    }
}

Describe 'The one-user read through the ActiveDirectory module (mocked)' {
    It 'asks Get-ADUser for just that user with the escaped filter, and writes it as the only user' {
        Mock -ModuleName $script:Module -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADObject' -MockWith { [PSCustomObject]@{ DistinguishedName = 'DC=contoso,DC=com'; ObjectClass = 'domainDNS'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:AI' } } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADFineGrainedPasswordPolicy' -MockWith { @() }
        Mock -ModuleName $script:Module -CommandName 'Get-ADUser' -MockWith {
            [PSCustomObject]@{ DistinguishedName = 'CN=Star,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'star*user'; UserPrincipalName = $null; ObjectClass = 'user'; objectSid = 'S-1-5-21-1-2-3-1604'; adminCount = $null; userAccountControl = 512; pwdLastSet = [long]1; lockoutTime = $null; 'msDS-ResultantPSO' = $null; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:AI' } }
        }
        $entry = [ordered]@{}
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Entry = $entry } -ScriptBlock {
            param ($Entry)
            Get-WbdPermissionData -DomainEntry $Entry -DomainName 'contoso.com' -DistinguishedName 'DC=contoso,DC=com' -PdcEmulator 'DC01.contoso.com' -UserIdentity (Resolve-WbdUserIdentity -Identity 'CONTOSO\star*user') -Source ActiveDirectoryModule
        }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADUser' -Times 1 -Exactly -ParameterFilter { $LDAPFilter -eq '(sAMAccountName=star\2auser)' -and [int]$ResultSetSize -eq 1 -and $Server -eq 'DC01.contoso.com' }
        $entry['Users'].Count | Should -Be 1
        $entry['UsersLimit'] | Should -Be 1
        $entry['UsersTruncated'] | Should -BeFalse
    }
}

Describe 'Test-WritebackUser over LDAP from a real slapd' -Skip:$script:NoSlapd {
    BeforeAll {
        $script:Slapd = Start-TestSlapd -ExtraUsers 3

        function Get-TestUserSnapshot {
            param ([string] $Identity)
            InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Server = $script:Slapd.Server; Identity = $Identity } -ScriptBlock {
                param ($Server, $Identity)
                New-WbdPermissionSnapshot -Server $Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -Identity $Identity -Activity 'test'
            }
        }
    }

    AfterAll {
        Stop-TestSlapd -Slapd $script:Slapd
    }

    It 'finds the user by <Kind> and reads only that user' -TestCases @(
        @{ Kind = 'sAMAccountName'; Identity = 'jdoe' }
        @{ Kind = 'DOMAIN\sAMAccountName'; Identity = 'CONTOSO\jdoe' }
        @{ Kind = 'userPrincipalName'; Identity = 'jdoe@contoso.com' }
        @{ Kind = 'distinguished name'; Identity = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com' }
    ) {
        $snapshot = (Get-TestUserSnapshot -Identity $Identity).Snapshot
        $domain = @(@($snapshot.ActiveDirectory.Forests)[0].Domains)[0]
        @($domain.Users).Count | Should -Be 1
        $domain.Users[0].SamAccountName | Should -Be 'jdoe'
        $domain.UsersLimit | Should -Be 1
        $domain.Descriptors.Root.SecurityDescriptor | Should -BeExactly $script:Slapd.Data.Descriptors.Root
        $target = @($snapshot.UserTargets)[0]
        '{0}|{1}|{2}|{3}' -f $target.Identity, $target.Status, $target.DistinguishedName, $target.Domain | Should -Be ('{0}|Collected|CN=Jo Doe,OU=Sales,DC=contoso,DC=com|contoso.com' -f $Identity)
    }

    It 'escapes the filter: ''j*'' matches no one, ''star*user'' only the user with that name' {
        $snapshot = (Get-TestUserSnapshot -Identity 'j*').Snapshot
        $domain = @(@($snapshot.ActiveDirectory.Forests)[0].Domains)[0]
        @($domain.Users).Count | Should -Be 0
        $target = @($snapshot.UserTargets)[0]
        $target.Status | Should -Be 'Collected'
        $null -eq $target.DistinguishedName | Should -BeTrue
        $snapshot = (Get-TestUserSnapshot -Identity 'star*user').Snapshot
        $domain = @(@($snapshot.ActiveDirectory.Forests)[0].Domains)[0]
        @($domain.Users | ForEach-Object -Process { $_.SamAccountName }) | Should -Be @('star*user')
    }

    It 'keeps a DN that does not exist as a user not found' {
        $snapshot = (Get-TestUserSnapshot -Identity 'CN=Nobody,OU=Sales,DC=contoso,DC=com').Snapshot
        $domain = @(@($snapshot.ActiveDirectory.Forests)[0].Domains)[0]
        @($domain.Users).Count | Should -Be 0
        $null -eq $domain.Errors.PSObject.Properties['Users'] | Should -BeTrue
    }

    It 'sends the engine the user and the snapshot, and writes USER-VERDICT first' {
        Mock -ModuleName $script:Module -CommandName 'Invoke-WbdRequest' -MockWith {
            $script:SentOptions = $Options
            $script:SentSnapshot = [System.IO.File]::ReadAllText($Options['SnapshotPath']) | ConvertFrom-Json
            [pscustomobject]@{
                Results = @(
                    [pscustomobject]@{ Id = 'USER-SCOPE'; Check = 'c'; Target = 't'; Status = 'Pass'; Title = 't'; Message = 'm'; Evidence = [pscustomobject]@{} }
                    [pscustomobject]@{ Id = 'USER-VERDICT'; Check = 'c'; Target = 't'; Status = 'Fail'; Title = 't'; Message = 'm'; Evidence = [pscustomobject]@{} }
                )
            }
        }
        $results = @(Test-WritebackUser 'ada.admin' -Server $script:Slapd.Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -Now '2026-11-25T10:00:00Z')
        @($results | ForEach-Object -Process { $_.Id }) | Should -Be @('USER-VERDICT', 'USER-SCOPE')
        $results[0].PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
        $script:SentOptions['User'] | Should -Be 'ada.admin'
        $script:SentOptions['Now'] | Should -Be '2026-11-25T10:00:00.0000000Z'
        @($script:SentSnapshot.UserTargets)[0].DistinguishedName | Should -Be 'CN=Ada Admin,CN=Users,DC=contoso,DC=com'
        Test-Path -LiteralPath $script:SentOptions['SnapshotPath'] | Should -BeFalse -Because 'the temporary snapshot is deleted'
    }
}

Describe 'Test-WritebackUser through the engine' -Skip:$script:NoSlapd {
    # These need the engine's permissions command; before it exists they fail with the
    # engine's UnknownCommand error (WbdInvalidInput).
    BeforeAll {
        $script:Slapd = Start-TestSlapd
        $script:Fixture = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'permissions-ldap.json')
    }

    AfterAll {
        Stop-TestSlapd -Slapd $script:Slapd
    }

    It 'fails the protected user (adminCount 1) with USER-VERDICT first, live over LDAP' {
        $results = @(Test-WritebackUser -Identity 'ada.admin' -Server $script:Slapd.Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -ErrorAction Stop)
        $results[0].Id | Should -Be 'USER-VERDICT'
        $results[0].Status | Should -Be 'Fail'
        @($results | Where-Object -FilterScript { $_.Id -eq 'USER-PROTECTED' }).Count | Should -BeGreaterThan 0
    }

    It 'gives the same verdict from the saved snapshot with -Path' {
        $results = @(Test-WritebackUser -Identity 'ada.admin' -Path $script:Fixture -Now '2026-11-25T10:00:00Z' -ErrorAction Stop)
        $results[0].Id | Should -Be 'USER-VERDICT'
        $results[0].Status | Should -Be 'Fail'
    }
}
