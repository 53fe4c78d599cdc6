#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Get-WritebackEnvironment and Test-WritebackPrerequisite, run on the
# Windows CI runner under Windows PowerShell 5.1 and PowerShell 7 (.github/workflows/windows.yml).
# Every source the collector reads is mocked inside the module: the ADSync, ActiveDirectory and
# Microsoft Graph cmdlets (stubbed first when the runner does not have them), the registry,
# CIM, the service, machine.config and the live PDC probe. The mocked healthy environment must
# give exactly tests/pester/fixtures/collector-healthy.json, which tests/powershell_static.rs
# runs through the engine on Linux: together they show that what the collector writes is what
# the engine reads.

BeforeAll {
    $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop

    # $IsWindows does not exist in Windows PowerShell 5.1, which only runs on Windows.
    $script:OnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows
    $script:EngineFixtures = [System.IO.Path]::Combine($repoRoot, 'tests', 'fixtures', 'prerequisites')
    $script:CollectorFixture = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'collector-healthy.json')
    $script:SchemaPath = [System.IO.Path]::Combine($repoRoot, 'schema', 'writeback-environment.schema.json')

    # The Graph requests for the users' own role assignments (principalId filter, URL-encoded
    # with the quotes as %27) and the test user's SSPR registration details.
    $script:AdminRoleAssignmentsUri = 'v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20%277d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b%27'
    $script:TestUserRoleAssignmentsUri = 'v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20%279a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d%27'
    $script:TestUserRegistrationUri = 'v1.0/reports/authenticationMethods/userRegistrationDetails/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'

    # The text of a -Uri as the collector wrote it: the real cmdlet's -Uri is a System.Uri,
    # whose ToString() would decode %27 and %20.
    function ConvertTo-TestUriText {
        param ([object] $Uri)
        if ($Uri -is [uri]) {
            return $Uri.OriginalString
        }
        [string]$Uri
    }

    # Secrets the mocked sources return; none may reach a snapshot.
    $script:ConnectorPassword = 'Pa55w.rd-Secret!'
    $script:EntraPassword = 'Entra-Connector-Secret-42'
    $script:ClientSecret = 'super-secret-client-value'
    $script:Token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLW5vdC1yZWFs'

    # Commands the runner may not have, with the parameters the collector passes (Add-TestStub).
    $script:Stubs = [ordered]@{
        'Get-ADSyncGlobalSettings'                = 'param ()'
        'Get-ADSyncScheduler'                     = 'param ()'
        'Get-ADSyncConnector'                     = 'param ([string] $Name)'
        'Get-ADSyncAADPasswordResetConfiguration' = 'param ([object] $Connector)'
        'Get-ADSyncRunProfileResult'              = 'param ([object] $ConnectorId, [int] $NumberRequested)'
        'Get-ADSyncEntraConnectorCredential'      = 'param ()'
        'Get-ADForest'                            = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomain'                            = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADDomainController'                  = 'param ([string] $Filter, [string] $Server, [object] $Identity, [pscredential] $Credential)'
        'Get-ADDefaultDomainPasswordPolicy'       = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
        'Get-ADOrganizationalUnit'                = 'param ([string] $Filter, [string] $Server, [string[]] $Properties, [pscredential] $Credential)'
        'Get-ADUser'                              = 'param ([object] $Identity, [string] $Filter, [string] $LDAPFilter, [string[]] $Properties, [object] $ResultSetSize, [int] $ResultPageSize, [string] $Server, [pscredential] $Credential)'
        'Get-MgContext'                           = 'param ()'
        'Invoke-MgGraphRequest'                   = 'param ([string] $Method, [string] $Uri, [string] $OutputType)'
        'Connect-MgGraph'                         = 'param ([string[]] $Scopes)'
        # Windows-only built-ins, absent from PowerShell 7 on Linux and macOS.
        'Get-Service'                             = 'param ([string[]] $Name)'
        'Get-CimInstance'                         = 'param ([string] $ClassName)'
    }
    $script:CreatedStubs = @(Add-TestStub -Stub $script:Stubs)

    # The ActiveDirectory cmdlets return SecurityIdentifier objects, which .NET can only build
    # on Windows. Elsewhere the SID's text stands in: the collector writes both as that text.
    function New-TestSid {
        param ([string] $Value)
        if ($script:OnWindows) {
            New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList $Value
        } else {
            $Value
        }
    }

    # Runs a command and splits what it writes into output and error records. -ErrorVariable
    # cannot tell here: PowerShell also records in it every error that the collector's inner
    # functions throw and catch themselves, although none of them reaches the caller.
    function Split-TestOutput {
        param ([scriptblock] $ScriptBlock)
        $all = @(& $ScriptBlock 2>&1)
        [PSCustomObject]@{
            Output = @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] })
            Errors = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        }
    }

    function ConvertTo-TestJson {
        param (
            [Parameter(Mandatory = $true)]
            [object] $InputObject,

            [string[]] $Without = @()
        )

        # Through JSON and back, so both sides get this shell's own representation.
        $copy = $InputObject | ConvertTo-Json -Depth 20 | ConvertFrom-Json
        foreach ($name in $Without) {
            $copy.PSObject.Properties.Remove($name)
        }
        $copy | ConvertTo-Json -Depth 20 -Compress
    }

    # The healthy environment behind tests/pester/fixtures/collector-healthy.json.
    function Set-HealthyMock {
        # Mock bodies run later, so they read $script: variables, never this function's locals.
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        # ADSync is loaded already, so PowerShell 7 does not import it again through compatibility.
        Mock -ModuleName $module -CommandName 'Get-Module' -MockWith { [PSCustomObject]@{ Name = 'ADSync' } } -ParameterFilter { $Name -eq 'ADSync' }
        Mock -ModuleName $module -CommandName 'Import-Module' -MockWith { throw 'Import-Module is not expected in these tests' }
        Mock -ModuleName $module -CommandName 'Connect-MgGraph' -MockWith { throw 'the collector must never sign in' }
        Mock -ModuleName $module -CommandName 'Read-Host' -MockWith { throw 'the collector must never prompt' }
        Mock -ModuleName $module -CommandName 'Get-Credential' -MockWith { throw 'the collector must never prompt' }
        # The connector-account permission data (Descriptors, Users, FineGrainedPasswordPolicies)
        # is tested in Permissions.Tests.ps1; collector-healthy.json is the snapshot without it.
        Mock -ModuleName $module -CommandName 'Get-WbdPermissionData' -MockWith { $null }
        # The live run's configuration export is tested in ServerConfig.Tests.ps1; here it is left out.
        Mock -ModuleName $module -CommandName 'Export-WbdServerConfiguration' -MockWith { [PSCustomObject]@{ Path = $null; Error = 'not exported in these tests' } }

        # Microsoft Graph.
        Mock -ModuleName $module -CommandName 'Get-MgContext' -MockWith {
            [PSCustomObject]@{
                TenantId     = '2f4a9c1e-0c4b-4b6e-9d6f-3b7f0a1c2d3e'
                Account      = 'syncadmin@contoso.onmicrosoft.com'
                AuthType     = 'Delegated'
                Environment  = 'Global'
                AppName      = 'Microsoft Graph Command Line Tools'
                Scopes       = @('Organization.Read.All', 'Directory.Read.All', 'Policy.Read.All', 'OnPremDirectorySynchronization.Read.All', 'RoleManagement.Read.Directory', 'AuditLog.Read.All')
                ClientSecret = $script:ClientSecret
            }
        }
        Mock -ModuleName $module -CommandName 'Invoke-MgGraphRequest' -MockWith {
            $plans = @(
                [ordered]@{ servicePlanId = '41781fb2-bc02-4b7c-bd55-b576c07bb09d'; servicePlanName = 'AAD_PREMIUM'; provisioningStatus = 'Success'; appliesTo = 'User' }
            )
            $licenses = [ordered]@{
                value = @(
                    [ordered]@{ id = 'lic-1'; skuId = 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46'; skuPartNumber = 'SPB'; servicePlans = $plans }
                )
            }
            # The real cmdlet's -Uri is a System.Uri, whose ToString() would decode %40.
            $text = [string]$Uri
            if ($Uri -is [uri]) {
                $text = $Uri.OriginalString
            }
            switch -Wildcard ($text) {
                'v1.0/subscribedSkus' {
                    [ordered]@{
                        '@odata.context' = 'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus'
                        value            = @(
                            [ordered]@{
                                skuId            = 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46'
                                skuPartNumber    = 'SPB'
                                capabilityStatus = 'Enabled'
                                consumedUnits    = 42
                                prepaidUnits     = [ordered]@{ enabled = 50; suspended = 0; warning = 0; lockedOut = 0 }
                                servicePlans     = $plans
                            }
                        )
                    }
                }
                'v1.0/organization' {
                    [ordered]@{
                        value = @(
                            [ordered]@{
                                id                         = '2f4a9c1e-0c4b-4b6e-9d6f-3b7f0a1c2d3e'
                                displayName                = 'Contoso Ltd'
                                onPremisesSyncEnabled      = $true
                                onPremisesLastSyncDateTime = '2026-11-25T09:00:12Z'
                                tenantNote                 = 'Bearer {0}' -f $script:Token
                            }
                        )
                    }
                }
                'v1.0/domains' {
                    [ordered]@{
                        value = @(
                            [ordered]@{ id = 'contoso.onmicrosoft.com'; authenticationType = 'Managed'; isDefault = $false; isInitial = $true; isVerified = $true }
                            [ordered]@{ id = 'contoso.com'; authenticationType = 'Managed'; isDefault = $true; isInitial = $false; isVerified = $true }
                        )
                    }
                }
                'v1.0/directory/onPremisesSynchronization' {
                    [ordered]@{
                        value = @(
                            [ordered]@{
                                id       = '2f4a9c1e-0c4b-4b6e-9d6f-3b7f0a1c2d3e'
                                features = [ordered]@{ passwordSyncEnabled = $true; passwordWritebackEnabled = $false }
                            }
                        )
                    }
                }
                'v1.0/policies/authorizationPolicy' {
                    [ordered]@{
                        '@odata.context'    = 'https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity'
                        id                  = 'authorizationPolicy'
                        allowedToUseSSPR    = $true
                        blockMsolPowerShell = $false
                    }
                }
                'v1.0/users/syncadmin%40contoso.onmicrosoft.com?$select=*' {
                    [ordered]@{
                        id                    = '7d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'
                        userPrincipalName     = 'syncadmin@contoso.onmicrosoft.com'
                        onPremisesSyncEnabled = $null
                        accessToken           = $script:Token
                        assignedPlans         = @()
                    }
                }
                'v1.0/users/alex.wilber%40contoso.com?$select=*' {
                    [ordered]@{
                        id                    = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'
                        userPrincipalName     = 'alex.wilber@contoso.com'
                        onPremisesSyncEnabled = $true
                        accessToken           = $script:Token
                        assignedPlans         = @()
                    }
                }
                'v1.0/users/7d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b/transitiveMemberOf' {
                    [ordered]@{
                        value = @(
                            [ordered]@{
                                '@odata.type'  = '#microsoft.graph.directoryRole'
                                id             = 'role-1'
                                displayName    = 'Hybrid Identity Administrator'
                                roleTemplateId = '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2'
                            }
                            [ordered]@{
                                '@odata.type'      = '#microsoft.graph.group'
                                id                 = 'group-1'
                                displayName        = 'All staff'
                                isAssignableToRole = $false
                            }
                        )
                    }
                }
                'v1.0/users/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d/transitiveMemberOf' {
                    [ordered]@{ value = @() }
                }
                'v1.0/users/*/licenseDetails' {
                    $licenses
                }
                # The admin holds Hybrid Administrator through its own assignment; the test user
                # holds no role. Graph's answer to the principalId filter, as documented.
                $script:AdminRoleAssignmentsUri {
                    [ordered]@{
                        '@odata.context' = 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments'
                        value            = @(
                            [ordered]@{
                                id               = 'ZPzDil5qqkKeaVn0x7YOspq2wddrDXtPrHw5KaDUMB4-1'
                                principalId      = '7d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'
                                resourceScope    = '/'
                                directoryScopeId = '/'
                                roleDefinitionId = '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2'
                            }
                        )
                    }
                }
                $script:TestUserRoleAssignmentsUri {
                    [ordered]@{ value = @() }
                }
                $script:TestUserRegistrationUri {
                    [ordered]@{
                        '@odata.context'      = 'https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails/$entity'
                        id                    = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'
                        userPrincipalName     = 'alex.wilber@contoso.com'
                        userDisplayName       = 'Alex Wilber'
                        userType              = 'member'
                        isAdmin               = $false
                        isSsprRegistered      = $true
                        isSsprEnabled         = $true
                        isSsprCapable         = $true
                        isMfaRegistered       = $true
                        isMfaCapable          = $true
                        isPasswordlessCapable = $false
                        methodsRegistered     = @('mobilePhone', 'microsoftAuthenticatorPush')
                        lastUpdatedDateTime   = '2026-11-24T19:15:41.6195833Z'
                    }
                }
                default {
                    throw ('Response status code does not indicate success: NotFound (Not Found). GET {0}' -f $text)
                }
            }
        }

        # ADSync.
        Mock -ModuleName $module -CommandName 'Get-ADSyncGlobalSettings' -MockWith {
            [PSCustomObject]@{
                Version    = 1
                Parameters = @(
                    [PSCustomObject]@{ Name = 'Microsoft.Synchronize.ServerConfigurationVersion'; Value = '2.6.92.0'; Scope = 'General' }
                    [PSCustomObject]@{ Name = 'Microsoft.Synchronize.SchedulerSuspended'; Value = 'False'; Scope = 'General' }
                )
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncScheduler' -MockWith {
            [PSCustomObject]@{
                AllowedSyncCycleInterval            = [timespan]::FromMinutes(30)
                CurrentlyEffectiveSyncCycleInterval = [timespan]::FromMinutes(30)
                CustomizedSyncCycleInterval         = $null
                NextSyncCyclePolicyType             = 'Delta'
                NextSyncCycleStartTimeInUTC         = [datetime]::new(2026, 11, 25, 10, 0, 12, [System.DateTimeKind]::Utc)
                PurgeRunHistoryInterval             = [timespan]::FromDays(7)
                SyncCycleEnabled                    = $true
                MaintenanceEnabled                  = $true
                StagingModeEnabled                  = $false
                SchedulerSuspended                  = $false
                SyncCycleInProgress                 = $false
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncConnector' -MockWith {
            $scope = [PSCustomObject]@{
                ObjectClasses          = @('user', 'group')
                ContainerInclusionList = @('DC=contoso,DC=com')
                ContainerExclusionList = @('OU=Disabled,DC=contoso,DC=com')
            }
            [PSCustomObject]@{
                Identifier             = [guid]'5c3f6c9e-2b1e-4d8a-9c63-0d2f0a9b7e11'
                Name                   = 'contoso.com'
                Type                   = 'AD'
                Subtype                = $null
                Version                = 7
                ConnectivityParameters = @(
                    [PSCustomObject]@{ Name = 'forest-name'; Value = 'contoso.com'; DataType = 'String'; InputType = 'String' }
                    [PSCustomObject]@{ Name = 'forest-login-user'; Value = 'MSOL_1a2b3c4d5e6f'; DataType = 'String'; InputType = 'String' }
                    [PSCustomObject]@{ Name = 'forest-login-domain'; Value = 'contoso.com'; DataType = 'String'; InputType = 'String' }
                    [PSCustomObject]@{ Name = 'password'; Value = $script:ConnectorPassword; DataType = 'String'; InputType = 'Password' }
                )
                Partitions             = @(
                    [PSCustomObject]@{
                        Identifier              = [guid]'3e1d2c4b-5a69-4788-9f0e-1d2c3b4a5f6e'
                        Name                    = 'DC=contoso,DC=com'
                        DN                      = 'DC=contoso,DC=com'
                        Selected                = $true
                        ConnectorPartitionScope = $scope
                        Parameters              = @(
                            [PSCustomObject]@{ Name = 'last-dc'; Value = 'DC01.contoso.com' }
                            [PSCustomObject]@{ Name = 'preferred-dcs'; Value = 'DC01.contoso.com' }
                            [PSCustomObject]@{ Name = 'dc-failover'; Value = '0' }
                        )
                    }
                    [PSCustomObject]@{
                        Identifier              = [guid]'4f2e3d5c-6b7a-4899-8a1f-2e3d4c5b6a7f'
                        Name                    = 'DC=DomainDnsZones,DC=contoso,DC=com'
                        DN                      = 'DC=DomainDnsZones,DC=contoso,DC=com'
                        Selected                = $false
                        ConnectorPartitionScope = $null
                        Parameters              = @()
                    }
                )
            }
            [PSCustomObject]@{
                Identifier             = [guid]'b891884f-051e-4a83-95af-2544101c9083'
                Name                   = 'contoso.onmicrosoft.com - AAD'
                Type                   = 'Extensible2'
                Subtype                = 'Windows Azure Active Directory (Microsoft)'
                Version                = 3
                ConnectivityParameters = @(
                    [PSCustomObject]@{ Name = 'UserName'; Value = 'Sync_SYNC01_0a1b2c3d4e5f@contoso.onmicrosoft.com'; DataType = 'String'; InputType = 'String' }
                    [PSCustomObject]@{ Name = 'Password'; Value = $script:EntraPassword; DataType = 'String'; InputType = 'Password' }
                )
                Partitions             = @(
                    [PSCustomObject]@{
                        Identifier              = [guid]'9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a'
                        Name                    = 'default'
                        DN                      = 'default'
                        Selected                = $true
                        ConnectorPartitionScope = $null
                        Parameters              = @()
                    }
                )
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncAADPasswordResetConfiguration' -MockWith {
            [PSCustomObject]@{ Enabled = $true }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncRunProfileResult' -MockWith {
            $entra = [guid]'b891884f-051e-4a83-95af-2544101c9083'
            $ad = [guid]'5c3f6c9e-2b1e-4d8a-9c63-0d2f0a9b7e11'
            # The unary comma keeps each row an array; without it @( @(...) @(...) ) is one flat list.
            $runs = @(
                , @(6, $entra, 'contoso.onmicrosoft.com - AAD', 'Export', '2026-11-25T09:00:40', '2026-11-25T09:00:52')
                , @(5, $ad, 'contoso.com', 'Export', '2026-11-25T09:00:31', '2026-11-25T09:00:39')
                , @(4, $entra, 'contoso.onmicrosoft.com - AAD', 'Full Synchronization', '2026-11-23T18:04:10', '2026-11-23T18:06:02')
                , @(3, $ad, 'contoso.com', 'Full Synchronization', '2026-11-23T18:01:40', '2026-11-23T18:04:09')
                , @(2, $entra, 'contoso.onmicrosoft.com - AAD', 'Full Import', '2026-11-23T18:00:50', '2026-11-23T18:01:39')
                , @(1, $ad, 'contoso.com', 'Full Import', '2026-11-23T18:00:02', '2026-11-23T18:00:49')
            )
            foreach ($run in $runs) {
                [PSCustomObject]@{
                    RunHistoryId   = [guid]('00000000-0000-4000-8000-00000000900{0}' -f $run[0])
                    ConnectorId    = $run[1]
                    ConnectorName  = $run[2]
                    RunProfileName = $run[3]
                    Result         = 'success'
                    StartDate      = [datetime]::SpecifyKind([datetime]::ParseExact($run[4], 's', [System.Globalization.CultureInfo]::InvariantCulture), [System.DateTimeKind]::Utc)
                    EndDate        = [datetime]::SpecifyKind([datetime]::ParseExact($run[5], 's', [System.Globalization.CultureInfo]::InvariantCulture), [System.DateTimeKind]::Utc)
                }
            }
        }

        Mock -ModuleName $module -CommandName 'Get-ADSyncEntraConnectorCredential' -MockWith {
            [PSCustomObject]@{ ConnectorIdentityType = 'Application' }
        }

        # The server: service, files, registry, CIM.
        Mock -ModuleName $module -CommandName 'Get-Service' -MockWith {
            [PSCustomObject]@{ Name = 'ADSync'; DisplayName = 'Microsoft Azure AD Sync'; Status = 'Running'; StartType = 'Automatic' }
        }
        Mock -ModuleName $module -CommandName 'Get-Item' -MockWith {
            # -LiteralPath is a string array.
            $engine = 'C:\Program Files\Microsoft Azure AD Sync\Bin\miiserver.exe'
            if (@($LiteralPath)[0] -ne $engine) {
                throw [System.Management.Automation.ItemNotFoundException]::new(('Cannot find path ''{0}''' -f @($LiteralPath)[0]))
            }
            [PSCustomObject]@{
                VersionInfo = [PSCustomObject]@{ FileName = $engine; FileVersion = '2.6.92.0'; ProductVersion = '2.6.92.0' }
            }
        }
        Mock -ModuleName $module -CommandName 'Test-Path' -MockWith { $true } -ParameterFilter { $LiteralPath -like $script:MachineConfigPattern }
        Mock -ModuleName $module -CommandName 'Get-Content' -MockWith {
            '<?xml version="1.0" encoding="UTF-8"?><configuration><system.net><defaultProxy enabled="true" useDefaultCredentials="true"><proxy usesystemdefault="true" /></defaultProxy></system.net></configuration>'
        } -ParameterFilter { $LiteralPath -like $script:MachineConfigPattern }
        Mock -ModuleName $module -CommandName 'Get-ItemProperty' -MockWith {
            $protocols = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
            switch (@($LiteralPath)[0]) {
                'HKLM:\SYSTEM\CurrentControlSet\Services\ADSync' {
                    [PSCustomObject]@{ ImagePath = '"C:\Program Files\Microsoft Azure AD Sync\Bin\miiserver.exe"'; PSPath = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\...'; PSProvider = 'Microsoft.PowerShell.Core\Registry' }
                }
                { $_ -in 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319' } {
                    [PSCustomObject]@{ SchUseStrongCrypto = 1; SystemDefaultTlsVersions = 1; PSPath = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\...' }
                }
                { $_ -in ('{0}\Client' -f $protocols), ('{0}\Server' -f $protocols) } {
                    [PSCustomObject]@{ Enabled = 1; DisabledByDefault = 0; PSChildName = 'Client' }
                }
                'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' {
                    [PSCustomObject]@{ Release = 528449; PSDrive = 'HKLM' }
                }
                'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa' {
                    [PSCustomObject]@{ LimitBlankPasswordUse = 1; PSParentPath = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control' }
                }
                'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' {
                    [PSCustomObject]@{ InstallationType = 'Server'; EditionID = 'ServerStandard'; ProductName = 'Windows Server 2022 Standard' }
                }
                default {
                    throw [System.Management.Automation.ItemNotFoundException]::new(('Cannot find path ''{0}'' because it does not exist.' -f $LiteralPath))
                }
            }
        }
        Mock -ModuleName $module -CommandName 'Get-CimInstance' -MockWith {
            [PSCustomObject]@{ Caption = 'Microsoft Windows Server 2022 Standard'; Version = '10.0.20348'; BuildNumber = '20348'; ProductType = 3; OSArchitecture = '64-bit' }
        }

        # Active Directory.
        Mock -ModuleName $module -CommandName 'Get-ADForest' -MockWith {
            [PSCustomObject]@{
                Name               = 'contoso.com'
                RootDomain         = 'contoso.com'
                ForestMode         = 'Windows2016Forest'
                Domains            = @('contoso.com')
                SchemaMaster       = 'DC01.contoso.com'
                DomainNamingMaster = 'DC01.contoso.com'
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADDomain' -MockWith {
            [PSCustomObject]@{
                DNSRoot           = 'contoso.com'
                NetBIOSName       = 'CONTOSO'
                DistinguishedName = 'DC=contoso,DC=com'
                DomainMode        = 'Windows2016Domain'
                PDCEmulator       = 'DC01.contoso.com'
                RIDMaster         = 'DC01.contoso.com'
                DomainSID         = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330')
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADDomainController' -MockWith {
            [PSCustomObject]@{
                HostName               = 'DC01.contoso.com'
                Name                   = 'DC01'
                Site                   = 'HQ'
                IsReadOnly             = $false
                IsGlobalCatalog        = $true
                OperatingSystem        = 'Windows Server 2022 Standard'
                OperatingSystemVersion = '10.0 (20348)'
                OperationMasterRoles   = @('PDCEmulator', 'RIDMaster', 'InfrastructureMaster')
            }
            [PSCustomObject]@{
                HostName               = 'DC02.contoso.com'
                Name                   = 'DC02'
                Site                   = 'Branch'
                IsReadOnly             = $false
                IsGlobalCatalog        = $true
                OperatingSystem        = 'Windows Server 2019 Datacenter'
                OperatingSystemVersion = '10.0 (17763)'
                OperationMasterRoles   = @('SchemaMaster', 'DomainNamingMaster')
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADDefaultDomainPasswordPolicy' -MockWith {
            [PSCustomObject]@{
                ComplexityEnabled           = $true
                DistinguishedName           = 'DC=contoso,DC=com'
                LockoutDuration             = [timespan]::FromMinutes(10)
                LockoutThreshold            = 10
                MaxPasswordAge              = [timespan]::FromDays(42)
                MinPasswordAge              = [timespan]::Zero
                MinPasswordLength           = 12
                PasswordHistoryCount        = 0
                ReversibleEncryptionEnabled = $false
            }
        }
        Mock -ModuleName $module -CommandName 'Get-ADOrganizationalUnit' -MockWith {
            foreach ($name in 'Domain Controllers', 'Sales', 'Disabled') {
                [PSCustomObject]@{ Name = $name; DistinguishedName = ('OU={0},DC=contoso,DC=com' -f $name); ObjectGUID = [guid]::NewGuid() }
            }
        }
        # RestrictRemoteSam on the PDC emulator, through remote registry: reachable, not set.
        Mock -ModuleName $module -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
        Mock -ModuleName $module -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { [pscustomobject]@{ KeyExists = $true; ValueExists = $false; Value = $null } }
        # The rootDSE read of the PDC emulator (System.DirectoryServices, Windows only).
        Mock -ModuleName $module -CommandName 'Invoke-WbdWithDeadline' -MockWith { '1.2.840.113556.1.4.319'; '1.2.840.113556.1.4.2239'; '1.2.840.113556.1.4.2066' }
        Mock -ModuleName $module -CommandName 'Get-ADUser' -MockWith {
            [PSCustomObject]@{
                SamAccountName    = 'MSOL_1a2b3c4d5e6f'
                DistinguishedName = 'CN=MSOL_1a2b3c4d5e6f,CN=Users,DC=contoso,DC=com'
                SID               = (New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-1105')
                tokenGroups       = @((New-TestSid -Value 'S-1-5-21-1004336348-1177238915-682003330-513'))
            }
        }
    }

    $script:OriginalWindir = $env:WINDIR
    $env:WINDIR = 'C:\Windows'
    $script:MachineConfigPattern = '*\Config\machine.config'
    if (-not $script:OnWindows) {
        # Off Windows a C:\ path names no drive, so the mocked Get-Content would lose the
        # FileSystem provider's -Raw; a rooted path of this platform keeps it. The collector
        # joins the path with [System.IO.Path]::Combine, which writes / here.
        $env:WINDIR = '/wbd-test/Windows'
        $script:MachineConfigPattern = '*/Config/machine.config'
    }
}

AfterAll {
    $env:WINDIR = $script:OriginalWindir
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Get-WritebackEnvironment' {
    Context 'a healthy Entra Connect server' {
        BeforeAll {
            Set-HealthyMock
            $script:Environment = Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com' -ErrorVariable collectErrors
            $script:CollectErrors = $collectErrors
            $script:Json = $script:Environment | ConvertTo-Json -Depth 20
        }

        It 'returns one WritebackDiagnostics.Environment object' {
            @($script:Environment).Count | Should -Be 1
            $script:Environment.PSTypeNames[0] | Should -Be 'WritebackDiagnostics.Environment'
            $script:Environment.SchemaVersion | Should -Be 1
            $script:CollectErrors | Should -BeNullOrEmpty
        }

        It 'collects every section' {
            foreach ($section in 'Tenant', 'Connect', 'ActiveDirectory') {
                $script:Environment.$section.Status | Should -Be 'Collected' -Because $section
                @($script:Environment.$section.Errors.PSObject.Properties).Count | Should -Be 0 -Because "$section has no read errors"
            }
        }

        It 'writes exactly tests/pester/fixtures/collector-healthy.json (apart from when, where and by what)' {
            $volatile = @('CollectedAt', 'ComputerName', 'Collector')
            $expected = Get-Content -LiteralPath $script:CollectorFixture -Raw | ConvertFrom-Json
            if (-not $script:OnWindows) {
                # The one platform-made value: the machine.config path (see WINDIR above).
                $expected.Connect.MachineConfig.Path = [System.IO.Path]::Combine($env:WINDIR, 'Microsoft.NET', 'Framework64', 'v4.0.30319', 'Config', 'machine.config')
            }
            ConvertTo-TestJson -InputObject $script:Environment -Without $volatile |
                Should -Be (ConvertTo-TestJson -InputObject $expected -Without $volatile)
        }

        It 'writes CollectedAt as ISO 8601 UTC and the computer name' {
            $script:Environment.CollectedAt | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$'
            $script:Environment.ComputerName | Should -Not -BeNullOrEmpty
        }

        It 'never signs in and never prompts' {
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Scope Context
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Connect-MgGraph' -Times 0 -Exactly -Scope Context
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Read-Host' -Times 0 -Exactly -Scope Context
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Credential' -Times 0 -Exactly -Scope Context
        }

        It 'reads each user''s own role assignments and the test user''s SSPR registration details' {
            $admin = $script:Environment.Tenant.AdminUser
            @($admin.RoleAssignments).Count | Should -Be 1
            $admin.RoleAssignments[0].roleDefinitionId | Should -Be '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2'
            $admin.RoleAssignments[0].directoryScopeId | Should -Be '/'
            $admin.RoleAssignments[0].principalId | Should -Be $admin.id
            $admin.PSObject.Properties.Name | Should -Not -Contain 'UserRegistrationDetails'
            $test = $script:Environment.Tenant.TestUser
            @($test.RoleAssignments).Count | Should -Be 0
            $test.UserRegistrationDetails.isSsprEnabled | Should -BeTrue
            $test.UserRegistrationDetails.isSsprRegistered | Should -BeTrue
            $test.UserRegistrationDetails.isAdmin | Should -BeFalse
            @($test.UserRegistrationDetails.methodsRegistered) | Should -Be @('mobilePhone', 'microsoftAuthenticatorPush')
        }

        It 'asks Graph for the role assignments by principalId (URL-encoded) and for the test user''s registration details only' {
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 1 -Exactly -Scope Context -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -ceq $script:AdminRoleAssignmentsUri }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 1 -Exactly -Scope Context -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -ceq $script:TestUserRoleAssignmentsUri }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 1 -Exactly -Scope Context -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -ceq $script:TestUserRegistrationUri }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 1 -Exactly -Scope Context -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -like 'v1.0/reports/*' }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 2 -Exactly -Scope Context -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -like 'v1.0/roleManagement/*' }
        }

        It 'keeps no connector password, client secret or token' {
            $script:Json | Should -Not -BeLike ('*{0}*' -f $script:ConnectorPassword)
            $script:Json | Should -Not -BeLike ('*{0}*' -f $script:EntraPassword)
            $script:Json | Should -Not -BeLike ('*{0}*' -f $script:ClientSecret)
            $script:Json | Should -Not -BeLike '*eyJ0eXAi*'
            $passwords = @($script:Environment.Connect.Connectors.ConnectivityParameters | Where-Object -FilterScript { $_.Name -in 'password', 'Password' })
            $passwords.Count | Should -Be 2
            foreach ($parameter in $passwords) {
                $parameter.Value | Should -BeNullOrEmpty
            }
            $script:Environment.Tenant.AdminUser.accessToken | Should -BeNullOrEmpty
        }

        # Test-Json reads JSON Schema 2020-12 from PowerShell 7.4 on.
        It 'matches the snapshot JSON Schema' -Skip:($PSVersionTable.PSVersion.Major -lt 7 -or ($PSVersionTable.PSVersion.Major -eq 7 -and $PSVersionTable.PSVersion.Minor -lt 4)) {
            Test-Json -Json $script:Json -SchemaFile $script:SchemaPath | Should -BeTrue
        }
    }

    Context 'missing modules, no Graph context, no rights' {
        BeforeEach {
            Set-HealthyMock
        }

        It 'reports Tenant Unavailable without the Microsoft Graph module' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -in 'Get-MgContext', 'Invoke-MgGraphRequest' }
            $environment = Get-WritebackEnvironment -ErrorVariable collectErrors
            $environment.Tenant.Status | Should -Be 'Unavailable'
            $environment.Tenant.Reason | Should -Match 'Microsoft\.Graph\.Authentication'
            $environment.Connect.Status | Should -Be 'Collected'
            $collectErrors | Should -BeNullOrEmpty
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 0 -Exactly
        }

        It 'reports Tenant Unavailable without a Graph context, and never signs in' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-MgContext' -MockWith { $null }
            $environment = Get-WritebackEnvironment -ErrorVariable collectErrors
            $environment.Tenant.Status | Should -Be 'Unavailable'
            $environment.Tenant.Reason | Should -Match 'Connect-MgGraph'
            $collectErrors | Should -BeNullOrEmpty
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -Times 0 -Exactly
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Connect-MgGraph' -Times 0 -Exactly
        }

        It 'reports Tenant Unavailable when Graph refuses every request' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -MockWith { throw 'Response status code does not indicate success: Forbidden (Forbidden).' }
            $environment = Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com'
            $environment.Tenant.Status | Should -Be 'Unavailable'
            $environment.Tenant.Reason | Should -Match 'Forbidden'
        }

        It 'names an item Graph refuses in Errors and keeps the rest' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -MockWith { throw 'Response status code does not indicate success: Forbidden (Forbidden).' } -ParameterFilter { [string]$Uri -eq 'v1.0/subscribedSkus' }
            $environment = Get-WritebackEnvironment
            $environment.Tenant.Status | Should -Be 'Collected'
            $environment.Tenant.Errors.SubscribedSkus | Should -Match 'Forbidden'
            $environment.Tenant.PSObject.Properties.Name | Should -Not -Contain 'SubscribedSkus'
            $environment.Tenant.Domains | Should -Not -BeNullOrEmpty
        }

        It 'names a refused role-assignment or registration read in Errors; the rules warn or skip, never fail' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -MockWith { throw 'Response status code does not indicate success: Forbidden (Forbidden).' } -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -like 'v1.0/roleManagement/*' -or (ConvertTo-TestUriText -Uri $Uri) -like 'v1.0/reports/*' }
            $run = Split-TestOutput -ScriptBlock { Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com' }
            $run.Errors | Should -BeNullOrEmpty
            $environment = $run.Output[0]
            $environment.Tenant.Status | Should -Be 'Collected'
            $environment.Tenant.Errors.'AdminUser.RoleAssignments' | Should -Match 'Forbidden'
            $environment.Tenant.Errors.'TestUser.RoleAssignments' | Should -Match 'Forbidden'
            $environment.Tenant.Errors.'TestUser.UserRegistrationDetails' | Should -Match 'Forbidden'
            $environment.Tenant.AdminUser.PSObject.Properties.Name | Should -Not -Contain 'RoleAssignments'
            $environment.Tenant.TestUser.PSObject.Properties.Name | Should -Not -Contain 'UserRegistrationDetails'
            $environment.Tenant.TestUser.LicenseDetails | Should -Not -BeNullOrEmpty
            $results = @(Test-WritebackPrerequisite -Environment $environment)
            $registration = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-TESTUSER-SSPR' })[0]
            '{0} {1}' -f $registration.Status, $registration.Evidence.Outcome | Should -Be 'Skipped NotCollected'
            $registration.Message | Should -Match 'AuditLog\.Read\.All'
            $policy = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-SSPR-TENANT' })[0]
            $policy.Status | Should -Be 'Skipped'
            $role = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-ADMIN-ROLE' })[0]
            '{0} {1}' -f $role.Status, $role.Evidence.Outcome | Should -Be 'Warning DirectnessUnknown'
        }

        It 'names the role-assignable group of an admin who holds the role only through it, and fails PRE-ADMIN-ROLE' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -MockWith {
                [ordered]@{
                    value = @(
                        [ordered]@{ '@odata.type' = '#microsoft.graph.group'; id = 'group-7'; displayName = 'Tier0 Hybrid Admins'; isAssignableToRole = $true }
                        [ordered]@{ '@odata.type' = '#microsoft.graph.directoryRole'; id = 'role-1'; displayName = 'Hybrid Identity Administrator'; roleTemplateId = '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2' }
                    )
                }
            } -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -ceq 'v1.0/users/7d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b/transitiveMemberOf' }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-MgGraphRequest' -MockWith { [ordered]@{ value = @() } } -ParameterFilter { (ConvertTo-TestUriText -Uri $Uri) -ceq $script:AdminRoleAssignmentsUri }
            $environment = Get-WritebackEnvironment
            $admin = $environment.Tenant.AdminUser
            @($admin.DirectoryRoles).Count | Should -Be 1
            @($admin.RoleAssignableGroups).displayName | Should -Be @('Tier0 Hybrid Admins')
            $role = @(Test-WritebackPrerequisite -Environment $environment | Where-Object -FilterScript { $_.Id -eq 'PRE-ADMIN-ROLE' })[0]
            '{0} {1}' -f $role.Status, $role.Evidence.Outcome | Should -Be 'Fail RoleThroughGroup'
            $role.Message | Should -Match 'role-assignable group Tier0 Hybrid Admins'
        }

        It 'reports Connect and ActiveDirectory Unavailable without the ADSync module' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -like 'Get-ADSync*' }
            $run = Split-TestOutput -ScriptBlock { Get-WritebackEnvironment }
            $environment = $run.Output[0]
            $collectErrors = $run.Errors
            $environment.Connect.Status | Should -Be 'Unavailable'
            $environment.Connect.Reason | Should -Match 'ADSync'
            $environment.ActiveDirectory.Status | Should -Be 'Unavailable'
            $environment.ActiveDirectory.Reason | Should -Match 'connectors'
            $environment.Tenant.Status | Should -Be 'Collected'
            $collectErrors | Should -BeNullOrEmpty
        }

        It 'reports ActiveDirectory Unavailable without the ActiveDirectory module' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -eq 'Get-ADDomain' }
            $run = Split-TestOutput -ScriptBlock { Get-WritebackEnvironment }
            $environment = $run.Output[0]
            $collectErrors = $run.Errors
            $environment.ActiveDirectory.Status | Should -Be 'Unavailable'
            $environment.ActiveDirectory.Reason | Should -Match 'RSAT-AD-PowerShell'
            $environment.Connect.Status | Should -Be 'Collected'
            $collectErrors | Should -BeNullOrEmpty
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADForest' -Times 0 -Exactly
        }

        It 'reports Connect and ActiveDirectory Unavailable outside Windows' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $false }
            $environment = Get-WritebackEnvironment
            $environment.Connect.Status | Should -Be 'Unavailable'
            $environment.ActiveDirectory.Status | Should -Be 'Unavailable'
        }

        It 'names what the account may not read, without an error' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncScheduler' -MockWith { throw [System.UnauthorizedAccessException]::new('Access is denied.') }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADForest' -MockWith { throw [System.UnauthorizedAccessException]::new('Access is denied.') }
            $run = Split-TestOutput -ScriptBlock { Get-WritebackEnvironment }
            $environment = $run.Output[0]
            $collectErrors = $run.Errors
            $collectErrors | Should -BeNullOrEmpty
            $environment.Connect.Status | Should -Be 'Collected'
            $environment.Connect.Errors.Scheduler | Should -Match 'Access is denied'
            $environment.Connect.PSObject.Properties.Name | Should -Not -Contain 'Scheduler'
            $forest = @($environment.ActiveDirectory.Forests)[0]
            $forest.Name | Should -Be 'contoso.com'
            $forest.Status | Should -Be 'Unavailable'
            $forest.Reason | Should -Match 'Access is denied'
        }

        It 'records a registry value that does not exist as null, and Connect not installed' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Item' -MockWith { throw [System.Management.Automation.ItemNotFoundException]::new('Cannot find path') }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Service' -MockWith { $null }
            $environment = Get-WritebackEnvironment
            $environment.Connect.PSObject.Properties.Name | Should -Contain 'SyncEngine'
            $environment.Connect.SyncEngine | Should -BeNullOrEmpty
            $environment.Connect.Service | Should -BeNullOrEmpty
            $environment.Connect.PSObject.Properties.Name | Should -Contain 'RestrictRemoteSam'
            $environment.Connect.RestrictRemoteSam | Should -BeNullOrEmpty
        }

        It 'records the Entra connector identity, and null when the ADSync module has no Get-ADSyncEntraConnectorCredential' {
            $environment = Get-WritebackEnvironment
            $environment.Connect.EntraConnectorIdentity.ConnectorIdentityType | Should -Be 'Application'
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -eq 'Get-ADSyncEntraConnectorCredential' }
            $older = Get-WritebackEnvironment
            $older.Connect.PSObject.Properties.Name | Should -Contain 'EntraConnectorIdentity'
            $older.Connect.EntraConnectorIdentity | Should -BeNullOrEmpty
            @($older.Connect.Errors.PSObject.Properties).Count | Should -Be 0
            $auth = @($older | Test-WritebackPrerequisite | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-AUTH' })
            $auth.Count | Should -Be 1
            $auth[0].Status | Should -Be 'Warning' -Because $auth[0].Message
            $auth[0].Evidence.ConnectorIdentityType | Should -Be 'ServiceAccount'
            $auth[0].Evidence.Basis | Should -Match '^Inference'
        }

        It 'makes the rules of an unavailable section Skipped, with no errors' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-MgContext' -MockWith { $null }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -like 'Get-ADSync*' }
            $results = @(Get-WritebackEnvironment | Test-WritebackPrerequisite -ErrorVariable runErrors)
            $runErrors | Should -BeNullOrEmpty
            $results.Count | Should -BeGreaterThan 0
            @($results | Where-Object -FilterScript { $_.Status -eq 'Error' }).Count | Should -Be 0
            $version = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' })
            $version.Count | Should -Be 1
            $version[0].Status | Should -Be 'Skipped'
            $version[0].Evidence.Outcome | Should -Be 'SectionUnavailable'
            $version[0].Message | Should -Match 'ADSync'
            $licence = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-LICENSE-TENANT' })
            $licence[0].Status | Should -Be 'Skipped'
            $licence[0].Message | Should -Match 'Connect-MgGraph'
        }
    }
}

