#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests that run every public command of the built module for real, with nothing of
# the module mocked: Test-WritebackEventLog and Test-WritebackPrerequisite on the fixtures that
# tests/events.rs and tests/prerequisites.rs run through the engine (asserting the same key
# results through PowerShell), Get-WritebackEnvironment on a computer that is not an Entra
# Connect server (and its snapshot read back by wbdiag), Test-WritebackConnectivity against a
# closed loopback port; the CheckResult objects, their table view, help, error records,
# secrets in proxy URLs, dates in Evidence, and importing twice or from an unusual path.
# The only stand-in is in 'the Endpoints check': Get-WinEvent does not exist outside Windows,
# so that one test stubs the event log source to get a CONN-EVENT-RELAYS row.
#
# Runs on Linux under PowerShell 7 (scripts/Invoke-PesterSuite.ps1) and on the Windows CI runner
# under Windows PowerShell 5.1 and PowerShell 7, so it keeps to 5.1 syntax. Probes only touch
# loopback: 127.0.0.1:1 is a closed port.

BeforeDiscovery {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $modulePath = Get-TestModulePath
    # The manifest's list (WritebackDiagnostics.Tests.ps1 checks it against what Import-Module exports).
    $exportedCommands = @((Import-PowerShellDataFile -Path ([System.IO.Path]::Combine($modulePath, 'WritebackDiagnostics.psd1'))).FunctionsToExport | Sort-Object)

    # The families of tests/events.rs that exist as both a 5.1 and a 7 export.
    $eventFamilies = @('healthy', 'relay-down', 'directory', 'service-stopped', 'setup', 'unknown', 'relay-link')

    # The real .evtx logs (byte-exact copies of the ones in the shared real-world fixtures).
    $realEvtx = @(
        @{ Name = 'evtx-Application_no_crc32.evtx'; Events = 17 }
        @{ Name = 'evtx-new-user-security.evtx'; Events = 4 }
    )

    # Check names longer than the narrowest column, and a command that produces each of them.
    $longCheckNames = @(
        @{ Check = 'IdleTimeout'; Source = 'Connectivity' }
        @{ Check = 'Connector'; Source = 'Prerequisite' }
        @{ Check = 'Scheduler'; Source = 'Prerequisite' }
        @{ Check = 'PreferredDc'; Source = 'Prerequisite' }
        @{ Check = 'Heartbeat'; Source = 'EventLog' }
        @{ Check = 'Operations'; Source = 'EventLog' }
        @{ Check = 'Signature'; Source = 'EventLog' }
    )

    # Date-like Evidence values the engine writes as ISO 8601 text (tests/events.rs).
    $evidenceDates = @(
        @{ File = 'relay-down.ps51.json'; Id = 'EVT-RELAY-DOWN'; Key = 'FirstSeen'; Expected = '2024-06-03T09:05:30Z' }
        @{ File = 'relay-down.ps51.json'; Id = 'EVT-RELAY-DOWN'; Key = 'LastSeen'; Expected = '2024-06-03T10:00:00Z' }
        @{ File = 'relay-down.ps51.json'; Id = 'EVT-HEARTBEAT'; Key = 'LastHeartbeat'; Expected = '2024-06-03T09:03:00.123Z' }
        @{ File = 'healthy.ps7.json'; Id = 'EVT-HEARTBEAT'; Key = 'LastHeartbeat'; Expected = '2024-06-03T10:58:00.123Z' }
        @{ File = 'healthy.ps7.json'; Id = 'EVT-READ'; Key = 'Oldest'; Expected = '2024-06-03T08:00:00.123Z' }
        @{ File = 'healthy.ps7.json'; Id = 'EVT-READ'; Key = 'Newest'; Expected = '2024-06-03T10:58:00.123Z' }
        @{ File = 'evtx-Application_no_crc32.evtx'; Id = 'EVT-READ'; Key = 'Newest'; Expected = '2021-03-31T23:54:34.704Z' }
    )
}

