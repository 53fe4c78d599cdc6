#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Invoke-WritebackDiagnostic: the suites' order and streaming, -Suite, -Quiet,
# one progress bar, a suite that cannot run, a non-interactive runbook in a child process, and
# results surviving remoting serialisation (PSSerializer). The suite cmdlets are mocked where
# order and errors are tested; progress, runbook and serialisation run the real events suite on
# a fixture and the real connectivity suite against a closed loopback port (127.0.0.1:1).

BeforeAll {
    $script:RepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ManifestPath = [System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop
    $script:EventsFixture = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'events', 'healthy.ps7.json')
    $script:Activity = 'Writeback diagnostics'

    function New-TestResult {
        param ([string] $Id, [string] $Status = 'Pass')
        [PSCustomObject]@{
            PSTypeName = 'WritebackDiagnostics.CheckResult'
            Id = $Id; Check = 'Test'; Target = 'here'; Status = $Status; Title = $Id; Message = ('{0} message' -f $Id)
            Remediation = ''; DocsUrl = ''; Evidence = [PSCustomObject]@{ Outcome = 'Mocked' }; DurationMs = [long]1
        }
    }

    # Every suite has input here, and each suite cmdlet says when it ran and how many results
    # the downstream pipeline had already received.
    function Set-TestSuiteMock {
        $module = 'WritebackDiagnostics'
        $script:Calls = New-Object -TypeName System.Collections.ArrayList
        $script:Seen = New-Object -TypeName System.Collections.ArrayList
        Mock -ModuleName $module -CommandName 'Test-WbdSuiteInput' -MockWith { $null }
        Mock -ModuleName $module -CommandName 'Get-WritebackEnvironment' -MockWith { [PSCustomObject]@{ SchemaVersion = 1; ComputerName = 'SYNC01' } }
        Mock -ModuleName $module -CommandName 'Export-WbdServerConfiguration' -MockWith { [PSCustomObject]@{ Path = $null; Error = 'not exported in these tests' } }
        Mock -ModuleName $module -CommandName 'Test-WritebackPrerequisite' -MockWith {
            $null = $script:Calls.Add(('prerequisites:{0}' -f $script:Seen.Count))
            New-TestResult -Id 'PRE-ONE'
            New-TestResult -Id 'PRE-TWO'
        }
        Mock -ModuleName $module -CommandName 'Test-WritebackPermission' -MockWith {
            $null = $script:Calls.Add(('permissions:{0}' -f $script:Seen.Count))
            New-TestResult -Id 'PERM-ONE'
        }
        Mock -ModuleName $module -CommandName 'Test-WritebackEventLog' -MockWith {
            $null = $script:Calls.Add(('events:{0}' -f $script:Seen.Count))
            New-TestResult -Id 'EVT-ONE'
        }
        Mock -ModuleName $module -CommandName 'Test-WritebackConnectivity' -MockWith {
            $null = $script:Calls.Add(('connectivity:{0}' -f $script:Seen.Count))
            New-TestResult -Id 'CONN-ONE'
        }
    }

    # A copy of a PowerShell instance's stream, read by index (enumerating an open one blocks).
    function Get-StreamItem {
        param ([object] $Collection)
        $count = $Collection.Count
        for ($i = 0; $i -lt $count; $i++) {
            $Collection[$i]
        }
    }
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-WritebackDiagnostic with mocked suites' {
    BeforeEach {
        Set-TestSuiteMock
    }

    It 'runs prerequisites, permissions, events, connectivity in that order and streams each suite''s results before the next suite runs' {
        Invoke-WritebackDiagnostic | ForEach-Object -Process { $null = $script:Seen.Add($_) }
        @($script:Calls) | Should -Be @('prerequisites:0', 'permissions:2', 'events:3', 'connectivity:4')
        @($script:Seen | ForEach-Object -Process { $_.Id }) | Should -Be @('PRE-ONE', 'PRE-TWO', 'PERM-ONE', 'EVT-ONE', 'CONN-ONE')
    }

    It 'collects the snapshot once and gives the same object to the prerequisite and permission suites' {
        $null = Invoke-WritebackDiagnostic -Suite 'permissions', 'prerequisites'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -Times 1 -Exactly
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackPrerequisite' -Times 1 -Exactly -ParameterFilter { $Environment.ComputerName -eq 'SYNC01' }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackPermission' -Times 1 -Exactly -ParameterFilter { $Environment.ComputerName -eq 'SYNC01' }
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -Times 1 -Exactly -ParameterFilter { -not $SkipPermissions }
    }

    It 'runs only the suites -Suite names, still in the fixed order, and collects no snapshot for them' {
        $results = @(Invoke-WritebackDiagnostic -Suite 'connectivity', 'events')
        @($results | ForEach-Object -Process { $_.Id }) | Should -Be @('EVT-ONE', 'CONN-ONE')
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -Times 0 -Exactly
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackPrerequisite' -Times 0 -Exactly
    }

    It 'passes the connectivity parameters through' {
        $null = Invoke-WritebackDiagnostic -Suite 'connectivity' -Endpoint '127.0.0.1:1' -NoDefaultEndpoint -TimeoutSeconds 2 -Namespace 'ns1' -DnsServer '127.0.0.1:53'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackConnectivity' -Times 1 -Exactly -ParameterFilter {
            $Endpoint -eq '127.0.0.1:1' -and $NoDefaultEndpoint -and $TimeoutSeconds -eq 2 -and $Namespace -eq 'ns1' -and $DnsServer -eq '127.0.0.1:53' -and -not $IdleTimeout
        }
    }

    It 'returns exactly one $true with -Quiet when nothing failed, and $false when a check failed' {
        $quiet = @(Invoke-WritebackDiagnostic -Quiet)
        $quiet.Count | Should -Be 1
        $quiet[0] | Should -BeOfType [bool]
        $quiet[0] | Should -BeTrue
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackEventLog' -MockWith { New-TestResult -Id 'EVT-HEARTBEAT' -Status 'Fail' }
        $quiet = @(Invoke-WritebackDiagnostic -Quiet -ErrorAction Stop)
        $quiet.Count | Should -Be 1
        $quiet[0] | Should -BeFalse
    }

    It 'writes a non-terminating ErrorRecord with the suite''s ErrorId when a suite cannot run, and runs the other suites' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackPermission' -MockWith {
            $exception = New-Object -TypeName System.ArgumentException -ArgumentList 'the snapshot is malformed at Connect.DotNetRelease'
            throw (New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $exception, 'WbdInvalidInput', 'InvalidArgument', $null)
        }
        $all = @(Invoke-WritebackDiagnostic -ErrorAction Continue 2>&1)
        $succeeded = $?
        $records = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        $results = @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] })
        @($results | ForEach-Object -Process { $_.Id }) | Should -Be @('PRE-ONE', 'PRE-TWO', 'EVT-ONE', 'CONN-ONE')
        $records.Count | Should -Be 1
        $records[0].FullyQualifiedErrorId | Should -Be 'WbdInvalidInput,Invoke-WritebackDiagnostic'
        $records[0].TargetObject | Should -Be 'permissions'
        $records[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $records[0].Exception.Message | Should -Match 'permissions suite did not run.*Connect\.DotNetRelease'
        $records[0].Exception.InnerException | Should -Not -BeNullOrEmpty
        Invoke-WritebackDiagnostic -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
        $succeeded | Should -BeFalse
    }

    It 'gives WbdSuiteFailed for an exception that is not a module error' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackEventLog' -MockWith { throw [System.IO.IOException]::new('disk gone') }
        $all = @(Invoke-WritebackDiagnostic -Suite 'events', 'connectivity' -ErrorAction Continue 2>&1)
        $records = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        $records.Count | Should -Be 1
        $records[0].FullyQualifiedErrorId | Should -Be 'WbdSuiteFailed,Invoke-WritebackDiagnostic'
        $records[0].CategoryInfo.Category | Should -Be 'NotSpecified'
        $records[0].TargetObject | Should -Be 'events'
        @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object -Process { $_.Id }) | Should -Be @('CONN-ONE')
    }

    It 'reports both snapshot suites as not run when the snapshot cannot be collected, and runs the rest' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -MockWith { throw 'collector broke' }
        $all = @(Invoke-WritebackDiagnostic -ErrorAction Continue 2>&1)
        $records = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        @($records | ForEach-Object -Process { $_.TargetObject }) | Should -Be @('prerequisites', 'permissions')
        @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object -Process { $_.Id }) | Should -Be @('EVT-ONE', 'CONN-ONE')
    }

    It 'hands a suite this computer has no input for to the engine, which writes SUITE-EVENTS Skipped (needs the engine''s all command)' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdSuiteInput' -MockWith { 'no event log here' } -ParameterFilter { $Suite -eq 'events' }
        $all = @(Invoke-WritebackDiagnostic -Suite 'events', 'connectivity' -ErrorAction Continue 2>&1)
        $records = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackEventLog' -Times 0 -Exactly
        $records | Should -BeNullOrEmpty -Because (($records | ForEach-Object -Process { $_.Exception.Message }) -join '; ')
        $results = @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] })
        @($results | ForEach-Object -Process { '{0} {1}' -f $_.Id, $_.Status }) | Should -Be @('SUITE-EVENTS Skipped', 'CONN-ONE Pass')
        $results[0].Evidence.Suite | Should -Be 'events'
        $results[0].Remediation | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-WritebackDiagnostic for real (events fixture, closed loopback port)' {
    BeforeAll {
        $script:RealScript = 'param ($Manifest, $Events) Import-Module -Name $Manifest -ErrorAction Stop; Invoke-WritebackDiagnostic -Suite events, connectivity -EventsPath $Events -NoDefaultEndpoint -Endpoint 127.0.0.1:1 -TimeoutSeconds 1'
    }

    It 'shows one progress bar, "Writeback diagnostics", with "Suite n of 2: <suite>", and none of the suites'' own' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('$ProgressPreference = ''Continue''').AddStatement().AddScript($script:RealScript).AddParameter('Manifest', $script:ManifestPath).AddParameter('Events', $script:EventsFixture)
            $results = @($ps.Invoke())
            @(Get-StreamItem -Collection $ps.Streams.Error) | Should -BeNullOrEmpty
            $results.Count | Should -BeGreaterThan 5
            $records = @(Get-StreamItem -Collection $ps.Streams.Progress)
            $records.Count | Should -BeGreaterOrEqual 3
            @($records | ForEach-Object -Process { $_.Activity } | Select-Object -Unique) | Should -Be @($script:Activity)
            @($records | Select-Object -Unique -Property ActivityId | ForEach-Object -Process { $_.ActivityId }).Count | Should -Be 1
            $running = @($records | Where-Object -FilterScript { $_.RecordType -eq 'Processing' })
            @($running | ForEach-Object -Process { $_.StatusDescription }) | Should -Be @('Suite 1 of 2: events', 'Suite 2 of 2: connectivity')
            @($running | ForEach-Object -Process { $_.PercentComplete }) | Should -Be @(0, 50)
            $records[-1].RecordType | Should -Be ([System.Management.Automation.ProgressRecordType]::Completed)
        } finally {
            $ps.Dispose()
        }
    }

    It 'keeps Id, Status, Message, Evidence and the type name through PSSerializer (remoting) and has no script properties' {
        $results = @(Invoke-WritebackDiagnostic -Suite 'events', 'connectivity' -EventsPath $script:EventsFixture -NoDefaultEndpoint -Endpoint 127.0.0.1:1 -TimeoutSeconds 1)
        $results.Count | Should -BeGreaterThan 5
        foreach ($result in $results) {
            @($result.PSObject.Properties | Where-Object -FilterScript { $_.MemberType -ne 'NoteProperty' }) | Should -BeNullOrEmpty
        }
        $copies = @([System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($results)))
        $copies.Count | Should -Be $results.Count
        for ($i = 0; $i -lt $results.Count; $i++) {
            $copy = $copies[$i]
            $copy.PSTypeNames[0] | Should -Be 'Deserialized.WritebackDiagnostics.CheckResult'
            '{0}|{1}|{2}|{3}' -f $copy.Id, $copy.Status, $copy.Message, $copy.Target | Should -BeExactly ('{0}|{1}|{2}|{3}' -f $results[$i].Id, $results[$i].Status, $results[$i].Message, $results[$i].Target)
            (ConvertTo-Json -InputObject $copy.Evidence -Depth 10 -Compress) | Should -BeExactly (ConvertTo-Json -InputObject $results[$i].Evidence -Depth 10 -Compress)
        }
        # Invoke-Command adds PSComputerName as a note property, which serialisation keeps.
        $tagged = $results[0].PSObject.Copy()
        $tagged.PSObject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('PSComputerName', 'SYNC01'))
        ([System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($tagged))).PSComputerName | Should -Be 'SYNC01'
    }

    It 'runs in a non-interactive child process with stdin closed: only the serialised objects on stdout, $? true, exit code 0' {
        $command = @'
Import-Module -Name '__MANIFEST__' -ErrorAction Stop
$results = @(Invoke-WritebackDiagnostic -Suite events, connectivity -EventsPath '__EVENTS__' -NoDefaultEndpoint -Endpoint 127.0.0.1:1 -TimeoutSeconds 1)
$ok = $?
[System.Management.Automation.PSSerializer]::Serialize([PSCustomObject]@{ Ok = $ok; Results = $results; Errors = $Error.Count })
'@.Replace('__MANIFEST__', ($script:ManifestPath -replace "'", "''")).Replace('__EVENTS__', ($script:EventsFixture -replace "'", "''"))
        $run = Invoke-TestChildPowerShell -Command $command
        $run.TimedOut | Should -BeFalse
        # Redirected, a non-interactive host writes its progress records to stderr as CLIXML;
        # nothing else may be there (no error, warning or host text).
        if ($run.StdErr) {
            $run.StdErr.TrimStart() | Should -Match '^#< CLIXML'
            @([regex]::Matches($run.StdErr, '<Obj S="(\w+)"') | ForEach-Object -Process { $_.Groups[1].Value } | Select-Object -Unique) | Should -Be @('progress')
        }
        $run.ExitCode | Should -Be 0
        $back = [System.Management.Automation.PSSerializer]::Deserialize($run.StdOut.Trim())
        $back.Ok | Should -BeTrue
        $back.Errors | Should -Be 0
        @($back.Results | Where-Object -FilterScript { $_.Id -eq 'CONN-TCP' }).Count | Should -Be 1
        @($back.Results | Where-Object -FilterScript { $_.Id -eq 'EVT-READ' }).Count | Should -Be 1
    }

    It 'in a runbook, a suite that cannot run leaves $? false and an ErrorRecord with its ErrorId, and the other suite still runs' {
        $command = @'
Import-Module -Name '__MANIFEST__' -ErrorAction Stop
$results = @(Invoke-WritebackDiagnostic -Suite 'events', 'connectivity' -EventsPath '__MISSING__' -NoDefaultEndpoint -Endpoint 127.0.0.1:1 -TimeoutSeconds 1 -ErrorAction SilentlyContinue -ErrorVariable failures)
$ok = $?
[System.Management.Automation.PSSerializer]::Serialize([PSCustomObject]@{ Ok = $ok; Results = $results; ErrorIds = @($failures | ForEach-Object -Process { $_.FullyQualifiedErrorId }); Targets = @($failures | ForEach-Object -Process { [string]$_.TargetObject }) })
'@.Replace('__MANIFEST__', ($script:ManifestPath -replace "'", "''")).Replace('__MISSING__', ([System.IO.Path]::Combine($TestDrive, 'missing.evtx') -replace "'", "''"))
        $run = Invoke-TestChildPowerShell -Command $command
        $run.TimedOut | Should -BeFalse
        $run.ExitCode | Should -Be 0
        $back = [System.Management.Automation.PSSerializer]::Deserialize($run.StdOut.Trim())
        $back.Ok | Should -BeFalse
        @($back.ErrorIds) | Should -Contain 'WbdInvalidInput,Invoke-WritebackDiagnostic'
        @($back.Targets) | Should -Contain 'events'
        @($back.Results | Where-Object -FilterScript { $_.Id -eq 'CONN-TCP' }).Count | Should -Be 1
    }
}
