#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5: planted secrets never come out of the module. Distinctive passwords, tokens and
# signatures go into -Proxy, -Endpoint, -Credential (a PSCredential), the proxy environment
# variables, the files passed by path (machine.config, snapshot, configuration export, event
# log, saved results) and what the mocked collectors return; every output is then searched:
# the result objects (ConvertTo-Json -Depth 20 and PSSerializer), the error records (message,
# TargetObject, ErrorDetails, inner exceptions), the verbose, warning, debug and information
# streams, and the files written (support bundle entries, HTML report, temporary files), as
# UTF-8 and as UTF-16. Each case also asserts something useful is shown, so a run that says
# nothing cannot pass. Windows PowerShell 5.1 syntax.

BeforeAll {
    $script:RepoRoot = Split-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -Parent
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    Import-Module -Name ([System.IO.Path]::Combine((Get-TestModulePath), 'WritebackDiagnostics.psd1')) -Force -ErrorAction Stop
    Add-Type -AssemblyName 'System.IO.Compression', 'System.IO.Compression.FileSystem'
    $script:Module = 'WritebackDiagnostics'
    $script:CreatedStubs = @(Add-TestStub -Stub ([ordered]@{ 'Get-WinEvent' = 'param ([hashtable] $FilterHashtable, [long] $MaxEvents)' }))
    $script:Fixtures = [System.IO.Path]::Combine($script:RepoRoot, 'tests', 'fixtures')

    $script:ProxyPass = 'WBD-PS-SECRET-PROXYPASS-91c2'
    $script:CredPass = 'WBD-PS-SECRET-CREDPASS-91c2'
    $script:ConnPass = 'WBD-PS-SECRET-CONNPASS-91c2'
    $script:Sas = 'WBDPSSECRETSASsig91c2'
    $script:Token = 'eyJhbGciOiJSUzI1NiJ9.eyJ3YmQiOiJwcy05MWMyIn0.WBDpsSECRETjwtSig91c2'
    $script:Secrets = @($script:ProxyPass, $script:CredPass, $script:ConnPass, $script:Sas, $script:Token)
    $script:Credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'CONTOSO\reader', (ConvertTo-SecureString -String $script:CredPass -AsPlainText -Force)

    # Verbose always; -Debug only where it means Continue (in 5.1 it asks, which fails here).
    $script:Streams = @{ Verbose = $true; InformationAction = 'Continue'; WarningAction = 'Continue' }
    if ($PSVersionTable.PSVersion.Major -ge 7) {
        $script:Streams['Debug'] = $true
    }

    function Get-TestSecretForm {
        # The forms a secret could take in an output: as is, percent-encoded, JSON-escaped,
        # and base64 (standard and URL-safe, each of the three alignments inside a longer text).
        param ([string] $Secret)
        $Secret
        [System.Uri]::EscapeDataString($Secret)
        (ConvertTo-Json -InputObject $Secret -Compress).Trim('"')
        $raw = [System.Text.Encoding]::UTF8.GetBytes($Secret)
        foreach ($pad in 0, 1, 2) {
            $bytes = [byte[]](@([byte]0) * $pad + $raw)
            $b64 = [System.Convert]::ToBase64String($bytes)
            $skip = @(0, 2, 3)[$pad]
            $keep = $b64.Length - 4
            if ($keep -gt $skip + 8) {
                $b64.Substring($skip, $keep - $skip)
                $b64.Substring($skip, $keep - $skip).Replace('+', '-').Replace('/', '_')
            }
        }
    }

    function Find-TestSecret {
        # 'secret (form)' for every form of every planted secret in $Text, ignoring case.
        param ([AllowEmptyString()] [string] $Text)
        foreach ($secret in $script:Secrets) {
            foreach ($form in @(Get-TestSecretForm -Secret $secret | Select-Object -Unique)) {
                if ($Text.IndexOf($form, [System.StringComparison]::OrdinalIgnoreCase) -ge 0) {
                    '{0} ({1})' -f $secret, $form
                }
            }
        }
    }

    function ConvertTo-TestBytesText {
        # A file's bytes read as UTF-8 and as UTF-16LE, so a secret in either encoding is found.
        param ([byte[]] $Bytes)
        [System.Text.Encoding]::UTF8.GetString($Bytes) + "`n" + [System.Text.Encoding]::Unicode.GetString($Bytes)
    }

    function ConvertTo-TestRecordText {
        # Everything one pipeline item shows: an error record's message, id, TargetObject,
        # ErrorDetails and inner exceptions; a stream record's message; an object as JSON
        # and as remoting serialises it.
        param ([object] $Item)
        if ($Item -is [System.Management.Automation.ErrorRecord]) {
            $parts = New-Object -TypeName 'System.Collections.Generic.List[string]'
            $parts.Add($Item.ToString())
            $parts.Add([string]$Item.FullyQualifiedErrorId)
            $parts.Add([string]$Item.CategoryInfo)
            if ($null -ne $Item.ErrorDetails) {
                $parts.Add([string]$Item.ErrorDetails.Message)
                $parts.Add([string]$Item.ErrorDetails.RecommendedAction)
            }
            if ($null -ne $Item.TargetObject) {
                $parts.Add((ConvertTo-Json -InputObject $Item.TargetObject -Depth 20 -Compress))
                $parts.Add([System.Management.Automation.PSSerializer]::Serialize($Item.TargetObject, 20))
            }
            $exception = $Item.Exception
            while ($null -ne $exception) {
                $parts.Add($exception.Message)
                $exception = $exception.InnerException
            }
            return ($parts -join "`n")
        }
        if ($Item -is [System.Management.Automation.InformationalRecord]) {
            return $Item.Message
        }
        if ($Item -is [System.Management.Automation.InformationRecord]) {
            return ([string]$Item.MessageData + ' ' + [string]$Item.Source)
        }
        if ($Item -is [System.IO.FileSystemInfo]) {
            # -PassThru's FileInfo: its name (the whole object graph is the file system).
            return $Item.FullName
        }
        (ConvertTo-Json -InputObject $Item -Depth 20 -Compress -WarningAction SilentlyContinue) + "`n" + [System.Management.Automation.PSSerializer]::Serialize($Item, 20)
    }

    function Invoke-TestCapture {
        # Runs $Script with every stream merged into the output; a terminating error is kept as
        # the last item. Returns the items and all their text.
        param ([scriptblock] $Script)
        $items = New-Object -TypeName 'System.Collections.Generic.List[object]'
        try {
            & $Script *>&1 | ForEach-Object -Process { $items.Add($_) }
        } catch {
            $items.Add($_)
        }
        $text = @($items | ForEach-Object -Process { ConvertTo-TestRecordText -Item $_ }) -join "`n"
        [PSCustomObject]@{ Items = $items.ToArray(); Text = $text }
    }

    function Assert-TestClean {
        param ([string] $What, [AllowEmptyString()] [string] $Text, [string[]] $Shows)
        $leaks = @(Find-TestSecret -Text $Text)
        $leaks | Should -BeNullOrEmpty -Because ('{0} must not show a planted secret; found {1}' -f $What, ($leaks -join ', '))
        $Text.Trim() | Should -Not -BeNullOrEmpty -Because ('{0} must say something' -f $What)
        foreach ($useful in $Shows) {
            # Not Should -Match, which would print the whole output.
            $shown = $Text.IndexOf($useful, [System.StringComparison]::OrdinalIgnoreCase) -ge 0
            $shown | Should -BeTrue -Because ('{0} must still show {1}' -f $What, $useful)
        }
    }

    function Get-TestErrorRecord {
        param ([object] $Capture)
        @($Capture.Items | Where-Object -FilterScript { $_ -is [System.Management.Automation.ErrorRecord] })
    }

    function Get-TestResult {
        param ([object] $Capture)
        @($Capture.Items | Where-Object -FilterScript { $null -ne $_ -and $_.PSObject.TypeNames -contains 'WritebackDiagnostics.CheckResult' })
    }

    function New-TestPlantedSnapshot {
        # The healthy fixture with secret-bearing members at every level, saved to $Path.
        param ([string] $Path)
        $snapshot = Get-Content -LiteralPath ([System.IO.Path]::Combine($script:Fixtures, 'prerequisites', 'healthy.json')) -Raw | ConvertFrom-Json
        foreach ($section in @($snapshot, $snapshot.Connect, $snapshot.Tenant, $snapshot.ActiveDirectory)) {
            $section | Add-Member -NotePropertyName 'ProxyPassword' -NotePropertyValue $script:ProxyPass -Force
            $section | Add-Member -NotePropertyName 'AccessToken' -NotePropertyValue $script:Token -Force
            $section | Add-Member -NotePropertyName 'Notes' -NotePropertyValue ('via http://svc:{0}@proxy.contoso.com:8080; Server=sql;Password={1}; sb://ns/?sig={2}' -f $script:ProxyPass, $script:ConnPass, $script:Sas) -Force
        }
        foreach ($connector in @($snapshot.Connect.Connectors)) {
            $connector.ConnectivityParameters = @($connector.ConnectivityParameters) + @([PSCustomObject]@{ Name = 'password'; Value = $script:ConnPass; InputType = 'encryptedString' })
        }
        $text = ConvertTo-Json -InputObject $snapshot -Depth 20
        [System.IO.File]::WriteAllText($Path, $text, [System.Text.Encoding]::Unicode)
        $Path
    }

    function New-TestPlantedServerConfig {
        # A copy of the configuration export fixture with the planted connector added.
        param ([string] $Folder)
        $null = New-Item -ItemType Directory -Path $Folder -Force
        Copy-Item -Path ([System.IO.Path]::Combine($script:Fixtures, 'serverconfig', 'contoso', '*')) -Destination $Folder -Recurse
        $planted = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'bundle', 'planted-connector.xml'))
        $planted = $planted.Replace('__CONNECTOR_SECRET__', $script:ConnPass).Replace('__PROXY_SECRET__', $script:ProxyPass).Replace('__TOKEN__', $script:Token)
        [System.IO.File]::WriteAllText([System.IO.Path]::Combine($Folder, 'Connectors', 'Connector_{00000000-0000-0000-0000-000000000001}.xml'), $planted)
        $Folder
    }

    function New-TestPlantedEventLog {
        # The healthy event export with messages quoting a proxy URL with a password, a SAS
        # signature, a bearer token and a connection string.
        param ([string] $Path)
        $events = @(Get-Content -LiteralPath ([System.IO.Path]::Combine($script:Fixtures, 'events', 'relay-down.ps7.json')) -Raw | ConvertFrom-Json)
        $events += [PSCustomObject]@{ Id = 31034; ProviderName = 'PasswordResetService'; TimeCreated = '2024-06-03T12:01:00.0000000+02:00'; LevelDisplayName = 'Error'; Message = ('TrackingId: 0d8f1c2a-1111-4222-8333-944455556666, Reason: ServiceBusListenerError, Context: proxy http://svc:{0}@proxy.contoso.com:8080, Details: (407) Proxy Authentication Required. sb://ssprdedicatedsbprodfra-1.servicebus.windows.net/?sv=2024-01-01&sig={1}' -f $script:ProxyPass, $script:Sas) }
        $events += [PSCustomObject]@{ Id = 6329; ProviderName = 'ADSync'; TimeCreated = '2024-06-03T12:02:00.0000000+02:00'; LevelDisplayName = 'Error'; Message = ('Connecting failed: Server=sql01;User ID=MSOL_x;Password={0}; Authorization: Bearer {1}' -f $script:ConnPass, $script:Token) }
        [System.IO.File]::WriteAllText($Path, (ConvertTo-Json -InputObject $events -Depth 5), [System.Text.Encoding]::UTF8)
        $Path
    }
}

