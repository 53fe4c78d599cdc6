#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the RestrictRemoteSam read on the domain controllers: the per-DC read with
# the remote registry call mocked (reachable, value absent, access denied, Remote Registry
# stopped, timeout, port 445 closed), the deadline and TCP helpers for real (on loopback), the
# directory collector's choice of DCs (PDC emulator, or every writable DC with
# -AllDomainControllers), and the switch passing through Get-WritebackEnvironment and
# Test-WritebackPrerequisite. Runs under Windows PowerShell 5.1 and PowerShell 7.

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:OnWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows
    $script:CreatedStubs = @(Add-TestStub -Stub ([ordered]@{
                'Get-ADForest'                      = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
                'Get-ADDomain'                      = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
                'Get-ADDomainController'            = 'param ([string] $Filter, [string] $Server, [object] $Identity, [pscredential] $Credential)'
                'Get-ADDefaultDomainPasswordPolicy' = 'param ([object] $Identity, [string] $Server, [pscredential] $Credential)'
                'Get-ADOrganizationalUnit'          = 'param ([string] $Filter, [string] $Server, [string[]] $Properties, [pscredential] $Credential)'
            }))
    $script:Sddl = 'O:BAG:BAD:(A;;RC;;;BA)'
}

AfterAll {
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Get-WbdDomainControllerRegistry' {
    BeforeEach {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
    }

    It 'records the SDDL of a reachable DC' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { [pscustomobject]@{ KeyExists = $true; ValueExists = $true; Value = $script:Sddl } }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName 'DC01.contoso.com' -IsPdcEmulator $true }
        $entry.Status | Should -Be 'Collected'
        $entry.HostName | Should -Be 'DC01.contoso.com'
        $entry.IsPdcEmulator | Should -BeTrue
        $entry.RestrictRemoteSam | Should -Be $script:Sddl
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'DC01.contoso.com' -and $Port -eq 445 -and $TimeoutMilliseconds -le 5000 }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -Times 1 -Exactly -ParameterFilter { $KeyPath -eq 'SYSTEM\CurrentControlSet\Control\Lsa' -and $ValueName -eq 'RestrictRemoteSam' }
    }

    It 'records an absent value as null (read, not set)' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { [pscustomobject]@{ KeyExists = $true; ValueExists = $false; Value = $null } }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName 'DC01.contoso.com' -IsPdcEmulator $true }
        $entry.Status | Should -Be 'Collected'
        $entry.Contains('RestrictRemoteSam') | Should -BeTrue
        $entry['RestrictRemoteSam'] | Should -BeNullOrEmpty
        ($entry | ConvertTo-Json -Compress) | Should -BeLike '*"RestrictRemoteSam":null*'
    }

    It 'is Unavailable with a reason for <Case>' -ForEach @(
        @{ Case = 'access denied'; Exception = 'System.UnauthorizedAccessException'; Message = 'Attempted to perform an unauthorized operation.'; Needle = '*access to the registry of DC02.contoso.com was denied to *administrator rights on the DC*' }
        @{ Case = 'a security exception'; Exception = 'System.Security.SecurityException'; Message = 'Requested registry access is not allowed.'; Needle = '*was denied to*' }
        @{ Case = 'the Remote Registry service stopped'; Exception = 'System.IO.IOException'; Message = 'The network path was not found.'; Needle = '*Remote Registry service of DC02.contoso.com did not answer (The network path was not found.)*stopped or disabled*Start-Service -Name RemoteRegistry*' }
        @{ Case = 'a timeout'; Exception = 'System.TimeoutException'; Message = 'no answer within 5000 ms'; Needle = '*did not finish within 5000 ms*' }
    ) {
        $script:Thrown = New-Object -TypeName $Exception -ArgumentList $Message
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { throw $script:Thrown }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName 'DC02.contoso.com' -IsPdcEmulator $false }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -BeLike $Needle
        $entry.Reason | Should -BeLike '*Get-ItemProperty -Path HKLM:\System\CurrentControlSet\Control\Lsa -Name RestrictRemoteSam*'
        $entry.Contains('RestrictRemoteSam') | Should -BeFalse
    }

    It 'finds the cause inside the exception PowerShell wraps a .NET call''s failure in' {
        $inner = New-Object -TypeName System.UnauthorizedAccessException -ArgumentList 'Access is denied.'
        $script:Thrown = New-Object -TypeName System.Management.Automation.MethodInvocationException -ArgumentList 'Exception calling "OpenRemoteBaseKey" with "2" argument(s): "Access is denied."', $inner
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { throw $script:Thrown }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName 'DC02.contoso.com' }
        $entry.Reason | Should -BeLike '*was denied to*'
    }

    It 'does not try the registry of a DC that TCP 445 does not reach' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $false; Reason = 'did not answer on TCP 445 within 5000 ms' } }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -MockWith { throw 'must not be called' }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName 'DC03.contoso.com' }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -BeLike 'DC03.contoso.com did not answer on TCP 445 within 5000 ms from this server*'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdRemoteRegistryValue' -Times 0 -Exactly
    }

    It 'says remote registry needs Windows when the platform has none' -Skip:$script:OnWindows {
        # The real read: off Windows .NET has no remote registry, and the deadline runspace
        # passes the failure on.
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRegistry -HostName '127.0.0.1' -TimeoutMilliseconds 3000 }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -BeLike '*need Windows*'
    }
}

