function Initialize-WbdNative {
    <#
    .SYNOPSIS
    Loads the precompiled C# shim or compiles its source, once per process, and binds the native engine by absolute path.

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
            # The precompiled shim (same source, built by scripts/build-module.sh when dotnet is
            # available) saves the compile; without it, or when it is stale or cannot load
            # here, the source is compiled as before. Either way the type is the same.
            $source = [System.IO.Path]::Combine($script:WbdModuleRoot, 'Native', 'WbdNative.cs')
            $assembly = [System.IO.Path]::Combine($script:WbdModuleRoot, 'Native', 'WbdNative.dll')
            $shim = Test-WbdShimAssembly -AssemblyPath $assembly -SourcePath $source
            $compile = -not $shim.Usable
            if ($shim.Usable) {
                Write-Verbose -Message ('Loading the precompiled shim {0}' -f $assembly)
                try {
                    Add-Type -LiteralPath $assembly -ErrorAction Stop
                } catch [System.Management.Automation.PipelineStoppedException] {
                    throw
                } catch {
                    Write-Verbose -Message ('The precompiled shim could not be loaded ({0}); compiling {1}' -f $_.Exception.Message, $source)
                    $compile = $true
                }
            } else {
                Write-Verbose -Message ('Compiling the shim {0}: {1}' -f $source, $shim.Reason)
            }
            if ($compile) {
                Add-Type -LiteralPath $source
            }
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
