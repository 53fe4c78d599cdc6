#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

# Pester 5 tests of the packaged module: its manifest as the Gallery reads it, the host checks
# that run at import (Test-WbdHostSupport decides, every branch here), the glibc comparison,
# and a real import of the assembled folder. They run on Linux (scripts/Invoke-PesterSuite.ps1)
# and on the Windows runner, under Windows PowerShell 5.1 and PowerShell 7.

BeforeAll {
    . ([System.IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $script:ModulePath = Get-TestModulePath
    $script:ManifestPath = [System.IO.Path]::Combine($script:ModulePath, 'WritebackDiagnostics.psd1')
    Import-Module -Name $script:ManifestPath -Force -ErrorAction Stop
    $script:Floor = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { $script:WbdGlibcFloor }
    $script:OnLinux = ($PSVersionTable.PSEdition -eq 'Core') -and $IsLinux
}

AfterAll {
    Remove-Module -Name 'WritebackDiagnostics' -Force -ErrorAction SilentlyContinue
}

Describe 'Packaged manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has what the PowerShell Gallery shows' {
        $manifest = Test-ModuleManifest -Path $script:ManifestPath
        $manifest.Guid | Should -Be ([guid]'b24285cf-4d30-453d-9094-8d977d73fe9b')
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.CompanyName | Should -Not -BeNullOrEmpty
        $manifest.Copyright | Should -Not -BeNullOrEmpty
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.LicenseUri | Should -Not -BeNullOrEmpty
        $manifest.ReleaseNotes | Should -Match ('glibc {0}' -f [regex]::Escape($script:Floor))
        foreach ($tag in 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'macOS', 'EntraID', 'ActiveDirectory', 'SSPR', 'PasswordWriteback') {
            $manifest.Tags | Should -Contain $tag
        }
    }

    It 'ships an engine under runtimes/<rid>/native/ for this platform' {
        $path = InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { $script:WbdNativeLibraryPath }
        $path | Should -BeLike ('{0}*' -f [System.IO.Path]::Combine($script:ModulePath, 'runtimes'))
        Test-Path -LiteralPath $path -PathType Leaf | Should -BeTrue
    }
}

Describe 'Importing the assembled module' {
    It 'imports here and exports its commands' {
        (Get-Module -Name 'WritebackDiagnostics').ExportedFunctions.Count | Should -BeGreaterThan 0
    }

    It 'imports in a new process and loads the engine' {
        # A fresh process: the import-time host checks run again, with nothing left over.
        $command = '$ProgressPreference = ''SilentlyContinue''; try { Import-Module -Name ''' + $script:ManifestPath + ''' -ErrorAction Stop; $r = @(Test-WritebackConnectivity -Endpoint ''127.0.0.1:1'' -NoDefaultEndpoint -TimeoutSeconds 5); ''imported '' + $r.Count } catch { ''failed '' + $_.FullyQualifiedErrorId + '' '' + $_ }'
        $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($command))
        $executable = (Get-Process -Id $PID).Path
        $output = & $executable -NoProfile -NonInteractive -EncodedCommand $encoded
        ($output | Out-String) | Should -Match 'imported [1-9]'
    }

    It 'refuses Constrained Language Mode with WbdConstrainedLanguage' {
        $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $state.LanguageMode = [System.Management.Automation.PSLanguageMode]::ConstrainedLanguage
        $shell = [System.Management.Automation.PowerShell]::Create($state)
        try {
            $null = $shell.AddScript('try { Import-Module -Name ''' + $script:ManifestPath + ''' -ErrorAction Stop; ''imported'' } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }')
            $output = @($shell.Invoke())
        } finally {
            $shell.Dispose()
        }
        $output[0] | Should -BeLike 'WbdConstrainedLanguage*'
        $output[1] | Should -Match 'FullLanguage'
        $output[1] | Should -Match 'WDAC/AppLocker'
    }
}

Describe 'Test-WbdHostSupport' {
    It 'accepts a 64-bit <OsPlatform> session in FullLanguage' -ForEach @(
        @{ OsPlatform = 'Windows'; Glibc = $null }
        @{ OsPlatform = 'MacOS'; Glibc = $null }
        @{ OsPlatform = 'Linux'; Glibc = '2.36' }
        @{ OsPlatform = 'Unknown'; Glibc = $null }
    ) {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ OsPlatform = $OsPlatform; Glibc = $Glibc } -ScriptBlock {
            param ($OsPlatform, $Glibc)
            Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform $OsPlatform -GlibcVersion $Glibc | Should -BeNullOrEmpty
        }
    }

    It 'refuses <_> with WbdConstrainedLanguage and says what to do' -ForEach @('ConstrainedLanguage', 'RestrictedLanguage', 'NoLanguage') {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Mode = $_ } -ScriptBlock {
            param ($Mode)
            $refusal = Test-WbdHostSupport -ProcessBits 64 -LanguageMode $Mode -OsPlatform 'Windows'
            $refusal.ErrorId | Should -Be 'WbdConstrainedLanguage'
            $refusal.Category | Should -Be 'SecurityError'
            $refusal.Message | Should -Match $Mode
            $refusal.Message | Should -Match 'Add-Type'
            $refusal.Message | Should -Match 'Sign the module'
            $refusal.Message | Should -Match 'WDAC/AppLocker'
        }
    }

    It 'names the language mode before the bitness when both are wrong' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            (Test-WbdHostSupport -ProcessBits 32 -LanguageMode 'ConstrainedLanguage' -OsPlatform 'Windows').ErrorId | Should -Be 'WbdConstrainedLanguage'
        }
    }

    It 'refuses a 32-bit Windows process and names the 64-bit powershell.exe' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $refusal = Test-WbdHostSupport -ProcessBits 32 -LanguageMode 'FullLanguage' -OsPlatform 'Windows'
            $refusal.ErrorId | Should -Be 'WbdProcessNot64Bit'
            $refusal.Message | Should -Match '32-bit'
            $refusal.Message | Should -Match ([regex]::Escape('%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe'))
            $refusal.Message | Should -Match ([regex]::Escape('Sysnative'))
        }
    }

    It 'refuses a 32-bit process elsewhere without Windows paths' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $refusal = Test-WbdHostSupport -ProcessBits 32 -LanguageMode 'FullLanguage' -OsPlatform 'Linux' -GlibcVersion '2.36'
            $refusal.ErrorId | Should -Be 'WbdProcessNot64Bit'
            $refusal.Message | Should -Not -Match 'powershell\.exe'
        }
    }

    It 'refuses glibc <System> below the floor <Floor> with WbdGlibcTooOld' -ForEach @(
        @{ System = '2.31'; Floor = '2.34' }
        @{ System = '2.9'; Floor = '2.34' }
        @{ System = '2.17'; Floor = '2.34' }
        @{ System = '2.33.9'; Floor = '2.34' }
    ) {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ System = $System; Floor = $Floor } -ScriptBlock {
            param ($System, $Floor)
            $refusal = Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform 'Linux' -GlibcVersion $System -GlibcFloor $Floor
            $refusal.ErrorId | Should -Be 'WbdGlibcTooOld'
            $refusal.Message | Should -Match ([regex]::Escape(('glibc {0} is older than the module''s floor {1}' -f $System, $Floor)))
            $refusal.Message | Should -Match 'cargo build --release'
            $refusal.Message | Should -Match 'newer distribution'
        }
    }

    It 'accepts glibc <System> at or above the floor <Floor> (numeric, not string, order)' -ForEach @(
        @{ System = '2.34'; Floor = '2.34' }
        @{ System = '2.35'; Floor = '2.34' }
        @{ System = '2.100'; Floor = '2.34' }
        @{ System = '3.0'; Floor = '2.34' }
        @{ System = '2.10'; Floor = '2.9' }
    ) {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ System = $System; Floor = $Floor } -ScriptBlock {
            param ($System, $Floor)
            Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform 'Linux' -GlibcVersion $System -GlibcFloor $Floor | Should -BeNullOrEmpty
        }
    }

    It 'does not refuse when the glibc version is unknown (<Label>)' -ForEach @(
        @{ Label = 'null'; System = $null }
        @{ Label = 'empty'; System = '' }
        @{ Label = 'unparsable'; System = 'musl' }
    ) {
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ System = $System } -ScriptBlock {
            param ($System)
            Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform 'Linux' -GlibcVersion $System | Should -BeNullOrEmpty
        }
    }

    It 'checks glibc only on Linux' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform 'MacOS' -GlibcVersion '2.1' | Should -BeNullOrEmpty
        }
    }

    It 'uses the module''s stated floor by default' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            $script:WbdGlibcFloor | Should -Match '^\d+\.\d+$'
            (Test-WbdHostSupport -ProcessBits 64 -LanguageMode 'FullLanguage' -OsPlatform 'Linux' -GlibcVersion '2.1').Message | Should -Match ([regex]::Escape($script:WbdGlibcFloor))
        }
    }
}

Describe 'Get-WbdGlibcVersion' {
    It 'reads this system''s glibc version' {
        if (-not $script:OnLinux) {
            Set-ItResult -Skipped -Because 'glibc exists only on Linux'
            return
        }
        $getconf = @('/usr/bin/getconf', '/bin/getconf') | Where-Object -FilterScript { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
        if (-not $getconf) {
            Set-ItResult -Skipped -Because 'this system has no getconf'
            return
        }
        $expected = ((& $getconf GNU_LIBC_VERSION) -replace '^glibc\s+', '').Trim()
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock { Get-WbdGlibcVersion } | Should -Be $expected
    }

    It 'returns nothing when no getconf exists' {
        InModuleScope -ModuleName 'WritebackDiagnostics' -ScriptBlock {
            Get-WbdGlibcVersion -GetconfPath ([System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'no-such-getconf')) | Should -BeNullOrEmpty
        }
    }

    It 'returns nothing when getconf fails or prints something else' {
        if (-not $script:OnLinux) {
            Set-ItResult -Skipped -Because 'the fake getconf is a shell script'
            return
        }
        $fake = [System.IO.Path]::Combine($TestDrive, 'getconf')
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`necho 'getconf: Unrecognized variable' >&2`nexit 1"
        & chmod +x $fake
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Fake = $fake } -ScriptBlock {
            param ($Fake)
            Get-WbdGlibcVersion -GetconfPath $Fake | Should -BeNullOrEmpty
        }
    }

    It 'gives up on a getconf that hangs' {
        if (-not $script:OnLinux) {
            Set-ItResult -Skipped -Because 'the fake getconf is a shell script'
            return
        }
        $fake = [System.IO.Path]::Combine($TestDrive, 'getconf-slow')
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`nexec sleep 30"
        & chmod +x $fake
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Fake = $fake } -ScriptBlock {
            param ($Fake)
            Get-WbdGlibcVersion -GetconfPath $Fake -TimeoutMilliseconds 300 | Should -BeNullOrEmpty
        }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
    }
}

Describe 'The precompiled shim' {
    BeforeAll {
        $script:ShimSource = [System.IO.Path]::Combine($script:ModulePath, 'Native', 'WbdNative.cs')
        $script:ShimAssembly = [System.IO.Path]::Combine($script:ModulePath, 'Native', 'WbdNative.dll')
        $script:ShimTemp = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-shim-{0}' -f [guid]::NewGuid().ToString('N')))
        $null = New-Item -Path $script:ShimTemp -ItemType Directory

        function Copy-TestModule {
            # A copy of the assembled module to change without touching the one under test.
            param ([string] $Name)
            $copy = [System.IO.Path]::Combine($script:ShimTemp, $Name, 'WritebackDiagnostics')
            $null = New-Item -Path (Split-Path -Path $copy -Parent) -ItemType Directory
            Copy-Item -LiteralPath $script:ModulePath -Destination $copy -Recurse
            $copy
        }

        function Invoke-TestShimLoad {
            # In a fresh process (a type, once defined, stays for the life of one): imports the
            # module, binds the engine through Initialize-WbdNative with -Verbose, and reports
            # where the shim type came from, its engine version and the verbose messages.
            param ([string] $ModuleFolder)
            $manifest = [System.IO.Path]::Combine($ModuleFolder, 'WritebackDiagnostics.psd1')
            $command = @'
$ErrorActionPreference = 'Stop'
Import-Module -Name '{0}'
$verbose = & (Get-Module -Name WritebackDiagnostics) {{
    function Invoke-TestInitialize {{
        [CmdletBinding()]
        param ()
        Initialize-WbdNative -Cmdlet $PSCmdlet -Verbose
    }}
    Invoke-TestInitialize
}} 4>&1 | ForEach-Object -Process {{ [string]$_ }}
'RESULT ' + (ConvertTo-Json -Compress -InputObject ([ordered]@{{ Location = [WritebackDiagnostics.Native].Assembly.Location; Version = [WritebackDiagnostics.Native]::Version(); Verbose = @($verbose) }}))
'@ -f $manifest.Replace("'", "''")
            $run = Invoke-TestChildPowerShell -Command $command -TimeoutSeconds 120
            $run.TimedOut | Should -BeFalse
            $line = @(([string]$run.StdOut) -split "`r?`n" | Where-Object -FilterScript { $_.StartsWith('RESULT ') })
            if ($line.Count -ne 1) {
                throw ('The child session printed no RESULT line (exit code {0}): {1} {2}' -f $run.ExitCode, $run.StdOut, $run.StdErr)
            }
            ConvertFrom-Json -InputObject $line[0].Substring(7)
        }
    }

    AfterAll {
        Remove-Item -LiteralPath $script:ShimTemp -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'ships Native/WbdNative.dll built from the module''s own WbdNative.cs' {
        Test-Path -LiteralPath $script:ShimAssembly -PathType Leaf | Should -BeTrue -Because 'scripts/build-module.sh builds it when dotnet is on PATH, as it is where the suite runs'
        $check = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Assembly = $script:ShimAssembly; Source = $script:ShimSource } -ScriptBlock {
            param ($Assembly, $Source)
            Test-WbdShimAssembly -AssemblyPath $Assembly -SourcePath $Source
        }
        $check.Usable | Should -BeTrue -Because $check.Reason
    }

    It 'loads the DLL and compiles nothing when it is present and current' {
        $result = Invoke-TestShimLoad -ModuleFolder $script:ModulePath
        $result.Location | Should -Be $script:ShimAssembly
        ($result.Verbose -join "`n") | Should -Match 'Loading the precompiled shim'
        ($result.Verbose -join "`n") | Should -Not -Match 'Compiling the shim'
        $result.Version | Should -Match '^[0-9]+\.[0-9]+\.[0-9]+'
    }

    It 'compiles WbdNative.cs with Add-Type when the DLL is absent' {
        $copy = Copy-TestModule -Name 'absent'
        Remove-Item -LiteralPath ([System.IO.Path]::Combine($copy, 'Native', 'WbdNative.dll')) -ErrorAction SilentlyContinue
        $result = Invoke-TestShimLoad -ModuleFolder $copy
        # PowerShell 7 compiles in memory (no Location); Windows PowerShell 5.1 into a temporary file.
        [string]$result.Location | Should -Not -BeLike '*WbdNative.dll'
        ($result.Verbose -join "`n") | Should -Match 'Compiling the shim .*there is no precompiled shim'
        $result.Version | Should -Match '^[0-9]+\.[0-9]+\.[0-9]+'
    }

    It 'compiles WbdNative.cs when the DLL was built from another version of it' {
        $copy = Copy-TestModule -Name 'stale'
        $source = [System.IO.Path]::Combine($copy, 'Native', 'WbdNative.cs')
        [System.IO.File]::AppendAllText($source, "// edited after the DLL was built`n")
        $result = Invoke-TestShimLoad -ModuleFolder $copy
        [string]$result.Location | Should -Not -BeLike '*WbdNative.dll'
        ($result.Verbose -join "`n") | Should -Match 'was not built from this WbdNative.cs'
        $result.Version | Should -Match '^[0-9]+\.[0-9]+\.[0-9]+'
    }

    It 'treats a file that does not carry the source hash as stale' {
        $other = [System.IO.Path]::Combine($script:ShimTemp, 'other.dll')
        [System.IO.File]::WriteAllText($other, 'not an assembly')
        $check = InModuleScope -ModuleName 'WritebackDiagnostics' -Parameters @{ Assembly = $other; Source = $script:ShimSource } -ScriptBlock {
            param ($Assembly, $Source)
            Test-WbdShimAssembly -AssemblyPath $Assembly -SourcePath $Source
        }
        $check.Usable | Should -BeFalse
        $check.Reason | Should -Match 'was not built from this WbdNative.cs'
    }
}
