#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Test-WritebackConnectivity run for real (no mocks) against loopback servers: a trusted TLS
# server, one with a certificate for the wrong name, a refused port, a silent server, a
# server that keeps idle sessions open, a relay that resets idle flows, a relay that never
# ends them (its open-flow count shows when the client closes them), and tinyproxy allowing
# and refusing CONNECT. The servers come from tests/support (the Rust tests' own loopback
# servers) through the cargo example examples/loopback_servers.rs, which prints one JSON
# line naming them and serves until its stdin reaches EOF. It is found through
# $env:WBD_LOOPBACK_SERVERS or at target/debug/examples/loopback_servers; when it is missing
# every test here fails (build it with `cargo build --examples`), none is skipped. The
# helper needs tinyproxy on PATH (Linux CI installs it), so the block is tagged 'Loopback'
# for a runner without it to leave out explicitly (Filter.ExcludeTag), not silently.

Describe 'Test-WritebackConnectivity against loopback servers' -Tag 'Loopback' {
    BeforeAll {
        $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
        . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
        $script:ModulePath = Get-TestModulePath
        $script:ManifestPath = [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')
        Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop

        $script:OnWindows = [System.IO.Path]::DirectorySeparatorChar -eq '\'
        $script:Activity = 'Testing password writeback connectivity'
        $script:PendingRead = $null
        $script:ServersProcess = $null
        $script:ServersStderr = $null

        $helper = $env:WBD_LOOPBACK_SERVERS
        if (-not $helper) {
            $name = 'loopback_servers'
            if ($script:OnWindows) {
                $name = 'loopback_servers.exe'
            }
            $helper = [System.IO.Path]::Combine($repoRoot, 'target', 'debug', 'examples', $name)
        }
        if (-not (Test-Path -LiteralPath $helper -PathType Leaf)) {
            throw ('The loopback server program is missing: no file at {0}. Build it with "cargo build --examples" (or set WBD_LOOPBACK_SERVERS to its path). These tests fail rather than skip without it.' -f $helper)
        }

        function Get-LoopbackStderr {
            # What the helper wrote to stderr, once it has exited (a panic message, for example).
            if ($null -ne $script:ServersStderr -and $script:ServersStderr.Wait(2000)) {
                return [string]$script:ServersStderr.Result
            }
            return '(stderr not available: the program is still running)'
        }

        function Read-LoopbackLine {
            # One line from the helper's stdout, within a deadline. A read that timed out stays
            # pending and is picked up by the next call (a StreamReader allows one read at a time).
            param ([int] $TimeoutMilliseconds = 5000)
            if ($null -eq $script:PendingRead) {
                $script:PendingRead = $script:ServersProcess.StandardOutput.ReadLineAsync()
            }
            if (-not $script:PendingRead.Wait($TimeoutMilliseconds)) {
                throw ('The loopback server program printed nothing within {0} ms.' -f $TimeoutMilliseconds)
            }
            $line = $script:PendingRead.Result
            $script:PendingRead = $null
            if ($null -eq $line) {
                throw ('The loopback server program ended its output (exited?). Its stderr: {0}' -f (Get-LoopbackStderr))
            }
            return $line
        }

        function Get-LoopbackCount {
            # Live connection counts: ResetRelay/OpenRelay (OpenFlows, Accepted, EndedIdle) and
            # Accepted of each server.
            $script:ServersProcess.StandardInput.WriteLine('counts')
            $script:ServersProcess.StandardInput.Flush()
            $line = Read-LoopbackLine
            $counts = ConvertFrom-Json -InputObject $line
            if ($null -ne $counts.PSObject.Properties['Error']) {
                throw ('The loopback server program refused "counts": {0}' -f $counts.Error)
            }
            return $counts
        }

        function Wait-LoopbackCondition {
            # Polls $Condition until it returns $true or the deadline passes; returns the last result.
            param (
                [scriptblock] $Condition,
                [int] $TimeoutMilliseconds
            )
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            while ($true) {
                $ok = [bool](& $Condition)
                if ($ok -or $clock.ElapsedMilliseconds -ge $TimeoutMilliseconds) {
                    return $ok
                }
                Start-Sleep -Milliseconds 50
            }
        }

        function Get-Row {
            # The single result with this Id (the tests probe one endpoint at a time).
            param (
                [object[]] $Results,
                [string] $Id
            )
            $rows = @($Results | Where-Object -FilterScript { $_.Id -eq $Id })
            if ($rows.Count -ne 1) {
                throw ('Expected exactly one {0} result, got {1}: {2}' -f $Id, $rows.Count, (($Results | ForEach-Object -Process { '{0}={1}' -f $_.Id, $_.Status }) -join ', '))
            }
            return $rows[0]
        }

        function Format-Results {
            # A compact dump for assertion messages.
            param ([object[]] $Results)
            return (($Results | ForEach-Object -Process { '{0} {1} {2}: {3}' -f $_.Id, $_.Status, $_.Evidence.Outcome, $_.Message }) -join ' | ')
        }

        function Get-StreamItem {
            # A copy of a PowerShell instance's stream (Progress, Error), read by index: enumerating
            # a PSDataCollection that is still open blocks until the pipeline ends.
            param ([object] $Collection)
            $count = $Collection.Count
            for ($i = 0; $i -lt $count; $i++) {
                $Collection[$i]
            }
        }

        $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
        $startInfo.FileName = $helper
        $startInfo.WorkingDirectory = $repoRoot
        $startInfo.UseShellExecute = $false
        $startInfo.CreateNoWindow = $true
        $startInfo.RedirectStandardInput = $true
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $script:ServersProcess = [System.Diagnostics.Process]::Start($startInfo)
        $script:ServersProcess.StandardInput.AutoFlush = $true
        # Drained all along, so that a chatty stderr can never block the helper.
        $script:ServersStderr = $script:ServersProcess.StandardError.ReadToEndAsync()

        # Certificates, two tinyproxy processes and the servers start within a few seconds.
        $first = Read-LoopbackLine -TimeoutMilliseconds 30000
        $script:Loopback = ConvertFrom-Json -InputObject $first
        foreach ($key in @('CaFile', 'Good', 'WrongName', 'Refused', 'Silent', 'IdleServer', 'ResetRelay', 'OpenRelay', 'ProxyAllow', 'ProxyDeny')) {
            if (-not $script:Loopback.PSObject.Properties[$key] -or -not $script:Loopback.$key) {
                throw ('The loopback server program did not name {0}: {1}' -f $key, $first)
            }
        }
        if (-not (Test-Path -LiteralPath $script:Loopback.CaFile -PathType Leaf)) {
            throw ('The test CA file {0} does not exist.' -f $script:Loopback.CaFile)
        }
    }

    AfterAll {
        if ($null -ne $script:ServersProcess) {
            try {
                # EOF on stdin ends the helper, which stops its servers and tinyproxy processes.
                try {
                    $script:ServersProcess.StandardInput.Close()
                } catch {
                    Write-Verbose -Message ('Closing the helper''s stdin: {0}' -f $_.Exception.Message)
                }
                if (-not $script:ServersProcess.WaitForExit(10000)) {
                    $script:ServersProcess.Kill()
                    $null = $script:ServersProcess.WaitForExit(5000)
                }
            } finally {
                $script:ServersProcess.Dispose()
            }
        }
        Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
    }

    Context 'direct route' {
        It 'passes TLS and HTTP against a server whose certificate chains to -CaFile' {
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.Good -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2)
            $text = Format-Results -Results $results
            # The stages of the endpoint, then the rows about the whole run (the test certificate
            # names no revocation server).
            @($results | ForEach-Object -Process { $_.Id }) | Should -Be @('CONN-DNS', 'CONN-TCP', 'CONN-TLS', 'CONN-HTTP', 'CONN-REVOCATION', 'CONN-CLOCK', 'CONN-ALLOWLIST') -Because $text
            foreach ($r in @($results | Where-Object -FilterScript { $_.Evidence.Scope -ne 'Run' })) {
                $r.PSObject.TypeNames | Should -Contain 'WritebackDiagnostics.CheckResult'
                $r.Target | Should -Be $script:Loopback.Good
                $r.Status | Should -Be 'Pass' -Because $text
                $r.Evidence.Route | Should -Be 'Direct'
            }
            (Get-Row -Results $results -Id 'CONN-REVOCATION').Evidence.Outcome | Should -Be 'NoneNamed'
            # The server's answer carries no Date header, so the clock is not compared.
            (Get-Row -Results $results -Id 'CONN-CLOCK').Status | Should -Be 'Skipped'
            $allow = Get-Row -Results $results -Id 'CONN-ALLOWLIST'
            $allow.Status | Should -Be 'Pass' -Because $text
            @($allow.Evidence.HostPorts) | Should -Be @($script:Loopback.Good)
            $tls = Get-Row -Results $results -Id 'CONN-TLS'
            $tls.Evidence.Outcome | Should -Be 'Established'
            $http = Get-Row -Results $results -Id 'CONN-HTTP'
            $http.Evidence.Outcome | Should -Be 'Responded'
            $http.Evidence.StatusCode | Should -Be 401
        }

        It 'fails TLS with NameMismatch against a certificate for another name' {
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.WrongName -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2)
            $text = Format-Results -Results $results
            (Get-Row -Results $results -Id 'CONN-TCP').Status | Should -Be 'Pass' -Because $text
            $tls = Get-Row -Results $results -Id 'CONN-TLS'
            $tls.Status | Should -Be 'Fail' -Because $text
            $tls.Evidence.Outcome | Should -Be 'NameMismatch'
            $tls.Remediation | Should -Not -BeNullOrEmpty
            (Get-Row -Results $results -Id 'CONN-HTTP').Status | Should -Be 'Skipped'
        }

        It 'fails TCP with Refused on a port nothing listens on' {
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.Refused -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2)
            $text = Format-Results -Results $results
            (Get-Row -Results $results -Id 'CONN-DNS').Status | Should -Be 'Pass' -Because $text
            $tcp = Get-Row -Results $results -Id 'CONN-TCP'
            $tcp.Status | Should -Be 'Fail' -Because $text
            $tcp.Evidence.Outcome | Should -Be 'Refused'
            (Get-Row -Results $results -Id 'CONN-TLS').Status | Should -Be 'Skipped'
            (Get-Row -Results $results -Id 'CONN-HTTP').Status | Should -Be 'Skipped'
        }
    }

    Context 'through tinyproxy' {
        It 'passes CONN-PROXY when the proxy allows CONNECT, and TLS and HTTP through the tunnel' {
            $before = (Get-LoopbackCount).Good.Accepted
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.Good -NoDefaultEndpoint -Proxy $script:Loopback.ProxyAllow -CaFile $script:Loopback.CaFile -TimeoutSeconds 2)
            $text = Format-Results -Results $results
            @($results | ForEach-Object -Process { $_.Id }) | Should -Be @('CONN-DNS', 'CONN-PROXY', 'CONN-TLS', 'CONN-HTTP', 'CONN-REVOCATION', 'CONN-CLOCK', 'CONN-ALLOWLIST') -Because $text
            $proxy = Get-Row -Results $results -Id 'CONN-PROXY'
            $proxy.Status | Should -Be 'Pass' -Because $text
            $proxy.Evidence.Outcome | Should -Be 'Tunnelled'
            $proxy.Evidence.StatusCode | Should -Be 200
            $proxy.Evidence.Route | Should -Be 'Proxy'
            $proxy.Evidence.Proxy | Should -BeLike ('*{0}*' -f ([uri]$script:Loopback.ProxyAllow).Authority)
            (Get-Row -Results $results -Id 'CONN-TLS').Status | Should -Be 'Pass' -Because $text
            (Get-Row -Results $results -Id 'CONN-HTTP').Status | Should -Be 'Pass' -Because $text
            # The tunnel really reached the server.
            (Get-LoopbackCount).Good.Accepted | Should -BeGreaterThan $before
        }

        It 'fails CONN-PROXY with Forbidden when the proxy refuses CONNECT' {
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.Good -NoDefaultEndpoint -Proxy $script:Loopback.ProxyDeny -CaFile $script:Loopback.CaFile -TimeoutSeconds 2)
            $text = Format-Results -Results $results
            $proxy = Get-Row -Results $results -Id 'CONN-PROXY'
            $proxy.Status | Should -Be 'Fail' -Because $text
            $proxy.Evidence.Outcome | Should -Be 'Forbidden'
            $proxy.Evidence.StatusCode | Should -Be 403
            (Get-Row -Results $results -Id 'CONN-TLS').Status | Should -Be 'Skipped'
            (Get-Row -Results $results -Id 'CONN-HTTP').Status | Should -Be 'Skipped'
        }
    }

    Context '-Quiet' {
        It 'returns exactly one <Expected> for the <Server> server, without writing errors' -ForEach @(
            @{ Server = 'Good'; Expected = $true }
            @{ Server = 'Refused'; Expected = $false }
        ) {
            $errors = $null
            $out = @(Test-WritebackConnectivity -Endpoint $script:Loopback.$Server -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2 -Quiet -ErrorVariable errors)
            $out.Count | Should -Be 1
            $out[0] | Should -BeOfType [bool]
            $out[0] | Should -Be $Expected
            @($errors).Count | Should -Be 0
        }
    }

    Context '-IdleTimeout' {
        It 'reports the cut when a relay resets flows idle for 2 s (checkpoints 1 and 3.5 s)' {
            $before = (Get-LoopbackCount).ResetRelay.EndedIdle
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.ResetRelay -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2 -IdleTimeout -Checkpoint 1, 3.5)
            $text = Format-Results -Results $results
            foreach ($id in @('CONN-DNS', 'CONN-TCP', 'CONN-TLS', 'CONN-HTTP')) {
                (Get-Row -Results $results -Id $id).Status | Should -Be 'Pass' -Because $text
            }
            $idle = Get-Row -Results $results -Id 'CONN-IDLE'
            $idle.Check | Should -Be 'IdleTimeout'
            $idle.Status | Should -Be 'Fail' -Because $text
            $idle.Evidence.Outcome | Should -Be 'Reset'
            $idle.Evidence.RequirementSeconds | Should -Be 360
            $idle.Evidence.CutBySeconds | Should -Be 3.5
            $idle.Evidence.Route | Should -Be 'Direct'
            $checkpoints = @($idle.Evidence.Checkpoints)
            $checkpoints.Count | Should -Be 2
            $checkpoints[0].Seconds | Should -Be 1
            $checkpoints[0].Outcome | Should -Be 'Alive'
            $checkpoints[0].HttpStatus | Should -Be 200
            $checkpoints[1].Seconds | Should -Be 3.5
            $checkpoints[1].Outcome | Should -Be 'Reset'
            # The reset was seen while idle, about 2 s in (the relay's idle limit).
            [double]$checkpoints[1].EndedAfterSeconds | Should -BeGreaterOrEqual 1.8
            [double]$checkpoints[1].EndedAfterSeconds | Should -BeLessThan 3.4
            $idle.Title | Should -BeLike '*survive 1 s and are cut by 3.5 s*'
            $idle.Remediation | Should -BeLike '*at least 6 minutes*'
            (Get-LoopbackCount).ResetRelay.EndedIdle | Should -BeGreaterThan $before
        }

        It 'keeps every checkpoint Alive on a clean path (a Warning: shorter than 6 minutes)' {
            $results = @(Test-WritebackConnectivity -Endpoint $script:Loopback.IdleServer -NoDefaultEndpoint -NoProxy -CaFile $script:Loopback.CaFile -TimeoutSeconds 2 -IdleTimeout -Checkpoint 0.5, 1.5)
            $text = Format-Results -Results $results
            $idle = Get-Row -Results $results -Id 'CONN-IDLE'
            $idle.Status | Should -Be 'Warning' -Because $text
            $idle.Evidence.Outcome | Should -Be 'SurvivesShortTest'
            $idle.Evidence.SurvivedSeconds | Should -Be 1.5
            $checkpoints = @($idle.Evidence.Checkpoints)
            $checkpoints.Count | Should -Be 2
            foreach ($c in $checkpoints) {
                $c.Outcome | Should -Be 'Alive' -Because $text
                $c.HttpStatus | Should -Be 200
            }
        }
    }

    Context 'progress' {
        It 'writes progress records while the job runs and a Completed record at the end' {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param ($Manifest, $Endpoint, $CaFile) $ProgressPreference = ''Continue''; Import-Module -Name $Manifest -ErrorAction Stop; Test-WritebackConnectivity -Endpoint $Endpoint -NoDefaultEndpoint -NoProxy -CaFile $CaFile -TimeoutSeconds 2')
                $null = $ps.AddParameter('Manifest', $script:ManifestPath).AddParameter('Endpoint', $script:Loopback.Silent).AddParameter('CaFile', $script:Loopback.CaFile)
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $results = @($ps.Invoke())
                $clock.Stop()
                @(Get-StreamItem -Collection $ps.Streams.Error).Count | Should -Be 0 -Because (@(Get-StreamItem -Collection $ps.Streams.Error) -join '; ')
                # The silent server holds the TLS handshake until the 2 s stage deadline.
                $tls = Get-Row -Results $results -Id 'CONN-TLS'
                $tls.Status | Should -Be 'Fail'
                $tls.Evidence.Outcome | Should -Be 'HandshakeTimeout'
                $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 15

                $records = @(Get-StreamItem -Collection $ps.Streams.Progress | Where-Object -FilterScript { $_.Activity -eq $script:Activity })
                $running = @($records | Where-Object -FilterScript { $_.RecordType -eq [System.Management.Automation.ProgressRecordType]::Processing })
                $running.Count | Should -BeGreaterOrEqual 2 -Because 'the job is polled a few times a second for 2 s'
                foreach ($r in $running) {
                    $r.PercentComplete | Should -BeGreaterOrEqual 0
                    $r.PercentComplete | Should -BeLessOrEqual 100
                    $r.StatusDescription | Should -Not -BeNullOrEmpty
                }
                $records[-1].RecordType | Should -Be ([System.Management.Automation.ProgressRecordType]::Completed)
            } finally {
                $ps.Dispose()
            }
        }
    }

    Context 'Ctrl+C' {
        It 'stops an idle run within 1 s, closes its connections, frees the job and leaves no temporary file' {
            $ps = $null
            # Everything this process writes to the temporary directory now lands in a folder
            # that nothing else on the machine uses.
            $temp = Enter-TestTempDirectory
            $tempRoot = $temp.Path
            try {
                [System.IO.Path]::GetTempPath().TrimEnd('\', '/') | Should -Be $tempRoot.TrimEnd('\', '/')
                $tempBefore = @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Force -Recurse | ForEach-Object -Process { $_.FullName })

                $flowsBefore = (Get-LoopbackCount).OpenRelay.OpenFlows
                $flowsBefore | Should -Be 0

                $ps = [powershell]::Create()
                $null = $ps.AddScript('param ($Manifest, $Endpoint, $CaFile) $ProgressPreference = ''Continue''; Import-Module -Name $Manifest -ErrorAction Stop; Test-WritebackConnectivity -Endpoint $Endpoint -NoDefaultEndpoint -NoProxy -CaFile $CaFile -TimeoutSeconds 2 -IdleTimeout -Checkpoint 60')
                $null = $ps.AddParameter('Manifest', $script:ManifestPath).AddParameter('Endpoint', $script:Loopback.OpenRelay).AddParameter('CaFile', $script:Loopback.CaFile)
                $async = $ps.BeginInvoke()

                # In the idle phase: its progress says so, and the idle connection is open.
                $inIdle = Wait-LoopbackCondition -TimeoutMilliseconds 20000 -Condition {
                    @(Get-StreamItem -Collection $ps.Streams.Progress | Where-Object -FilterScript { $_.StatusDescription -like 'Idle test*' }).Count -gt 0
                }
                $inIdle | Should -BeTrue -Because ('the idle phase should start within 20 s (state {0}, errors: {1})' -f $ps.InvocationStateInfo.State, (@(Get-StreamItem -Collection $ps.Streams.Error) -join '; '))
                $held = Wait-LoopbackCondition -TimeoutMilliseconds 5000 -Condition { (Get-LoopbackCount).OpenRelay.OpenFlows -ge 1 }
                $held | Should -BeTrue -Because ('the idle connection goes through the relay (counts {0})' -f (ConvertTo-Json -InputObject (Get-LoopbackCount) -Compress))
                $async.IsCompleted | Should -BeFalse

                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $clock.Stop()
                $clock.Elapsed.TotalMilliseconds | Should -BeLessThan 1000
                $ps.InvocationStateInfo.State | Should -Be ([System.Management.Automation.PSInvocationState]::Stopped)

                # The cancelled job closed its sockets: the relay sees no open flow.
                $closed = Wait-LoopbackCondition -TimeoutMilliseconds 3000 -Condition { (Get-LoopbackCount).OpenRelay.OpenFlows -eq 0 }
                $closed | Should -BeTrue -Because ('the relay still has {0} open flow(s) after Stop()' -f (Get-LoopbackCount).OpenRelay.OpenFlows)

                # The job was freed: ids are never reused and only the stopped run started a
                # job since, so the id just before a new job's is the stopped run's, and the
                # engine no longer knows it.
                $probe = [WritebackDiagnostics.Native]::JobStart('{"Command":"connectivity","Options":{"NoSuchOption":1}}')
                try {
                    $probe | Should -BeGreaterThan ([uint64]1)
                    $stale = ConvertFrom-Json -InputObject ([WritebackDiagnostics.Native]::JobPoll([uint64]($probe - 1)))
                    $stale.Ok | Should -BeFalse
                    $stale.Error.Code | Should -Be 'UnknownJob'
                } finally {
                    [WritebackDiagnostics.Native]::JobFree($probe)
                }

                # Ctrl+C removed the progress bar.
                $records = @(Get-StreamItem -Collection $ps.Streams.Progress | Where-Object -FilterScript { $_.Activity -eq $script:Activity })
                $records[-1].RecordType | Should -Be ([System.Management.Automation.ProgressRecordType]::Completed)

                $tempAfter = @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Force -Recurse | ForEach-Object -Process { $_.FullName })
                @($tempAfter | Where-Object -FilterScript { $tempBefore -notcontains $_ }) | Should -BeNullOrEmpty
            } finally {
                if ($null -ne $ps) {
                    # After a failed assertion the run may still be going: stop it (bounded)
                    # rather than wait for the 60 s checkpoint in Dispose.
                    if ($ps.InvocationStateInfo.State -eq [System.Management.Automation.PSInvocationState]::Running) {
                        $stopping = $ps.BeginStop($null, $null)
                        $null = $stopping.AsyncWaitHandle.WaitOne(5000)
                    }
                    $ps.Dispose()
                }
                Exit-TestTempDirectory -State $temp
            }
        }
    }
}
