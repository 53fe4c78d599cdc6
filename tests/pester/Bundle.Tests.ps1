#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of Save-WritebackSupportBundle. The collectors are mocked as on an Entra
# Connect server (Windows, ADSync, the event log), each planting a secret (a proxy password, a
# token, a connector credential) in what it returns; the bundle must hold exactly the manifest
# and the items, none of those bytes, and leave no staging folder behind. The round trip
# through `wbdiag all --bundle` needs the engine's all command.

BeforeAll {
    $script:RepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ManifestPath = [System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop
    Add-Type -AssemblyName 'System.IO.Compression', 'System.IO.Compression.FileSystem'
    $script:OnWindows = ($PSVersionTable.PSEdition -ne 'Core') -or [bool]$IsWindows
    $script:CreatedStubs = @(Add-TestStub -Stub ([ordered]@{ 'Get-WinEvent' = 'param ([hashtable] $FilterHashtable, [long] $MaxEvents)' }))

    $script:ServerConfig = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'serverconfig', 'contoso')
    $script:Healthy = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'prerequisites', 'healthy.json')
    $script:EventsFixture = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures', 'events', 'healthy.ps7.json')
    $script:Planted = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'bundle', 'planted-connector.xml')

    $script:ProxySecret = 'Pr0xy-Bundle-Secret'
    $script:ConnectorSecret = 'C0nnector-Bundle-Secret'
    $script:Token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJidW5kbGUtdGVzdCJ9.YnVuZGxlLXNpZ25hdHVyZQ'
    $script:Secrets = @($script:ProxySecret, $script:ConnectorSecret, $script:Token)

    $script:Wbdiag = $env:WBD_WBDIAG
    if (-not $script:Wbdiag) {
        $name = 'wbdiag'
        if ($script:OnWindows) {
            $name = 'wbdiag.exe'
        }
        $script:Wbdiag = [System.IO.Path]::Combine($script:RepoRoot, 'target', 'debug', $name)
    }

    function Set-TestCollectorMock {
        $module = 'WritebackDiagnostics'
        Mock -ModuleName $module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName $module -CommandName 'Get-WritebackEnvironment' -MockWith {
            $snapshot = Get-Content -LiteralPath $script:Healthy -Raw | ConvertFrom-Json
            # Secrets a collector might return; Remove-WbdSecret must drop them.
            $snapshot.Connect | Add-Member -NotePropertyName 'ProxyPassword' -NotePropertyValue $script:ProxySecret -Force
            $snapshot.Connect | Add-Member -NotePropertyName 'ProxyAddress' -NotePropertyValue ('http://svc:{0}@proxy.contoso.com:8080' -f $script:ProxySecret) -Force
            $snapshot.Connect | Add-Member -NotePropertyName 'Note' -NotePropertyValue ('Bearer {0}' -f $script:Token) -Force
            $snapshot
        }
        Mock -ModuleName $module -CommandName 'Export-WbdWritebackEvent' -MockWith {
            $fixture = Get-Content -LiteralPath $script:EventsFixture -Raw | ConvertFrom-Json
            $events = @($fixture) + @([PSCustomObject]@{ Id = 31019; ProviderName = 'PasswordResetService'; TimeCreated = '2024-06-03T10:59:00Z'; Level = 4; LevelDisplayName = 'Information'; Message = ('Heartbeat. Authorization: Bearer {0}' -f $script:Token) })
            $text = ConvertTo-Json -InputObject ([ordered]@{ ExportedAt = '2024-06-03T11:00:00Z'; ComputerName = 'SYNC01'; Events = $events }) -Depth 5
            [System.IO.File]::WriteAllText($Path, $text)
            $events.Count
        }
        Mock -ModuleName $module -CommandName 'Export-WbdServerConfiguration' -MockWith {
            $folder = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-serverconfig-{0}' -f [guid]::NewGuid().ToString('N')))
            $null = New-Item -ItemType Directory -Path $folder
            Copy-Item -Path ([System.IO.Path]::Combine($script:ServerConfig, '*')) -Destination $folder -Recurse
            $planted = [System.IO.File]::ReadAllText($script:Planted).Replace('__CONNECTOR_SECRET__', $script:ConnectorSecret).Replace('__PROXY_SECRET__', $script:ProxySecret).Replace('__TOKEN__', $script:Token)
            [System.IO.File]::WriteAllText([System.IO.Path]::Combine($folder, 'Connectors', 'Connector_{00000000-0000-0000-0000-000000000001}.xml'), $planted)
            $script:ExportedFolder = $folder
            [PSCustomObject]@{ Path = $folder; Error = $null }
        }
        Mock -ModuleName $module -CommandName 'Test-WritebackConnectivity' -MockWith {
            [PSCustomObject]@{
                PSTypeName = 'WritebackDiagnostics.CheckResult'
                Id = 'CONN-TCP'; Check = 'Tcp'; Target = '127.0.0.1:1'; Status = 'Fail'; Title = 'TCP refused'; Message = 'The connection was refused.'
                Remediation = 'Open the port.'; DocsUrl = 'https://learn.microsoft.com/'; DurationMs = [long]3
                Evidence = [PSCustomObject]@{ Outcome = 'Refused'; Proxy = ('http://svc:{0}@127.0.0.1:3128' -f $script:ProxySecret); AccessToken = $script:Token }
            }
        }
    }

    # name -> bytes of every entry of a zip.
    function Read-TestZip {
        param ([string] $Path)
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $entries = [ordered]@{}
            foreach ($entry in $zip.Entries) {
                $stream = $entry.Open()
                $memory = New-Object -TypeName System.IO.MemoryStream
                try {
                    $stream.CopyTo($memory)
                } finally {
                    $stream.Dispose()
                }
                $entries[$entry.FullName] = $memory.ToArray()
            }
            $entries
        } finally {
            $zip.Dispose()
        }
    }

    function Get-TestStagingFolder {
        @(Get-ChildItem -LiteralPath ([System.IO.Path]::GetTempPath()) -Force -Directory | Where-Object -FilterScript { $_.Name -like 'wbd-*' })
    }
}