AfterAll {
    Remove-TestStub -Name $script:CreatedStubs
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'The search for planted secrets' {
    It 'finds every form it claims to, and nothing in clean text' {
        foreach ($secret in $script:Secrets) {
            $utf16 = [System.Text.Encoding]::Unicode.GetBytes(('<{0}>' -f $secret))
            foreach ($text in @(('x{0}y' -f $secret), $secret.ToUpperInvariant(), [System.Uri]::EscapeDataString(('a={0}' -f $secret)), (ConvertTo-Json -InputObject @{ k = $secret } -Compress), (ConvertTo-TestBytesText -Bytes $utf16))) {
                @(Find-TestSecret -Text $text) | Should -Not -BeNullOrEmpty -Because $text
            }
            foreach ($prefix in '', 'a', 'ab') {
                $b64 = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes(('{0}{1}tail' -f $prefix, $secret)))
                @(Find-TestSecret -Text $b64) | Should -Not -BeNullOrEmpty -Because $b64
            }
        }
        @(Find-TestSecret -Text 'http://(hidden)@proxy.contoso.com:8080') | Should -BeNullOrEmpty
    }
}

Describe 'Remove-WbdSecret on credentials inside a text' {
    It 'hides <What> and keeps the rest of the text' -ForEach @(
        @{ What = 'user:password@ without a scheme'; Text = 'namespace svc:p4ss@contoso-sb'; Expected = 'namespace (hidden)@contoso-sb' }
        @{ What = 'a SAS signature'; Text = 'localhost:1/?sv=1&sig=abc123'; Expected = 'localhost:1/?sv=1&sig=(hidden)' }
        @{ What = 'a connection-string password'; Text = 'Server=.;Password=p4ss;Database=x'; Expected = 'Server=.;Password=(hidden);Database=x' }
        @{ What = 'a bearer token'; Text = 'Authorization: Bearer abcdefgh12345'; Expected = 'Authorization: Bearer (hidden)' }
        @{ What = 'nothing in DOMAIN\user, a UPN or a host:port'; Text = 'CONTOSO\svc jdoe@contoso.com 10.0.0.1:53 MinPasswordAge=1'; Expected = 'CONTOSO\svc jdoe@contoso.com 10.0.0.1:53 MinPasswordAge=1' }
    ) {
        $clean = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Text = $Text } -ScriptBlock {
            param ($Text)
            (Remove-WbdSecret -InputObject ([PSCustomObject]@{ Note = $Text })).Note
        }
        $clean | Should -BeExactly $Expected
    }
}