Describe 'Remove-WbdSecret' {
    It 'empties secret properties, password-type parameters, tokens and URL credentials in every section' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Token = $script:Token } -ScriptBlock {
            param ($Token)

            $secure = [System.Security.SecureString]::new()
            $secure.AppendChar('x')
            $snapshot = [ordered]@{
                Tenant          = [ordered]@{
                    AdminUser = @{ userPrincipalName = 'a@contoso.com'; refresh_token = 'r'; Notes = ('Bearer {0}' -f $Token) }
                    Context   = [PSCustomObject]@{ ClientSecret = 'c'; Credential = [System.Management.Automation.PSCredential]::new('u', $secure) }
                }
                Connect         = [ordered]@{
                    Connectors   = @(
                        [PSCustomObject]@{
                            Name                   = 'x'
                            ConnectivityParameters = @(
                                [PSCustomObject]@{ Name = 'forest-login-user'; Value = 'MSOL_1' }
                                [PSCustomObject]@{ Name = 'secret-setting'; Value = 'v1'; Values = @('v2') }
                                [PSCustomObject]@{ Name = 'opaque'; Value = 'v3'; InputType = 'encryptedString' }
                            )
                        }
                    )
                    MachineConfig = [ordered]@{ DefaultProxy = '<proxy proxyaddress="http://user:pa55@proxy.contoso.com:8080" />' }
                    Sql           = @{ ConnectionString = 'Server=x;Password=y' }
                }
                ActiveDirectory = [ordered]@{
                    PasswordPolicy = [ordered]@{ MinPasswordAge = '1.00:00:00'; PasswordHistoryCount = 24 }
                    Key            = [ordered]@{ PrivateKey = 'k'; AccountKey = 'k2'; SecureValue = $secure }
                }
            }
            $clean = Remove-WbdSecret -InputObject $snapshot
            $json = $clean | ConvertTo-Json -Depth 20

            $clean.Tenant.AdminUser.userPrincipalName | Should -Be 'a@contoso.com'
            $clean.Tenant.AdminUser.refresh_token | Should -BeNullOrEmpty
            $clean.Tenant.AdminUser.Notes | Should -BeNullOrEmpty
            $clean.Tenant.Context.ClientSecret | Should -BeNullOrEmpty
            $clean.Tenant.Context.Credential | Should -BeNullOrEmpty
            $parameters = @($clean.Connect.Connectors)[0].ConnectivityParameters
            $parameters[0].Value | Should -Be 'MSOL_1'
            $parameters[1].Value | Should -BeNullOrEmpty
            $parameters[1].Values | Should -BeNullOrEmpty
            $parameters[2].Value | Should -BeNullOrEmpty
            $clean.Connect.MachineConfig.DefaultProxy | Should -Be '<proxy proxyaddress="http://proxy.contoso.com:8080" />'
            $clean.Connect.Sql.ConnectionString | Should -BeNullOrEmpty
            $clean.ActiveDirectory.PasswordPolicy.MinPasswordAge | Should -Be '1.00:00:00'
            $clean.ActiveDirectory.PasswordPolicy.PasswordHistoryCount | Should -Be 24
            $clean.ActiveDirectory.Key.PrivateKey | Should -BeNullOrEmpty
            $clean.ActiveDirectory.Key.AccountKey | Should -BeNullOrEmpty
            $clean.ActiveDirectory.Key.SecureValue | Should -BeNullOrEmpty
            foreach ($secret in 'v1', 'v2', 'v3', 'pa55', 'Password=y', 'eyJ0eXAi') {
                $json | Should -Not -BeLike ('*{0}*' -f $secret)
            }
        }
    }

    It 'writes arrays as arrays in this edition (no value/Count wrapper)' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $clean = Remove-WbdSecret -InputObject ([ordered]@{ One = @('a'); Many = [System.Collections.Generic.List[object]]@('a', 'b'); None = @() })
            ($clean | ConvertTo-Json -Depth 5 -Compress) | Should -Be '{"One":["a"],"Many":["a","b"],"None":[]}'
        }
    }
}

