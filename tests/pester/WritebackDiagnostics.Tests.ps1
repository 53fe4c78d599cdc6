#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the built module, run on the Windows CI runner under both Windows
# PowerShell 5.1 and PowerShell 7 (.github/workflows/windows.yml). They import the folder
# that scripts/Build-Module.ps1 writes (target/module/WritebackDiagnostics), or the one in
# $env:WBD_MODULE_PATH. The probes only touch loopback: 127.0.0.1:1 is a closed port.

BeforeDiscovery {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $modulePath = Get-TestModulePath
    Import-Module -Name ([System.IO.Path]::Combine($modulePath, 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    $exportedCommands = @((Get-Module -Name 'WritebackDiagnostics').ExportedFunctions.Keys)
}

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    $script:ManifestPath = [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop

    $script:ClosedEndpoint = '127.0.0.1:1'
    $script:Statuses = @('Pass', 'Warning', 'Fail', 'Skipped', 'Error')
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports exactly the functions in Public/' {
        $public = @(Get-ChildItem -Path ([System.IO.Path]::Combine($script:ModulePath, 'Public')) -Filter '*.ps1' | ForEach-Object -Process { $_.BaseName } | Sort-Object)
        $exported = @((Get-Module -Name 'WritebackDiagnostics').ExportedFunctions.Keys | Sort-Object)
        $exported | Should -Be $public
    }

    It 'exports no cmdlets, variables or aliases' {
        $module = Get-Module -Name 'WritebackDiagnostics'
        $module.ExportedCmdlets.Count | Should -Be 0
        $module.ExportedVariables.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    It 'supports Windows PowerShell 5.1 and PowerShell 7' {
        $manifest = Test-ModuleManifest -Path $script:ManifestPath
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.CompatiblePSEditions | Should -Contain 'Desktop'
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
    }

    It 'loads in this edition (<_>)' -ForEach @($PSVersionTable.PSEdition) {
        Get-Module -Name 'WritebackDiagnostics' | Should -Not -BeNullOrEmpty
    }

    It 'ships the format file it names' {
        foreach ($format in (Test-ModuleManifest -Path $script:ManifestPath).ExportedFormatFiles) {
            Test-Path -LiteralPath $format -PathType Leaf | Should -BeTrue
        }
    }
}

Describe 'Help for <_>' -ForEach $exportedCommands {
    BeforeAll {
        $commandName = $_
        $command = Get-Command -Name $commandName
        $help = Get-Help -Name $commandName -Full
        $commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
    }

    It 'has a written synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without comment-based help, Get-Help makes the synopsis from the syntax.
        $help.Synopsis | Should -Not -BeLike "*$commandName*-*"
    }

    It 'has a description' {
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with an explanation' {
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents every parameter' {
        foreach ($name in $command.Parameters.Keys) {
            if ($commonParameters -contains $name) {
                continue
            }
            $parameterHelp = $help.Parameters.Parameter | Where-Object -FilterScript { $_.Name -eq $name }
            ($parameterHelp.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a .PARAMETER section"
        }
    }

    It 'declares an output type' {
        $command.OutputType.Count | Should -BeGreaterThan 0
    }
}

Describe 'Test-WritebackConnectivity' {
    Context 'against a closed loopback port' {
        BeforeAll {
            $script:Results = @(Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -TimeoutSeconds 5 -ErrorVariable runErrors)
            $script:RunErrors = $runErrors
        }

        It 'emits WritebackDiagnostics.CheckResult objects' {
            $script:Results.Count | Should -BeGreaterThan 0
            foreach ($result in $script:Results) {
                $result.PSTypeNames[0] | Should -Be 'WritebackDiagnostics.CheckResult'
            }
        }

        It 'gives every result a known Status, an Id and an Evidence object with an Outcome' {
            foreach ($result in $script:Results) {
                $result.Status | Should -BeIn $script:Statuses
                $result.Id | Should -Match '^[A-Z]+-[A-Z]+$'
                $result.Evidence | Should -Not -BeNullOrEmpty
                $result.Evidence | Should -Not -BeOfType [string]
                $result.Evidence.Outcome | Should -Not -BeNullOrEmpty
            }
        }

        It 'reports the refused TCP connection as a failed check' {
            $tcp = @($script:Results | Where-Object -FilterScript { $_.Id -eq 'CONN-TCP' })
            $tcp.Count | Should -Be 1
            $tcp[0].Status | Should -Be 'Fail'
            $tcp[0].Target | Should -Be $script:ClosedEndpoint
        }

        It 'writes no error records for failed checks' {
            $script:RunErrors | Should -BeNullOrEmpty
        }

        It 'shows the default table view' {
            $table = $script:Results | Format-Table | Out-String
            $table | Should -Match 'Status\s+Check\s+Target\s+Message'
        }

        It 'keeps every property for ConvertTo-Json' {
            $json = $script:Results[0] | ConvertTo-Json -Depth 5 | ConvertFrom-Json
            foreach ($property in 'Id', 'Check', 'Target', 'Status', 'Title', 'Message', 'Remediation', 'DocsUrl', 'Evidence', 'DurationMs') {
                $json.PSObject.Properties.Name | Should -Contain $property
            }
        }
    }

    Context '-Quiet' {
        It 'returns exactly one [bool] and writes no errors' {
            $answer = Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -TimeoutSeconds 5 -Quiet -ErrorVariable quietErrors
            @($answer).Count | Should -Be 1
            $answer | Should -BeOfType [bool]
            $answer | Should -BeFalse
            $quietErrors | Should -BeNullOrEmpty
        }

        It 'is its own parameter set' {
            (Get-Command -Name 'Test-WritebackConnectivity').ParameterSets.Name | Should -Contain 'Quiet'
        }
    }

    Context 'bad input' {
        It 'rejects a port above 65535 with WbdInvalidInput' {
            { Test-WritebackConnectivity -Endpoint 'host.invalid:70000' -NoDefaultEndpoint } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        }

        It 'rejects -NoDefaultEndpoint without -Endpoint with WbdInvalidInput' {
            { Test-WritebackConnectivity -NoDefaultEndpoint } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        }

        It 'rejects bad input under -Quiet too, instead of returning $false' {
            { Test-WritebackConnectivity -Endpoint 'host.invalid:70000' -NoDefaultEndpoint -Quiet } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        }

        It 'builds a complete error record' {
            $record = $null
            try {
                Test-WritebackConnectivity -Endpoint 'host.invalid:70000' -NoDefaultEndpoint -ErrorAction Stop
            } catch {
                $record = $_
            }
            $record | Should -Not -BeNullOrEmpty
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $record.Exception | Should -BeOfType [System.ArgumentException]
            $record.TargetObject | Should -Not -BeNullOrEmpty
            $record.Exception.Message | Should -Match '70000'
        }

        It 'validates -TimeoutSeconds before calling the engine' {
            { Test-WritebackConnectivity -TimeoutSeconds 0 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-WritebackConnectivity'
        }

        It 'validates -Cloud before calling the engine' {
            { Test-WritebackConnectivity -Cloud 'mars' } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-WritebackConnectivity'
        }

        It 'resolves a relative -CaFile against the current location' {
            Push-Location -LiteralPath $TestDrive
            try {
                $record = $null
                try {
                    Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -CaFile 'missing.pem' -ErrorAction Stop
                } catch {
                    $record = $_
                }
            } finally {
                Pop-Location
            }
            $record.FullyQualifiedErrorId | Should -Be 'WbdInvalidInput,Test-WritebackConnectivity'
            $record.Exception.Message.Contains([System.IO.Path]::Combine($TestDrive, 'missing.pem')) | Should -BeTrue
        }
    }

    Context '-IdleTimeout' {
        It 'skips the idle test of an endpoint whose connection fails, without waiting' {
            $elapsed = Measure-Command -Expression {
                $script:IdleResults = @(Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -NoProxy -IdleTimeout -Checkpoint 30 -TimeoutSeconds 5)
            }
            $idle = @($script:IdleResults | Where-Object -FilterScript { $_.Id -eq 'CONN-IDLE' })
            $idle.Count | Should -Be 1
            $idle[0].Check | Should -Be 'IdleTimeout'
            $idle[0].Status | Should -Be 'Skipped'
            $idle[0].Evidence.Outcome | Should -Be 'NotRun'
            $idle[0].Evidence.RequirementSeconds | Should -Be 360
            $elapsed.TotalSeconds | Should -BeLessThan 20
        }

        It 'adds no idle result without -IdleTimeout' {
            @($script:Results | Where-Object -FilterScript { $_.Id -eq 'CONN-IDLE' }).Count | Should -Be 0
        }

        It 'rejects -Checkpoint without -IdleTimeout with WbdInvalidInput' {
            { Test-WritebackConnectivity -Endpoint $script:ClosedEndpoint -NoDefaultEndpoint -Checkpoint 60 } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        }

        It 'validates -Checkpoint before calling the engine' {
            { Test-WritebackConnectivity -IdleTimeout -Checkpoint 0 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Test-WritebackConnectivity'
        }

        It 'rejects -NoProxy with -Proxy with WbdInvalidInput' {
            { Test-WritebackConnectivity -NoProxy -Proxy 'http://127.0.0.1:3128' } |
                Should -Throw -ErrorId 'WbdInvalidInput,Test-WritebackConnectivity'
        }
    }

    Context 'a module folder without its engine' {
        It 'fails Import-Module with WbdNativeLibraryNotFound' {
            $copy = [System.IO.Path]::Combine($TestDrive, 'WritebackDiagnostics')
            $null = New-Item -Path $copy -ItemType Directory
            Get-ChildItem -LiteralPath $script:ModulePath |
                Where-Object -FilterScript { $_.Name -ne 'runtimes' } |
                Copy-Item -Destination $copy -Recurse
            # A fresh process, so that the engine loaded by the other tests does not interfere.
            $manifest = [System.IO.Path]::Combine($copy, 'WritebackDiagnostics.psd1')
            $command = 'try { Import-Module -Name ''' + $manifest + ''' -ErrorAction Stop; ''imported'' } catch { $_.FullyQualifiedErrorId }'
            $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($command))
            $executable = (Get-Process -Id $PID).Path
            $output = & $executable -NoProfile -NonInteractive -EncodedCommand $encoded
            ($output | Out-String) | Should -Match 'WbdNativeLibraryNotFound'
        }
    }
}

Describe 'ConvertFrom-WbdJson' {
    It 'keeps ISO 8601 dates as strings, nested in objects and arrays' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $value = ConvertFrom-WbdJson -Json '{"StartedAt":"2026-12-01T10:00:00Z","Evidence":{"Seen":["2024-06-03T12:00:00+02:00"],"Count":2}}'
            $value.StartedAt | Should -BeOfType [string]
            $value.StartedAt | Should -Be '2026-12-01T10:00:00Z'
            @($value.Evidence.Seen)[0] | Should -BeOfType [string]
            $value.Evidence.Count | Should -Be 2
        }
    }

    It 'turns the [datetime] values of older PowerShell 7 releases back into round-trip text' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $parsed = [PSCustomObject]@{
                At   = [datetime]::new(2026, 12, 1, 10, 0, 0, [System.DateTimeKind]::Utc)
                List = @([datetime]::new(2024, 6, 3, 10, 0, 0, [System.DateTimeKind]::Utc), 'text')
            }
            $value = ConvertTo-WbdDateString -Value $parsed
            $value.At | Should -Be '2026-12-01T10:00:00.0000000Z'
            @($value.List)[0] | Should -Be '2024-06-03T10:00:00.0000000Z'
            @($value.List)[1] | Should -Be 'text'
        }
    }
}
