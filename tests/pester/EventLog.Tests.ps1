#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Test-WritebackEventLog (the live log in Test-WritebackConnectivity:
# Connectivity.Namespaces.Tests.ps1),
# run by .ci/run under PowerShell 7 on Linux and on the Windows CI runner under Windows
# PowerShell 5.1 and PowerShell 7 (.github/workflows/windows.yml). Exported logs come from
# tests/fixtures/events (the same files tests/events.rs runs through the engine); the live log
# is Get-WinEvent mocked inside the module, so the runner's own Application log does not
# matter. Off Windows, Get-WinEvent does not exist: a stub stands in for it (Pester mocks only
# commands that exist), and the module's Windows check is mocked to say Windows.

BeforeAll {
    $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $script:Fixtures = [System.IO.Path]::Combine($repoRoot, 'tests', 'fixtures', 'events')

    $script:CreatedStubs = @(Add-TestStub -Stub @{ 'Get-WinEvent' = 'param ([hashtable] $FilterHashtable, [int] $MaxEvents)' })

    # What Get-WinEvent returns, reduced to the properties the module reads (newest first).
    # Level is the number (2 Error, 3 Warning, 4 Information); LevelDisplayName is localised.
    $script:LevelNumbers = @{ Error = 2; Warning = 3; Information = 4 }
    function New-TestEvent {
        param ([int] $Id, [string] $ProviderName, [datetime] $TimeCreated, [string] $Level, [string] $Message, [string] $LevelDisplayName)
        if (-not $LevelDisplayName) {
            $LevelDisplayName = $Level
        }
        [pscustomobject]@{
            Id               = $Id
            ProviderName     = $ProviderName
            TimeCreated      = $TimeCreated
            Level            = [byte]$script:LevelNumbers[$Level]
            LevelDisplayName = $LevelDisplayName
            Message          = $Message
        }
    }
    $now = Get-Date
    $script:LiveEvents = @(
        New-TestEvent -Id 31019 -ProviderName 'PasswordResetService' -TimeCreated $now.AddMinutes(-2) -Level 'Information' -Message 'TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67, ServiceBusHeartBeat, Details: namespace ssprdedicatedsbwbdtest-1'
        New-TestEvent -Id 33004 -ProviderName 'PasswordResetService' -TimeCreated $now.AddMinutes(-5) -Level 'Error' -Message "TrackingId: 62ef5965-a9a7-5e44-ae06-f450cd37fdd7, Reason: ADPermissionsError, Details: PasswordResetException: Access is denied.`r`n   at X.Y()"
        New-TestEvent -Id 6329 -ProviderName 'ADSync' -TimeCreated $now.AddMinutes(-5) -Level 'Error' -Message 'An unexpected error has occurred during a password set operation. "BAIL: MMS(4924): 0x80230626 (The password could not be updated because the management agent credentials were denied access.)"'
        New-TestEvent -Id 31015 -ProviderName 'PasswordResetService' -TimeCreated $now.AddMinutes(-30) -Level 'Information' -Message 'TrackingId: 9b2f6c0e-51a4-4c1e-9d64-6d3f0c2b7a10, WriteBackServiceStarted, Details: started'
    )
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
    Remove-TestStub -Name $script:CreatedStubs
}