Describe 'Planted secrets stay out of everything the module shows' {
    BeforeAll {
        $script:Temp = Enter-TestTempDirectory
        $script:SavedProxyVariables = @{}
        foreach ($name in 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'https_proxy') {
            $script:SavedProxyVariables[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, ('http://svc:{0}@127.0.0.1:1/?access_token={1}' -f $script:ProxyPass, $script:Token))
        }
    }

    AfterAll {
        foreach ($name in $script:SavedProxyVariables.Keys) {
            [System.Environment]::SetEnvironmentVariable($name, $script:SavedProxyVariables[$name])
        }
        Exit-TestTempDirectory -State $script:Temp
    }

    AfterEach {
        # No temporary file the module wrote may hold a secret either.
        foreach ($file in @(Get-ChildItem -LiteralPath $script:Temp.Path -Recurse -File -Force -ErrorAction SilentlyContinue)) {
            @(Find-TestSecret -Text (ConvertTo-TestBytesText -Bytes ([System.IO.File]::ReadAllBytes($file.FullName)))) | Should -BeNullOrEmpty -Because ('temporary file {0}' -f $file.FullName)
        }
    }

    It 'Test-WritebackConnectivity refuses <What> without echoing it' -ForEach @(
        @{ What = 'a -Proxy with user:password'; Splat = @{ Proxy = 'http://svc:{0}@127.0.0.1:1' }; Shows = 'credentials' }
        @{ What = 'a -Proxy with a token in the query'; Splat = @{ Proxy = 'http://127.0.0.1:1/?access_token={1}' }; Shows = 'proxy address' }
        @{ What = 'an -Endpoint with user:password'; Splat = @{ Endpoint = 'https://svc:{0}@localhost:1' }; Shows = 'endpoint' }
        @{ What = 'an -Endpoint with a SAS signature'; Splat = @{ Endpoint = 'localhost:1/?sv=2024-01-01&sig={2}' }; Shows = 'endpoint' }
        @{ What = 'a -Namespace with user:password'; Splat = @{ Namespace = 'svc:{0}@contoso-sb' }; Shows = 'namespace' }
        @{ What = 'a -DnsServer with user:password'; Splat = @{ Namespace = 'contoso-sb'; DnsServer = 'svc:{0}@127.0.0.1:53' }; Shows = 'DnsServer' }
    ) {
        $parameters = @{ NoDefaultEndpoint = $true; TimeoutSeconds = 1; SkipEventLogRelays = $true; ErrorAction = 'Continue' }
        if (-not $Splat.ContainsKey('Endpoint')) {
            $parameters['Endpoint'] = '127.0.0.1:1'
        }
        foreach ($key in $Splat.Keys) {
            $parameters[$key] = $Splat[$key] -f $script:ProxyPass, $script:Token, $script:Sas
        }
        $run = Invoke-TestCapture -Script { Test-WritebackConnectivity @parameters @script:Streams }
        Assert-TestClean -What $What -Text $run.Text -Shows @($Shows)
        @(Get-TestErrorRecord -Capture $run) | Should -Not -BeNullOrEmpty -Because 'the input is refused with an error record'
    }

    It 'Test-WritebackConnectivity keeps the secrets of a machine.config and the proxy variables out, and shows the proxy it used' {
        $config = [System.IO.Path]::Combine($TestDrive, 'machine.config')
        $text = @"
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings><add name="LocalSqlServer" connectionString="Server=.;User ID=sa;Password=$($script:ConnPass)" /></connectionStrings>
  <appSettings><add key="GraphClientSecret" value="$($script:Token)" /></appSettings>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="true">
      <proxy proxyaddress="http://127.0.0.1:1" bypassonlocal="false" />
      <!-- proxy login svc / $($script:ProxyPass) -->
    </defaultProxy>
  </system.net>
</configuration>
"@
        [System.IO.File]::WriteAllText($config, $text)
        $run = Invoke-TestCapture -Script { Test-WritebackConnectivity -MachineConfigPath $config -NoDefaultEndpoint -Endpoint 'localhost:2' -TimeoutSeconds 1 -SkipEventLogRelays @script:Streams }
        Assert-TestClean -What 'machine.config run' -Text $run.Text -Shows @('127.0.0.1:1', 'machine.config')
        @(Get-TestResult -Capture $run) | Should -Not -BeNullOrEmpty
    }

    It '<Command> -Credential never shows the password, over LDAP to a DC that does not answer' -ForEach @(
        @{ Command = 'Test-WritebackPermission'; Splat = @{} }
        @{ Command = 'Test-WritebackUser'; Splat = @{ Identity = 'jdoe' } }
    ) {
        $parameters = @{ Server = ('127.0.0.1:{0}' -f 1); ConnectorAccount = 'CONTOSO\MSOL_1a2b3c4d5e6f'; Credential = $script:Credential; ErrorAction = 'Continue' }
        foreach ($key in $Splat.Keys) {
            $parameters[$key] = $Splat[$key]
        }
        $run = Invoke-TestCapture -Script { & $Command @parameters @script:Streams }
        Assert-TestClean -What $Command -Text $run.Text -Shows @('127.0.0.1')
        # The credential object itself is in no output either (a PSCredential serialises its
        # password as a SecureString, which is not the text, so look for the type).
        $run.Text | Should -Not -Match 'System\.Management\.Automation\.PSCredential'
    }

    It 'Test-WritebackPrerequisite reads a planted snapshot (UTF-16) and configuration export without showing their secrets' {
        $snapshot = New-TestPlantedSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'env.json'))
        $config = New-TestPlantedServerConfig -Folder ([System.IO.Path]::Combine($TestDrive, 'server-config'))
        $run = Invoke-TestCapture -Script { Test-WritebackPrerequisite -Path $snapshot -ServerConfigPath $config @script:Streams }
        Assert-TestClean -What 'prerequisites' -Text $run.Text -Shows @('PRE-CONNECT-VERSION', 'MSOL_')
        @(Get-TestResult -Capture $run).Count | Should -BeGreaterThan 10
    }

    It 'Test-WritebackEventLog diagnoses a log whose messages quote secrets without showing them' {
        $log = New-TestPlantedEventLog -Path ([System.IO.Path]::Combine($TestDrive, 'events.json'))
        $run = Invoke-TestCapture -Script { Test-WritebackEventLog -Path $log -Now ([datetime]'2024-06-03T12:30:00Z') @script:Streams }
        Assert-TestClean -What 'events' -Text $run.Text -Shows @('EVT-31034', 'EVT-6329', '(hidden)')
    }

    It 'Export-WritebackReport writes an HTML page without the secrets of the results it is given' {
        $results = @(
            [PSCustomObject]@{
                PSTypeName = 'WritebackDiagnostics.CheckResult'
                Id = 'CONN-TCP'; Check = 'Tcp'; Target = ('https://svc:{0}@127.0.0.1:9/?sig={1}' -f $script:ProxyPass, $script:Sas); Status = 'Fail'; Title = 'TCP refused'
                Message = ('via http://svc:{0}@proxy.contoso.com:8080' -f $script:ProxyPass); Remediation = ('Authorization: Bearer {0}' -f $script:Token); DocsUrl = 'https://learn.microsoft.com/'; DurationMs = [long]3
                Evidence = [PSCustomObject]@{ Outcome = 'Refused'; ProxyPassword = $script:ProxyPass; Nested = [PSCustomObject]@{ ClientSecret = $script:ConnPass } }
            }
        )
        $html = [System.IO.Path]::Combine($TestDrive, 'report.html')
        # Without -PassThru, which would hand the caller's own objects back.
        $run = Invoke-TestCapture -Script { $results | Export-WritebackReport -Path $html @script:Streams }
        Assert-TestClean -What 'Export-WritebackReport streams' -Text $run.Text -Shows @('report.html')
        Assert-TestClean -What 'the HTML page' -Text (ConvertTo-TestBytesText -Bytes ([System.IO.File]::ReadAllBytes($html))) -Shows @('127.0.0.1:9', 'proxy.contoso.com')
    }
}