BeforeAll {
    $script:RepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    $script:ManifestPath = [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop

    $script:EventFixtures = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'events')
    $script:PrerequisiteFixtures = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'prerequisites')
    $script:ClosedEndpoint = '127.0.0.1:1'
    $script:Statuses = @('Pass', 'Warning', 'Fail', 'Skipped', 'Error')
    $script:ResultProperties = @('Id', 'Check', 'Target', 'Status', 'Title', 'Message', 'Remediation', 'DocsUrl', 'Evidence', 'DurationMs')
    $script:OnWindows = ($PSVersionTable.PSEdition -ne 'Core') -or [bool]$IsWindows
    # Every prerequisite rule (ALL_IDS of tests/prerequisites.rs), in report order.
    $script:PrerequisiteIds = @(
        'PRE-LICENSE-TENANT', 'PRE-LICENSE-USER', 'PRE-LICENSE-ADMIN', 'PRE-SSPR-TENANT', 'PRE-WRITEBACK-TENANT',
        'PRE-SSPR-ADMINS', 'PRE-TENANT-DIRSYNC', 'PRE-TESTUSER-SYNCED', 'PRE-TESTUSER-SSPR', 'PRE-ADMIN-CLOUDONLY', 'PRE-ADMIN-FEDERATED',
        'PRE-ADMIN-ROLE', 'PRE-CONNECT-VERSION', 'PRE-CONNECT-CONFIGVERSION', 'PRE-CONNECT-DEADLINE', 'PRE-CONNECT-AUTH',
        'PRE-ADSYNC-RUNNING', 'PRE-SCHEDULER',
        'PRE-STAGING-MODE', 'PRE-WRITEBACK-ENABLED', 'PRE-CONNECTOR-RUNS', 'PRE-TLS12', 'PRE-DOTNET', 'PRE-OS',
        'PRE-RESTRICTREMOTESAM', 'PRE-RESTRICTREMOTESAM-DC', 'PRE-PDC', 'PRE-PDC-REACHABLE', 'PRE-PREFERRED-DC', 'PRE-DC-OS', 'PRE-FOREST-LEVEL', 'PRE-DC-POLICYHINTS',
        'PRE-PWD-MINAGE', 'PRE-PWD-HISTORY', 'PRE-OU-CHARS',
        'PRE-CONFIG-WRITEBACK', 'PRE-CONFIG-SIGNSEAL', 'PRE-CONFIG-USERJOIN', 'PRE-CONFIG-SCOPE'
    )

    $script:Wbdiag = $env:WBD_WBDIAG
    if (-not $script:Wbdiag) {
        $name = 'wbdiag'
        if ($script:OnWindows) {
            $name = 'wbdiag.exe'
        }
        $script:Wbdiag = [System.IO.Path]::Combine($script:RepoRoot, 'target', 'debug', $name)
    }

    # The proxy password must never show up anywhere; the URL is only ever passed in a variable,
    # so that PowerShell's own echo of the command line cannot contain it either.
    $script:ProxySecret = 'S3cr3t-Pr0xy'
    $script:SecretProxy = 'http://user:{0}@127.0.0.1:1' -f $script:ProxySecret

    # Each fixture is run once; several tests read the same results.
    $script:EventRuns = @{}
    function Get-TestEventRun {
        param ([Parameter(Mandatory = $true)] [string] $Name)
        if (-not $script:EventRuns.ContainsKey($Name)) {
            # A copy written when its newest event was logged (the heartbeat is measured against it).
            $copy = Copy-TestEventExport -Path ([System.IO.Path]::Combine($script:EventFixtures, $Name)) -Destination $TestDrive
            $script:EventRuns[$Name] = @(Test-WritebackEventLog -Path $copy -ErrorAction Stop)
        }
        $script:EventRuns[$Name]
    }

    # The one result with this Id (and Target); fails the test, listing what there is, otherwise.
    function Get-TestResult {
        param (
            [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Results,
            [Parameter(Mandatory = $true)] [string] $Id,
            [string] $Target
        )
        $found = @($Results | Where-Object -FilterScript { $_.Id -eq $Id -and (-not $Target -or $_.Target -eq $Target) })
        if ($found.Count -ne 1) {
            $all = ($Results | ForEach-Object -Process { '{0} [{1}] {2}' -f $_.Id, $_.Target, $_.Status }) -join '; '
            throw ('Expected exactly one result {0} (target {1}), found {2}. Results: {3}' -f $Id, $Target, $found.Count, $all)
        }
        $found[0]
    }

    function Assert-TestOutcome {
        param (
            [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Results,
            [Parameter(Mandatory = $true)] [string] $Id,
            [Parameter(Mandatory = $true)] [string] $Status,
            [Parameter(Mandatory = $true)] [string] $Outcome,
            [string] $Target
        )
        $result = Get-TestResult -Results $Results -Id $Id -Target $Target
        ('{0} {1} {2}' -f $Id, $result.Status, $result.Evidence.Outcome) | Should -Be ('{0} {1} {2}' -f $Id, $Status, $Outcome)
    }

    # What can be compared between two runs: everything but the timings and the evidence values.
    function ConvertTo-TestComparable {
        param ([Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Results)
        # EVT-READ's Target is the file read, which differs by name between the two exports.
        @($Results | ForEach-Object -Process { '{0}|{1}|{2}|{3}|{4}' -f $_.Id, $_.Check, ($_.Target -replace '\.ps(51|7)\.json$', '.<edition>.json'), $_.Status, $_.Evidence.Outcome })
    }

    # Runs a script in a new runspace of this process, outside Pester's try/catch, so that a
    # statement-terminating error behaves as it does at a prompt or in a runbook: the script
    # goes on and the error lands in that runspace's own $Error.
    function Invoke-TestRunspace {
        param (
            [Parameter(Mandatory = $true)] [string] $Script,
            [object[]] $ArgumentList = @()
        )
        $shell = [System.Management.Automation.PowerShell]::Create()
        try {
            $null = $shell.AddScript($Script)
            foreach ($argument in $ArgumentList) {
                $null = $shell.AddArgument($argument)
            }
            $output = $shell.Invoke()
            [PSCustomObject]@{
                Output = @($output)
                Errors = @($shell.Streams.Error)
            }
        } finally {
            $shell.Dispose()
        }
    }


    # Paths in Evidence (recursively) whose value is a [datetime] rather than text.
    function Find-TestDateValue {
        param ([object] $Value, [string] $Path)
        if ($null -eq $Value) {
            return
        }
        if ($Value -is [datetime] -or $Value -is [System.DateTimeOffset]) {
            $Path
            return
        }
        if ($Value -is [string] -or $Value -is [System.ValueType]) {
            return
        }
        if ($Value -is [System.Collections.IEnumerable]) {
            $index = 0
            foreach ($item in $Value) {
                Find-TestDateValue -Value $item -Path ('{0}[{1}]' -f $Path, $index)
                $index++
            }
            return
        }
        foreach ($property in $Value.PSObject.Properties) {
            Find-TestDateValue -Value $property.Value -Path ('{0}.{1}' -f $Path, $property.Name)
        }
    }

    # healthy.json with changes, saved as a snapshot file in TestDrive.
    function New-TestSnapshotFile {
        param (
            [Parameter(Mandatory = $true)] [string] $Name,
            [Parameter(Mandatory = $true)] [scriptblock] $Change
        )
        $snapshot = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:PrerequisiteFixtures, 'healthy.json')) -Raw | ConvertFrom-Json
        & $Change $snapshot
        $path = [System.IO.Path]::Combine($TestDrive, $Name)
        [System.IO.File]::WriteAllText($path, (ConvertTo-Json -InputObject $snapshot -Depth 20))
        $path
    }
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Test-WritebackEventLog -Path on the event fixtures' {
    It 'gives the same results for the Windows PowerShell 5.1 and PowerShell 7 exports of <_>' -ForEach $eventFamilies {
        $ps51 = Get-TestEventRun -Name ('{0}.ps51.json' -f $_)
        $ps7 = Get-TestEventRun -Name ('{0}.ps7.json' -f $_)
        $ps51.Count | Should -BeGreaterThan 2
        ConvertTo-TestComparable -Results $ps51 | Should -Be (ConvertTo-TestComparable -Results $ps7)
        foreach ($run in @(, $ps51) + @(, $ps7)) {
            $read = Get-TestResult -Results $run -Id 'EVT-READ'
            $read.Status | Should -Be 'Pass'
            $read.Evidence.Format | Should -Be 'json'
            $read.Evidence.Warnings | Should -Be 0
        }
    }

    It 'reads healthy.ps7.json as a healthy log: heartbeats, operations and relays' {
        $results = Get-TestEventRun -Name 'healthy.ps7.json'
        @($results | Where-Object -FilterScript { $_.Status -in 'Fail', 'Warning', 'Error' }).Count | Should -Be 0
        Assert-TestOutcome -Results $results -Id 'EVT-READ' -Status 'Pass' -Outcome 'Read'
        Assert-TestOutcome -Results $results -Id 'EVT-HEARTBEAT' -Status 'Pass' -Outcome 'Recent'
        Assert-TestOutcome -Results $results -Id 'EVT-SERVICE-STOPPED' -Status 'Pass' -Outcome 'NoStop'
        Assert-TestOutcome -Results $results -Id 'EVT-OPERATIONS' -Status 'Pass' -Outcome 'Succeeded'
        Assert-TestOutcome -Results $results -Id 'EVT-RELAYS' -Status 'Pass' -Outcome 'Found'
        $heartbeat = (Get-TestResult -Results $results -Id 'EVT-HEARTBEAT').Evidence
        $heartbeat.HeartbeatCount | Should -Be 36
        $heartbeat.AgeMinutes | Should -Be 0
        $heartbeat.ReferenceIs | Should -Be 'FileModified'
        $operations = (Get-TestResult -Results $results -Id 'EVT-OPERATIONS').Evidence
        foreach ($kind in 'Resets', 'Changes', 'AdminResets') {
            ('{0}: {1}/{2}/{3}' -f $kind, $operations.$kind.Started, $operations.$kind.Succeeded, $operations.$kind.Failed) | Should -Be ('{0}: 1/1/0' -f $kind)
        }
        $relays = (Get-TestResult -Results $results -Id 'EVT-RELAYS').Evidence
        @($relays.Hosts) | Should -Be @('ssprdedicatedsbprodncu.servicebus.windows.net', 'ssprdedicatedsbprodscu.servicebus.windows.net')
        @($relays.Endpoints).Count | Should -Be 2
        @($relays.Endpoints)[0] | Should -BeLike '6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_*'
        (Get-TestResult -Results $results -Id 'EVT-READ').Evidence.Events | Should -Be 43
    }

    It 'reads relay-down.ps51.json as a relay outage with time skew, failures first' {
        $results = Get-TestEventRun -Name 'relay-down.ps51.json'
        Assert-TestOutcome -Results $results -Id 'EVT-HEARTBEAT' -Status 'Fail' -Outcome 'Stale'
        (Get-TestResult -Results $results -Id 'EVT-HEARTBEAT').Evidence.AgeMinutes | Should -Be 56
        Assert-TestOutcome -Results $results -Id 'EVT-SERVICE-STOPPED' -Status 'Pass' -Outcome 'Restarted'
        foreach ($id in 'EVT-RELAY-DOWN', 'EVT-6800', 'EVT-32001', 'EVT-32002', 'EVT-31034', 'EVT-SIG-CERT-INVALID') {
            Assert-TestOutcome -Results $results -Id $id -Status 'Fail' -Outcome 'Current'
        }
        Assert-TestOutcome -Results $results -Id 'EVT-32014' -Status 'Warning' -Outcome 'Seen'
        Assert-TestOutcome -Results $results -Id 'EVT-6306' -Status 'Warning' -Outcome 'Seen'
        Assert-TestOutcome -Results $results -Id 'EVT-TIME-SKEW' -Status 'Warning' -Outcome 'SkewPattern'
        $down = Get-TestResult -Results $results -Id 'EVT-RELAY-DOWN'
        $down.Evidence.Count | Should -Be 2
        $down.Evidence.EventId | Should -Be 31044
        $down.Evidence.Excerpt | Should -BeLike '*No serviceHost for service bus endpoints*'
        $down.Evidence.TrackingId | Should -BeOfType [string]
        $certificate = (Get-TestResult -Results $results -Id 'EVT-31034').Evidence.Excerpt
        $certificate | Should -BeLike '*remote certificate is invalid*'
        $certificate | Should -Not -BeLike '*   at *'
        # Failures come first, newest first within a status. (No Select-Object here: in
        # PowerShell 7 it adds a 'Selected.' type name to the cached result objects.)
        $ids = @($results | ForEach-Object -Process { $_.Id })
        $statuses = @($results | ForEach-Object -Process { $_.Status })
        $start = [array]::IndexOf($ids, 'EVT-RELAY-DOWN')
        $start | Should -BeGreaterOrEqual 0
        $after = @($statuses[$start..($statuses.Count - 1)])
        $firstWarning = [array]::IndexOf($after, 'Warning')
        $firstWarning | Should -BeGreaterThan 0
        @($after[0..($firstWarning - 1)] | Where-Object -FilterScript { $_ -ne 'Fail' }).Count | Should -Be 0
    }

    It 'explains the AD DS failures of directory.ps7.json by HR code and text' {
        $results = Get-TestEventRun -Name 'directory.ps7.json'
        Assert-TestOutcome -Results $results -Id 'EVT-HEARTBEAT' -Status 'Pass' -Outcome 'Recent'
        Assert-TestOutcome -Results $results -Id 'EVT-OPERATIONS' -Status 'Warning' -Outcome 'SomeFailed'
        foreach ($id in 'EVT-33004', 'EVT-33001', 'EVT-33009', 'EVT-6329', 'EVT-HR-80230626', 'EVT-HR-80005000', 'EVT-HR-8023062C', 'EVT-HR-8023061F', 'EVT-SIG-SAM-DENIED', 'EVT-SIG-MA-DENIED', 'EVT-SIG-POLICY-CONTROL') {
            Assert-TestOutcome -Results $results -Id $id -Status 'Fail' -Outcome 'Current'
        }
        foreach ($id in 'EVT-33008', 'EVT-31003', 'EVT-31008', 'EVT-31011', 'EVT-HR-80230619') {
            Assert-TestOutcome -Results $results -Id $id -Status 'Warning' -Outcome 'UserSpecific'
        }
        (Get-TestResult -Results $results -Id 'EVT-33004').Evidence.Count | Should -Be 2
        (Get-TestResult -Results $results -Id 'EVT-6329').Evidence.Count | Should -Be 7
        (Get-TestResult -Results $results -Id 'EVT-31003').Evidence.Count | Should -Be 2
        $sign = Get-TestResult -Results $results -Id 'EVT-HR-8023062C'
        $sign.DocsUrl | Should -BeLike '*password-writeback-error-code-8023062c'
        $sign.Remediation | Should -BeLike '*Sign and Encrypt*'
        $reserved = Get-TestResult -Results $results -Id 'EVT-33001'
        $reserved.Evidence.ReservedCharacterText | Should -BeLike '*CN=Doe\, Jane*'
        $reserved.Message | Should -BeLike '*reserved character*'
        (Get-TestResult -Results $results -Id 'EVT-HR-80230619').Target | Should -Be '0x80230619'
    }

    It 'reports a stopped service and a disabled writeback (service-stopped, setup)' {
        $stopped = Get-TestEventRun -Name 'service-stopped.ps51.json'
        Assert-TestOutcome -Results $stopped -Id 'EVT-SERVICE-STOPPED' -Status 'Fail' -Outcome 'Stopped'
        Assert-TestOutcome -Results $stopped -Id 'EVT-HEARTBEAT' -Status 'Skipped' -Outcome 'ServiceStopped'
        $setup = Get-TestEventRun -Name 'setup.ps7.json'
        Assert-TestOutcome -Results $setup -Id 'EVT-WRITEBACK-STATE' -Status 'Fail' -Outcome 'Disabled'
        Assert-TestOutcome -Results $setup -Id 'EVT-HEARTBEAT' -Status 'Skipped' -Outcome 'WritebackDisabled'
        Assert-TestOutcome -Results $setup -Id 'EVT-31014' -Status 'Fail' -Outcome 'Current'
        foreach ($id in 'EVT-32009', 'EVT-32011', 'EVT-32004') {
            Assert-TestOutcome -Results $setup -Id $id -Status 'Warning' -Outcome 'Recovered'
        }
    }

    It 'lists unknown ids and leaves password hash sync out (unknown.ps51.json)' {
        $results = Get-TestEventRun -Name 'unknown.ps51.json'
        Assert-TestOutcome -Results $results -Id 'EVT-UNKNOWN' -Status 'Warning' -Outcome 'Unknown'
        Assert-TestOutcome -Results $results -Id 'EVT-PHS-EXCLUDED' -Status 'Skipped' -Outcome 'PasswordHashSync'
        Assert-TestOutcome -Results $results -Id 'EVT-HR-80070005' -Status 'Warning' -Outcome 'Undocumented'
        $listed = @((Get-TestResult -Results $results -Id 'EVT-UNKNOWN').Evidence.Ids | ForEach-Object -Process { '{0}/{1}/{2}' -f $_.Provider, $_.Id, $_.Count })
        $listed | Should -Be @('ADSync/6946/2', 'PasswordResetService/31099/1')
        $counts = (Get-TestResult -Results $results -Id 'EVT-PHS-EXCLUDED').Evidence.Counts
        @($counts.PSObject.Properties | ForEach-Object -Process { '{0}={1}' -f $_.Name, $_.Value }) | Should -Be @('611=1', '654=1', '656=1', '657=1')
        $read = (Get-TestResult -Results $results -Id 'EVT-READ').Evidence
        $read.OtherProviderEvents | Should -Be 2
        $read.ExcludedHashSyncEvents | Should -Be 4
    }

    It 'keeps the events before the cut of truncated.ps7.json' {
        $results = Get-TestEventRun -Name 'truncated.ps7.json'
        Assert-TestOutcome -Results $results -Id 'EVT-READ' -Status 'Warning' -Outcome 'Truncated'
        $read = (Get-TestResult -Results $results -Id 'EVT-READ').Evidence
        $read.Truncated | Should -BeLike '*truncated*entries before that point*'
        $read.Events | Should -BeGreaterOrEqual 15
        $read.Events | Should -BeLessThan 43
        Assert-TestOutcome -Results $results -Id 'EVT-HEARTBEAT' -Status 'Pass' -Outcome 'Recent'
    }

    It 'reads every record of the real log <Name> that its independent summary lists' -ForEach $realEvtx {
        $summary = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:EventFixtures, ('{0}.summary.json' -f $Name))) -Raw | ConvertFrom-Json
        @($summary.records).Count | Should -Be $Events
        $results = Get-TestEventRun -Name $Name
        Assert-TestOutcome -Results $results -Id 'EVT-READ' -Status 'Warning' -Outcome 'NoWritebackEvents'
        Assert-TestOutcome -Results $results -Id 'EVT-HEARTBEAT' -Status 'Warning' -Outcome 'NoWritebackEvents'
        $read = (Get-TestResult -Results $results -Id 'EVT-READ').Evidence
        $read.Format | Should -Be 'evtx'
        $read.Entries | Should -Be $Events
        $read.Events | Should -Be $Events
        $read.OtherProviderEvents | Should -Be $Events
        $read.PasswordResetServiceEvents | Should -Be 0
        $read.Warnings | Should -Be 0
        $read.Truncated | Should -BeNullOrEmpty
    }
}

