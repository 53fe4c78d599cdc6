# WritebackDiagnostics module loader.
#
# Import stays cheap: it first refuses a host the module cannot run in (Constrained Language
# Mode, a 32-bit process, a glibc older than the engine's floor; see Test-WbdHostSupport),
# then dot-sources the private helpers and the public commands, then works
# out where this platform's native engine must be (runtimes/<rid>/native/ under this folder,
# never PATH or the current directory) and stops with one actionable error if it is missing.
# The C# shim is compiled and the engine bound on first use (Initialize-WbdNative).

$script:WbdModuleRoot = $PSScriptRoot

# Host checks come first and use only what Constrained Language Mode allows (no method calls
# on .NET types, no New-Object of them), so that a session the module cannot run in gets the
# reason rather than a "method invocation is supported only on core types" error from a line
# below. The decision is Test-WbdHostSupport's; here are only the facts it decides on.
. "$PSScriptRoot/Private/Test-WbdWindowsPlatform.ps1"
. "$PSScriptRoot/Private/Test-WbdHostSupport.ps1"
. "$PSScriptRoot/Private/Get-WbdGlibcVersion.ps1"
$hostLanguageMode = [string]$ExecutionContext.SessionState.LanguageMode
if (Test-WbdWindowsPlatform) {
    $hostPlatform = 'Windows'
} elseif ($IsMacOS) {
    $hostPlatform = 'MacOS'
} elseif ($IsLinux) {
    $hostPlatform = 'Linux'
} else {
    $hostPlatform = 'Unknown'
}
$hostGlibcVersion = $null
if ($hostPlatform -eq 'Linux' -and $hostLanguageMode -eq 'FullLanguage') {
    $hostGlibcVersion = Get-WbdGlibcVersion
    if ($hostGlibcVersion) {
        Write-Verbose -Message ('glibc {0}; the engine needs {1} or newer.' -f $hostGlibcVersion, $script:WbdGlibcFloor)
    } else {
        Write-Verbose -Message ('The glibc version of this system is unknown (musl, or no getconf); not checking it against the engine''s floor {0}. If the engine cannot load, the error says why.' -f $script:WbdGlibcFloor)
    }
}
$hostRefusal = Test-WbdHostSupport -ProcessBits ([System.IntPtr]::Size * 8) -LanguageMode $hostLanguageMode -OsPlatform $hostPlatform -GlibcVersion $hostGlibcVersion
if ($hostRefusal) {
    # Write-Error rather than New-WbdErrorRecord: building an exception is not allowed in
    # Constrained Language Mode. -ErrorAction Stop makes it end the import, with the ErrorId.
    Write-Error -Message $hostRefusal.Message -ErrorId $hostRefusal.ErrorId -Category $hostRefusal.Category -TargetObject $PSScriptRoot -ErrorAction Stop
}

$privateScripts = @(Get-ChildItem -LiteralPath ([System.IO.Path]::Combine($PSScriptRoot, 'Private')) -Filter '*.ps1' -File)
$publicScripts = @(Get-ChildItem -LiteralPath ([System.IO.Path]::Combine($PSScriptRoot, 'Public')) -Filter '*.ps1' -File)
foreach ($file in @($privateScripts + $publicScripts)) {
    . $file.FullName
}

$script:WbdNativeLibraryPath = Get-WbdNativeLibraryPath -ModuleRoot $PSScriptRoot
if (-not (Test-Path -LiteralPath $script:WbdNativeLibraryPath -PathType Leaf)) {
    $message = (
        'The WritebackDiagnostics engine for this platform was not found at ''{0}''. ' +
        'The module loads it only from runtimes/<rid>/native/ inside its own folder. ' +
        'Reinstall the module, or build it from a source checkout with scripts/Build-Module.ps1 ' +
        '(Windows or any PowerShell) or scripts/build-module.sh (Linux, macOS) and import the ' +
        'folder it writes. Platforms with an engine: win-x64, win-arm64, linux-x64, linux-arm64, ' +
        'osx-x64, osx-arm64; on Windows use 64-bit PowerShell.'
    ) -f $script:WbdNativeLibraryPath
    # A module script has no $PSCmdlet; throwing the ErrorRecord keeps its ErrorId and category.
    throw (New-WbdErrorRecord -ErrorId 'WbdNativeLibraryNotFound' -Category ObjectNotFound -Message $message -TargetObject $script:WbdNativeLibraryPath)
}

Export-ModuleMember -Function $publicScripts.BaseName