Describe 'Save-WritebackSupportBundle on a mocked Connect server whose collectors return secrets' {
    BeforeAll {
        $script:Temp = Enter-TestTempDirectory
        $script:Snapshot = New-TestPlantedSnapshot -Path ([System.IO.Path]::Combine($TestDrive, 'collected.json'))
        $script:EventLog = New-TestPlantedEventLog -Path ([System.IO.Path]::Combine($TestDrive, 'collected-events.json'))
        Mock -ModuleName $script:Module -CommandName 'Test-WbdWindowsPlatform' -MockWith { $true }
        Mock -ModuleName $script:Module -CommandName 'Test-WbdCommandAvailable' -MockWith { $true }
        Mock -ModuleName $script:Module -CommandName 'Get-WritebackEnvironment' -MockWith {
            [System.IO.File]::ReadAllText($script:Snapshot, [System.Text.Encoding]::Unicode) | ConvertFrom-Json
        }
        Mock -ModuleName $script:Module -CommandName 'Export-WbdWritebackEvent' -MockWith {
            $events = @([System.IO.File]::ReadAllText($script:EventLog) | ConvertFrom-Json)
            [System.IO.File]::WriteAllText($Path, (ConvertTo-Json -InputObject ([ordered]@{ ExportedAt = '2024-06-03T12:30:00Z'; ComputerName = 'SYNC01'; Events = $events }) -Depth 5))
            $events.Count
        }
        Mock -ModuleName $script:Module -CommandName 'Export-WbdServerConfiguration' -MockWith {
            $folder = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-serverconfig-{0}' -f [guid]::NewGuid().ToString('N')))
            [PSCustomObject]@{ Path = (New-TestPlantedServerConfig -Folder $folder); Error = $null }
        }
        Mock -ModuleName $script:Module -CommandName 'Test-WritebackConnectivity' -MockWith {
            [PSCustomObject]@{
                PSTypeName = 'WritebackDiagnostics.CheckResult'
                Id = 'CONN-TCP'; Check = 'Tcp'; Target = '127.0.0.1:9'; Status = 'Fail'; Title = 'TCP refused'; Message = ('Refused via http://svc:{0}@127.0.0.1:3128; sb://ns/?sig={1}' -f $script:ProxyPass, $script:Sas)
                Remediation = 'Open the port.'; DocsUrl = 'https://learn.microsoft.com/'; DurationMs = [long]3
                Evidence = [PSCustomObject]@{ Outcome = 'Refused'; Proxy = ('http://svc:{0}@127.0.0.1:3128' -f $script:ProxyPass); AccessToken = $script:Token; Header = ('Authorization: Bearer {0}' -f $script:Token) }
            }
        }
        $script:Zip = [System.IO.Path]::Combine($TestDrive, 'case.zip')
        $script:Run = Invoke-TestCapture -Script { Save-WritebackSupportBundle -Path $script:Zip -NoDefaultEndpoint -Endpoint ('localhost:9/?sig={0}' -f $script:Sas) -Proxy ('http://svc:{0}@127.0.0.1:3128' -f $script:ProxyPass) -TimeoutSeconds 1 @script:Streams }
    }

    AfterAll {
        Exit-TestTempDirectory -State $script:Temp
    }

    It 'writes the bundle and shows nothing secret on any stream' {
        [System.IO.File]::Exists($script:Zip) | Should -BeTrue -Because $script:Run.Text
        Assert-TestClean -What 'Save-WritebackSupportBundle' -Text $script:Run.Text -Shows @('case.zip')
    }

    It 'holds no planted secret in any zip entry, as UTF-8 or UTF-16, nor in the zip''s own bytes' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:Zip)
        try {
            $names = @()
            foreach ($entry in $zip.Entries) {
                $names += $entry.FullName
                $stream = $entry.Open()
                $memory = New-Object -TypeName System.IO.MemoryStream
                try {
                    $stream.CopyTo($memory)
                } finally {
                    $stream.Dispose()
                }
                $leaks = @(Find-TestSecret -Text (ConvertTo-TestBytesText -Bytes $memory.ToArray()))
                $leaks | Should -BeNullOrEmpty -Because ('{0} holds {1}' -f $entry.FullName, ($leaks -join ', '))
            }
        } finally {
            $zip.Dispose()
        }
        $names | Should -Contain 'environment.json'
        $names | Should -Contain 'events.json'
        @(Find-TestSecret -Text (ConvertTo-TestBytesText -Bytes ([System.IO.File]::ReadAllBytes($script:Zip)))) | Should -BeNullOrEmpty
    }

    It 'leaves no temporary file behind' {
        @(Get-ChildItem -LiteralPath $script:Temp.Path -Recurse -Force -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'Export-WritebackReport -Bundle renders the bundle without its secrets' {
        $html = [System.IO.Path]::Combine($TestDrive, 'bundle.html')
        $run = Invoke-TestCapture -Script { Export-WritebackReport -Path $html -Bundle $script:Zip @script:Streams }
        Assert-TestClean -What 'Export-WritebackReport -Bundle streams' -Text $run.Text -Shows @()
        Assert-TestClean -What 'the bundle''s HTML page' -Text (ConvertTo-TestBytesText -Bytes ([System.IO.File]::ReadAllBytes($html))) -Shows @('127.0.0.1:9', 'MSOL_')
    }
}
