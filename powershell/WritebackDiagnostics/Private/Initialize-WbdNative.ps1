function Initialize-WbdNative {
    <#
    .SYNOPSIS
    Compiles the C# shim once per process and binds the native engine by absolute path.

    .DESCRIPTION
    Runs before every engine call and returns at once when the engine is already bound. A
    failure to compile or to load becomes a terminating error of the calling public command.

    .PARAMETER Cmdlet
    The $PSCmdlet of the public command, which reports the error.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )

    try {
        # Add-Type cannot define the same type twice in a process (for example after
        # Remove-Module and Import-Module again), so the shim is compiled only when absent.
        if (-not ('WritebackDiagnostics.Native' -as [type])) {
            Add-Type -LiteralPath ([System.IO.Path]::Combine($script:WbdModuleRoot, 'Native', 'WbdNative.cs'))
        }
        if (-not [WritebackDiagnostics.Native]::IsLoaded) {
            Write-Verbose -Message ('Loading the diagnostics engine from {0}' -f $script:WbdNativeLibraryPath)
            [WritebackDiagnostics.Native]::Load($script:WbdNativeLibraryPath)
        } elseif ([WritebackDiagnostics.Native]::LoadedPath -ne $script:WbdNativeLibraryPath) {
            Write-Verbose -Message ('Using the diagnostics engine already loaded in this process from {0}' -f [WritebackDiagnostics.Native]::LoadedPath)
        }
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $message = 'The WritebackDiagnostics engine at ''{0}'' could not be loaded: {1}' -f $script:WbdNativeLibraryPath, $_.Exception.Message
        # The import-time check passes when the glibc version is unknown; the loader then names
        # the missing symbol version, and this says what it means.
        if ($_.Exception.Message -match 'GLIBC_[0-9.]+.{0,3} not found') {
            $message += (' This system''s C library is older than the engine needs (glibc {0} or newer). Run the module on a newer distribution, or build the engine on this machine with ''cargo build --release'' and assemble the module with scripts/build-module.sh --no-build.' -f $script:WbdGlibcFloor)
        }
        $record = New-WbdErrorRecord -ErrorId 'WbdNativeLibraryLoadFailed' -Category ResourceUnavailable -Message $message -TargetObject $script:WbdNativeLibraryPath -InnerException $_.Exception
        $Cmdlet.ThrowTerminatingError($record)
    }
}