Describe 'Test-WritebackPrerequisite -Path on the snapshot fixtures' {
    BeforeAll {
        # tests/prerequisites.rs, healthy_environment_passes_every_rule.
        $script:HealthyExpected = @(
            'PRE-LICENSE-TENANT|Contoso Ltd|Pass|PremiumLicensed'
            'PRE-LICENSE-USER|alex.wilber@contoso.com|Pass|UserLicensed'
            'PRE-LICENSE-ADMIN|syncadmin@contoso.onmicrosoft.com|Pass|UserLicensed'
            'PRE-SSPR-TENANT|Contoso Ltd|Pass|EnabledForTestUser'
            'PRE-WRITEBACK-TENANT|Contoso Ltd|Skipped|NoDocumentedSource'
            'PRE-SSPR-ADMINS|Contoso Ltd|Pass|AdminSsprEnabled'
            'PRE-TENANT-DIRSYNC|Contoso Ltd|Pass|SyncEnabled'
            'PRE-TESTUSER-SYNCED|alex.wilber@contoso.com|Pass|Synced'
            'PRE-TESTUSER-SSPR|alex.wilber@contoso.com|Pass|Registered'
            'PRE-ADMIN-CLOUDONLY|syncadmin@contoso.onmicrosoft.com|Pass|CloudOnly'
            'PRE-ADMIN-FEDERATED|syncadmin@contoso.onmicrosoft.com|Pass|ManagedDomain'
            'PRE-ADMIN-ROLE|syncadmin@contoso.onmicrosoft.com|Pass|SuitableRole'
            'PRE-CONNECT-VERSION|SYNC01|Pass|Latest'
            'PRE-CONNECT-CONFIGVERSION|SYNC01|Pass|VersionsMatch'
            'PRE-CONNECT-DEADLINE|SYNC01|Pass|MeetsDeadlines'
            'PRE-CONNECT-AUTH|SYNC01|Pass|Application'
            'PRE-ADSYNC-RUNNING|SYNC01|Pass|Running'
            'PRE-SCHEDULER|SYNC01|Pass|SchedulerActive'
            'PRE-STAGING-MODE|SYNC01|Pass|Active'
            'PRE-WRITEBACK-ENABLED|contoso.onmicrosoft.com - AAD|Pass|Enabled'
            'PRE-CONNECTOR-RUNS|contoso.com|Pass|FullRunsSucceeded'
            'PRE-CONNECTOR-RUNS|contoso.onmicrosoft.com - AAD|Pass|FullRunsSucceeded'
            'PRE-TLS12|SYNC01|Pass|Tls12Enabled'
            'PRE-DOTNET|SYNC01|Pass|Supported'
            'PRE-OS|SYNC01|Pass|Supported'
            'PRE-RESTRICTREMOTESAM|SYNC01|Pass|NotSet'
            'PRE-RESTRICTREMOTESAM-DC|DC01.contoso.com|Pass|NotSet'
            'PRE-PDC|contoso.com|Pass|PdcKnown'
            'PRE-PDC-REACHABLE|contoso.com|Skipped|SavedSnapshot'
            'PRE-PREFERRED-DC|contoso.com|Pass|PreferredWritable'
            'PRE-DC-OS|contoso.com|Pass|All2016OrLater'
            'PRE-FOREST-LEVEL|contoso.com|Pass|LevelSupported'
            'PRE-DC-POLICYHINTS|contoso.com|Pass|ControlOffered'
            'PRE-PWD-MINAGE|contoso.com|Pass|MinAgeZero'
            'PRE-PWD-HISTORY|contoso.com|Pass|NoHistory'
            'PRE-OU-CHARS|contoso.com|Pass|NoReservedCharacters'
            # No configuration export given (tests/pester/ServerConfig.Tests.ps1).
            'PRE-CONFIG-WRITEBACK|SYNC01|Skipped|NotSupplied'
            'PRE-CONFIG-SIGNSEAL|SYNC01|Skipped|NotSupplied'
            'PRE-CONFIG-USERJOIN|SYNC01|Skipped|NotSupplied'
            'PRE-CONFIG-SCOPE|SYNC01|Skipped|NotSupplied'
        )
        $script:HealthyRuns = @{}
        foreach ($name in 'healthy.json', 'healthy-ps7.json', 'healthy-ps51.json') {
            $script:HealthyRuns[$name] = @(Test-WritebackPrerequisite -Path ([System.IO.Path]::Combine($script:PrerequisiteFixtures, $name)) -ErrorAction Stop)
        }
    }

    It 'evaluates the healthy snapshot <_> rule by rule as the engine tests expect' -ForEach @('healthy.json', 'healthy-ps7.json', 'healthy-ps51.json') {
        $results = $script:HealthyRuns[$_]
        $got = @($results | ForEach-Object -Process { '{0}|{1}|{2}|{3}' -f $_.Id, $_.Target, $_.Status, $_.Evidence.Outcome })
        $got | Should -Be $script:HealthyExpected
        @($results | ForEach-Object -Process { $_.Id } | Select-Object -Unique) | Should -Be $script:PrerequisiteIds
        @($results | Where-Object -FilterScript { $_.Status -eq 'Skipped' }).Count | Should -Be 6
        $preferred = Get-TestResult -Results $results -Id 'PRE-PREFERRED-DC'
        $preferred.Evidence.WritebackTarget | Should -Be 'DC01.contoso.com'
        $preferred.Evidence.FirstPreferredIsPdc | Should -BeTrue
    }

    It 'gives the same results for the 5.1 and 7 encodings as for healthy.json' {
        $canonical = ConvertTo-TestComparable -Results $script:HealthyRuns['healthy.json']
        ConvertTo-TestComparable -Results $script:HealthyRuns['healthy-ps7.json'] | Should -Be $canonical
        ConvertTo-TestComparable -Results $script:HealthyRuns['healthy-ps51.json'] | Should -Be $canonical
    }

    It 'finds the failing AD connector in the real run history of an Entra Connect server' {
        $runs = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:PrerequisiteFixtures, 'adsync-runprofileresult-convertto-json.json')) -Raw | ConvertFrom-Json
        $path = New-TestSnapshotFile -Name 'real-run-history.json' -Change {
            param ($snapshot)
            $snapshot.Connect.RunProfileResults = @($runs)
            $snapshot.Connect.Connectors = @(
                [PSCustomObject]@{ Identifier = 'fffb4a69-4ed6-444d-8b89-73bc16f373dd'; Name = 'garage.mcardletech.com'; Type = 'AD' }
                [PSCustomObject]@{ Identifier = 'b891884f-051e-4a83-95af-2544101c9083'; Name = 'mcardletech.onmicrosoft.com - AAD'; Type = 'Extensible2' }
            )
        }
        $results = @(Test-WritebackPrerequisite -Path $path -ErrorAction Stop)
        Assert-TestOutcome -Results $results -Id 'PRE-CONNECTOR-RUNS' -Target 'garage.mcardletech.com' -Status 'Fail' -Outcome 'LatestRunFailed'
        (Get-TestResult -Results $results -Id 'PRE-CONNECTOR-RUNS' -Target 'garage.mcardletech.com').Evidence.LatestRun.Result | Should -Be 'no-start-connection'
        Assert-TestOutcome -Results $results -Id 'PRE-CONNECTOR-RUNS' -Target 'mcardletech.onmicrosoft.com - AAD' -Status 'Warning' -Outcome 'NoFullRunInHistory'
        # The writeback rule finds the Entra connector by its fixed identifier.
        (Get-TestResult -Results $results -Id 'PRE-WRITEBACK-ENABLED').Target | Should -Be 'mcardletech.onmicrosoft.com - AAD'
        Test-WritebackPrerequisite -Path $path -Quiet | Should -BeFalse
    }

    It 'fails disabled writeback and a failed full sync in an unhealthy snapshot, and passes the rest' {
        $path = New-TestSnapshotFile -Name 'unhealthy.json' -Change {
            param ($snapshot)
            $snapshot.Connect.PasswordResetConfiguration.Enabled = $false
            $snapshot.Connect.RunProfileResults[7].Result = 'stopped-server-down'
        }
        $results = @(Test-WritebackPrerequisite -Path $path -ErrorAction Stop)
        Assert-TestOutcome -Results $results -Id 'PRE-WRITEBACK-ENABLED' -Status 'Fail' -Outcome 'Disabled'
        Assert-TestOutcome -Results $results -Id 'PRE-CONNECTOR-RUNS' -Target 'contoso.com' -Status 'Fail' -Outcome 'FullSyncFailed'
        Assert-TestOutcome -Results $results -Id 'PRE-CONNECTOR-RUNS' -Target 'contoso.onmicrosoft.com - AAD' -Status 'Pass' -Outcome 'FullRunsSucceeded'
        @($results | Where-Object -FilterScript { $_.Status -eq 'Fail' } | ForEach-Object -Process { '{0}|{1}' -f $_.Id, $_.Target }) |
            Should -Be @('PRE-WRITEBACK-ENABLED|contoso.onmicrosoft.com - AAD', 'PRE-CONNECTOR-RUNS|contoso.com')
        $results.Count | Should -Be $script:HealthyExpected.Count
    }
}