Describe 'Test-WritebackEventLog' {
    Context 'an exported log (-Path)' {
        It 'reads the <_> export of a healthy log without failures' -ForEach @('ps51', 'ps7') {
            $copy = Copy-TestEventExport -Path ([System.IO.Path]::Combine($script:Fixtures, ('healthy.{0}.json' -f $_))) -Destination $TestDrive
            $results = @(Test-WritebackEventLog -Path $copy)
            $results.Count | Should -BeGreaterThan 3
            $results[0].PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
            @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Error' }).Count | Should -Be 0
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }).Status | Should -Be 'Pass'
        }

        It 'reads an .evtx file' {
            $results = @(Test-WritebackEventLog -Path ([System.IO.Path]::Combine($script:Fixtures, 'evtx-Application_no_crc32.evtx')))
            $read = $results | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }
            $read.Evidence.Format | Should -Be 'evtx'
            $read.Evidence.Events | Should -Be 17
        }

        It 'reports a relay outage as failures, and -Quiet as $false' {
            $path = [System.IO.Path]::Combine($script:Fixtures, 'relay-down.ps51.json')
            $results = @(Test-WritebackEventLog -Path $path)
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-RELAY-DOWN' }).Status | Should -Be 'Fail'
            Test-WritebackEventLog -Path $path -Quiet | Should -BeFalse
            Test-WritebackEventLog -Path ([System.IO.Path]::Combine($script:Fixtures, 'healthy.ps7.json')) -Now '2024-06-03T11:00:00Z' -Quiet | Should -BeTrue
        }

        It 'applies -Since and -MaxEvents to the file' {
            $path = [System.IO.Path]::Combine($script:Fixtures, 'healthy.ps7.json')
            $read = Test-WritebackEventLog -Path $path -Since ([datetime]::new(2024, 6, 3, 10, 0, 0, [System.DateTimeKind]::Utc)) | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }
            $read.Evidence.Analysed | Should -Be 14
            $read = Test-WritebackEventLog -Path $path -MaxEvents 5 | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }
            $read.Evidence.Outcome | Should -Be 'Limited'
        }

        It 'resolves a relative -Path against the current location' {
            Push-Location -LiteralPath $script:Fixtures
            try {
                $results = @(Test-WritebackEventLog -Path 'setup.ps7.json')
            } finally {
                Pop-Location
            }
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-WRITEBACK-STATE' }).Status | Should -Be 'Fail'
        }

        It 'measures the heartbeat against the time the file was written, or -Now' {
            # Heartbeats until 10:58 on 3 June 2024; the file written at 14:00, three hours later.
            $copy = Copy-TestEventExport -Path ([System.IO.Path]::Combine($script:Fixtures, 'healthy.ps7.json')) -Destination $TestDrive
            (Get-Item -LiteralPath $copy).LastWriteTimeUtc = [datetime]::new(2024, 6, 3, 14, 0, 0, [System.DateTimeKind]::Utc)
            $heartbeat = Test-WritebackEventLog -Path $copy | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }
            $heartbeat.Status | Should -Be 'Fail'
            $heartbeat.Evidence.ReferenceIs | Should -Be 'FileModified'
            $heartbeat.Evidence.AgeMinutes | Should -Be 181
            $heartbeat.Message | Should -BeLike '*the time the file was last written*'
            $heartbeat.Evidence.Basis | Should -Be 'Inference'
            $heartbeat = Test-WritebackEventLog -Path $copy -Now ([datetime]::new(2024, 6, 3, 11, 0, 0, [System.DateTimeKind]::Utc)) | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }
            $heartbeat.Status | Should -Be 'Pass'
            $heartbeat.Evidence.ReferenceIs | Should -Be 'Now'
        }

        It 'stops with WbdInvalidInput when the file cannot be read' {
            { Test-WritebackEventLog -Path ([System.IO.Path]::Combine($script:Fixtures, 'missing.evtx')) } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackEventLog'
        }
    }

    Context 'the live log' {
        BeforeAll {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:LiveEvents }
        }

        It 'reads PasswordResetService and ADSync events of the last 7 days from the Application log' {
            $results = @(Test-WritebackEventLog)
            Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -Times 1 -Exactly -ParameterFilter {
                $FilterHashtable.LogName -eq 'Application' -and
                (@($FilterHashtable.ProviderName) -join ',') -eq 'PasswordResetService,ADSync' -and
                $FilterHashtable.StartTime -lt (Get-Date).AddDays(-6.9) -and
                $MaxEvents -eq 100000
            }
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }).Status | Should -Be 'Pass'
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-33004' }).Status | Should -Be 'Fail'
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HR-80230626' }).Status | Should -Be 'Fail'
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }).Evidence.Events | Should -Be 4
        }

        It 'measures the heartbeat against the current time' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { @($script:LiveEvents | Where-Object -FilterScript { $_.Id -ne 31019 }) }
            $heartbeat = Test-WritebackEventLog | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }
            $heartbeat.Status | Should -Be 'Fail'
            $heartbeat.Evidence.ReferenceIs | Should -Be 'Now'
        }

        It 'treats "no events were found" as an empty log' {
            # The real cmdlet writes this as a non-terminating error, which the module's own
            # -ErrorAction governs. A mock body runs with the test's preference instead (Stop
            # under the CI runner), so it passes on the -ErrorAction the module gave.
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
                Write-Error -Message 'No events were found that match the specified selection criteria.' -ErrorId 'NoMatchingEventsFound' -ErrorAction $PesterBoundParameters['ErrorAction']
            }
            $results = @(Test-WritebackEventLog -WarningVariable warnings)
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }).Evidence.Outcome | Should -Be 'NoWritebackEvents'
            $warnings.Count | Should -Be 0
        }

        It 'warns when the log cannot be read, and still runs' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
                Write-Error -Message 'Attempted to perform an unauthorized operation.' -ErrorId 'System.UnauthorizedAccessException' -ErrorAction $PesterBoundParameters['ErrorAction']
            }
            $results = @(Test-WritebackEventLog -WarningVariable warnings -WarningAction SilentlyContinue)
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }).Evidence.Outcome | Should -Be 'NoWritebackEvents'
            @($warnings).Count | Should -Be 1
            [string]$warnings[0] | Should -Match 'unauthorized operation'
        }

        It 'reads a German server''s log like an English one (numeric Level, localised names)' {
            $script:GermanLevelNames = @{ Error = 'Fehler'; Warning = 'Warnung'; Information = 'Informationen' }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
                foreach ($event in $script:LiveEvents) {
                    $copy = $event.PSObject.Copy()
                    $copy.LevelDisplayName = $script:GermanLevelNames[[string]$copy.LevelDisplayName]
                    $copy
                }
            }
            $results = @(Test-WritebackEventLog)
            $failure = $results | Where-Object -FilterScript { $_.Id -eq 'EVT-33004' }
            $failure.Status | Should -Be 'Fail'
            $failure.Evidence.Level | Should -Be 'Error'
            ($results | Where-Object -FilterScript { $_.Id -eq 'EVT-HR-80230626' }).Evidence.Level | Should -Be 'Error'
        }

        It 'writes one event as an array the engine reads, with the time the log was read' {
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $script:LiveEvents[0] }
            $file = [System.IO.Path]::GetTempFileName()
            try {
                $before = [System.DateTime]::UtcNow
                $count = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ File = $file } -ScriptBlock {
                    param ($File)
                    Export-WbdWritebackEvent -Path $File -Since (Get-Date).AddDays(-1) -MaxEvents 10
                }
                $count | Should -Be 1
                $text = Get-Content -LiteralPath $file -Raw
                $text | Should -Match '^\{"ExportedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z","ComputerName":'
                $parsed = $text | ConvertFrom-Json
                $parsed.ComputerName | Should -Not -BeNullOrEmpty
                @($parsed.Events).Count | Should -Be 1
                @($parsed.Events)[0].Id | Should -Be 31019
                @($parsed.Events)[0].Level | Should -Be 4
                $exportedAt = [System.DateTimeOffset]::Parse([regex]::Match($text, '"ExportedAt":"([^"]+)"').Groups[1].Value, [System.Globalization.CultureInfo]::InvariantCulture).UtcDateTime
                $exportedAt | Should -BeGreaterOrEqual $before.AddSeconds(-1)
                $exportedAt | Should -BeLessOrEqual ([System.DateTime]::UtcNow)
                # Read three hours later, copied with its file time set back: the recorded time decides.
                (Get-Item -LiteralPath $file).LastWriteTimeUtc = $exportedAt.AddHours(-1)
                $heartbeat = Test-WritebackEventLog -Path $file | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }
                $heartbeat.Status | Should -Be 'Pass'
                $heartbeat.Evidence.ReferenceIs | Should -Be 'ExportedAt'
            } finally {
                Remove-Item -LiteralPath $file -Force
            }
        }

        It 'records an export time the engine measures a stopped heartbeat against' {
            # The only heartbeat is three hours old when the log is read.
            $old = @(New-TestEvent -Id 31019 -ProviderName 'PasswordResetService' -TimeCreated (Get-Date).AddHours(-3) -Level 'Information' -Message 'TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67, ServiceBusHeartBeat, Details: namespace ssprdedicatedsbwbdtest-1')
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith { $old }
            $file = [System.IO.Path]::Combine($TestDrive, 'prs-only.json')
            $null = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ File = $file } -ScriptBlock {
                param ($File)
                Export-WbdWritebackEvent -Path $File -Since (Get-Date).AddDays(-1) -MaxEvents 10 -ProviderName 'PasswordResetService'
            }
            # A copy whose file time is the heartbeat's: only the recorded time shows the gap.
            (Get-Item -LiteralPath $file).LastWriteTimeUtc = $old[0].TimeCreated.ToUniversalTime()
            $heartbeat = Test-WritebackEventLog -Path $file | Where-Object -FilterScript { $_.Id -eq 'EVT-HEARTBEAT' }
            $heartbeat.Status | Should -Be 'Fail'
            $heartbeat.Evidence.Outcome | Should -Be 'Stale'
            $heartbeat.Evidence.ReferenceIs | Should -Be 'ExportedAt'
            $heartbeat.Evidence.AgeMinutes | Should -BeGreaterOrEqual 179
        }
    }
}