Describe 'ConvertTo-WbdSnapshotValue' {
    It 'writes dates, TimeSpans, enums, GUIDs and SIDs the same way in both editions' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $value = ConvertTo-WbdSnapshotValue -InputObject ([PSCustomObject]@{
                    Utc     = [datetime]::new(2026, 11, 25, 9, 30, 0, [System.DateTimeKind]::Utc)
                    Span    = [timespan]::FromDays(1)
                    Enum    = [System.DayOfWeek]::Friday
                    Guid    = [guid]'B891884F-051E-4A83-95AF-2544101C9083'
                    Secure  = [System.Security.SecureString]::new()
                    Version = [version]'2.5.79.0'
                })
            $value['Utc'] | Should -Be '2026-11-25T09:30:00.0000000Z'
            $value['Span'] | Should -Be '1.00:00:00'
            $value['Enum'] | Should -Be 'Friday'
            $value['Guid'] | Should -Be 'b891884f-051e-4a83-95af-2544101c9083'
            $value['Secure'] | Should -BeNullOrEmpty
            $value['Version'] | Should -Be '2.5.79.0'
        }
    }

    It 'writes a SecurityIdentifier as its SDDL text' -Tag 'Windows' {
        if (-not $script:OnWindows) {
            Set-ItResult -Skipped -Because 'System.Security.Principal.SecurityIdentifier exists only on Windows (.NET throws PlatformNotSupportedException elsewhere)'
            return
        }
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $value = ConvertTo-WbdSnapshotValue -InputObject ([PSCustomObject]@{
                    Sid = New-Object -TypeName System.Security.Principal.SecurityIdentifier -ArgumentList 'S-1-5-32-544'
                })
            $value['Sid'] | Should -Be 'S-1-5-32-544'
        }
    }

    It 'bounds the depth of what it keeps' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $deep = [PSCustomObject]@{ Level = 0 }
            foreach ($level in 1..20) {
                $deep = [PSCustomObject]@{ Level = $level; Inner = $deep }
            }
            $value = ConvertTo-WbdSnapshotValue -InputObject $deep -MaxDepth 3
            $value['Inner']['Inner']['Inner'] | Should -BeOfType [string]
        }
    }
}

