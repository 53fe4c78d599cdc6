function Get-WbdNativeLibraryPath {
    <#
    .SYNOPSIS
    Returns the absolute path at which this platform's native engine must be.

    .DESCRIPTION
    The path is <ModuleRoot>/runtimes/<rid>/native/<file>, where rid is win-, linux- or osx-
    followed by the process architecture (x64, arm64), the same runtime identifiers .NET uses.
    It only computes the path; the caller checks that the file exists.

    .PARAMETER ModuleRoot
    The module's own folder.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $ModuleRoot
    )

    if (Test-WbdWindowsPlatform) {
        $os = 'win'
        $file = 'writeback_diagnostics.dll'
    } elseif ($IsMacOS) {
        $os = 'osx'
        $file = 'libwriteback_diagnostics.dylib'
    } else {
        $os = 'linux'
        $file = 'libwriteback_diagnostics.so'
    }

    $runtimeInformation = 'System.Runtime.InteropServices.RuntimeInformation' -as [type]
    if ($null -ne $runtimeInformation) {
        $architecture = [string]$runtimeInformation::ProcessArchitecture
    } else {
        # .NET Framework before 4.7.1 has no RuntimeInformation; it only runs on Windows, where
        # PROCESSOR_ARCHITECTURE describes the current process (AMD64, ARM64 or x86).
        $architecture = [string]$env:PROCESSOR_ARCHITECTURE
    }
    switch ($architecture) {
        { $_ -in 'X64', 'AMD64' } {
            $architecture = 'x64'
        }
        'Arm64' {
            $architecture = 'arm64'
        }
        default {
            $architecture = $architecture.ToLowerInvariant()
        }
    }

    $rid = '{0}-{1}' -f $os, $architecture
    [System.IO.Path]::Combine($ModuleRoot, 'runtimes', $rid, 'native', $file)
}