AfterAll {
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Save-WritebackSupportBundle on a mocked Connect server' {
    BeforeAll {
        Set-TestCollectorMock
        $script:Temp = Enter-TestTempDirectory
        $script:Zip = [System.IO.Path]::Combine($TestDrive, 'case.zip')
        $script:File = Save-WritebackSupportBundle -Path $script:Zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -Proxy ('http://svc:{0}@127.0.0.1:3128' -f $script:ProxySecret) -TimeoutSeconds 1 -ErrorAction Stop
        $script:Entries = Read-TestZip -Path $script:Zip
        $script:Manifest = [System.Text.Encoding]::UTF8.GetString($script:Entries['manifest.json']) | ConvertFrom-Json
    }

    AfterAll {
        Exit-TestTempDirectory -State $script:Temp
    }

    It 'returns the FileInfo of the zip' {
        $script:File | Should -BeOfType [System.IO.FileInfo]
        $script:File.FullName | Should -Be $script:Zip
    }

    It 'holds exactly manifest.json, environment.json, events.json, server-config/ and connectivity.json' {
        $names = @($script:Entries.Keys)
        $top = @($names | ForEach-Object -Process { if ($_ -like 'server-config/*') { 'server-config/' } else { $_ } } | Select-Object -Unique)
        $top | Should -Be @('manifest.json', 'environment.json', 'events.json', 'server-config/', 'connectivity.json')
        $names | Should -Contain 'server-config/GlobalSettings/MV.xml'
        @($names | Where-Object -FilterScript { $_ -like '*\*' }) | Should -BeNullOrEmpty -Because 'entry names use /'
        $expected = @(Get-ChildItem -LiteralPath $script:ServerConfig -Recurse -File).Count + 1
        @($names | Where-Object -FilterScript { $_ -like 'server-config/?*' }).Count | Should -Be $expected
    }

    It 'writes the manifest fields of the contract, every item Collected' {
        $script:Manifest.Tool | Should -Be 'WritebackDiagnostics'
        $script:Manifest.Version | Should -Be ([string](Get-Module -Name 'WritebackDiagnostics').Version)
        $script:Manifest.ComputerName | Should -Not -BeNullOrEmpty
        [System.DateTimeOffset]::Parse([string]$script:Manifest.CreatedAt, [System.Globalization.CultureInfo]::InvariantCulture) | Should -Not -BeNullOrEmpty
        @($script:Manifest.Items | ForEach-Object -Process { '{0}|{1}|{2}|{3}' -f $_.Name, $_.Path, $_.Status, $_.Reason }) | Should -Be @(
            'environment|environment.json|Collected|', 'events|events.json|Collected|', 'server-config|server-config/|Collected|', 'connectivity|connectivity.json|Collected|')
    }

    It 'writes a connectivity report in the engine''s Report shape' {
        $report = [System.Text.Encoding]::UTF8.GetString($script:Entries['connectivity.json']) | ConvertFrom-Json
        $report.Tool | Should -Be 'WritebackDiagnostics'
        $report.Command | Should -Be 'connectivity'
        @($report.Results).Count | Should -Be 1
        $report.Results[0].Id | Should -Be 'CONN-TCP'
        $report.Summary.Fail | Should -Be 1
        $report.Summary.Pass | Should -Be 0
    }

    It 'passes the connectivity parameters on' {
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WritebackConnectivity' -Times 1 -Exactly -Scope Describe -ParameterFilter { $Endpoint -eq '127.0.0.1:1' -and $NoDefaultEndpoint -and $TimeoutSeconds -eq 1 -and $Proxy -like '*127.0.0.1:3128' }
    }

    It 'holds none of the planted secrets in any entry (<_>)' -ForEach @('proxy password', 'connector credential', 'token') {
        $secret = @{ 'proxy password' = $script:ProxySecret; 'connector credential' = $script:ConnectorSecret; 'token' = $script:Token }[$_]
        foreach ($name in @($script:Entries.Keys)) {
            $bytes = $script:Entries[$name]
            [System.Text.Encoding]::UTF8.GetString($bytes) | Should -Not -Match ([regex]::Escape($secret)) -Because ('{0} must not hold the {1}' -f $name, $_)
            [System.Text.Encoding]::Unicode.GetString($bytes) | Should -Not -Match ([regex]::Escape($secret)) -Because ('{0} must not hold the {1} in UTF-16' -f $name, $_)
        }
        [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($script:Zip)) | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'keeps the facts: the exported configuration files are unchanged and the planted one is still XML with its non-secret values' {
        $mv = [System.IO.File]::ReadAllBytes([System.IO.Path]::Combine($script:ServerConfig, 'GlobalSettings', 'MV.xml'))
        [System.Convert]::ToBase64String($script:Entries['server-config/GlobalSettings/MV.xml']) | Should -Be ([System.Convert]::ToBase64String($mv))
        $planted = [xml][System.Text.Encoding]::UTF8.GetString($script:Entries['server-config/Connectors/Connector_{00000000-0000-0000-0000-000000000001}.xml']).TrimStart([char]0xFEFF)
        $planted.'ma-data'.'private-configuration'.'adma-configuration'.'forest-login-user' | Should -Be 'MSOL_d1edb676ca03'
        $environment = [System.Text.Encoding]::UTF8.GetString($script:Entries['environment.json']) | ConvertFrom-Json
        $environment.ComputerName | Should -Not -BeNullOrEmpty
        $environment.Connect.ProxyAddress | Should -Be 'http://proxy.contoso.com:8080'
        $events = [System.Text.Encoding]::UTF8.GetString($script:Entries['events.json']) | ConvertFrom-Json
        @($events.Events).Count | Should -BeGreaterThan 2
    }

    It 'leaves no staging folder and no export folder behind' {
        Get-TestStagingFolder | Should -BeNullOrEmpty
        [System.IO.Directory]::Exists($script:ExportedFolder) | Should -BeFalse
    }
}

Describe 'Save-WritebackSupportBundle when items cannot be collected' {
    BeforeEach {
        Set-TestCollectorMock
        $script:Temp = Enter-TestTempDirectory
    }

    AfterEach {
        Exit-TestTempDirectory -State $script:Temp
    }

    It 'marks events and server-config Unavailable off Windows, with the reason, and leaves them out of the zip' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Test-WbdWindowsPlatform' -MockWith { $false }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Export-WbdServerConfiguration' -MockWith { [PSCustomObject]@{ Path = $null; Error = 'this computer is not running Windows, so it is not the Entra Connect server' } }
        $zip = [System.IO.Path]::Combine($TestDrive, 'offwindows.zip')
        $null = Save-WritebackSupportBundle -Path $zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        $entries = Read-TestZip -Path $zip
        @($entries.Keys) | Should -Be @('manifest.json', 'environment.json', 'connectivity.json')
        $manifest = [System.Text.Encoding]::UTF8.GetString($entries['manifest.json']) | ConvertFrom-Json
        $events = @($manifest.Items | Where-Object -FilterScript { $_.Name -eq 'events' })[0]
        $events.Status | Should -Be 'Unavailable'
        $events.Reason | Should -Match 'not running Windows'
        $config = @($manifest.Items | Where-Object -FilterScript { $_.Name -eq 'server-config' })[0]
        $config.Status | Should -Be 'Unavailable'
        $config.Reason | Should -Match 'not running Windows'
        Get-TestStagingFolder | Should -BeNullOrEmpty
    }

    It 'marks server-config Unavailable with the reason when ADSync is not installed' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Export-WbdServerConfiguration' -MockWith { [PSCustomObject]@{ Path = $null; Error = 'Get-ADSyncServerConfiguration (ADSync module) is not available on this computer' } }
        $zip = [System.IO.Path]::Combine($TestDrive, 'noadsync.zip')
        $null = Save-WritebackSupportBundle -Path $zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        $manifest = [System.Text.Encoding]::UTF8.GetString((Read-TestZip -Path $zip)['manifest.json']) | ConvertFrom-Json
        $config = @($manifest.Items | Where-Object -FilterScript { $_.Name -eq 'server-config' })[0]
        '{0}|{1}' -f $config.Status, $config.Reason | Should -Match '^Unavailable\|.*ADSync module'
    }

    It 'makes an item whose collector throws Unavailable with the message, and still removes the staging folder' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -MockWith { throw 'the collector broke' }
        $zip = [System.IO.Path]::Combine($TestDrive, 'broken.zip')
        $null = Save-WritebackSupportBundle -Path $zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        $entries = Read-TestZip -Path $zip
        @($entries.Keys) | Should -Not -Contain 'environment.json'
        $manifest = [System.Text.Encoding]::UTF8.GetString($entries['manifest.json']) | ConvertFrom-Json
        $environment = @($manifest.Items | Where-Object -FilterScript { $_.Name -eq 'environment' })[0]
        '{0}|{1}' -f $environment.Status, $environment.Reason | Should -Match '^Unavailable\|.*the collector broke'
        Get-TestStagingFolder | Should -BeNullOrEmpty
    }

    It 'removes the staging and export folders and writes no file when writing the zip fails' {
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'Remove-WbdSecret' -MockWith { throw 'redaction broke' } -ParameterFilter { $InputObject.PSObject.Properties['Items'] }
        Mock -ModuleName 'WritebackDiagnostics' -CommandName 'ConvertTo-Json' -MockWith { throw 'disk full' } -ParameterFilter { $null -ne $InputObject -and $InputObject -is [System.Collections.IDictionary] -and $InputObject.Contains('Items') }
        $zip = [System.IO.Path]::Combine($TestDrive, 'failed.zip')
        { Save-WritebackSupportBundle -Path $zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw '*disk full*'
        [System.IO.File]::Exists($zip) | Should -BeFalse
        @(Get-ChildItem -LiteralPath $TestDrive -Filter 'failed.zip*') | Should -BeNullOrEmpty
        Get-TestStagingFolder | Should -BeNullOrEmpty
        [System.IO.Directory]::Exists($script:ExportedFolder) | Should -BeFalse
    }

    It 'refuses to overwrite an existing file without -Force (WbdFileExists) and overwrites it with -Force' {
        $zip = [System.IO.Path]::Combine($TestDrive, 'exists.zip')
        [System.IO.File]::WriteAllText($zip, 'keep me')
        $record = $null
        try {
            Save-WritebackSupportBundle -Path $zip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        } catch {
            $record = $_
        }
        $record.FullyQualifiedErrorId | Should -Be 'WbdFileExists,Save-WritebackSupportBundle'
        $record.CategoryInfo.Category | Should -Be 'ResourceExists'
        [System.IO.File]::ReadAllText($zip) | Should -Be 'keep me'
        Should -Invoke -ModuleName 'WritebackDiagnostics' -CommandName 'Get-WritebackEnvironment' -Times 0 -Exactly
        $file = Save-WritebackSupportBundle -Path $zip -Force -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        @((Read-TestZip -Path $file.FullName).Keys) | Should -Contain 'manifest.json'
    }

    It 'resolves a relative -Path against the PowerShell location and refuses a folder' {
        Push-Location -LiteralPath $TestDrive
        try {
            $file = Save-WritebackSupportBundle -Path 'relative.zip' -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
            $file.FullName | Should -Be ([System.IO.Path]::Combine($TestDrive, 'relative.zip'))
        } finally {
            Pop-Location
        }
        { Save-WritebackSupportBundle -Path $TestDrive -ErrorAction Stop } | Should -Throw -ErrorId 'WbdInvalidInput,Save-WritebackSupportBundle'
    }
}