Describe 'Test-WritebackPrerequisite' {
    Context 'a live run on a mocked healthy server' {
        BeforeAll {
            Set-HealthyMock
            $script:LiveResults = @(Test-WritebackPrerequisite -TestUser 'alex.wilber@contoso.com' -ErrorVariable liveErrors)
            $script:LiveErrors = $liveErrors
        }

        It 'emits WritebackDiagnostics.CheckResult objects' {
            $script:LiveResults.Count | Should -BeGreaterThan 20
            foreach ($result in $script:LiveResults) {
                $result.PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
                $result.Id | Should -Match '^PRE-'
                $result.Evidence.Outcome | Should -Not -BeNullOrEmpty
            }
            $script:LiveErrors | Should -BeNullOrEmpty
        }

        It 'gives no Fail and no Error apart from the live PDC probe' {
            # DC01.contoso.com does not exist on the test runner, so the live probe may fail;
            # every other check must pass on the mocked healthy environment.
            $bad = @($script:LiveResults | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' -and $_.Id -ne 'PRE-PDC-REACHABLE' } | ForEach-Object -Process { '{0} {1}: {2}' -f $_.Id, $_.Target, $_.Message })
            $bad | Should -BeNullOrEmpty
        }

        It 'probes the PDC emulator from this server through the engine' {
            $reachable = @($script:LiveResults | Where-Object -FilterScript { $_.Id -eq 'PRE-PDC-REACHABLE' })
            $reachable.Count | Should -Be 1
            $reachable[0].Evidence.Outcome | Should -Not -Be 'SavedSnapshot'
            $reachable[0].Evidence.Outcome | Should -Not -Be 'NotProbed'
            $reachable[0].Evidence.PdcEmulator | Should -Be 'DC01.contoso.com'
        }

        It 'returns a single $true with -Quiet' {
            $answer = Test-WritebackPrerequisite -Quiet -ErrorVariable quietErrors
            @($answer).Count | Should -Be 1
            $answer | Should -BeOfType [bool]
            $expected = @($script:LiveResults | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' }).Count -eq 0
            $answer | Should -Be $expected
            $quietErrors | Should -BeNullOrEmpty
        }

        It 'evaluates a collected snapshot from the pipeline' {
            $results = @(Get-WritebackEnvironment -TestUser 'alex.wilber@contoso.com' | Test-WritebackPrerequisite)
            @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' }).Count | Should -Be 0
            @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-PDC-REACHABLE' })[0].Evidence.Outcome | Should -Be 'SavedSnapshot'
        }
    }

    Context 'saved snapshots' {
        It 'reads <_> with -Path and finds nothing failing' -ForEach @('healthy.json', 'healthy-ps7.json', 'healthy-ps51.json') {
            $results = @(Test-WritebackPrerequisite -Path ([System.IO.Path]::Combine($script:EngineFixtures, $_)) -ErrorVariable pathErrors)
            $pathErrors | Should -BeNullOrEmpty
            $results.Count | Should -BeGreaterThan 20
            @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' }).Count | Should -Be 0
        }

        It 'resolves a relative -Path against the current location' {
            Push-Location -LiteralPath $script:EngineFixtures
            try {
                $answer = Test-WritebackPrerequisite -Path 'healthy.json' -Quiet
            } finally {
                Pop-Location
            }
            $answer | Should -BeTrue
        }

        It 'reads the collector fixture with -Path' {
            Test-WritebackPrerequisite -Path $script:CollectorFixture -Quiet | Should -BeTrue
        }

        It 'evaluates a snapshot read back with ConvertFrom-Json' {
            $environment = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:EngineFixtures, 'healthy.json')) -Raw | ConvertFrom-Json
            $results = @(Test-WritebackPrerequisite -Environment $environment)
            @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' }).Count | Should -Be 0
        }

        It 'returns a single $false with -Quiet when a check fails, without errors' {
            $environment = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:EngineFixtures, 'healthy.json')) -Raw | ConvertFrom-Json
            $environment.Connect.Service.Status = 1
            $answer = Test-WritebackPrerequisite -Environment $environment -Quiet -ErrorVariable quietErrors
            @($answer).Count | Should -Be 1
            $answer | Should -BeOfType [bool]
            $answer | Should -BeFalse
            $quietErrors | Should -BeNullOrEmpty
        }

        It 'rejects a malformed snapshot with WbdInvalidInput naming the JSON path' {
            $environment = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:EngineFixtures, 'healthy.json')) -Raw | ConvertFrom-Json
            $environment.Connect.DotNetRelease = 'abc'
            $record = $null
            try {
                Test-WritebackPrerequisite -Environment $environment -ErrorAction Stop
            } catch {
                $record = $_
            }
            $record.FullyQualifiedErrorId | Should -Be 'WbdInvalidInput,Test-WritebackPrerequisite'
            $record.Exception.Message | Should -Match 'Connect\.DotNetRelease'
        }

        It 'rejects a missing file with WbdInvalidInput naming the resolved path, also under -Quiet' {
            Push-Location -LiteralPath $TestDrive
            try {
                { Test-WritebackPrerequisite -Path 'missing.json' -Quiet } |
                    Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackPrerequisite'
                $record = $null
                try {
                    Test-WritebackPrerequisite -Path 'missing.json' -ErrorAction Stop
                } catch {
                    $record = $_
                }
            } finally {
                Pop-Location
            }
            $record.Exception.Message.Contains([System.IO.Path]::Combine($TestDrive, 'missing.json')) | Should -BeTrue
        }

        It 'has a parameter set for each source of the snapshot' {
            $sets = (Get-Command -Name 'Test-WritebackPrerequisite').ParameterSets.Name
            $sets | Should -Contain 'Live'
            $sets | Should -Contain 'Environment'
            $sets | Should -Contain 'Path'
            { Test-WritebackPrerequisite -Path 'x.json' -Environment ([PSCustomObject]@{}) } |
                Should -Throw -ErrorId 'AmbiguousParameterSet,Test-WritebackPrerequisite'
        }
    }
}