Describe 'Ctrl+C while Test-WritebackEventLog reads the live log' {
    It 'stops within a second and leaves no temporary file' {
        # A runspace of its own (no Pester mocks there): Get-WinEvent is a global function that
        # waits, and the module is told it runs on Windows. Its temporary export file exists
        # while Get-WinEvent runs, in a temporary folder that only this test uses.
        $temp = Enter-TestTempDirectory
        $tempRoot = $temp.Path
        $ps = [powershell]::Create()
        try {
            $script = @'
param ($Manifest)
Import-Module -Name $Manifest -ErrorAction Stop
function global:Get-WinEvent { param ([hashtable] $FilterHashtable, [int] $MaxEvents) Start-Sleep -Seconds 60 }
& (Get-Module -Name 'WritebackDiagnostics') { Set-Item -Path 'function:script:Test-WbdWindowsPlatform' -Value { $true } }
Test-WritebackEventLog
'@
            $null = $ps.AddScript($script).AddParameter('Manifest', [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1'))
            $async = $ps.BeginInvoke()
            $deadline = [System.DateTime]::UtcNow.AddSeconds(30)
            while (@(Get-ChildItem -LiteralPath $tempRoot -File).Count -eq 0 -and [System.DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }
            @(Get-ChildItem -LiteralPath $tempRoot -File).Count | Should -Be 1 -Because 'the export file exists while the log is read'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $async.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            @(Get-ChildItem -LiteralPath $tempRoot -Force) | Should -BeNullOrEmpty
        } finally {
            $ps.Dispose()
            Exit-TestTempDirectory -State $temp
        }
    }
}