Describe 'Save-WritebackSupportBundle stopped with Ctrl+C' {
    It 'removes the staging folder and writes no zip when stopped while collecting' {
        $temp = Enter-TestTempDirectory
        $ps = $null
        try {
            $zip = [System.IO.Path]::Combine($TestDrive, 'stopped.zip')
            $ps = [powershell]::Create()
            # A runspace of its own (Ctrl+C is PowerShell.Stop()), with a snapshot collector that
            # hangs, defined inside the module in place of the real one.
            $script = 'param ($Manifest, $Zip) Import-Module -Name $Manifest -ErrorAction Stop; & (Get-Module -Name WritebackDiagnostics) { Set-Item -Path function:script:Get-WritebackEnvironment -Value { Start-Sleep -Seconds 60 } }; Save-WritebackSupportBundle -Path $Zip -NoDefaultEndpoint -Endpoint 127.0.0.1:1 -TimeoutSeconds 1'
            $null = $ps.AddScript($script).AddParameter('Manifest', $script:ManifestPath).AddParameter('Zip', $zip)
            $async = $ps.BeginInvoke()
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            # Streams of a running PowerShell are read by count only: enumerating one blocks until it ends.
            while ([System.IO.Directory]::GetDirectories($temp.Path, 'wbd-bundle-*').Length -eq 0 -and $clock.Elapsed.TotalSeconds -lt 30 -and -not $async.IsCompleted) {
                [System.Threading.Thread]::Sleep(50)
            }
            [System.Threading.Thread]::Sleep(500)
            @(Get-TestStagingFolder).Count | Should -Be 1 -Because ('the command stages in a temporary folder (state {0})' -f $ps.InvocationStateInfo.State)
            $stopping = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $stopping.Stop()
            $ps.InvocationStateInfo.State | Should -Be ([System.Management.Automation.PSInvocationState]::Stopped) -Because ('Stop() took {0:n1} s after {1:n1} s; errors: {2}' -f $stopping.Elapsed.TotalSeconds, $clock.Elapsed.TotalSeconds, (@($ps.Streams.Error) -join '; '))
            $stopping.Elapsed.TotalSeconds | Should -BeLessThan 5
            Get-TestStagingFolder | Should -BeNullOrEmpty
            [System.IO.File]::Exists($zip) | Should -BeFalse
        } finally {
            if ($null -ne $ps) {
                $ps.Dispose()
            }
            Exit-TestTempDirectory -State $temp
        }
    }
}