Describe 'Get-WritebackEnvironment on a computer that is not an Entra Connect server' {
    BeforeAll {
        $script:Environment = Get-WritebackEnvironment -ErrorAction Stop
        $script:Sections = @('Tenant', 'Connect', 'ActiveDirectory')
    }

    It 'returns one WritebackDiagnostics.Environment object' {
        @($script:Environment).Count | Should -Be 1
        $script:Environment.PSTypeNames[0] | Should -Be 'WritebackDiagnostics.Environment'
        $script:Environment.SchemaVersion | Should -Be 1
        $script:Environment.Collector.Module | Should -Be 'WritebackDiagnostics'
        $script:Environment.Collector.PSEdition | Should -Be $PSVersionTable.PSEdition
    }

    It 'makes the <_> section Unavailable and says why' -ForEach @('Tenant', 'Connect', 'ActiveDirectory') {
        $section = $script:Environment.$_
        $section | Should -Not -BeNullOrEmpty
        $section.Status | Should -Be 'Unavailable'
        ([string]$section.Reason).Trim() | Should -Not -BeNullOrEmpty
        ([string]$section.Reason).Length | Should -BeGreaterThan 20
    }

    It 'names Windows as what the Connect and ActiveDirectory sections need, off Windows' {
        if ($script:OnWindows) {
            Set-ItResult -Skipped -Because 'on Windows the sections are unavailable for other reasons (a missing ADSync module)'
            return
        }
        $script:Environment.Connect.Reason | Should -Match 'Windows'
        $script:Environment.ActiveDirectory.Reason | Should -Match 'Windows'
    }

    It 'never prompts: it completes in a non-interactive child process with stdin closed' {
        $command = @'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name '__MANIFEST__' -ErrorAction Stop
$environment = Get-WritebackEnvironment
'SECTIONS ' + (@($environment.Tenant.Status, $environment.Connect.Status, $environment.ActiveDirectory.Status) -join ',')
# A prompt in -NonInteractive mode fails with a host error, even where the module catches it.
$prompts = @($Error | Where-Object -FilterScript { $_.Exception -is [System.Management.Automation.Host.HostException] -or $_.Exception.Message -match 'NonInteractive|prompt' })
'PROMPT-ERRORS ' + $prompts.Count
'DONE'
'@.Replace('__MANIFEST__', ($script:ManifestPath -replace "'", "''"))
        $run = Invoke-TestChildPowerShell -Command $command -TimeoutSeconds 45
        $run.TimedOut | Should -BeFalse -Because 'Get-WritebackEnvironment must not wait for input'
        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.StdOut | Should -Match 'SECTIONS Unavailable,Unavailable,Unavailable'
        $run.StdOut | Should -Match 'PROMPT-ERRORS 0'
        $run.StdOut | Should -Match 'DONE'
    }

    It 'skips every rule of Test-WritebackPrerequisite -Environment with the section''s reason' {
        $results = @(Test-WritebackPrerequisite -Environment $script:Environment -ErrorAction Stop)
        @($results | ForEach-Object -Process { $_.Id } | Select-Object -Unique) | Should -Be $script:PrerequisiteIds
        # tests/prerequisites.rs, unavailable_sections_skip_their_rules; the writeback toggle
        # has no documented source at all, so it is Skipped for that reason instead.
        $noSource = @('PRE-WRITEBACK-TENANT')
        foreach ($result in $results) {
            $id = $result.Id
            if ($noSource -contains $id) {
                '{0} {1} {2}' -f $id, $result.Status, $result.Evidence.Outcome | Should -Be ('{0} Skipped NoDocumentedSource' -f $id)
                continue
            }
            # Not from a snapshot section: no configuration export was given.
            if ($id -like 'PRE-CONFIG-*') {
                '{0} {1} {2}' -f $id, $result.Status, $result.Evidence.Outcome | Should -Be ('{0} Skipped NotSupplied' -f $id)
                continue
            }
            $section = 'ActiveDirectory'
            if ($id -match '^PRE-(LICENSE|SSPR|TENANT|TESTUSER|ADMIN)-') {
                $section = 'Tenant'
            } elseif ($id -match '^PRE-(CONNECT|ADSYNC|SCHEDULER|STAGING|WRITEBACK|CONNECTOR|TLS12|DOTNET|OS$|RESTRICTREMOTESAM$)') {
                $section = 'Connect'
            }
            '{0} {1} {2} {3}' -f $id, $result.Status, $result.Evidence.Outcome, $result.Evidence.Section | Should -Be ('{0} Skipped SectionUnavailable {1}' -f $id, $section)
            $reason = $script:Environment.$section.Reason
            $result.Evidence.Reason | Should -BeExactly $reason
            # The message quotes the reason (without its final full stop).
            $result.Message | Should -Match ([regex]::Escape($reason.TrimEnd('.')))
        }
    }

    It 'is read back by wbdiag from ConvertTo-Json -Depth 20 with the same results as -Environment gives' {
        if (-not (Test-Path -LiteralPath $script:Wbdiag -PathType Leaf)) {
            throw ("wbdiag was not found at '{0}'. Build it with 'cargo build --lib --bins', or set WBD_WBDIAG to its path." -f $script:Wbdiag)
        }
        $file = [System.IO.Path]::Combine($TestDrive, 'environment.json')
        [System.IO.File]::WriteAllText($file, ($script:Environment | ConvertTo-Json -Depth 20))
        $stdout = & $script:Wbdiag prerequisites --snapshot $file --json
        $exitCode = $LASTEXITCODE
        $exitCode | Should -BeIn @(0, 1) -Because 'wbdiag must accept the snapshot (exit code 2 means it refused it)'
        $report = ($stdout -join [System.Environment]::NewLine) | ConvertFrom-Json
        $fromCli = @($report.Results | ForEach-Object -Process { '{0}|{1}|{2}' -f $_.Id, $_.Target, $_.Status })
        $inProcess = @(Test-WritebackPrerequisite -Environment $script:Environment -ErrorAction Stop | ForEach-Object -Process { '{0}|{1}|{2}' -f $_.Id, $_.Target, $_.Status })
        $fromCli.Count | Should -BeGreaterThan 20
        $fromCli | Should -Be $inProcess
    }
}

