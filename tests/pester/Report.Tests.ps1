#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Export-WritebackReport: what it sends to the engine's report command (the
# Report built from the piped results, the resolved path, the computer name), -PassThru, a run
# without pipeline input, path errors; and the HTML file the engine writes, which needs the
# engine's report command.

BeforeAll {
    $script:RepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ManifestPath = [System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop

    function New-TestResult {
        param ([string] $Id, [string] $Status = 'Pass', [object] $Evidence)
        if ($null -eq $Evidence) {
            $Evidence = [PSCustomObject]@{ Outcome = 'Mocked' }
        }
        [PSCustomObject]@{
            PSTypeName = 'WritebackDiagnostics.CheckResult'
            Id = $Id; Check = 'Test'; Target = 'here'; Status = $Status; Title = $Id; Message = ('{0} message' -f $Id)
            Remediation = ''; DocsUrl = ''; Evidence = $Evidence; DurationMs = [long]2
        }
    }
    $script:Results = @(
        New-TestResult -Id 'PRE-TLS12' -Status 'Pass'
        New-TestResult -Id 'PRE-OS' -Status 'Warning'
        New-TestResult -Id 'CONN-TCP' -Status 'Fail'
        New-TestResult -Id 'CONN-TLS' -Status 'Skipped'
        New-TestResult -Id 'EVT-HEARTBEAT' -Status 'Fail'
    )

    # Stands in for the engine's report command: keeps what it was sent and writes a file.
    function Set-TestEngineMock {
        $script:Sent = $null
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WbdRequest' -ParameterFilter { $Command -eq 'report' } -MockWith {
            $script:Sent = [PSCustomObject]@{
                Options = $Options
                Report  = (Get-Content -LiteralPath $Options['ReportPath'] -Raw | ConvertFrom-Json)
            }
            [System.IO.File]::WriteAllText($Options['Path'], '<html></html>')
            [PSCustomObject]@{ Results = @() }
        }
    }
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Export-WritebackReport (engine call mocked)' {
    BeforeEach {
        Set-TestEngineMock
    }

    It 'builds one Report from the piped results and returns the FileInfo' {
        $file = $script:Results | Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'piped.html'))
        @($file).Count | Should -Be 1
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be ([System.IO.Path]::Combine($TestDrive, 'piped.html'))
        $report = $script:Sent.Report
        $report.Tool | Should -Be 'WritebackDiagnostics'
        $report.Version | Should -Be ([string](Get-Module -Name 'WritebackDiagnostics').Version)
        $report.Command | Should -Be 'all'
        [System.DateTimeOffset]::Parse([string]$report.StartedAt, [System.Globalization.CultureInfo]::InvariantCulture) | Should -Not -BeNullOrEmpty
        $report.DurationMs | Should -BeGreaterOrEqual 0
        @($report.Results | ForEach-Object -Process { $_.Id }) | Should -Be @('PRE-TLS12', 'PRE-OS', 'CONN-TCP', 'CONN-TLS', 'EVT-HEARTBEAT')
        '{0} {1} {2} {3} {4}' -f $report.Summary.Pass, $report.Summary.Warning, $report.Summary.Fail, $report.Summary.Skipped, $report.Summary.Error | Should -Be '1 1 2 1 0'
        $script:Sent.Options['ComputerName'] | Should -Not -BeNullOrEmpty
        [System.IO.File]::Exists($script:Sent.Options['ReportPath']) | Should -BeFalse -Because 'the temporary report file is deleted'
    }

    It 'names the one suite as the Command when all results come from it' {
        $null = $script:Results | Where-Object -FilterScript { $_.Id -like 'CONN-*' } | Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'conn.html'))
        $script:Sent.Report.Command | Should -Be 'connectivity'
    }

    It 'resolves a relative -Path against the PowerShell location, literally (brackets are not wildcards)' {
        $folder = [System.IO.Path]::Combine($TestDrive, 'out [1]')
        $null = [System.IO.Directory]::CreateDirectory($folder)
        Push-Location -LiteralPath $folder
        try {
            $file = $script:Results | Export-WritebackReport -Path 'report [a].html'
        } finally {
            Pop-Location
        }
        $expected = [System.IO.Path]::Combine($folder, 'report [a].html')
        $script:Sent.Options['Path'] | Should -Be $expected
        $file.FullName | Should -Be $expected
    }

    It 'stops with WbdInvalidInput for a folder path, and for a path whose folder does not exist' {
        { $script:Results | Export-WritebackReport -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'WbdInvalidInput,Export-WritebackReport'
        { $script:Results | Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'nope', 'r.html')) -ErrorAction Stop } | Should -Throw -ErrorId 'WbdInvalidInput,Export-WritebackReport'
        $script:Sent | Should -BeNullOrEmpty
    }

    It 'passes the results on with -PassThru, then the FileInfo' {
        $out = @($script:Results | Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'pass.html')) -PassThru)
        $out.Count | Should -Be 6
        @($out[0..4] | ForEach-Object -Process { $_.Id }) | Should -Be @('PRE-TLS12', 'PRE-OS', 'CONN-TCP', 'CONN-TLS', 'EVT-HEARTBEAT')
        $out[5] | Should -BeOfType [System.IO.FileInfo]
    }

    It 'runs Invoke-WritebackDiagnostic itself without pipeline input, passing -Suite' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WritebackDiagnostic' -MockWith { New-TestResult -Id 'EVT-READ' }
        $file = Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'self.html')) -Suite 'events'
        $file | Should -BeOfType [System.IO.FileInfo]
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Invoke-WritebackDiagnostic' -Times 1 -Exactly -ParameterFilter { @($Suite) -join ',' -eq 'events' }
        @($script:Sent.Report.Results | ForEach-Object -Process { $_.Id }) | Should -Be @('EVT-READ')
    }

    It 'accepts deserialized results (from Invoke-Command)' {
        $copies = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($script:Results))
        $null = $copies | Export-WritebackReport -Path ([System.IO.Path]::Combine($TestDrive, 'remote.html'))
        @($script:Sent.Report.Results).Count | Should -Be 5
        $script:Sent.Report.Summary.Fail | Should -Be 2
    }
}

Describe 'Export-WritebackReport with the engine (needs the engine''s report command)' {
    It 'writes a self-contained HTML file with the counts' {
        $path = [System.IO.Path]::Combine($TestDrive, 'real.html')
        $file = $script:Results | Export-WritebackReport -Path $path -ErrorAction Stop
        $file.FullName | Should -Be $path
        $html = [System.IO.File]::ReadAllText($path)
        $html | Should -Match '<html'
        $html | Should -Match 'CONN-TCP'
        $html | Should -Match 'EVT-HEARTBEAT'
        $html | Should -Not -Match '<script[^>]+src=|<link[^>]+href=\s*"http' -Because 'the report is self-contained'
        foreach ($count in @('Pass', 'Warning', 'Fail', 'Skipped')) {
            $html | Should -Match $count
        }
        $html | Should -Match '\b2\b' -Because 'two checks failed'
    }
}
