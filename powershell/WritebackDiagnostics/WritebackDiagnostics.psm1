# WritebackDiagnostics module loader.
#
# Import stays cheap: it dot-sources the private helpers and the public commands, then works
# out where this platform's native engine must be (runtimes/<rid>/native/ under this folder,
# never PATH or the current directory) and stops with one actionable error if it is missing.
# The C# shim is compiled and the engine bound on first use (Initialize-WbdNative).

$script:WbdModuleRoot = $PSScriptRoot

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