Describe 'CheckResult objects and their table view' {
    BeforeAll {
        $script:ByCommand = @{
            'Test-WritebackConnectivity' = @(Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -IdleTimeout -Checkpoint 30 -TimeoutSeconds 1 -NoProxy)
            'Test-WritebackEventLog'     = @(Get-TestEventRun -Name 'relay-down.ps51.json') + @(Get-TestEventRun -Name 'healthy.ps7.json')
            'Test-WritebackPrerequisite' = @(Test-WritebackPrerequisite -Path ([System.IO.Path]::Combine($script:PrerequisiteFixtures, 'healthy.json')))
        }
        $script:BySource = @{
            Connectivity = $script:ByCommand['Test-WritebackConnectivity']
            EventLog     = $script:ByCommand['Test-WritebackEventLog']
            Prerequisite = $script:ByCommand['Test-WritebackPrerequisite']
        }

        # The table as Out-String renders it, wide enough that only the column widths cut text.
        function Get-TestTable {
            param ([Parameter(Mandatory = $true)] [object[]] $Results)
            $Results | Out-String -Width 300
        }

        # Fails unless every result's row shows its Status and the whole Check value.
        function Assert-TestFullCheckColumn {
            param ([Parameter(Mandatory = $true)] [object[]] $Results)
            $table = Get-TestTable -Results $Results
            foreach ($result in $Results) {
                $row = '(?m)^{0}\s+{1}\s' -f [regex]::Escape($result.Status), [regex]::Escape($result.Check)
                $table | Should -Match $row -Because ("the Check column must show '{0}' in full" -f $result.Check)
            }
        }
    }

    It 'makes every result of <_> a WritebackDiagnostics.CheckResult with exactly the documented properties' -ForEach @('Test-WritebackConnectivity', 'Test-WritebackEventLog', 'Test-WritebackPrerequisite') {
        $results = $script:ByCommand[$_]
        $results.Count | Should -BeGreaterThan 3
        # Problems are collected and asserted once: a Should per property of every result is slow.
        $problems = New-Object -TypeName System.Collections.ArrayList
        foreach ($result in $results) {
            $label = '{0} [{1}]' -f $result.Id, $result.Target
            if ($result.PSTypeNames[0] -ne 'WritebackDiagnostics.CheckResult') {
                $null = $problems.Add(('{0}: type {1}' -f $label, $result.PSTypeNames[0]))
            }
            $names = @($result.PSObject.Properties | ForEach-Object -Process { $_.Name }) -join ','
            if ($names -cne ($script:ResultProperties -join ',')) {
                $null = $problems.Add(('{0}: properties {1}' -f $label, $names))
            }
            foreach ($name in 'Id', 'Check', 'Target', 'Status', 'Title', 'Message', 'Remediation', 'DocsUrl') {
                if ($result.$name -isnot [string]) {
                    $null = $problems.Add(('{0}: {1} is not a string' -f $label, $name))
                }
            }
            foreach ($name in 'Check', 'Title', 'Message') {
                if (-not $result.$name) {
                    $null = $problems.Add(('{0}: {1} is empty' -f $label, $name))
                }
            }
            if ($result.Id -cnotmatch '^[A-Z]+(-[A-Z0-9]+)+$') {
                $null = $problems.Add(('{0}: Id is not stable-looking' -f $label))
            }
            if ($script:Statuses -cnotcontains $result.Status) {
                $null = $problems.Add(('{0}: Status {1}' -f $label, $result.Status))
            }
            if ($null -eq $result.Evidence -or $result.Evidence -is [string] -or $result.Evidence -is [System.ValueType]) {
                $null = $problems.Add(('{0}: Evidence is not an object' -f $label))
            }
            if (-not ($result.DurationMs -is [long] -or $result.DurationMs -is [int]) -or $result.DurationMs -lt 0) {
                $null = $problems.Add(('{0}: DurationMs {1}' -f $label, $result.DurationMs))
            }
        }
        @($problems) | Should -BeNullOrEmpty -Because ($problems -join '; ')
    }

    It 'shows the Status, Check, Target and Message columns for <_>' -ForEach @('Test-WritebackConnectivity', 'Test-WritebackEventLog', 'Test-WritebackPrerequisite') {
        $table = Get-TestTable -Results $script:ByCommand[$_]
        $table | Should -Match '(?m)^Status\s+Check\s+Target\s+Message\s*$'
        $table | Should -Not -Match '(?m)^Id\s'
        # One row per result, below the header and its underline.
        $rows = @($table -split '\r?\n' | Where-Object -FilterScript { $_ -match ('^({0})\s' -f ($script:Statuses -join '|')) })
        $rows.Count | Should -Be $script:ByCommand[$_].Count
    }

    It 'shows the check name <Check> in full in the Check column' -ForEach $longCheckNames {
        $results = @($script:BySource[$Source] | Where-Object -FilterScript { $_.Check -eq $Check })
        $results.Count | Should -BeGreaterThan 0 -Because ("{0} results include the check {1}" -f $Source, $Check)
        Assert-TestFullCheckColumn -Results $results
    }

    Context 'the Endpoints check' {
        BeforeAll {
            # The event log source is Windows-only (Get-WinEvent), so here alone it is a stand-in
            # returning one heartbeat that names a relay; the command itself runs for real. The relay
            # is tested through a closed loopback proxy from a machine.config, so it is never looked up.
            $script:CreatedStubs = @(Add-TestStub -Stub @{ 'Get-WinEvent' = 'param ([hashtable] $FilterHashtable, [long] $MaxEvents)' })
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
            Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WinEvent' -MockWith {
                [PSCustomObject]@{
                    Id               = 31019
                    ProviderName     = 'PasswordResetService'
                    TimeCreated      = (Get-Date).AddMinutes(-2)
                    LevelDisplayName = 'Information'
                    Message          = 'TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67, ServiceBusHeartBeat, Details: namespace ssprdedicatedsbwbdtest-1'
                }
            }
            $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
            $listener.Start()
            $port = $listener.LocalEndpoint.Port
            $listener.Stop()
            $script:MachineConfig = [System.IO.Path]::Combine($TestDrive, 'machine.config')
            $configText = '<?xml version="1.0" encoding="utf-8"?><configuration><system.net><defaultProxy enabled="true"><proxy proxyaddress="http://127.0.0.1:{0}" bypassonlocal="False" usesystemdefault="False" /></defaultProxy></system.net></configuration>' -f $port
            [System.IO.File]::WriteAllText($script:MachineConfig, $configText)
            # The relay path of that namespace asks DNS directly: a loopback port where nothing
            # listens keeps it on this machine.
            $udp = New-Object -TypeName System.Net.Sockets.UdpClient -ArgumentList 0
            $script:ClosedDns = '127.0.0.1:{0}' -f $udp.Client.LocalEndPoint.Port
            $udp.Close()
        }

        AfterAll {
            Remove-TestStub -Name $script:CreatedStubs
        }

        It 'shows the check name Endpoints in full in the Check column' {
            $results = @(Test-WritebackConnectivity -NoDefaultEndpoint -MachineConfigPath $script:MachineConfig -TimeoutSeconds 1 -DnsServer $script:ClosedDns)
            $note = Get-TestResult -Results $results -Id 'CONN-TENANT-RELAYS'
            $note.Check | Should -Be 'Endpoints'
            $note.Status | Should -Be 'Pass'
            Assert-TestFullCheckColumn -Results @($note)
        }
    }
}

