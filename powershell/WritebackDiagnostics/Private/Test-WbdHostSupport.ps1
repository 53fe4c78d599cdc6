# The oldest glibc the Linux engine (runtimes/linux-*/native/libwriteback_diagnostics.so) runs
# on: the highest GLIBC_2.x symbol version the built library needs (readelf -V). This line is
# the one place the floor is stated: tests/packaging.rs reads it and fails when a built library
# needs a newer glibc, and checks that the manifest's release notes quote the same value.
$script:WbdGlibcFloor = '2.34'

function Test-WbdHostSupport {
    <#
    .SYNOPSIS
    Decides whether this PowerShell host can run the module, and if not, why.

    .DESCRIPTION
    A pure function: every fact comes in as a parameter, so each branch can be tested anywhere.
    Returns nothing when the host is supported, or a hashtable with ErrorId, Category and
    Message (an actionable sentence for the admin) describing the first reason it is not, in
    this order: a language mode other than FullLanguage, a 32-bit process, a glibc older than
    the engine's floor (Linux only). An unknown or unparsable glibc version (musl, no getconf)
    is not a reason: the loader's own error speaks if the engine then cannot load.

    .PARAMETER ProcessBits
    The bitness of the importing process, 64 or 32 ([IntPtr]::Size * 8, which Constrained
    Language Mode also allows).

    .PARAMETER LanguageMode
    $ExecutionContext.SessionState.LanguageMode of the importing session.

    .PARAMETER OsPlatform
    Windows, Linux, MacOS or Unknown.

    .PARAMETER GlibcVersion
    The system's glibc version such as '2.35' (Linux), or empty when it is not known.

    .PARAMETER GlibcFloor
    The oldest glibc the engine runs on; defaults to the module's stated floor.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param (
        [Parameter(Mandatory = $true)]
        [ValidateSet(32, 64)]
        [int] $ProcessBits,

        [Parameter(Mandatory = $true)]
        [string] $LanguageMode,

        [Parameter(Mandatory = $true)]
        [ValidateSet('Windows', 'Linux', 'MacOS', 'Unknown')]
        [string] $OsPlatform,

        [AllowNull()]
        [AllowEmptyString()]
        [string] $GlibcVersion,

        [string] $GlibcFloor = $script:WbdGlibcFloor
    )

    # Only constructs that Constrained Language Mode allows come before this first return.
    if ($LanguageMode -ne 'FullLanguage') {
        return @{
            ErrorId  = 'WbdConstrainedLanguage'
            Category = 'SecurityError'
            Message  = (
                'WritebackDiagnostics cannot run in this session: its language mode is ' + $LanguageMode +
                ', and the module needs FullLanguage to compile its native shim (Add-Type of Native/WbdNative.cs) ' +
                'and call the diagnostics engine through it. Application control (App Control for Business/WDAC ' +
                'or AppLocker) runs untrusted scripts in ConstrainedLanguage. Sign the module''s files with a ' +
                'certificate your policy trusts, or allow the module''s folder or publisher in the WDAC/AppLocker ' +
                'policy, then import it in a new session.'
            )
        }
    }

    if ($ProcessBits -ne 64) {
        if ($OsPlatform -eq 'Windows') {
            $how = (
                'Start 64-bit Windows PowerShell, %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe ' +
                '(from a 32-bit program: %SystemRoot%\Sysnative\WindowsPowerShell\v1.0\powershell.exe), or 64-bit ' +
                'PowerShell 7 (C:\Program Files\PowerShell\7\pwsh.exe), and import the module there.'
            )
        } else {
            $how = 'Start a 64-bit (x64 or arm64) PowerShell and import the module there.'
        }
        return @{
            ErrorId  = 'WbdProcessNot64Bit'
            Category = 'NotImplemented'
            Message  = (
                'WritebackDiagnostics needs a 64-bit PowerShell process, and this one is 32-bit: its engine is ' +
                'built for win-x64, win-arm64, linux-x64, linux-arm64, osx-x64 and osx-arm64 only. ' + $how
            )
        }
    }

    if ($OsPlatform -eq 'Linux' -and $GlibcVersion) {
        $system = $null
        $floor = $null
        # [version] compares numerically: 2.9 is older than 2.34, which a string compare gets wrong.
        if ([System.Version]::TryParse($GlibcVersion, [ref]$system) -and
            [System.Version]::TryParse($GlibcFloor, [ref]$floor) -and
            $system -lt $floor) {
            return @{
                ErrorId  = 'WbdGlibcTooOld'
                Category = 'NotInstalled'
                Message  = (
                    'This system''s glibc {0} is older than the module''s floor {1}: the Linux engine ' +
                    '(libwriteback_diagnostics.so) needs glibc {1} or newer and would not load. Run the module ' +
                    'on a newer distribution (for example RHEL 9, Debian 12 or Ubuntu 22.04 or later), or build ' +
                    'the engine from source on this machine with ''cargo build --release'' and assemble the ' +
                    'module with scripts/build-module.sh --no-build, then import the folder it writes.'
                ) -f $GlibcVersion, $GlibcFloor
            }
        }
    }
}
