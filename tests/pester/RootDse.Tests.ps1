#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the rootDSE read of a domain controller (the LDAP password-policy-hints
# control): the TCP check of port 389 for real on loopback, the LDAP read mocked (it needs
# System.DirectoryServices, Windows only) as answering, timing out and failing, and the engine's
# verdict on what was read. Runs under Windows PowerShell 5.1 and PowerShell 7.

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Get-WbdDomainControllerRootDse' {
    It 'records the supported controls of a DC that answers' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -MockWith { '1.2.840.113556.1.4.319'; '1.2.840.113556.1.4.2239' }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRootDse -HostName 'DC01.contoso.com' }
        $entry.Status | Should -Be 'Collected'
        $entry.HostName | Should -Be 'DC01.contoso.com'
        @($entry.SupportedControl) | Should -Be @('1.2.840.113556.1.4.319', '1.2.840.113556.1.4.2239')
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -Times 1 -Exactly -ParameterFilter { $ComputerName -eq 'DC01.contoso.com' -and $Port -eq 389 }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -Times 1 -Exactly -ParameterFilter { $ArgumentList[0] -eq 'DC01.contoso.com' -and $TimeoutMilliseconds -eq 5000 }
    }

    It 'says why when LDAP does not answer in time, or fails' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdTcpPort' -MockWith { [pscustomobject]@{ Open = $true; Reason = $null } }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -MockWith { throw (New-Object -TypeName System.TimeoutException -ArgumentList 'no answer') }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRootDse -HostName 'DC01.contoso.com' -TimeoutMilliseconds 750 }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -Be 'the rootDSE of DC01.contoso.com did not answer within 750 ms'
        $entry.Contains('SupportedControl') | Should -BeFalse
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -MockWith { throw (New-Object -TypeName System.Runtime.InteropServices.COMException -ArgumentList 'The server is not operational.') }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRootDse -HostName 'DC01.contoso.com' }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -Match 'could not be read: The server is not operational'
    }

    It 'does not try LDAP when TCP 389 is closed (a real connection on loopback)' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -MockWith { throw 'not expected' }
        $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 389
        $bound = $true
        try {
            $listener.Start()
            $listener.Stop()
        } catch {
            # Something on this machine already listens on 389 (or binding it needs root).
            $bound = $false
        }
        if (-not $bound) {
            Set-ItResult -Skipped -Because 'port 389 on 127.0.0.1 is in use or cannot be bound here, so it cannot be shown closed'
            return
        }
        $entry = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdDomainControllerRootDse -HostName '127.0.0.1' -TimeoutMilliseconds 2000 }
        $entry.Status | Should -Be 'Unavailable'
        $entry.Reason | Should -Match '^127\.0\.0\.1 .*\(LDAP, TCP 389\)$'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdWithDeadline' -Times 0 -Exactly
    }
}

Describe 'PRE-DC-POLICYHINTS from a collected rootDSE' {
    It 'fails a PDC whose rootDSE lacks both policy-hints OIDs, and passes one that lists the deprecated OID' {
        $fixture = [System.IO.Path]::Combine($PSScriptRoot, '..', 'fixtures', 'prerequisites', 'healthy.json')
        $environment = Get-Content -LiteralPath $fixture -Raw | ConvertFrom-Json
        $domain = @(@($environment.ActiveDirectory.Forests)[0].Domains)[0]
        $domain.PdcRootDse.SupportedControl = @('1.2.840.113556.1.4.319')
        $result = @(Test-WritebackPrerequisite -Environment $environment | Where-Object -FilterScript { $_.Id -eq 'PRE-DC-POLICYHINTS' })
        $result.Count | Should -Be 1
        '{0} {1}' -f $result[0].Status, $result[0].Evidence.Outcome | Should -Be 'Fail ControlMissing'
        $domain.PdcRootDse.SupportedControl = @('1.2.840.113556.1.4.2066')
        $result = @(Test-WritebackPrerequisite -Environment $environment | Where-Object -FilterScript { $_.Id -eq 'PRE-DC-POLICYHINTS' })
        '{0} {1}' -f $result[0].Status, $result[0].Evidence.Outcome | Should -Be 'Pass ControlOffered'
    }
}