Describe 'Help of <_>' -ForEach $exportedCommands {
    BeforeAll {
        $commandName = $_
        $help = Get-Help -Name $commandName -Full
        $commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        $parameterNames = @((Get-Command -Name $commandName).Parameters.Keys | Where-Object -FilterScript { $commonParameters -notcontains $_ })
        function Get-TestFlatText {
            param ([string] $Text)
            ($Text -replace '\s+', ' ').Trim()
        }
    }

    It 'prints every example with Get-Help -Examples' {
        $text = Get-Help -Name $commandName -Examples | Out-String -Width 250
        $text.Trim() | Should -Not -BeNullOrEmpty
        $count = @($help.Examples.Example).Count
        $count | Should -BeGreaterThan 0
        ([regex]::Matches($text, 'EXAMPLE \d+')).Count | Should -Be $count
        $text | Should -Match ([regex]::Escape($commandName))
        (Get-TestFlatText -Text $text) | Should -Match ([regex]::Escape((Get-TestFlatText -Text $help.Synopsis)))
    }

    It 'prints the synopsis and every parameter with its description with Get-Help -Full' {
        $text = Get-TestFlatText -Text ($help | Out-String -Width 250)
        $text | Should -Match ([regex]::Escape((Get-TestFlatText -Text $help.Synopsis)))
        foreach ($name in $parameterNames) {
            $text | Should -Match ('-{0}\b' -f [regex]::Escape($name))
            $description = Get-TestFlatText -Text (($help.Parameters.Parameter | Where-Object -FilterScript { $_.Name -eq $name }).Description | Out-String)
            $description | Should -Not -BeNullOrEmpty -Because "-$name needs a .PARAMETER section"
            $start = $description.Substring(0, [System.Math]::Min(40, $description.Length))
            $text | Should -Match ([regex]::Escape($start)) -Because "Get-Help -Full shows the description of -$name"
        }
    }

    It 'is named in about_WritebackDiagnostics' {
        $about = Get-Help -Name 'about_WritebackDiagnostics' -ErrorAction Stop | Out-String
        $about | Should -Match ([regex]::Escape($commandName))
    }
}

