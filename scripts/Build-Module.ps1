<#
.SYNOPSIS
Builds the native engine and assembles a ready-to-import WritebackDiagnostics module folder.

.DESCRIPTION
Runs cargo build for the library (unless -NoBuild), then copies powershell/WritebackDiagnostics
to the output folder and the engine to runtimes/<rid>/native/ inside it, the only place the
module loads it from. The runtime identifier and file name come from the module's own
Get-WbdNativeLibraryPath, so the build and the loader cannot disagree. Works in Windows
PowerShell 5.1 and PowerShell 7 on Windows, Linux and macOS (scripts/build-module.sh does the
same without PowerShell).

.PARAMETER OutputPath
The module folder to create. Defaults to <cargo target dir>/module/WritebackDiagnostics. An
existing folder is replaced only if it holds a WritebackDiagnostics.psd1 (a previous build).

.PARAMETER Configuration
The cargo profile to build and package: release (the default) or debug.

.PARAMETER NoBuild
Packages an engine that is already built instead of running cargo.

.PARAMETER NativeLibrary
Packages these prebuilt engines instead of building one: a hashtable from runtime identifier
(win-x64, win-arm64, linux-x64, linux-arm64, osx-x64, osx-arm64) to the library file, the
same as scripts/build-module.sh --native RID=PATH. Each lands in runtimes/<rid>/native/ under
the name the module loader expects for that rid.

.PARAMETER ShimDll
Builds the precompiled C# shim Native/WbdNative.dll and fails when dotnet is missing. By
default it is built when dotnet is on PATH and left out (with a warning) when not; the module
then compiles Native/WbdNative.cs with Add-Type at first use. The shim is
powershell/WbdNative/WbdNative.csproj (netstandard2.0, the module's own WbdNative.cs); its
build restores NETStandard.Library 2.0.3 from NuGet, and a failed build stops the script.

.PARAMETER NoShimDll
Leaves the precompiled shim out.

.EXAMPLE
./scripts/Build-Module.ps1

Builds a release engine and writes the module to target/module/WritebackDiagnostics.

.EXAMPLE
./scripts/Build-Module.ps1 -Configuration debug -NoBuild -OutputPath $env:TEMP/wbd/WritebackDiagnostics | Import-Module

Packages the debug engine that cargo test already built, then imports the result.

.EXAMPLE
./scripts/Build-Module.ps1 -NativeLibrary @{ 'win-x64' = 'engines/writeback_diagnostics.dll'; 'linux-x64' = 'engines/libwriteback_diagnostics.so' }

Assembles one module for Windows and Linux from engines built elsewhere.

.OUTPUTS
System.IO.FileInfo
The manifest of the assembled module.
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param (
    [Parameter()]
    [string] $OutputPath,

    [Parameter()]
    [ValidateSet('debug', 'release')]
    [string] $Configuration = 'release',

    [Parameter()]
    [switch] $NoBuild,

    [Parameter()]
    [System.Collections.IDictionary] $NativeLibrary,

    [Parameter()]
    [switch] $ShimDll,

    [Parameter()]
    [switch] $NoShimDll
)

if ($ShimDll -and $NoShimDll) {
    Write-Error -Message '-ShimDll and -NoShimDll exclude each other.' -ErrorId 'BuildModuleShimConflict' -Category InvalidArgument -ErrorAction Stop
}

# Cargo's profile folders are lower case; ValidateSet lets 'Release' through.
$Configuration = $Configuration.ToLowerInvariant()
$repo = Split-Path -Path $PSScriptRoot -Parent
$source = [System.IO.Path]::Combine($repo, 'powershell', 'WritebackDiagnostics')

# The module's own rules for the runtime identifier and the library file name.
. ([System.IO.Path]::Combine($source, 'Private', 'Test-WbdWindowsPlatform.ps1'))
. ([System.IO.Path]::Combine($source, 'Private', 'Get-WbdNativeLibraryPath.ps1'))

$targetDir = $env:CARGO_TARGET_DIR
if (-not $targetDir) {
    $targetDir = [System.IO.Path]::Combine($repo, 'target')
} elseif (-not [System.IO.Path]::IsPathRooted($targetDir)) {
    $targetDir = [System.IO.Path]::Combine($repo, $targetDir)
}
if (-not $OutputPath) {
    $OutputPath = [System.IO.Path]::Combine($targetDir, 'module', 'WritebackDiagnostics')
}
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)

