#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of how the collector loads the ADSync module (issue 9): PowerShell 7 loads
# only modules of the System32 module folder through Windows PowerShell compatibility by itself,
# so Import-WbdOptionalModule -WindowsPowerShellOnCore imports ADSync with -UseWindowsPowerShell
# on PowerShell 7 on Windows (never on Windows PowerShell 5.1, which has no such parameter), and
# Get-WbdConnectSection records how the module was loaded in AdSyncModule, which the engine
# puts in the evidence of the Connect results. Runs under Windows PowerShell 5.1 and
# PowerShell 7; the ADSync, service and CIM commands are stubbed when the runner lacks them, and
# everything the collector calls is mocked inside the module.

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:CollectorFixture = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'collector-healthy.json')
    $script:IsCore = $PSVersionTable.PSEdition -eq 'Core'

    # Commands the runner may not have, with the parameters the collector passes (Add-TestStub).
    $stubs = [ordered]@{
        'Get-ADSyncGlobalSettings'                = 'param ()'
        'Get-ADSyncScheduler'                     = 'param ()'
        'Get-ADSyncConnector'                     = 'param ([string] $Name)'
        'Get-ADSyncAADPasswordResetConfiguration' = 'param ([object] $Connector)'
        'Get-ADSyncRunProfileResult'              = 'param ([object] $ConnectorId, [int] $NumberRequested)'
        'Get-ADSyncEntraConnectorCredential'      = 'param ()'
        'Get-Service'                             = 'param ([string[]] $Name)'
        'Get-CimInstance'                         = 'param ([string] $ClassName)'
    }
    $script:CreatedStubs = @(Add-TestStub -Stub $stubs)

    # A module whose commands appear once Import-Module has run (the mocks flip Imported).
    function Set-ImportMock {
        $module = 'WritebackDiagnostics'
        $script:Session = @{ Imported = $false }
        Mock -ModuleName $module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Test-WbdCommandAvailable' -MockWith { $script:Session.Imported }
        Mock -ModuleName $module -CommandName 'Import-Module' -MockWith { $script:Session.Imported = $true }
        Mock -ModuleName $module -CommandName 'Test-Path' -MockWith { $false }
    }

    # A Connect server that answers every read, so that the section is Collected.
    function Set-ConnectServerMock {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Get-WbdRegistryKey' -MockWith { $null }
        Mock -ModuleName $module -CommandName 'Get-Item' -MockWith {
            [PSCustomObject]@{
                VersionInfo = [PSCustomObject]@{ FileName = 'C:\Program Files\Microsoft Azure AD Sync\Bin\miiserver.exe'; FileVersion = '2.6.92.0'; ProductVersion = '2.6.92.0' }
            }
        }
        Mock -ModuleName $module -CommandName 'Get-Service' -MockWith {
            [PSCustomObject]@{ Name = 'ADSync'; DisplayName = 'Microsoft Azure AD Sync'; Status = 'Running'; StartType = 'Automatic' }
        }
        Mock -ModuleName $module -CommandName 'Get-CimInstance' -MockWith {
            [PSCustomObject]@{ Caption = 'Microsoft Windows Server 2022 Standard'; Version = '10.0.20348'; BuildNumber = '20348'; ProductType = 3; OSArchitecture = '64-bit' }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncGlobalSettings' -MockWith {
            [PSCustomObject]@{ Parameters = @([PSCustomObject]@{ Name = 'Microsoft.Synchronize.ServerConfigurationVersion'; Value = '2.6.92.0' }) }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncScheduler' -MockWith {
            [PSCustomObject]@{ SyncCycleEnabled = $true; SchedulerSuspended = $false; StagingModeEnabled = $false }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncConnector' -MockWith {
            [PSCustomObject]@{ Identifier = [guid]'b891884f-051e-4a83-95af-2544101c9083'; Name = 'contoso.onmicrosoft.com - AAD'; Type = 'Extensible2'; Subtype = 'Windows Azure Active Directory (Microsoft)' }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncAADPasswordResetConfiguration' -MockWith {
            [PSCustomObject]@{ Enabled = $true }
        }
        Mock -ModuleName $module -CommandName 'Get-ADSyncRunProfileResult' -MockWith { @() }
        Mock -ModuleName $module -CommandName 'Get-ADSyncEntraConnectorCredential' -MockWith {
            [PSCustomObject]@{ ConnectorIdentityType = 'Application' }
        }
    }

    $script:OriginalWindir = $env:WINDIR
    $env:WINDIR = 'C:\Windows'
}