Describe 'about_WritebackDiagnostics' {
    It 'is found by Get-Help' {
        $about = Get-Help -Name 'about_WritebackDiagnostics' -ErrorAction Stop | Out-String
        $about | Should -Match 'about_WritebackDiagnostics'
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'LONG DESCRIPTION'
        $about.Length | Should -BeGreaterThan 1000
    }
}

Describe 'Errors are ErrorRecords with stable ErrorIds' {
    BeforeAll {
        $script:MalformedSnapshot = [System.IO.Path]::Combine($TestDrive, 'malformed.json')
        $healthyText = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($script:PrerequisiteFixtures, 'healthy.json'))
        $malformedText = $healthyText -replace '"DotNetRelease": 528449', '"DotNetRelease": "abc"'
        $malformedText | Should -Not -Be $healthyText
        [System.IO.File]::WriteAllText($script:MalformedSnapshot, $malformedText)
        $script:MissingEvtx = [System.IO.Path]::Combine($TestDrive, 'missing.evtx')
        $script:ErrorCases = @{
            'Test-WritebackConnectivity' = @{ Script = { Test-WritebackConnectivity -Endpoint 'host.invalid:70000' -NoDefaultEndpoint -TimeoutSeconds 1 -ErrorAction $args[0] }; Needle = '70000' }
            'Test-WritebackEventLog'     = @{ Script = { Test-WritebackEventLog -Path $script:MissingEvtx -ErrorAction $args[0] }; Needle = 'missing.evtx' }
            'Test-WritebackPrerequisite' = @{ Script = { Test-WritebackPrerequisite -Path $script:MalformedSnapshot -ErrorAction $args[0] }; Needle = 'Connect.DotNetRelease' }
        }
        # The same calls for a separate runspace, as text: param($Manifest, $Path).
        $script:RunspaceCalls = @{
            'Test-WritebackConnectivity' = 'Test-WritebackConnectivity -Endpoint ''host.invalid:70000'' -NoDefaultEndpoint -TimeoutSeconds 1 -ErrorAction SilentlyContinue'
            'Test-WritebackEventLog'     = 'Test-WritebackEventLog -Path $Path -ErrorAction SilentlyContinue'
            'Test-WritebackPrerequisite' = 'Test-WritebackPrerequisite -Path $Path -ErrorAction SilentlyContinue'
        }
        $script:RunspacePaths = @{
            'Test-WritebackConnectivity' = ''
            'Test-WritebackEventLog'     = $script:MissingEvtx
            'Test-WritebackPrerequisite' = $script:MalformedSnapshot
        }
    }

    It '<_> stops with WbdInvalidInput,<_> for bad input' -ForEach @('Test-WritebackConnectivity', 'Test-WritebackEventLog', 'Test-WritebackPrerequisite') {
        $commandName = $_
        $case = $script:ErrorCases[$commandName]
        $record = $null
        try {
            & $case.Script 'Stop'
        } catch {
            $record = $_
        }
        $record | Should -Not -BeNullOrEmpty
        $record | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $record.FullyQualifiedErrorId | Should -Be ('WbdInvalidInput,{0}' -f $commandName)
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.Exception | Should -BeOfType [System.ArgumentException]
        $record.Exception.Message | Should -Match ([regex]::Escape($case.Needle))
        $record.TargetObject | Should -Not -BeNullOrEmpty
    }

    It 'leaves $Error[0] the ErrorRecord WbdInvalidInput,<_> after a non-terminating call with -ErrorAction SilentlyContinue, and the script goes on' -ForEach @('Test-WritebackConnectivity', 'Test-WritebackEventLog', 'Test-WritebackPrerequisite') {
        $commandName = $_
        $code = 'param ($Manifest, $Path) Import-Module -Name $Manifest -ErrorAction Stop; $Error.Clear(); ' + $script:RunspaceCalls[$commandName] + '; ''went on''; $Error.Count; , $Error[0]'
        $run = Invoke-TestRunspace -Script $code -ArgumentList @($script:ManifestPath, $script:RunspacePaths[$commandName])
        $run.Output.Count | Should -Be 3
        $run.Output[0] | Should -Be 'went on'
        $run.Output[1] | Should -BeGreaterOrEqual 1
        $record = $run.Output[2]
        $record | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $record.FullyQualifiedErrorId | Should -Be ('WbdInvalidInput,{0}' -f $commandName)
        $record.Exception | Should -BeOfType [System.ArgumentException]
    }
}