Describe 'Invoke-WbdWithDeadline' {
    It 'returns what the script block writes, with its arguments' {
        $out = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Invoke-WbdWithDeadline -ScriptBlock { param ($a, $b) $a + $b } -ArgumentList @(2, 3) -TimeoutMilliseconds 5000
        }
        @($out) | Should -Be @(5)
    }

    It 'gives up after the deadline with a TimeoutException, without waiting for the call' {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $caught = $null
        try {
            InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
                Invoke-WbdWithDeadline -ScriptBlock { Start-Sleep -Seconds 30 } -TimeoutMilliseconds 300
            }
        } catch {
            $caught = $_.Exception
        }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $caught | Should -BeOfType [System.TimeoutException]
    }

    It 'passes on the exception that ended the script block' {
        $caught = $null
        try {
            InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
                Invoke-WbdWithDeadline -ScriptBlock { $ErrorActionPreference = 'Stop'; [System.IO.File]::ReadAllText('/wbd-test/does/not/exist.txt') } -TimeoutMilliseconds 5000
            }
        } catch {
            $caught = $_.Exception
        }
        $found = $false
        while ($null -ne $caught) {
            if ($caught -is [System.IO.IOException]) {
                $found = $true
            }
            $caught = $caught.InnerException
        }
        $found | Should -BeTrue
    }
}

Describe 'Test-WbdTcpPort' {
    It 'finds a listening loopback port open and a closed one refused' {
        $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $open = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Port = $port } -ScriptBlock {
                param ($Port)
                Test-WbdTcpPort -ComputerName '127.0.0.1' -Port $Port -TimeoutMilliseconds 2000
            }
            $open.Open | Should -BeTrue
        } finally {
            $listener.Stop()
        }
        $closed = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Port = $port } -ScriptBlock {
            param ($Port)
            Test-WbdTcpPort -ComputerName '127.0.0.1' -Port $Port -TimeoutMilliseconds 2000
        }
        $closed.Open | Should -BeFalse
        $closed.Reason | Should -Be ('refused the connection on TCP {0}' -f $port)
    }
}