AfterAll {
    $env:WINDIR = $script:OriginalWindir
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Import-WbdOptionalModule' {
    BeforeEach {
        Set-ImportMock
    }

    It 'imports with -UseWindowsPowerShell on PowerShell 7 on Windows, and never on Windows PowerShell 5.1' {
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore
        }
        if ($script:IsCore) {
            $loaded | Should -Be 'ImportedThroughWindowsPowerShell'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $UseWindowsPowerShell -and $Name -eq 'ADSync' }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 0 -Exactly -ParameterFilter { -not $UseWindowsPowerShell }
        } else {
            # 5.1's Import-Module has no -UseWindowsPowerShell: passing it would fail the import.
            $loaded | Should -Be 'Imported'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $Name -eq 'ADSync' -and -not $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 0 -Exactly -ParameterFilter { $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
        }
    }

    It 'imports without -UseWindowsPowerShell when the switch is not given (ActiveDirectory)' {
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ActiveDirectory' -Command 'Get-ADDomain'
        }
        $loaded | Should -Be 'Imported'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $Name -eq 'ActiveDirectory' -and -not $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
    }

    It 'imports without -UseWindowsPowerShell outside Windows' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $false }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore
        }
        $loaded | Should -Be 'Imported'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { -not $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
    }

    It 'on PowerShell 7 imports through Windows PowerShell a module its commands were only autoloadable from' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Module' -MockWith { $null } -ParameterFilter { $Name -eq 'ADSync' }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore
        }
        if ($script:IsCore) {
            $loaded | Should -Be 'ImportedThroughWindowsPowerShell'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $UseWindowsPowerShell -and $Name -eq 'ADSync' }
        } else {
            $loaded | Should -Be 'AlreadyAvailable'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 0 -Exactly
        }
    }

    It 'does not import a module whose command is already available' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Module' -MockWith { [PSCustomObject]@{ Name = 'ADSync' } } -ParameterFilter { $Name -eq 'ADSync' }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore
        }
        $loaded | Should -Be 'AlreadyAvailable'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 0 -Exactly
    }

    It 'tries the fallback manifest the same way when the module is not found by name' {
        $manifest = 'C:\Program Files\Microsoft Azure AD Sync\Bin\ADSync\ADSync.psd1'
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-Path' -MockWith { $true } -ParameterFilter { $LiteralPath -eq 'C:\Program Files\Microsoft Azure AD Sync\Bin\ADSync\ADSync.psd1' }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -MockWith { throw 'The specified module ''ADSync'' was not loaded because no valid module file was found in any module directory.' } -ParameterFilter { $Name -eq 'ADSync' }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Manifest = $manifest } -ScriptBlock {
            param ($Manifest)
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -FallbackPath $Manifest -WindowsPowerShellOnCore
        }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 2 -Exactly
        if ($script:IsCore) {
            $loaded | Should -Be 'ImportedThroughWindowsPowerShell'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $UseWindowsPowerShell -and $Name -eq 'C:\Program Files\Microsoft Azure AD Sync\Bin\ADSync\ADSync.psd1' }
        } else {
            $loaded | Should -Be 'Imported'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $Name -eq 'C:\Program Files\Microsoft Azure AD Sync\Bin\ADSync\ADSync.psd1' -and -not $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
        }
    }

    It 'gives NotAvailable, without throwing, when the import fails' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -MockWith { throw 'Could not load file or assembly ''Microsoft.IdentityManagement.PowerShell.ObjectModel''.' }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore -ErrorAction Stop
        }
        $loaded | Should -Be 'NotAvailable'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly
    }

    It 'gives NotAvailable when the import does not bring the command' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -MockWith { @() }
        $loaded = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -WindowsPowerShellOnCore
        }
        $loaded | Should -Be 'NotAvailable'
    }

    It 'lets PipelineStoppedException (Ctrl+C) through' {
        # Thrown under Pester, the exception would stop the whole run, so it is thrown in a
        # PowerShell of its own, by a global Import-Module function that shadows the cmdlet.
        $manifest = [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')
        $script = @'
param ($Manifest)
Import-Module -Name $Manifest -ErrorAction Stop
function global:Import-Module { throw [System.Management.Automation.PipelineStoppedException]::new() }
& (Get-Module -Name 'WritebackDiagnostics') { Import-WbdOptionalModule -Name 'WbdNoSuchModule' -Command 'Get-WbdNoSuchCommand' }
'@
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script).AddArgument($manifest)
            $output = $null
            try {
                $output = @($ps.Invoke())
            } catch {
                # Some hosts rethrow the stop from Invoke; the state below tells it either way.
                Write-Verbose -Message ('Invoke: {0}' -f $_.Exception.Message)
            }
            # Swallowed, the exception would give NotAvailable and a Completed pipeline.
            $output | Should -BeNullOrEmpty
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.InvocationStateInfo.Reason | Should -BeOfType [System.Management.Automation.PipelineStoppedException]
        } finally {
            $ps.Dispose()
        }
    }
}