# rid -> engine file to package.
$engines = [ordered]@{}
if ($NativeLibrary -and $NativeLibrary.Count -gt 0) {
    $fileByOs = @{ win = 'writeback_diagnostics.dll'; linux = 'libwriteback_diagnostics.so'; osx = 'libwriteback_diagnostics.dylib' }
    foreach ($rid in $NativeLibrary.Keys) {
        if ([string]$rid -notmatch '^(win|linux|osx)-(x64|arm64)$') {
            Write-Error -Message ('Unknown runtime identifier ''{0}'' in -NativeLibrary; the module knows win-x64, win-arm64, linux-x64, linux-arm64, osx-x64, osx-arm64.' -f $rid) -ErrorId 'BuildModuleUnknownRid' -Category InvalidArgument -TargetObject $rid -ErrorAction Stop
        }
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath([string]$NativeLibrary[$rid])
        if (-not (Test-Path -LiteralPath $file -PathType Leaf)) {
            Write-Error -Message ('-NativeLibrary {0}: no file at {1}.' -f $rid, $file) -ErrorId 'BuildModuleLibraryMissing' -Category ObjectNotFound -TargetObject $file -ErrorAction Stop
        }
        $engines[[string]$rid] = @{ Source = $file; Name = $fileByOs[([string]$rid).Split('-')[0]] }
    }
} else {
    if (-not $NoBuild) {
        $cargoArguments = @('build', '--lib')
        if ($Configuration -eq 'release') {
            $cargoArguments += '--release'
        }
        Write-Verbose -Message ('cargo {0}' -f ($cargoArguments -join ' '))
        Push-Location -LiteralPath $repo
        try {
            & cargo @cargoArguments
            $cargoExitCode = $LASTEXITCODE
        } finally {
            Pop-Location
        }
        if ($cargoExitCode -ne 0) {
            Write-Error -Message ('cargo {0} failed with exit code {1}.' -f ($cargoArguments -join ' '), $cargoExitCode) -ErrorId 'BuildModuleCargoFailed' -Category InvalidResult -ErrorAction Stop
        }
    }

    # The module's own rule for this platform's rid folder and file name.
    $destination = Get-WbdNativeLibraryPath -ModuleRoot $OutputPath
    $libraryName = Split-Path -Path $destination -Leaf
    $built = [System.IO.Path]::Combine($targetDir, $Configuration, $libraryName)
    if (-not (Test-Path -LiteralPath $built -PathType Leaf)) {
        Write-Error -Message ('The engine was not found at {0}. Build it with cargo build --lib{1}, or run without -NoBuild.' -f $built, $(if ($Configuration -eq 'release') { ' --release' } else { '' })) -ErrorId 'BuildModuleLibraryMissing' -Category ObjectNotFound -TargetObject $built -ErrorAction Stop
    }
    $rid = Split-Path -Path (Split-Path -Path (Split-Path -Path $destination -Parent) -Parent) -Leaf
    $engines[$rid] = @{ Source = $built; Name = $libraryName }
}

if (Test-Path -LiteralPath $OutputPath) {
    if (-not (Test-Path -LiteralPath ([System.IO.Path]::Combine($OutputPath, 'WritebackDiagnostics.psd1')) -PathType Leaf)) {
        Write-Error -Message ('{0} exists and is not a module folder from a previous build; choose another -OutputPath.' -f $OutputPath) -ErrorId 'BuildModuleOutputNotEmpty' -Category ResourceExists -TargetObject $OutputPath -ErrorAction Stop
    }
    Remove-Item -LiteralPath $OutputPath -Recurse -Force -ErrorAction Stop
}
$null = New-Item -Path $OutputPath -ItemType Directory -Force -ErrorAction Stop

Get-ChildItem -LiteralPath $source -ErrorAction Stop |
    Where-Object -FilterScript { $_.Name -ne 'runtimes' -and $_.Name -notlike '.git*' } |
    Copy-Item -Destination $OutputPath -Recurse -Force -ErrorAction Stop
foreach ($rid in $engines.Keys) {
    $folder = [System.IO.Path]::Combine($OutputPath, 'runtimes', $rid, 'native')
    $null = New-Item -Path $folder -ItemType Directory -Force -ErrorAction Stop
    Copy-Item -LiteralPath $engines[$rid].Source -Destination ([System.IO.Path]::Combine($folder, $engines[$rid].Name)) -Force -ErrorAction Stop
}

if (-not $NoShimDll) {
    if (Get-Command -Name 'dotnet' -CommandType Application -ErrorAction SilentlyContinue) {
        $shimDir = [System.IO.Path]::Combine($targetDir, 'wbdnative')
        $project = [System.IO.Path]::Combine($repo, 'powershell', 'WbdNative', 'WbdNative.csproj')
        $dotnetArguments = @('build', $project, '--configuration', 'Release', '--nologo', ('-p:BaseIntermediateOutputPath={0}' -f [System.IO.Path]::Combine($shimDir, 'obj', '')), '--output', [System.IO.Path]::Combine($shimDir, 'bin'))
        Write-Verbose -Message ('dotnet {0}' -f ($dotnetArguments -join ' '))
        $buildLog = & dotnet @dotnetArguments 2>&1
        if ($LASTEXITCODE -ne 0) {
            $buildLog | ForEach-Object -Process { Write-Warning -Message ([string]$_) }
            Write-Error -Message ('Building the precompiled shim ({0}) failed with exit code {1} (output above). It restores NETStandard.Library 2.0.3 from NuGet: check that NuGet is reachable, or pass -NoShimDll to leave the shim out.' -f $project, $LASTEXITCODE) -ErrorId 'BuildModuleShimFailed' -Category InvalidResult -TargetObject $project -ErrorAction Stop
        }
        Copy-Item -LiteralPath ([System.IO.Path]::Combine($shimDir, 'bin', 'WbdNative.dll')) -Destination ([System.IO.Path]::Combine($OutputPath, 'Native', 'WbdNative.dll')) -Force -ErrorAction Stop
    } elseif ($ShimDll) {
        Write-Error -Message '-ShimDll: dotnet (the .NET SDK) is not on PATH, so the precompiled shim cannot be built.' -ErrorId 'BuildModuleDotnetMissing' -Category ObjectNotFound -ErrorAction Stop
    } else {
        Write-Warning -Message 'dotnet is not on PATH, so the precompiled shim Native/WbdNative.dll is left out; the module compiles Native/WbdNative.cs with Add-Type at first use instead.'
    }
}

Write-Verbose -Message ('Module ready: {0} (engines {1})' -f $OutputPath, (@($engines.Keys) -join ', '))
Get-Item -LiteralPath ([System.IO.Path]::Combine($OutputPath, 'WritebackDiagnostics.psd1'))