Describe 'Get-WbdDirectorySection reads RestrictRemoteSam on the domain controllers' {
    BeforeAll {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Import-WbdOptionalModule' -MockWith { 'AlreadyAvailable' }
        Mock -ModuleName $module -CommandName 'Get-ADForest' -MockWith { [pscustomobject]@{ Name = 'contoso.com'; Domains = @('contoso.com') } }
        Mock -ModuleName $module -CommandName 'Get-ADDomain' -MockWith { [pscustomobject]@{ DNSRoot = 'contoso.com'; DistinguishedName = 'DC=contoso,DC=com'; PDCEmulator = $script:Pdc } }
        Mock -ModuleName $module -CommandName 'Get-ADDomainController' -MockWith {
            [pscustomobject]@{ HostName = 'DC01.contoso.com'; IsReadOnly = $false }
            [pscustomobject]@{ HostName = 'DC02.contoso.com'; IsReadOnly = $false }
            [pscustomobject]@{ HostName = 'RODC01.contoso.com'; IsReadOnly = $true }
        }
        Mock -ModuleName $module -CommandName 'Get-ADDefaultDomainPasswordPolicy' -MockWith { [pscustomobject]@{ PasswordHistoryCount = 0 } }
        Mock -ModuleName $module -CommandName 'Get-ADOrganizationalUnit' -MockWith { @() }
        Mock -ModuleName $module -CommandName 'Get-WbdDomainControllerRegistry' -MockWith { [ordered]@{ HostName = $HostName; IsPdcEmulator = $IsPdcEmulator; Status = 'Collected'; Reason = $null; RestrictRemoteSam = $null } }
        Mock -ModuleName $module -CommandName 'Get-WbdDomainControllerRootDse' -MockWith { [ordered]@{ HostName = $HostName; Status = 'Collected'; Reason = $null; SupportedControl = @('1.2.840.113556.1.4.2239') } }
        $script:Connector = [pscustomobject]@{
            Identifier             = [guid]'5c3f6c9e-2b1e-4d8a-9c63-0d2f0a9b7e11'
            Name                   = 'contoso.com'
            Type                   = 'AD'
            ConnectivityParameters = @([pscustomobject]@{ Name = 'forest-name'; Value = 'contoso.com' })
            Partitions             = @([pscustomobject]@{ Name = 'DC=contoso,DC=com'; DN = 'DC=contoso,DC=com'; Selected = $true; Parameters = @() })
        }
        function Get-TestDomain {
            param ([switch] $AllDomainControllers)
            $section = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Connector = $script:Connector; All = [bool]$AllDomainControllers } -ScriptBlock {
                param ($Connector, $All)
                Get-WbdDirectorySection -Connector @($Connector) -AllDomainControllers:$All
            }
            $section['Forests'][0]['Domains'][0]
        }
    }

    BeforeEach {
        $script:Pdc = 'DC01.contoso.com'
    }

    It 'reads the PDC emulator only by default' {
        $domain = Get-TestDomain
        $reads = $domain['DomainControllerRegistry']
        @($reads | ForEach-Object -Process { '{0}/{1}' -f $_.HostName, $_.IsPdcEmulator }) | Should -Be @('DC01.contoso.com/True')
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WbdDomainControllerRegistry' -Times 1 -Exactly
    }

    It 'reads every writable DC with -AllDomainControllers, not the read-only one' {
        $domain = Get-TestDomain -AllDomainControllers
        $reads = $domain['DomainControllerRegistry']
        @($reads | ForEach-Object -Process { '{0}/{1}' -f $_.HostName, $_.IsPdcEmulator }) | Should -Be @('DC01.contoso.com/True', 'DC02.contoso.com/False')
    }

    It 'says why nothing was read when no PDC emulator is known' {
        $script:Pdc = $null
        $domain = Get-TestDomain
        $domain.Contains('DomainControllerRegistry') | Should -BeFalse
        $domain['Errors']['DomainControllerRegistry'] | Should -BeLike '*no PDC emulator*'
    }
}

Describe '-AllDomainControllers passes through to the collector' {
    It 'reaches Get-WbdDirectorySection from Get-WritebackEnvironment' {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Get-WbdTenantSection' -MockWith { [ordered]@{ Status = 'Unavailable'; Reason = 'test' } }
        Mock -ModuleName $module -CommandName 'Get-WbdConnectSection' -MockWith { [ordered]@{ Status = 'Unavailable'; Reason = 'test' } }
        Mock -ModuleName $module -CommandName 'Get-WbdDirectorySection' -MockWith { [ordered]@{ Status = 'Unavailable'; Reason = 'test' } }
        $null = Get-WritebackEnvironment -AllDomainControllers
        Should -Invoke -ModuleName $module -CommandName 'Get-WbdDirectorySection' -Times 1 -Exactly -ParameterFilter { $AllDomainControllers -eq $true }
        $null = Get-WritebackEnvironment
        Should -Invoke -ModuleName $module -CommandName 'Get-WbdDirectorySection' -Times 1 -Exactly -ParameterFilter { -not $AllDomainControllers }
    }

    It 'reaches Get-WritebackEnvironment from a live Test-WritebackPrerequisite' {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Get-WritebackEnvironment' -MockWith { [pscustomobject]@{ SchemaVersion = 1; CollectedAt = '2026-11-25T09:30:00Z' } }
        $results = @(Test-WritebackPrerequisite -AllDomainControllers)
        $results.Count | Should -BeGreaterThan 0
        Should -Invoke -ModuleName $module -CommandName 'Get-WritebackEnvironment' -Times 1 -Exactly -ParameterFilter { $AllDomainControllers -eq $true }
        (Get-Command -Name 'Test-WritebackPrerequisite').Parameters['AllDomainControllers'].ParameterSets.Keys | Should -Be @('Live')
    }
}