Describe 'A support bundle evaluated by the engine (needs the engine''s all command)' {
    BeforeAll {
        Set-TestCollectorMock
        $script:Temp = Enter-TestTempDirectory
        $script:RoundTrip = [System.IO.Path]::Combine($TestDrive, 'roundtrip.zip')
        $null = Save-WritebackSupportBundle -Path $script:RoundTrip -NoDefaultEndpoint -Endpoint '127.0.0.1:1' -TimeoutSeconds 1 -ErrorAction Stop
        $script:Unpacked = [System.IO.Path]::Combine($TestDrive, 'unpacked')
        [System.IO.Compression.ZipFile]::ExtractToDirectory($script:RoundTrip, $script:Unpacked)
    }

    AfterAll {
        Exit-TestTempDirectory -State $script:Temp
    }

    It 'gives with wbdiag all --bundle the same Id and Status as evaluating the unpacked files directly' {
        Test-Path -LiteralPath $script:Wbdiag -PathType Leaf | Should -BeTrue -Because ('wbdiag is built at {0} (cargo build --bins)' -f $script:Wbdiag)
        $stderrFile = [System.IO.Path]::Combine($TestDrive, 'wbdiag.stderr')
        $stdout = & $script:Wbdiag all --bundle $script:RoundTrip --json 2> $stderrFile
        $exitCode = $LASTEXITCODE
        $stderr = [System.IO.File]::ReadAllText($stderrFile)
        $exitCode | Should -BeIn @(0, 1) -Because ('wbdiag all --bundle must accept the bundle: {0}' -f $stderr)
        $fromBundle = ($stdout -join [System.Environment]::NewLine) | ConvertFrom-Json
        $bySuite = @($fromBundle.Results | Where-Object -FilterScript { $_.Id -notlike 'SUITE-*' } | ForEach-Object -Process { '{0}|{1}|{2}' -f $_.Evidence.Suite, $_.Id, $_.Status })

        $direct = @(
            Test-WritebackPrerequisite -Path ([System.IO.Path]::Combine($script:Unpacked, 'environment.json')) -ServerConfigPath ([System.IO.Path]::Combine($script:Unpacked, 'server-config')) -ErrorAction Stop | ForEach-Object -Process { 'prerequisites|{0}|{1}' -f $_.Id, $_.Status }
            Test-WritebackPermission -Path ([System.IO.Path]::Combine($script:Unpacked, 'environment.json')) -ServerConfigPath ([System.IO.Path]::Combine($script:Unpacked, 'server-config')) -ErrorAction Stop | ForEach-Object -Process { 'permissions|{0}|{1}' -f $_.Id, $_.Status }
            Test-WritebackEventLog -Path ([System.IO.Path]::Combine($script:Unpacked, 'events.json')) -ErrorAction Stop | ForEach-Object -Process { 'events|{0}|{1}' -f $_.Id, $_.Status }
            (Get-Content -LiteralPath ([System.IO.Path]::Combine($script:Unpacked, 'connectivity.json')) -Raw | ConvertFrom-Json).Results | ForEach-Object -Process { 'connectivity|{0}|{1}' -f $_.Id, $_.Status }
        )
        $bySuite | Should -Be $direct
    }

    It 'gives with Invoke-WritebackDiagnostic -Bundle what wbdiag all --bundle gives' {
        $stdout = & $script:Wbdiag all --bundle $script:RoundTrip --json 2> $null
        $LASTEXITCODE | Should -BeIn @(0, 1) -Because 'wbdiag all --bundle must accept the bundle'
        $fromCli = @((($stdout -join [System.Environment]::NewLine) | ConvertFrom-Json).Results | ForEach-Object -Process { '{0}|{1}|{2}' -f $_.Id, $_.Target, $_.Status })
        $inProcess = @(Invoke-WritebackDiagnostic -Bundle $script:RoundTrip -ErrorAction Stop | ForEach-Object -Process { '{0}|{1}|{2}' -f $_.Id, $_.Target, $_.Status })
        $inProcess | Should -Be $fromCli
        @(Invoke-WritebackDiagnostic -Bundle $script:RoundTrip -Quiet -ErrorAction Stop).Count | Should -Be 1
    }
}
