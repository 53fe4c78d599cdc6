#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the Connect configuration export in Test-WritebackPrerequisite: the
# -ServerConfigPath parameter, and the live run that exports the configuration itself with
# Get-ADSyncServerConfiguration (mocked: it copies the real Contoso export of
# tests/fixtures/serverconfig/contoso into the folder it is given). The engine's verdicts on
# edited copies of that export are tested in tests/serverconfig.rs.

BeforeAll {
    $repoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    Import-Module -Name ([System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop

    $script:Export = [System.IO.Path]::Combine($repoRoot, 'tests', 'fixtures', 'serverconfig', 'contoso')
    $script:Healthy = [System.IO.Path]::Combine($repoRoot, 'tests', 'fixtures', 'prerequisites', 'healthy.json')
    # What the engine makes of the real export (writeback is off in it).
    $script:ExportExpected = @(
        'PRE-CONFIG-WRITEBACK|contoso.onmicrosoft.com - AAD|Fail|Disabled'
        'PRE-CONFIG-SIGNSEAL|contoso.com|Pass|On'
        'PRE-CONFIG-USERJOIN|contoso.onmicrosoft.com - AAD|Pass|Present'
        'PRE-CONFIG-SCOPE|contoso.com|Pass|InScope'
    )
    $script:CreatedStubs = @(Add-TestStub -Stub ([ordered]@{ 'Get-ADSyncServerConfiguration' = 'param ([string] $Path)' }))

    function Get-TestConfigRow {
        param ([AllowEmptyCollection()] [object[]] $Results)
        @($Results | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' } | ForEach-Object -Process { '{0}|{1}|{2}|{3}' -f $_.Id, $_.Target, $_.Status, $_.Evidence.Outcome })
    }

    # A copy of the real export in a new folder under TestDrive; returns its path.
    function New-TestExportCopy {
        param ([string] $Name)
        $path = [System.IO.Path]::Combine($TestDrive, $Name)
        $null = New-Item -ItemType Directory -Path $path
        Copy-Item -Path ([System.IO.Path]::Combine($script:Export, '*')) -Destination $path -Recurse
        $path
    }

    # A live run on a Connect server whose collection is mocked away: Get-WritebackEnvironment
    # returns a snapshot without sections (so there is nothing to probe), and ADSync is loaded.
    function Set-TestLiveMock {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Get-WritebackEnvironment' -MockWith {
            [PSCustomObject]@{ SchemaVersion = 1; CollectedAt = '2026-12-02T10:00:00Z'; ComputerName = 'SYNC01' }
        }
        Mock -ModuleName $module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Get-Module' -MockWith { [PSCustomObject]@{ Name = 'ADSync' } } -ParameterFilter { $Name -eq 'ADSync' }
        Mock -ModuleName $module -CommandName 'Import-Module' -MockWith { throw 'Import-Module is not expected in these tests' }
    }
}

AfterAll {
    Remove-TestStub -Name $script:CreatedStubs
}

Describe 'Test-WritebackPrerequisite -ServerConfigPath' {
    It 'judges the real export with -Path: writeback off, sign-and-seal on, the join rule present, the scope' {
        $results = @(Test-WritebackPrerequisite -Path $script:Healthy -ServerConfigPath $script:Export -ErrorAction Stop)
        Get-TestConfigRow -Results $results | Should -Be $script:ExportExpected
        $scope = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONFIG-SCOPE' })[0]
        $scope.Evidence.Account | Should -BeExactly 'contoso.com\MSOL_d1edb676ca03'
        @($scope.Evidence.Partitions[0].Included) | Should -Be @('OU=CORP,DC=contoso,DC=com')
        @($scope.Evidence.Partitions[0].Excluded) | Should -Be @('DC=contoso,DC=com')
        $writeback = @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONFIG-WRITEBACK' })[0]
        $writeback.Remediation | Should -Match 'Set-ADSyncAADPasswordResetConfiguration'
        # The snapshot's rules still run.
        @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' })[0].Status | Should -Be 'Pass'
    }

    It 'works with -Environment and makes -Quiet $false (writeback is off in the export)' {
        $environment = Get-Content -LiteralPath $script:Healthy -Raw | ConvertFrom-Json
        Get-TestConfigRow -Results @(Test-WritebackPrerequisite -Environment $environment -ServerConfigPath $script:Export) | Should -Be $script:ExportExpected
        Test-WritebackPrerequisite -Environment $environment -Quiet | Should -BeTrue
        Test-WritebackPrerequisite -Environment $environment -ServerConfigPath $script:Export -Quiet | Should -BeFalse
    }

    It 'skips the configuration checks without an export, saying how to give one' {
        $results = @(Test-WritebackPrerequisite -Path $script:Healthy)
        foreach ($result in @($results | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' })) {
            '{0} {1}' -f $result.Status, $result.Evidence.Outcome | Should -Be 'Skipped NotSupplied'
            $result.Message | Should -Match '-ServerConfigPath'
        }
        @($results | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' }).Count | Should -Be 4
    }

    It 'takes the path literally and resolves a relative one against the current location' {
        $null = New-TestExportCopy -Name 'export[1]'
        Push-Location -LiteralPath $TestDrive
        try {
            $results = @(Test-WritebackPrerequisite -Path $script:Healthy -ServerConfigPath 'export[1]' -ErrorAction Stop)
        } finally {
            Pop-Location
        }
        Get-TestConfigRow -Results $results | Should -Be $script:ExportExpected
    }

    It 'stops with WbdInvalidInput for <Case>' -ForEach @(
        @{ Case = 'a path that does not exist'; Leaf = 'nowhere'; Needle = 'is not a folder' }
        @{ Case = 'a file'; Leaf = 'file.txt'; Needle = 'is not a folder' }
        @{ Case = 'a folder without Connectors'; Leaf = 'empty'; Needle = 'no Connectors folder' }
    ) {
        $target = [System.IO.Path]::Combine($TestDrive, $Leaf)
        if ($Leaf -eq 'file.txt') {
            Set-Content -LiteralPath $target -Value 'not an export'
        } elseif ($Leaf -eq 'empty') {
            $null = New-Item -ItemType Directory -Path $target
        }
        $record = $null
        try {
            Test-WritebackPrerequisite -Path $script:Healthy -ServerConfigPath $target -ErrorAction Stop
        } catch {
            $record = $_
        }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be 'WbdInvalidInput,Test-WritebackPrerequisite'
        $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $record.Exception.Message | Should -Match ([regex]::Escape($Needle))
        $record.Exception.Message | Should -Match 'Get-ADSyncServerConfiguration -Path'
    }

    It 'stops with WbdInvalidInput naming the file for malformed XML' {
        $copy = New-TestExportCopy -Name 'broken'
        $rule = [System.IO.Path]::Combine($copy, 'SynchronizationRules', 'SynchronizationRule_{6f1bc185-65f9-4175-a31e-70fc975f464a}.xml')
        Set-Content -LiteralPath $rule -Value '<synchronizationRule><name>'
        { Test-WritebackPrerequisite -Path $script:Healthy -ServerConfigPath $copy -ErrorAction Stop } | Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackPrerequisite' -ExpectedMessage '*SynchronizationRule_{6f1bc185-65f9-4175-a31e-70fc975f464a}.xml*not well-formed XML*'
    }
}

Describe 'Test-WritebackPrerequisite live on the Entra Connect server' {
    BeforeEach {
        Set-TestLiveMock
        $script:Temp = Enter-TestTempDirectory
        $script:ExportedTo = $null
    }

    AfterEach {
        Exit-TestTempDirectory -State $script:Temp
    }

    It 'exports the configuration into a new temporary folder, evaluates it and deletes the folder' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -MockWith {
            $script:ExportedTo = $Path
            Copy-Item -Path ([System.IO.Path]::Combine($script:Export, '*')) -Destination $Path -Recurse
        }
        $results = @(Test-WritebackPrerequisite -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue)
        Get-TestConfigRow -Results $results | Should -Be $script:ExportExpected
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -Times 1 -Exactly
        $script:ExportedTo | Should -Not -BeNullOrEmpty
        ([System.IO.Path]::GetDirectoryName($script:ExportedTo)) | Should -Be ($script:Temp.Path.TrimEnd([System.IO.Path]::DirectorySeparatorChar))
        Test-Path -LiteralPath $script:ExportedTo | Should -BeFalse
        @(Get-ChildItem -LiteralPath $script:Temp.Path -Force).Count | Should -Be 0 -Because 'the export folder and the snapshot file are deleted'
        $warnings | Should -BeNullOrEmpty
    }

    It 'reads -ServerConfigPath instead of exporting' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -MockWith { throw 'not expected' }
        $results = @(Test-WritebackPrerequisite -ServerConfigPath $script:Export -ErrorAction Stop)
        Get-TestConfigRow -Results $results | Should -Be $script:ExportExpected
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -Times 0 -Exactly
    }

    It 'skips the configuration checks with the reason when the export fails, and runs the rest' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -MockWith {
            $script:ExportedTo = $Path
            throw 'Access is denied.'
        }
        $all = @(Test-WritebackPrerequisite -WarningVariable warnings -WarningAction SilentlyContinue 2>&1)
        $errors = @($all | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty
        $results = @($all | Where-Object -FilterScript { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $config = @($results | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' })
        $config.Count | Should -Be 4
        foreach ($result in $config) {
            '{0} {1}' -f $result.Status, $result.Evidence.Outcome | Should -Be 'Skipped ExportFailed'
            $result.Evidence.Reason | Should -Match 'Access is denied'
        }
        @($results | Where-Object -FilterScript { $_.Id -eq 'PRE-CONNECT-VERSION' }).Count | Should -Be 1
        @($warnings).Count | Should -Be 1
        [string]$warnings[0] | Should -Match 'ExportFailed'
        Test-Path -LiteralPath $script:ExportedTo | Should -BeFalse
        @(Get-ChildItem -LiteralPath $script:Temp.Path -Force).Count | Should -Be 0
    }

    It 'does not try to export where Get-ADSyncServerConfiguration is missing' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -MockWith { throw 'not expected' }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdCommandAvailable' -MockWith { $false } -ParameterFilter { $Name -eq 'Get-ADSyncServerConfiguration' }
        $results = @(Test-WritebackPrerequisite -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue)
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-ADSyncServerConfiguration' -Times 0 -Exactly
        foreach ($result in @($results | Where-Object -FilterScript { $_.Id -like 'PRE-CONFIG-*' })) {
            '{0} {1}' -f $result.Status, $result.Evidence.Outcome | Should -Be 'Skipped ExportFailed'
            $result.Evidence.Reason | Should -Match 'ADSync'
        }
        $warnings | Should -BeNullOrEmpty
    }
}
