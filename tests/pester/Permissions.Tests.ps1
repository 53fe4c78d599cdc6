#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the connector-account permission collector and Test-WritebackPermission:
# - the ActiveDirectory module path with the AD cmdlets mocked (stubbed first where the runner
#   does not have them): exactly the snapshot contract of docs/snapshot.md (Descriptors, Users,
#   UsersLimit, UsersTruncated, FineGrainedPasswordPolicies), the PDC emulator as the target
#   when TCP 389 answers, -Credential on every call and nowhere in the output, read errors in
#   the domain's Errors;
# - the LDAP path (System.DirectoryServices.Protocols) against a REAL slapd on a loopback port
#   (tests/pester/LdapTestSupport.ps1, Linux with /usr/sbin/slapd only): descriptors byte for
#   byte, SIDs decoded, paging and the users limit, the SD-flags control on the wire, a server
#   that never answers, a rejected bind, anonymous and simple binds;
# - 'through the engine': the same data evaluated by the engine's permissions command.
# Windows PowerShell 5.1 syntax.

BeforeDiscovery {
    # slapd runs only where it is installed (the Linux CI; scripts/install-deps.sh --test).
    $script:NoSlapd = -not (Test-Path -LiteralPath '/usr/sbin/slapd' -PathType Leaf)
}

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    . ([System.IO.Path]::Combine($PSScriptRoot, 'LdapTestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:OnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows
    $script:Module = 'WritebackDiagnostics'

    $script:Stubs = [ordered]@{
        'Get-ADForest'                      = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomain'                      = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomainController'            = 'param ([string] $Filter, [string] $Server, [object] $Identity, [pscredential] $Credential)'
        'Get-ADDefaultDomainPasswordPolicy' = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADOrganizationalUnit'          = 'param ([string] $Filter, [string] $Server, [string[]] $Properties, [pscredential] $Credential)'
        'Get-ADUser'                        = 'param ([object] $Identity, [string] $Filter, [string] $LDAPFilter, [string[]] $Properties, [object] $ResultSetSize, [int] $ResultPageSize, [string] $Server, [pscredential] $Credential)'
        'Get-ADObject'                      = 'param ([object] $Identity, [string] $LDAPFilter, [string] $SearchBase, [string] $SearchScope, [string[]] $Properties, [string] $Server, [pscredential] $Credential)'
        'Get-ADFineGrainedPasswordPolicy'   = 'param ([string] $Filter, [string] $Server, [pscredential] $Credential)'
    }
    $script:CreatedStubs = @(Add-TestStub -Stub $script:Stubs)

    # SecurityIdentifier exists only on Windows; elsewhere its text stands in (the collector
    # writes both as that text).
    function New-TestSid {
        param ([string] $Value)
        if ($script:OnWindows) {
            New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $Value
        } else {
            $Value
        }
    }

    $script:Password = 'Corr3ct-Horse-Battery-Staple!'
    $script:Credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'CONTOSO\reader', (ConvertTo-SecureString -String $script:Password -AsPlainText -Force)

    # An AD connector as Get-ADSyncConnector returns it.
    $script:Connector = [PSCustomObject]@{
        Identifier             = [guid]'5c3f6c9e-2b1e-4d8a-9c63-0d2f0a9b7e11'
        Name                   = 'contoso.com'
        Type                   = 'AD'
        ConnectivityParameters = @(
            [PSCustomObject]@{ Name = 'forest-name'; Value = 'contoso.com' }
            [PSCustomObject]@{ Name = 'forest-login-user'; Value = 'MSOL_1a2b3c4d5e6f' }
            [PSCustomObject]@{ Name = 'forest-login-domain'; Value = 'contoso.com' }
        )
        Partitions             = @(
            [PSCustomObject]@{ Name = 'DC=contoso,DC=com'; DN = 'DC=contoso,DC=com'; Selected = $true; ConnectorPartitionScope = $null; Parameters = @() }
        )
    }

    function Set-DirectoryMock {
        # A domain with one OU, three users (one protected, one inetOrgPerson) and one PSO.
        # Mock bodies run later, so they read $script: variables only.
        Mock -ModuleName $script:Module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $script:Module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName $script:Module -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
        Mock -ModuleName $script:Module -CommandName 'Get-WbdDomainControllerRegistry' -MockWith { [ordered]@{ HostName = $HostName; Status = 'Collected'; Reason = $null; RestrictRemoteSam = $null } }
        Mock -ModuleName $script:Module -CommandName 'Get-WbdDomainControllerRootDse' -MockWith { [ordered]@{ HostName = $HostName; Status = 'Collected'; Reason = $null; SupportedControl = @('1.2.840.113556.1.4.2239') } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADForest' -MockWith { [PSCustomObject]@{ Name = 'contoso.com'; Domains = @('contoso.com') } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADDomain' -MockWith {
            [PSCustomObject]@{ DNSRoot = 'contoso.com'; DistinguishedName = 'DC=contoso,DC=com'; PDCEmulator = 'DC01.contoso.com'; DomainSID = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330') }
        }
        Mock -ModuleName $script:Module -CommandName 'Get-ADDomainController' -MockWith { [PSCustomObject]@{ HostName = 'DC01.contoso.com'; IsReadOnly = $false } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADDefaultDomainPasswordPolicy' -MockWith {
            [PSCustomObject]@{ MinPasswordAge = [timespan]::FromDays(1); MaxPasswordAge = [timespan]::FromDays(42); PasswordHistoryCount = 24; ComplexityEnabled = $true; MinPasswordLength = 7 }
        }
        Mock -ModuleName $script:Module -CommandName 'Get-ADOrganizationalUnit' -MockWith { [PSCustomObject]@{ Name = 'Sales'; DistinguishedName = 'OU=Sales,DC=contoso,DC=com' } }
        Mock -ModuleName $script:Module -CommandName 'Get-ADObject' -MockWith {
            if ($LDAPFilter) {
                [PSCustomObject]@{ DistinguishedName = 'CN=Users,DC=contoso,DC=com'; ObjectClass = 'container'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:AI(A;;RPLCLORC;;;AU)' } }
                [PSCustomObject]@{ DistinguishedName = 'OU=Sales,DC=contoso,DC=com'; ObjectClass = 'organizationalUnit'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:PAI(A;;RPLCLORC;;;AU)' } }
                return
            }
            switch ([string]$Identity) {
                'DC=contoso,DC=com' {
                    [PSCustomObject]@{ DistinguishedName = 'DC=contoso,DC=com'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1004336348-1177238915-682003330-1105)' } }
                }
                'CN=AdminSDHolder,CN=System,DC=contoso,DC=com' {
                    [PSCustomObject]@{ DistinguishedName = 'CN=AdminSDHolder,CN=System,DC=contoso,DC=com'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:PAI(A;;GA;;;DA)' } }
                }
                default { throw ('Directory object not found: {0}' -f $Identity) }
            }
        }
        Mock -ModuleName $script:Module -CommandName 'Get-ADUser' -MockWith {
            if ($Identity) {
                # The connector account.
                return [PSCustomObject]@{
                    SamAccountName    = 'MSOL_1a2b3c4d5e6f'
                    DistinguishedName = 'CN=MSOL_1a2b3c4d5e6f,CN=Users,DC=contoso,DC=com'
                    SID               = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-1105')
                    tokenGroups       = @((New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-513'))
                }
            }
            $users = @(
                [PSCustomObject]@{ DistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'jdoe'; UserPrincipalName = 'jdoe@contoso.com'; ObjectClass = 'user'; objectSid = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-1601'); adminCount = 0; userAccountControl = 512; pwdLastSet = [long]134060000000000000; lockoutTime = [long]0; 'msDS-ResultantPSO' = 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DUD:AI(A;;RPWP;;;PS)' } }
                [PSCustomObject]@{ DistinguishedName = 'CN=Ada Admin,CN=Users,DC=contoso,DC=com'; SamAccountName = 'ada.admin'; UserPrincipalName = 'ada.admin@contoso.com'; ObjectClass = 'user'; objectSid = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-1602'); adminCount = 1; userAccountControl = 512; pwdLastSet = [long]0; lockoutTime = $null; 'msDS-ResultantPSO' = $null; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DAD:PAI(A;;GA;;;DA)' } }
                [PSCustomObject]@{ DistinguishedName = 'CN=Ines Org,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'ines'; UserPrincipalName = $null; ObjectClass = 'inetOrgPerson'; objectSid = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-1603'); adminCount = $null; userAccountControl = 66048; pwdLastSet = [long]134060000000000000; lockoutTime = [long]134061000000000000; 'msDS-ResultantPSO' = $null; nTSecurityDescriptor = [PSCustomObject]@{ Sddl = 'O:DAG:DUD:AI(A;;RPWP;;;PS)' } }
            )
            $users | Select-Object -First ([int]$ResultSetSize)
        }
        Mock -ModuleName $script:Module -CommandName 'Get-ADFineGrainedPasswordPolicy' -MockWith {
            [PSCustomObject]@{
                DistinguishedName    = 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'
                Name                 = 'Sales PSO'
                Precedence           = 10
                MinPasswordAge       = [timespan]::FromDays(1)
                MaxPasswordAge       = [timespan]::FromDays(42)
                PasswordHistoryCount = 24
                ComplexityEnabled    = $true
                MinPasswordLength    = 12
                AppliesTo            = @('CN=Sales,OU=Groups,DC=contoso,DC=com')
                LockoutThreshold     = 5
            }
        }
    }

    function Get-TestDomainEntry {
        # The ActiveDirectory section for the mocked connector, and its one domain entry.
        param ([hashtable] $Extra = @{})
        $section = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Extra = $Extra; Connector = $script:Connector } -ScriptBlock {
            param ($Extra, $Connector)
            Get-WbdDirectorySection -Connector @($Connector) @Extra
        }
        $forest = $section['Forests'][0]
        if ($null -eq $forest -or -not $forest.Contains('Domains')) {
            throw ('the mocked directory was not read: {0}' -f (ConvertTo-Json -InputObject $section -Depth 5 -Compress))
        }
        [PSCustomObject]@{ Section = $section; Domain = $forest['Domains'][0] }
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

Describe 'The permission data through the ActiveDirectory module (mocked)' {
    BeforeAll {
        Set-DirectoryMock
    }

    It 'writes exactly the snapshot contract: descriptors as Sddl, every user field, the PSOs with TimeSpans' {
        $domain = (Get-TestDomainEntry).Domain
        $expected = [ordered]@{
            Descriptors                 = [ordered]@{
                Status        = 'Collected'
                Reason        = $null
                ReadFrom      = 'DC01.contoso.com'
                Source        = 'ActiveDirectoryModule'
                Root          = [ordered]@{ DistinguishedName = 'DC=contoso,DC=com'; Sddl = 'O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1004336348-1177238915-682003330-1105)' }
                AdminSdHolder = [ordered]@{ DistinguishedName = 'CN=AdminSDHolder,CN=System,DC=contoso,DC=com'; Sddl = 'O:DAG:DAD:PAI(A;;GA;;;DA)' }
                Containers    = @(
                    [ordered]@{ DistinguishedName = 'CN=Users,DC=contoso,DC=com'; ObjectClass = 'container'; Sddl = 'O:DAG:DAD:AI(A;;RPLCLORC;;;AU)' }
                    [ordered]@{ DistinguishedName = 'OU=Sales,DC=contoso,DC=com'; ObjectClass = 'organizationalUnit'; Sddl = 'O:DAG:DAD:PAI(A;;RPLCLORC;;;AU)' }
                )
            }
            Users                       = @(
                [ordered]@{ DistinguishedName = 'CN=Jo Doe,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'jdoe'; UserPrincipalName = 'jdoe@contoso.com'; ObjectClass = 'user'; ObjectSid = 'S-1-5-21-1004336348-1177238915-682003330-1601'; AdminCount = 0; UserAccountControl = 512; PwdLastSet = 134060000000000000; LockoutTime = 0; ResultantPso = 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'; Sddl = 'O:DAG:DUD:AI(A;;RPWP;;;PS)' }
                [ordered]@{ DistinguishedName = 'CN=Ada Admin,CN=Users,DC=contoso,DC=com'; SamAccountName = 'ada.admin'; UserPrincipalName = 'ada.admin@contoso.com'; ObjectClass = 'user'; ObjectSid = 'S-1-5-21-1004336348-1177238915-682003330-1602'; AdminCount = 1; UserAccountControl = 512; PwdLastSet = 0; LockoutTime = $null; ResultantPso = $null; Sddl = 'O:DAG:DAD:PAI(A;;GA;;;DA)' }
                [ordered]@{ DistinguishedName = 'CN=Ines Org,OU=Sales,DC=contoso,DC=com'; SamAccountName = 'ines'; UserPrincipalName = $null; ObjectClass = 'inetOrgPerson'; ObjectSid = 'S-1-5-21-1004336348-1177238915-682003330-1603'; AdminCount = $null; UserAccountControl = 66048; PwdLastSet = 134060000000000000; LockoutTime = 134061000000000000; ResultantPso = $null; Sddl = 'O:DAG:DUD:AI(A;;RPWP;;;PS)' }
            )
            UsersLimit                  = 20000
            UsersTruncated              = $false
            FineGrainedPasswordPolicies = @(
                [ordered]@{ DistinguishedName = 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'; Name = 'Sales PSO'; Precedence = 10; MinPasswordAge = '1.00:00:00'; MaxPasswordAge = '42.00:00:00'; PasswordHistoryCount = 24; ComplexityEnabled = $true; MinPasswordLength = 12; AppliesTo = @('CN=Sales,OU=Groups,DC=contoso,DC=com') }
            )
        }
        $actual = [ordered]@{}
        foreach ($key in $expected.Keys) {
            $actual[$key] = $domain[$key]
        }
        ConvertTo-TestJson -InputObject $actual | Should -Be (ConvertTo-TestJson -InputObject $expected)
        # Beside the fields that were there before, and no read errors.
        @($domain.Keys) | Should -Be @('Name', 'Status', 'Reason', 'Errors', 'Domain', 'DomainControllers', 'DomainControllerRegistry', 'PdcRootDse', 'PasswordPolicy', 'OrganizationalUnits', 'Descriptors', 'Users', 'UsersLimit', 'UsersTruncated', 'FineGrainedPasswordPolicies')
        @($domain['Errors'].Keys).Count | Should -Be 0
        $domain['PasswordPolicy']['MinPasswordAge'] | Should -Be '1.00:00:00'
    }

    It 'reads from the PDC emulator when its TCP 389 answers' {
        $null = Get-TestDomainEntry
        Should -Invoke -ModuleName $script:Module -CommandName 'Test-WbdTcpPort' -ParameterFilter { $ComputerName -eq 'DC01.contoso.com' -and $Port -eq 389 }
        foreach ($command in 'Get-ADObject', 'Get-ADFineGrainedPasswordPolicy') {
            Should -Invoke -ModuleName $script:Module -CommandName $command -Times 0 -Exactly -ParameterFilter { $Server -ne 'DC01.contoso.com' }
        }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADObject' -Times 3 -Exactly -ParameterFilter { $Server -eq 'DC01.contoso.com' }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADObject' -Times 1 -Exactly -ParameterFilter { $LDAPFilter -eq '(|(objectClass=organizationalUnit)(objectClass=container))' -and $SearchBase -eq 'DC=contoso,DC=com' -and $Properties -contains 'nTSecurityDescriptor' }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADUser' -Times 1 -Exactly -ParameterFilter { $Filter -eq '*' -and $Server -eq 'DC01.contoso.com' -and [int]$ResultSetSize -eq 20001 -and $Properties -contains 'msDS-ResultantPSO' -and $Properties -contains 'nTSecurityDescriptor' }
    }

    It 'falls back to the domain name when the PDC emulator does not answer on TCP 389' {
        Mock -ModuleName $script:Module -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $false; Reason = 'did not answer on TCP 389 within 3000 ms' } }
        $domain = (Get-TestDomainEntry).Domain
        $domain['Descriptors']['ReadFrom'] | Should -Be 'contoso.com'
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADObject' -Times 3 -Exactly -ParameterFilter { $Server -eq 'contoso.com' }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADFineGrainedPasswordPolicy' -Times 1 -Exactly -ParameterFilter { $Server -eq 'contoso.com' }
    }

    It 'passes -Credential to every ActiveDirectory call and never shows the password' {
        $all = @(& { Get-TestDomainEntry -Extra @{ Credential = $script:Credential; Verbose = $true } } *>&1)
        foreach ($command in 'Get-ADForest', 'Get-ADDomain', 'Get-ADDomainController', 'Get-ADDefaultDomainPasswordPolicy', 'Get-ADOrganizationalUnit', 'Get-ADObject', 'Get-ADFineGrainedPasswordPolicy', 'Get-ADUser') {
            Should -Invoke -ModuleName $script:Module -CommandName $command -Scope It -ParameterFilter { $null -ne $Credential -and $Credential.UserName -eq 'CONTOSO\reader' }
            Should -Invoke -ModuleName $script:Module -CommandName $command -Scope It -Times 0 -Exactly -ParameterFilter { $null -eq $Credential }
        }
        $result = @($all | Where-Object -FilterScript { $null -ne $_.PSObject.Properties['Section'] })
        $result.Count | Should -Be 1
        $text = ($all | Out-String) + (ConvertTo-TestJson -InputObject $result[0].Section)
        $text | Should -Not -BeLike ('*{0}*' -f $script:Password)
    }

    It 'records each read that fails in the domain''s Errors, without the password' {
        Mock -ModuleName $script:Module -CommandName 'Get-ADObject' -MockWith { throw ('Insufficient access rights to perform the operation (as CONTOSO\reader)') } -ParameterFilter { [string]$Identity -like 'CN=AdminSDHolder*' }
        Mock -ModuleName $script:Module -CommandName 'Get-ADUser' -MockWith { throw 'The server has returned the following error: invalid enumeration context.' } -ParameterFilter { $Filter -eq '*' }
        Mock -ModuleName $script:Module -CommandName 'Get-ADFineGrainedPasswordPolicy' -MockWith { throw 'Access is denied' }
        $domain = (Get-TestDomainEntry -Extra @{ Credential = $script:Credential }).Domain
        $domain['Errors']['Descriptors'] | Should -BeLike 'CN=AdminSDHolder,CN=System,DC=contoso,DC=com: *Insufficient access rights*'
        $domain['Errors']['Users'] | Should -BeLike 'the users: *invalid enumeration context*'
        $domain['Errors']['FineGrainedPasswordPolicies'] | Should -BeLike '*Access is denied*'
        # What could be read is kept; what could not is left out, never an empty stand-in.
        $domain['Descriptors']['Root']['Sddl'] | Should -Not -BeNullOrEmpty
        $domain['Descriptors'].Contains('AdminSdHolder') | Should -BeFalse
        $domain.Contains('Users') | Should -BeFalse
        $domain.Contains('FineGrainedPasswordPolicies') | Should -BeFalse
        (ConvertTo-TestJson -InputObject $domain) | Should -Not -BeLike ('*{0}*' -f $script:Password)
    }

    It 'stops at -UserLimit users and says so' {
        $domain = (Get-TestDomainEntry -Extra @{ UserLimit = 2 }).Domain
        $domain['Users'].Count | Should -Be 2
        $domain['UsersLimit'] | Should -Be 2
        $domain['UsersTruncated'] | Should -BeTrue
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADUser' -Scope It -Times 1 -Exactly -ParameterFilter { [int]$ResultSetSize -eq 3 }
    }

    It 'leaves the permission data out with -SkipPermissions' {
        $domain = (Get-TestDomainEntry -Extra @{ SkipPermissions = $true }).Domain
        foreach ($key in 'Descriptors', 'Users', 'UsersLimit', 'UsersTruncated', 'FineGrainedPasswordPolicies') {
            $domain.Contains($key) | Should -BeFalse -Because $key
        }
        Should -Invoke -ModuleName $script:Module -CommandName 'Get-ADObject' -Scope It -Times 0 -Exactly
    }

    It 'Get-WritebackEnvironment passes -SkipPermissions on, and collects the permission data by default' {
        Mock -ModuleName $script:Module -CommandName 'Get-WbdTenantSection' -MockWith { [ordered]@{ Status = 'Unavailable'; Reason = 'not in this test' } }
        Mock -ModuleName $script:Module -CommandName 'Get-WbdConnectSection' -MockWith { $State['Connectors'] = @($script:Connector); [ordered]@{ Status = 'Collected'; Reason = $null; Errors = [ordered]@{} } }
        $environment = Get-WritebackEnvironment
        @($environment.ActiveDirectory.Forests)[0].Domains[0].Descriptors.Source | Should -Be 'ActiveDirectoryModule'
        $environment = Get-WritebackEnvironment -SkipPermissions
        $null -eq @($environment.ActiveDirectory.Forests)[0].Domains[0].PSObject.Properties['Descriptors'] | Should -BeTrue
    }
}

Describe 'The permission data over LDAP from a real slapd' -Skip:$script:NoSlapd {
    BeforeAll {
        $script:Slapd = Start-TestSlapd -ExtraUsers 12
        $script:Data = $script:Slapd.Data

        function Read-TestLdap {
            param ([hashtable] $Parameters)
            $entry = [ordered]@{}
            $outcome = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Entry = $entry; Read = $Parameters } -ScriptBlock {
                param ($Entry, $Read)
                Add-WbdLdapPermissionData -DomainEntry $Entry @Read
            }
            [PSCustomObject]@{ Entry = $entry; Outcome = $outcome }
        }
        $script:Read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; ConnectorAccount = 'MSOL_1a2b3c4d5e6f'; PageSize = 3 }
    }

    AfterAll {
        Stop-TestSlapd -Slapd $script:Slapd
    }

    It 'passes every security descriptor on as the base64 of the bytes stored, byte for byte' {
        $descriptors = $script:Read.Entry['Descriptors']
        $descriptors['Status'] | Should -Be 'Collected'
        $descriptors['Source'] | Should -Be 'Ldap'
        $descriptors['ReadFrom'] | Should -Be $script:Slapd.Server
        $descriptors['Root']['DistinguishedName'] | Should -Be 'DC=contoso,DC=com'
        $descriptors['Root']['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.Root
        $descriptors['AdminSdHolder']['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.AdminSdHolder
        $containers = @{}
        foreach ($container in $descriptors['Containers']) {
            $containers[$container['DistinguishedName']] = $container
        }
        $containers['OU=Sales,DC=contoso,DC=com']['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.Sales
        $containers['OU=Locked,DC=contoso,DC=com']['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.Locked
        $containers['OU=Locked,DC=contoso,DC=com']['ObjectClass'] | Should -Be 'organizationalUnit'
        $containers['CN=Users,DC=contoso,DC=com']['ObjectClass'] | Should -Be 'container'
        $containers['CN=System,DC=contoso,DC=com']['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.System
        $jdoe = @($script:Read.Entry['Users'] | Where-Object -FilterScript { $_['SamAccountName'] -eq 'jdoe' })[0]
        $jdoe['SecurityDescriptor'] | Should -BeExactly $script:Data.Descriptors.Jdoe
        @($script:Read.Entry['Errors'].Keys).Count | Should -Be 0
    }

    It 'decodes SIDs: the domain, each user, the connector account and its tokenGroups' {
        $script:Read.Outcome.DomainSid | Should -Be $script:TestDomainSid
        $users = @{}
        foreach ($user in $script:Read.Entry['Users']) {
            $users[$user['SamAccountName']] = $user
        }
        $users['jdoe']['ObjectSid'] | Should -Be ('{0}-1601' -f $script:TestDomainSid)
        $users['ada.admin']['ObjectSid'] | Should -Be ('{0}-1602' -f $script:TestDomainSid)
        $account = $script:Read.Outcome.ConnectorAccount
        $account['DistinguishedName'] | Should -Be 'CN=MSOL_1a2b3c4d5e6f,CN=Users,DC=contoso,DC=com'
        $account['SID'] | Should -Be ('{0}-1105' -f $script:TestDomainSid)
        @($account['GroupSids']) | Should -Be @(('{0}-513' -f $script:TestDomainSid), 'S-1-5-32-545')
    }

    It 'writes the users with the contract''s fields, users and inetOrgPersons but no computers' {
        $users = @{}
        foreach ($user in $script:Read.Entry['Users']) {
            $users[$user['SamAccountName']] = $user
        }
        $users.Count | Should -Be $script:Data.UserCount
        $users.ContainsKey('WS01$') | Should -BeFalse
        @($users['jdoe'].Keys) | Should -Be @('DistinguishedName', 'SamAccountName', 'UserPrincipalName', 'ObjectClass', 'ObjectSid', 'AdminCount', 'UserAccountControl', 'PwdLastSet', 'LockoutTime', 'ResultantPso', 'SecurityDescriptor')
        $users['jdoe']['UserPrincipalName'] | Should -Be 'jdoe@contoso.com'
        $users['jdoe']['AdminCount'] | Should -Be 0
        $users['jdoe']['UserAccountControl'] | Should -Be 512
        $users['jdoe']['PwdLastSet'] | Should -Be 134060000000000000
        $users['jdoe']['LockoutTime'] | Should -Be 0
        $users['jdoe']['ResultantPso'] | Should -Be 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'
        $users['ada.admin']['AdminCount'] | Should -Be 1
        $users['ada.admin']['PwdLastSet'] | Should -Be 0
        $null -eq $users['ada.admin']['LockoutTime'] | Should -BeTrue
        $users['ines']['ObjectClass'] | Should -Be 'inetOrgPerson'
        $users['ines']['LockoutTime'] | Should -Be 134061000000000000
        $script:Read.Entry['UsersLimit'] | Should -Be 20000
        $script:Read.Entry['UsersTruncated'] | Should -BeFalse
    }

    It 'writes the password policy and the PSOs with TimeSpans, as the module path does' {
        $policy = $script:Read.Entry['PasswordPolicy']
        '{0} {1} {2} {3}' -f $policy['MinPasswordAge'], $policy['MaxPasswordAge'], $policy['PasswordHistoryCount'], $policy['MinPasswordLength'] | Should -Be '1.00:00:00 42.00:00:00 24 7'
        # Not @() around the list: PowerShell 7.6's binder fails on @() of a generic List.
        $psos = $script:Read.Entry['FineGrainedPasswordPolicies']
        $psos.Count | Should -Be 1
        ConvertTo-TestJson -InputObject $psos[0] | Should -Be (ConvertTo-TestJson -InputObject ([ordered]@{ DistinguishedName = 'CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com'; Name = 'Sales PSO'; Precedence = 10; MinPasswordAge = '1.00:00:00'; MaxPasswordAge = '42.00:00:00'; PasswordHistoryCount = 24; ComplexityEnabled = $true; MinPasswordLength = 12; AppliesTo = @('CN=Sales,OU=Groups,DC=contoso,DC=com') }))
    }

    It 'sends the SD-flags control (DACL, owner, group) and pages the searches' {
        $log = (Get-TestSlapdLog -Slapd $script:Slapd) -replace "`n", ''
        $log | Should -BeLike '*oid="1.2.840.113556.1.4.801" (noncritical)*'
        $log | Should -BeLike '*oid="1.2.840.113556.1.4.319"*'
    }

    It 'reads page by page up to -UserLimit and marks the users truncated' {
        $read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; PageSize = 3; UserLimit = 7 }
        $read.Entry['Users'].Count | Should -Be 7
        $read.Entry['UsersLimit'] | Should -Be 7
        $read.Entry['UsersTruncated'] | Should -BeTrue
        $read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; PageSize = 2; UserLimit = $script:Data.UserCount }
        $read.Entry['Users'].Count | Should -Be $script:Data.UserCount
        $read.Entry['UsersTruncated'] | Should -BeFalse
    }

    It 'binds anonymously without a credential, and as the credential''s DN with one' {
        $before = ((Get-TestSlapdLog -Slapd $script:Slapd) -replace "`n", '')
        $before | Should -BeLike '*BIND dn="" method=128*'
        $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $script:Slapd.RootDn, (ConvertTo-SecureString -String $script:Slapd.RootPassword -AsPlainText -Force)
        $read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; Credential = $credential }
        $read.Entry['Descriptors']['Status'] | Should -Be 'Collected'
        ((Get-TestSlapdLog -Slapd $script:Slapd) -replace "`n", '') | Should -BeLike '*BIND dn="cn=Directory Admin,dc=contoso,dc=com" method=128*'
    }

    It 'says clearly that a wrong password was rejected, with an ErrorId and without the password' {
        $wrong = 'Not-The-Password-{0}' -f [guid]::NewGuid().ToString('N')
        $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $script:Slapd.RootDn, (ConvertTo-SecureString -String $wrong -AsPlainText -Force)
        $read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; Credential = $credential }
        $read.Outcome.Failure | Should -Be 'Bind'
        $read.Outcome.Reason | Should -BeLike ('*rejected the LDAP bind as {0}*' -f $script:Slapd.RootDn)
        $read.Entry['Descriptors']['Status'] | Should -Be 'Unavailable'
        $read.Entry['Errors']['Users'] | Should -Be $read.Outcome.Reason

        # The public command: a non-terminating WbdDirectoryBindFailed, then the checks (the
        # engine is stubbed here, its own tests are 'through the engine').
        Mock -ModuleName $script:Module -CommandName 'Invoke-WbdRequest' -MockWith {
            $script:SentSnapshot = [System.IO.File]::ReadAllText($Options['SnapshotPath'])
            [pscustomobject]@{ Results = @() }
        }
        $all = @(Test-WritebackPermission -Server $script:Slapd.Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -Credential $credential -Verbose -ErrorAction Continue *>&1)
        $errors = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'WbdDirectoryBindFailed,Test-WritebackPermission'
        [string]$errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $errors[0].Exception.Message | Should -BeLike '*rejected the LDAP bind*'
        ($all | Out-String) + $script:SentSnapshot + [string]$errors[0].TargetObject | Should -Not -BeLike ('*{0}*' -f $wrong)
    }

    It 'gives up on a server that accepts TCP but never answers, within the deadline, with the reason' {
        $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
        $listener.Start()
        try {
            $server = '127.0.0.1:{0}' -f $listener.LocalEndpoint.Port
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $read = Read-TestLdap -Parameters @{ Server = $server; TimeoutMilliseconds = 1500; DeadlineMilliseconds = 3000 }
            $watch.Stop()
        } finally {
            $listener.Stop()
        }
        $watch.ElapsedMilliseconds | Should -BeLessThan 6000
        $read.Outcome.Failure | Should -Be 'Timeout'
        $read.Entry['Descriptors']['Status'] | Should -Be 'Unavailable'
        $read.Entry['Descriptors']['Reason'] | Should -BeLike ('{0} did not answer*' -f $server)
        $read.Entry['Errors']['FineGrainedPasswordPolicies'] | Should -Be $read.Entry['Descriptors']['Reason']
    }

    It 'shows progress while collecting, and Ctrl+C stops a read that hangs within a second' {
        # A runspace of its own (as Ctrl+C is PowerShell.Stop()), reading from a server that
        # accepts TCP but never answers, so the LDAP read would wait for its deadline.
        $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
        $listener.Start()
        $ps = [powershell]::Create()
        try {
            $script = @'
param ($Manifest, $Server)
Import-Module -Name $Manifest -ErrorAction Stop
Test-WritebackPermission -Server $Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f'
'@
            $null = $ps.AddScript($script).AddParameter('Manifest', [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')).AddParameter('Server', ('127.0.0.1:{0}' -f $listener.LocalEndpoint.Port))
            $async = $ps.BeginInvoke()
            $activity = 'Checking the connector account''s writeback permissions'
            $deadline = [System.DateTime]::UtcNow.AddSeconds(30)
            $seen = $false
            while (-not $seen -and [System.DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted) {
                $count = $ps.Streams.Progress.Count
                for ($i = 0; $i -lt $count; $i++) {
                    $record = $ps.Streams.Progress[$i]
                    if ($record.Activity -eq $activity -and $record.StatusDescription -like 'Active Directory*') {
                        $seen = $true
                    }
                }
                Start-Sleep -Milliseconds 50
            }
            $seen | Should -BeTrue -Because 'the collection shows its progress'
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse -Because 'the read waits for a server that never answers'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1.5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally {
            $ps.Dispose()
            $listener.Stop()
        }
    }

    It 'names a connector account that does not exist' {
        $read = Read-TestLdap -Parameters @{ Server = $script:Slapd.Server; ConnectorAccount = 'MSOL_nobody' }
        $null -eq $read.Outcome.ConnectorAccount | Should -BeTrue
        $read.Outcome.ConnectorAccountError | Should -Be 'no user with sAMAccountName MSOL_nobody under DC=contoso,DC=com'
    }

    It 'builds the snapshot of a live run: one domain from -Server, the connector account from -ConnectorAccount' {
        $collected = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Server = $script:Slapd.Server } -ScriptBlock {
            param ($Server)
            New-WbdPermissionSnapshot -Server $Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -Activity 'test'
        }
        $null -eq $collected.DirectoryFailure | Should -BeTrue
        $directory = $collected.Snapshot.ActiveDirectory
        $directory.Status | Should -Be 'Collected'
        $null -eq $directory.PSObject.Properties['LdapFailure'] | Should -BeTrue
        $domain = @(@($directory.Forests)[0].Domains)[0]
        $domain.Name | Should -Be 'contoso.com'
        $domain.Domain.DistinguishedName | Should -Be 'DC=contoso,DC=com'
        $domain.Domain.DomainSID | Should -Be $script:TestDomainSid
        $account = @($directory.Connectors)[0].Account
        '{0} {1} {2}' -f $account.SamAccountName, $account.Domain, $account.SID | Should -Be ('MSOL_1a2b3c4d5e6f CONTOSO {0}-1105' -f $script:TestDomainSid)
        @($account.GroupSids).Count | Should -Be 2
    }
}

Describe 'Test-WritebackPermission through the engine' -Skip:$script:NoSlapd {
    # These need the engine's permissions command; before it exists they fail with the
    # engine's UnknownCommand error (WbdInvalidInput).
    BeforeAll {
        $script:Slapd = Start-TestSlapd
        $script:Fixture = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'permissions-ldap.json')
    }

    AfterAll {
        Stop-TestSlapd -Slapd $script:Slapd
    }

    It 'returns PERM-* results for the slapd domain read live over LDAP' {
        $results = @(Test-WritebackPermission -Server $script:Slapd.Server -ConnectorAccount 'CONTOSO\MSOL_1a2b3c4d5e6f' -ErrorAction Stop)
        $results.Count | Should -BeGreaterThan 0
        $results[0].PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
        $ids = @($results | ForEach-Object -Process { $_.Id } | Sort-Object -Unique)
        foreach ($id in 'PERM-ACCOUNT', 'PERM-DOMAIN-ROOT', 'PERM-ADMINSDHOLDER') {
            $ids | Should -Contain $id
        }
        @($results | Where-Object -FilterScript { $_.Id -notlike 'PERM-*' }).Count | Should -Be 0
        # The binary descriptors read over LDAP are evaluated: the root grants the three rights
        # Set-ADSyncPasswordWritebackPermissions grants (not Unexpire Password), OU=Sales
        # inherits them, OU=Locked has inheritance disabled and gets none.
        $root = @($results | Where-Object -FilterScript { $_.Id -eq 'PERM-DOMAIN-ROOT' })[0]
        $root.Status | Should -Be 'Warning'
        $root.Evidence.Outcome | Should -Be 'UnexpireMissing'
        $sales = @($results | Where-Object -FilterScript { $_.Id -eq 'PERM-OU' -and $_.Target -like 'ou=Sales,*' })[0]
        $sales.Status | Should -Be 'Pass'
        $locked = @($results | Where-Object -FilterScript { $_.Id -eq 'PERM-OU' -and $_.Target -like 'ou=Locked,*' })[0]
        $locked.Status | Should -Be 'Fail'
        $locked.Evidence.Outcome | Should -Be 'InheritanceBlocked'
        $locked.Remediation | Should -BeLike "*-ADobjectDN 'ou=Locked,dc=contoso,dc=com'*"
    }

    It 'evaluates a saved snapshot with -Path' {
        $results = @(Test-WritebackPermission -Path $script:Fixture -Now '2026-11-25T10:00:00Z' -ErrorAction Stop)
        @($results | Where-Object -FilterScript { $_.Id -eq 'PERM-DOMAIN-ROOT' }).Count | Should -BeGreaterThan 0
    }
}
