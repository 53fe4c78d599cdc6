function Test-WbdShimAssembly {
    <#
    .SYNOPSIS
    Tells whether the precompiled C# shim (Native/WbdNative.dll) can stand in for compiling
    Native/WbdNative.cs, and if not, why.

    .DESCRIPTION
    The DLL is built from the same WbdNative.cs by powershell/WbdNative/WbdNative.csproj, which
    stores the SHA-256 of that source in the assembly as AssemblyMetadata
    "WbdNativeSourceSha256". The DLL is usable when it exists, the runtime can load a
    netstandard2.0 assembly, and it carries the hash of the WbdNative.cs beside it; a DLL built
    from another version of the source is stale. The hash is looked up in the file's bytes
    (a custom attribute blob stores the two strings length-prefixed, and 64 is '@'), so that
    checking never loads a stale assembly into the process.

    netstandard2.0 needs .NET 6+ (PowerShell 7) or .NET Framework 4.7.2+; Windows PowerShell
    5.1 on an older Framework has no netstandard.dll facade in its runtime folder, and the
    module compiles the source there instead.

    Returns an object with Usable (bool) and Reason (why not, for the verbose stream).

    .PARAMETER AssemblyPath
    The precompiled shim, Native/WbdNative.dll.

    .PARAMETER SourcePath
    The shim's source, Native/WbdNative.cs.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $AssemblyPath,

        [Parameter(Mandatory = $true)]
        [string] $SourcePath
    )

    if (-not [System.IO.File]::Exists($AssemblyPath)) {
        return [PSCustomObject]@{ Usable = $false; Reason = ('there is no precompiled shim at {0}' -f $AssemblyPath) }
    }
    if ($PSVersionTable.PSEdition -ne 'Core') {
        $facade = [System.IO.Path]::Combine([System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory(), 'netstandard.dll')
        if (-not [System.IO.File]::Exists($facade)) {
            return [PSCustomObject]@{ Usable = $false; Reason = ('this .NET Framework cannot load the netstandard2.0 shim (no {0}; .NET Framework 4.7.2 or newer has it)' -f $facade) }
        }
    }

    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        $digest = $sha.ComputeHash([System.IO.File]::ReadAllBytes($SourcePath))
    } finally {
        $sha.Dispose()
    }
    $sourceHash = ([System.BitConverter]::ToString($digest) -replace '-', '').ToLowerInvariant()
    # ISO-8859-1 maps every byte to the character of the same code, so the search is bytewise.
    $latin1 = [System.Text.Encoding]::GetEncoding(28591)
    $assemblyText = $latin1.GetString([System.IO.File]::ReadAllBytes($AssemblyPath))
    if (-not $assemblyText.Contains('WbdNativeSourceSha256@' + $sourceHash)) {
        return [PSCustomObject]@{ Usable = $false; Reason = ('the precompiled shim {0} was not built from this WbdNative.cs (SHA-256 {1})' -f $AssemblyPath, $sourceHash) }
    }
    [PSCustomObject]@{ Usable = $true; Reason = $null }
}