Describe 'Get-WbdConnectSection' {
    BeforeEach {
        Set-ImportMock
        Set-ConnectServerMock
    }

    It 'records how ADSync was imported in AdSyncModule' {
        $section = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Get-WbdConnectSection -State @{}
        }
        $section['Status'] | Should -Be 'Collected'
        @($section['Errors'].Keys) | Should -BeNullOrEmpty
        $section['GlobalSettings'] | Should -Not -BeNullOrEmpty
        if ($script:IsCore) {
            $section['AdSyncModule'] | Should -Be 'ImportedThroughWindowsPowerShell'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $UseWindowsPowerShell -and $Name -eq 'ADSync' }
        } else {
            $section['AdSyncModule'] | Should -Be 'Imported'
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 1 -Exactly -ParameterFilter { $Name -eq 'ADSync' -and -not $PesterBoundParameters.ContainsKey('UseWindowsPowerShell') }
        }
    }

    It 'records AlreadyAvailable and imports nothing when ADSync is loaded already' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-Module' -MockWith { [PSCustomObject]@{ Name = 'ADSync' } } -ParameterFilter { $Name -eq 'ADSync' }
        $section = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Get-WbdConnectSection -State @{}
        }
        $section['Status'] | Should -Be 'Collected'
        $section['AdSyncModule'] | Should -Be 'AlreadyAvailable'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -Times 0 -Exactly
    }

    It 'is Unavailable with a reason when ADSync cannot be imported' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Import-Module' -MockWith { throw 'The specified module ''ADSync'' was not loaded because no valid module file was found in any module directory.' }
        $result = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $state = @{}
            $section = Get-WbdConnectSection -State $state -ErrorAction Stop
            @{ Section = $section; State = $state }
        }
        $result.Section['Status'] | Should -Be 'Unavailable'
        $result.Section['Reason'] | Should -Match 'ADSync PowerShell module is not available'
        $result.Section['Reason'] | Should -Match 'Get-ADSyncConnector'
        $result.Section.Contains('AdSyncModule') | Should -BeFalse
        $result.State['ConnectorError'] | Should -Match 'ADSync'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncConnector' -Times 0 -Exactly
    }
}

Describe 'AdSyncModule in the evidence of the Connect results' {
    It 'says in PRE-CONNECT-VERSION that the ADSync objects came through Windows PowerShell compatibility' {
        $environment = Get-Content -LiteralPath $script:CollectorFixture -Raw | ConvertFrom-Json
        $environment.Connect.AdSyncModule = 'ImportedThroughWindowsPowerShell'
        $results = @(Test-WritebackPrerequisite -Environment $environment)
        $version = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' })
        $version.Count | Should -Be 1
        $version[0].Evidence.AdSyncModule | Should -Be 'ImportedThroughWindowsPowerShell'
        $version[0].Evidence.AdSyncModuleNote | Should -Match 'Windows PowerShell 5\.1 compatibility'
        $version[0].Evidence.AdSyncModuleNote | Should -Match 'deserialized'
    }

    It 'names an ADSync module that was already available, without the note' {
        $environment = Get-Content -LiteralPath $script:CollectorFixture -Raw | ConvertFrom-Json
        $results = @(Test-WritebackPrerequisite -Environment $environment)
        $version = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' })
        $version[0].Evidence.AdSyncModule | Should -Be 'AlreadyAvailable'
        @($version[0].Evidence.PSObject.Properties.Name) | Should -Not -Contain 'AdSyncModuleNote'
    }
}
