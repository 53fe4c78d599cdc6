#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the tenant's own relay namespaces in Test-WritebackConnectivity:
# -Namespace, the event-log default on a Connect server (Get-WinEvent mocked, returning
# objects with Id, TimeCreated and Message as on a Connect server, and the module's Windows
# check mocked), -SkipEventLogRelays, the deprecated -IncludeEventLogRelays and no log off
# Windows. The engine is real. Every endpoint, the tenant's relays and the generic hosts
# alike, is tested through a proxy on a closed loopback port, so no host is looked up or
# contacted: each gets a DNS row (of the proxy, an IP literal) and a failed proxy row. The
# relay namespaces used here (ssprdedicatedsbwbdtest-*) do not exist.

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    Import-Module -Name ([System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:CreatedStubs = @(Add-TestStub -Stub @{ 'Get-WinEvent' = 'param ([hashtable[]] $FilterHashtable, [long] $MaxEvents)' })

    $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
    $listener.Start()
    $script:ClosedProxy = 'http://127.0.0.1:{0}' -f $listener.LocalEndpoint.Port
    $listener.Stop()
    # The relay path asks DNS directly; a loopback port where nothing listens keeps those
    # queries on this machine.
    $udp = New-Object -TypeName System.Net.Sockets.UdpClient -ArgumentList 0
    $script:ClosedDns = '127.0.0.1:{0}' -f $udp.Client.LocalEndPoint.Port
    $udp.Close()

    $script:Endpoint = '6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_3d02a091-a6d3-5b37-9700-000000000001'
    $script:HeartbeatTime = (Get-Date).AddMinutes(-3)
    # What Get-WinEvent returns on a Connect server, reduced to what the module reads.
    $script:ConnectServerEvents = @(
        [pscustomobject]@{
            Id          = 31019
            TimeCreated = $script:HeartbeatTime
            Message     = ('TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67, ServiceBusHeartBeat, Details: namespace ssprdedicatedsbwbdtest-1, endpoint {0}' -f $script:Endpoint)
        }
        [pscustomobject]@{
            Id          = 31034
            TimeCreated = $script:HeartbeatTime.AddHours(-5)
            Message     = 'TrackingId: 9b2f6c0e-51a4-4c1e-9d64-6d3f0c2b7a10, Reason: ServiceBusListenerError, Details: sb://ssprdedicatedsbwbdtest-2.servicebus.windows.net/ The remote certificate is invalid.'
        }
    )
    $script:Generic = @(
        'passwordreset.microsoftonline.com:443'
        'ssprdedicatedsbprodscu.servicebus.windows.net:443'
        'ssprdedicatedsbprodncu.servicebus.windows.net:443'
    )

    function Get-TestTargetOrder {
        # The endpoint targets in the order the engine tested them (their CONN-DNS rows).
        param ([object[]] $Results)
        @($Results | Where-Object -FilterScript { $_.Id -eq 'CONN-DNS' } | ForEach-Object -Process { $_.Target })
    }

    function Get-TestTenantResult {
        param ([object[]] $Results)
        @($Results | Where-Object -FilterScript { $_.Id -eq 'CONN-TENANT-RELAYS' })
    }

    function Invoke-TestConnectivity {
        # Every endpoint goes through the closed proxy; extra parameters are passed on. The
        # error records and warnings of the run are left in $script:RunErrors and
        # $script:RunWarnings.
        param ([hashtable] $Parameters = @{})
        $arguments = @{ Proxy = $script:ClosedProxy; TimeoutSeconds = 2; DnsServer = $script:ClosedDns }
        foreach ($key in $Parameters.Keys) {
            $arguments[$key] = $Parameters[$key]
        }
        $runErrors = $null
        $runWarnings = $null
        $out = @(Test-WritebackConnectivity @arguments -ErrorVariable runErrors -WarningVariable runWarnings)
        $script:RunErrors = @($runErrors | Where-Object -FilterScript { $null -ne $_ })
        $script:RunWarnings = @($runWarnings | Where-Object -FilterScript { $null -ne $_ })
        $out
    }
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
    Remove-TestStub -Name $script:CreatedStubs
}

Describe 'Test-WritebackConnectivity -Namespace' {
    BeforeAll {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $false }
    }

    It 'tests the namespaces first, a bare name with the cloud''s Service Bus suffix' {
        $results = Invoke-TestConnectivity -Parameters @{ Namespace = @('SSPRDedicatedSBWbdTest-1', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net') }
        Get-TestTargetOrder -Results $results | Should -Be (@('ssprdedicatedsbwbdtest-1.servicebus.windows.net:443', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net:443') + $script:Generic)
        $own = @($results | Where-Object -FilterScript { $_.Target -eq 'ssprdedicatedsbwbdtest-1.servicebus.windows.net:443' })
        $own.Count | Should -Be 4
        foreach ($row in $own) {
            $row.Evidence.EndpointSource | Should -Be 'CommandLine'
            $row.Message | Should -Not -BeLike '*may not be this tenant*'
        }
        # The proxy was refused, so the relay itself was never contacted.
        ($own | Where-Object -FilterScript { $_.Id -eq 'CONN-PROXY' }).Status | Should -Be 'Fail'
        foreach ($row in @($results | Where-Object -FilterScript { $_.Target -eq 'ssprdedicatedsbprodscu.servicebus.windows.net:443' })) {
            $row.Evidence.EndpointSource | Should -Be 'Generic'
            $row.Evidence.GenericExample | Should -BeTrue
            $row.Message | Should -BeLike '*may not be this tenant''s relay*'
        }
        ($results | Where-Object -FilterScript { $_.Target -eq 'passwordreset.microsoftonline.com:443' } | Select-Object -First 1).Evidence.EndpointSource | Should -Be 'Generic'
        Get-TestTenantResult -Results $results | Should -BeNullOrEmpty
    }

    It 'uses the US Government suffix with -Cloud usgov, and needs no defaults' {
        $results = Invoke-TestConnectivity -Parameters @{ Namespace = 'ssprdedicatedsbwbdtest-1'; Cloud = 'usgov'; NoDefaultEndpoint = $true }
        Get-TestTargetOrder -Results $results | Should -Be @('ssprdedicatedsbwbdtest-1.servicebus.usgovcloudapi.net:443')
        # The tenant's relay was given, so the note that US Gov relays are not tested is gone.
        @($results | Where-Object -FilterScript { $_.Id -eq 'CONN-RELAYS' }).Count | Should -Be 0
    }

    It 'stops with WbdInvalidInput for a name that is not a DNS name' {
        { Test-WritebackConnectivity -Namespace 'bad_name' -NoDefaultEndpoint -SkipEventLogRelays } |
            Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        { Test-WritebackConnectivity -Namespace '' } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-WritebackConnectivity'
    }
}

Describe 'Test-WritebackConnectivity on a Connect server (the event-log default)' {
    BeforeAll {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
    }

    It 'reads the newest PasswordResetService 31019, 31034 and 32002 of 7 days and tests their namespaces first' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:ConnectServerEvents }
        $results = Invoke-TestConnectivity
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -Times 1 -Exactly -ParameterFilter {
            $FilterHashtable.LogName -eq 'Application' -and
            (@($FilterHashtable.ProviderName) -join ',') -eq 'PasswordResetService' -and
            (@($FilterHashtable.Id) -join ',') -eq '31019,31034,32002' -and
            @($FilterHashtable.StartTime)[0] -lt (Get-Date).AddDays(-6.9) -and
            @($FilterHashtable.StartTime)[0] -gt (Get-Date).AddDays(-7.1) -and
            $MaxEvents -eq 200
        }
        $tenant = @('ssprdedicatedsbwbdtest-1.servicebus.windows.net:443', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net:443')
        Get-TestTargetOrder -Results $results | Should -Be ($tenant + $script:Generic)
        foreach ($row in @($results | Where-Object -FilterScript { $tenant -contains $_.Target })) {
            $row.Evidence.EndpointSource | Should -Be 'TenantEvents'
        }
        $note = Get-TestTenantResult -Results $results
        $note.Count | Should -Be 1
        $note[0].Status | Should -Be 'Pass'
        $note[0].Check | Should -Be 'Endpoints'
        $relays = @($note[0].Evidence.Relays)
        @($relays | ForEach-Object -Process { $_.Host }) | Should -Be @('ssprdedicatedsbwbdtest-1.servicebus.windows.net', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net')
        @($relays[0].EventIds) | Should -Be @(31019)
        @($relays[0].Endpoints) | Should -Be @($script:Endpoint)
        @($relays[1].EventIds) | Should -Be @(31034)
        $lastSeen = [System.DateTimeOffset]::Parse([string]$relays[0].LastSeen, [System.Globalization.CultureInfo]::InvariantCulture).UtcDateTime
        [System.Math]::Abs(($lastSeen - $script:HeartbeatTime.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 1
        $note[0].Message | Should -BeLike '*ssprdedicatedsbwbdtest-1.servicebus.windows.net (events 31019*'
    }

    It 'puts the namespaces given with -Namespace ahead of the log''s' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:ConnectServerEvents }
        $results = Invoke-TestConnectivity -Parameters @{ Namespace = 'ssprdedicatedsbwbdtest-9'; NoDefaultEndpoint = $true }
        Get-TestTargetOrder -Results $results | Should -Be @('ssprdedicatedsbwbdtest-9.servicebus.windows.net:443', 'ssprdedicatedsbwbdtest-1.servicebus.windows.net:443', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net:443')
        (Get-TestTenantResult -Results $results)[0].Message | Should -BeLike '*given with -Namespace were tested: ssprdedicatedsbwbdtest-9.servicebus.windows.net*'
    }

    It 'reads the event data when a message cannot be rendered' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
            [pscustomobject]@{
                Id          = 31019
                TimeCreated = $script:HeartbeatTime
                Message     = $null
                Properties  = @([pscustomobject]@{ Value = 'ServiceBusHeartBeat' }, [pscustomobject]@{ Value = 'namespace ssprdedicatedsbwbdtest-3' })
            }
        }
        $results = Invoke-TestConnectivity -Parameters @{ NoDefaultEndpoint = $true }
        Get-TestTargetOrder -Results $results | Should -Be @('ssprdedicatedsbwbdtest-3.servicebus.windows.net:443')
    }

    It 'says so, and how to find the namespaces, when the log names none' {
        # The real cmdlet writes "no events" as a non-terminating error, which the module's own
        # -ErrorAction governs; the mock passes on the -ErrorAction the module gave.
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
            Write-Error -Message 'No events were found that match the specified selection criteria.' -ErrorId 'NoMatchingEventsFound' -ErrorAction $PesterBoundParameters['ErrorAction']
        }
        $results = Invoke-TestConnectivity
        $script:RunErrors.Count | Should -Be 0
        $script:RunWarnings.Count | Should -Be 0
        Get-TestTargetOrder -Results $results | Should -Be $script:Generic
        $note = Get-TestTenantResult -Results $results
        $note.Count | Should -Be 1
        $note[0].Status | Should -Be 'Warning'
        $note[0].Evidence.Outcome | Should -Be 'NoneInLog'
        $note[0].Evidence.EventsRead | Should -Be 0
        $note[0].Message | Should -BeLike '*generic hosts tested may not be this tenant''s*'
        $note[0].Remediation | Should -BeLike "*Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='PasswordResetService'; Id=31019,31034}*"
        $note[0].Remediation | Should -BeLike '*-Namespace*'
    }

    It 'says so when the log cannot be read' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
            Write-Error -Exception (New-Object -TypeName System.UnauthorizedAccessException -ArgumentList 'Attempted to perform an unauthorized operation.') -ErrorId 'System.UnauthorizedAccessException' -Category PermissionDenied -ErrorAction $PesterBoundParameters['ErrorAction']
        }
        $results = Invoke-TestConnectivity
        $script:RunErrors.Count | Should -Be 0
        $note = Get-TestTenantResult -Results $results
        $note[0].Status | Should -Be 'Warning'
        $note[0].Evidence.Outcome | Should -Be 'AccessDenied'
        $note[0].Message | Should -BeLike '*unauthorized operation*'
    }

    It 'reports nothing about the log where the PasswordResetService provider does not exist' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
            Write-Error -Message 'There is not an event provider on the localhost computer that matches "PasswordResetService".' -ErrorId 'NoMatchingProvidersFound' -ErrorAction $PesterBoundParameters['ErrorAction']
            Write-Error -Message 'The specified providers do not write events to any of the specified logs.' -ErrorId 'LogsAndProvidersDontOverlap' -ErrorAction $PesterBoundParameters['ErrorAction']
        }
        $results = Invoke-TestConnectivity -Parameters @{ Verbose = $true } 4>&1
        $verbose = @($results | Where-Object -FilterScript { $_ -is [System.Management.Automation.VerboseRecord] })
        $checks = @($results | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $script:RunErrors.Count | Should -Be 0
        Get-TestTenantResult -Results $checks | Should -BeNullOrEmpty
        Get-TestTargetOrder -Results $checks | Should -Be $script:Generic
        ($verbose | Where-Object -FilterScript { $_.Message -like '*PasswordResetService event provider is not registered*' }) | Should -Not -BeNullOrEmpty
    }

    It 'does not read the log with -SkipEventLogRelays' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:ConnectServerEvents }
        $results = Invoke-TestConnectivity -Parameters @{ SkipEventLogRelays = $true }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -Times 0 -Exactly
        Get-TestTenantResult -Results $results | Should -BeNullOrEmpty
        Get-TestTargetOrder -Results $results | Should -Be $script:Generic
    }

    It 'accepts the deprecated -IncludeEventLogRelays as a no-op and says so' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:ConnectServerEvents }
        $output = Invoke-TestConnectivity -Parameters @{ IncludeEventLogRelays = $true; NoDefaultEndpoint = $true; Verbose = $true } 4>&1
        $checks = @($output | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.VerboseRecord] })
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -Times 1 -Exactly
        Get-TestTargetOrder -Results $checks | Should -Be @('ssprdedicatedsbwbdtest-1.servicebus.windows.net:443', 'ssprdedicatedsbwbdtest-2.servicebus.windows.net:443')
        (Get-TestTenantResult -Results $checks)[0].Status | Should -Be 'Pass'
        @($output | Where-Object -FilterScript { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*-IncludeEventLogRelays is deprecated and ignored*' }).Count | Should -Be 1
    }
}

Describe 'Test-WritebackConnectivity off Windows' {
    BeforeAll {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $false }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:ConnectServerEvents }
    }

    It 'reads no event log and writes no error, with or without -IncludeEventLogRelays' {
        foreach ($include in @($false, $true)) {
            $results = Invoke-TestConnectivity -Parameters @{ IncludeEventLogRelays = $include }
            $script:RunErrors.Count | Should -Be 0
            Get-TestTenantResult -Results $results | Should -BeNullOrEmpty
            Get-TestTargetOrder -Results $results | Should -Be $script:Generic
        }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -Times 0 -Exactly
    }
}