Describe 'Secrets in a proxy URL' {
    BeforeAll {
        # Runs Test-WritebackConnectivity with the secret proxy in its own runspace and returns what
        # it wrote: the verbose and output records, and every error in that runspace's $Error.
        $script:SecretScript = @'
param ($Manifest, $Proxy, $Endpoint)
Import-Module -Name $Manifest -ErrorAction Stop
$Error.Clear()
$collected = New-Object -TypeName System.Collections.ArrayList
Test-WritebackConnectivity -Proxy $Proxy -Endpoint $Endpoint -NoDefaultEndpoint -TimeoutSeconds 1 -Verbose -ErrorAction SilentlyContinue 4>&1 |
    ForEach-Object -Process { $null = $collected.Add($_) }
$caught = $null
try {
    Test-WritebackConnectivity -Proxy $Proxy -Endpoint $Endpoint -NoDefaultEndpoint -TimeoutSeconds 1 -ErrorAction Stop
} catch {
    $caught = $_
}
[PSCustomObject]@{
    Collected = $collected.ToArray()
    Caught    = $caught
    Errors    = @($Error)
    ErrorText = ($Error | Out-String -Width 300)
}
'@
    }

    It 'never shows the proxy password with <Case>' -ForEach @(
        @{ Case = 'a reachable-looking endpoint'; Endpoint = '127.0.0.1:1' }
        @{ Case = 'an invalid endpoint (port 70000)'; Endpoint = '127.0.0.1:70000' }
    ) {
        $run = Invoke-TestRunspace -Script $script:SecretScript -ArgumentList @($script:ManifestPath, $script:SecretProxy, $Endpoint)
        $run.Output.Count | Should -Be 1
        $capture = $run.Output[0]
        $secret = [regex]::Escape($script:ProxySecret)

        $verbose = @($capture.Collected | Where-Object -FilterScript { $_ -is [System.Management.Automation.VerboseRecord] })
        foreach ($record in $verbose) {
            $record.Message | Should -Not -Match $secret -Because 'the verbose stream must not show the proxy password'
        }
        $results = @($capture.Collected | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.VerboseRecord] })
        if ($results.Count -gt 0) {
            (ConvertTo-Json -InputObject $results -Depth 10) | Should -Not -Match $secret -Because 'results must not show the proxy password'
        }

        $records = @($capture.Errors) + @($run.Errors)
        if ($null -ne $capture.Caught) {
            $records += $capture.Caught
        }
        if ($Endpoint -like '*:70000') {
            $capture.Caught | Should -Not -BeNullOrEmpty -Because 'port 70000 is invalid'
            $capture.Caught.FullyQualifiedErrorId | Should -Be 'WbdInvalidInput,Test-WritebackConnectivity'
        }
        foreach ($record in $records) {
            $record.Exception.Message | Should -Not -Match $secret -Because 'the error message must not show the proxy password'
            $record.ToString() | Should -Not -Match $secret
            if ($null -ne $record.ErrorDetails) {
                $record.ErrorDetails.Message | Should -Not -Match $secret
            }
            if ($null -ne $record.TargetObject) {
                (ConvertTo-Json -InputObject $record.TargetObject -Depth 10 -Compress) | Should -Not -Match $secret -Because 'the error''s TargetObject must not hold the proxy password'
            }
            ($record | Out-String -Width 300) | Should -Not -Match $secret -Because 'the displayed error must not show the proxy password'
        }
        $capture.ErrorText | Should -Not -Match $secret -Because '$Error must not show the proxy password'
    }
}

Describe 'Dates in Evidence' {
    It 'keeps <Id>.Evidence.<Key> of <File> as the ISO 8601 string the engine wrote' -ForEach $evidenceDates {
        $value = (Get-TestResult -Results (Get-TestEventRun -Name $File) -Id $Id).Evidence.$Key
        , $value | Should -BeOfType [string] -Because 'Windows PowerShell 5.1 gives a string, and both editions must give the same type'
        $value | Should -BeExactly $Expected
    }

    It 'has no [datetime] anywhere in the Evidence of <_>' -ForEach @('relay-down.ps51.json', 'healthy.ps7.json', 'evtx-Application_no_crc32.evtx') {
        $dates = @(foreach ($result in (Get-TestEventRun -Name $_)) {
                Find-TestDateValue -Value $result.Evidence -Path ('{0}.Evidence' -f $result.Id)
            })
        $dates | Should -BeNullOrEmpty -Because ('these are [datetime], not ISO strings: {0}' -f ($dates -join ', '))
    }
}

Describe 'Importing the module' {
    It 'can be imported with -Force twice and still runs a check' {
        Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop -ErrorVariable firstErrors
        Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop -ErrorVariable secondErrors
        $firstErrors | Should -BeNullOrEmpty
        $secondErrors | Should -BeNullOrEmpty
        @(Get-Module -Name 'WritebackDiagnostics').Count | Should -Be 1
        $results = @(Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -TimeoutSeconds 1 -ErrorAction Stop)
        $tcp = Get-TestResult -Results $results -Id 'CONN-TCP'
        $tcp.Status | Should -Be 'Fail'
        $tcp.PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
        ($results | Out-String -Width 300) | Should -Match '(?m)^Status\s+Check\s+Target\s+Message'
    }

    It 'imports from a folder whose path has [ and ] in it, and runs a check there (fresh process)' {
        $parent = [System.IO.Path]::Combine($TestDrive, 'mod [x]')
        $null = [System.IO.Directory]::CreateDirectory($parent)
        $copy = [System.IO.Path]::Combine($parent, 'WritebackDiagnostics')
        Copy-Item -LiteralPath $script:ModulePath -Destination $copy -Recurse -ErrorAction Stop
        $manifest = [System.IO.Path]::Combine($copy, 'WritebackDiagnostics.psd1')
        Test-Path -LiteralPath $manifest -PathType Leaf | Should -BeTrue
        # A fresh process: the engine this process already loaded must not stand in for the copy's.
        $command = @'
$ProgressPreference = 'SilentlyContinue'
try {
    Import-Module -Name '__MANIFEST__' -ErrorAction Stop
    'BASE ' + (Get-Module -Name 'WritebackDiagnostics').ModuleBase
    Test-WritebackConnectivity -Endpoint 127.0.0.1:1 -NoDefaultEndpoint -TimeoutSeconds 1 -ErrorAction Stop |
        ForEach-Object -Process { 'ROW {0} {1}' -f $_.Id, $_.Status }
} catch {
    'ERROR ' + $_.FullyQualifiedErrorId + ': ' + $_.Exception.Message
}
'@.Replace('__MANIFEST__', ($manifest -replace "'", "''"))
        $run = Invoke-TestChildPowerShell -Command $command -TimeoutSeconds 45
        $run.TimedOut | Should -BeFalse
        $run.StdOut | Should -Not -Match 'ERROR '
        $run.StdOut | Should -Match ('BASE ' + [regex]::Escape($copy))
        $run.StdOut | Should -Match 'ROW CONN-TCP Fail'
        $run.ExitCode | Should -Be 0
    }
}
