function Get-WbdGlibcVersion {
    <#
    .SYNOPSIS
    Returns this Linux system's glibc version (for example '2.36'), or nothing if unknown.

    .DESCRIPTION
    Runs 'getconf GNU_LIBC_VERSION' from /usr/bin or /bin by absolute path, with a short
    timeout. getconf ships with glibc itself (libc-bin, glibc-common), answers from the C
    library it is linked against, and needs no compiler: a P/Invoke of gnu_get_libc_version
    would need Add-Type at import, which takes a second or more. Nothing is returned, with a
    verbose message, when getconf is absent, fails (musl has no GNU_LIBC_VERSION), prints
    something else or does not finish in time.

    .PARAMETER GetconfPath
    The getconf executables to try, in order.

    .PARAMETER TimeoutMilliseconds
    How long getconf may run before it is stopped and the version is treated as unknown.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [string[]] $GetconfPath = @('/usr/bin/getconf', '/bin/getconf'),

        [ValidateRange(1, 60000)]
        [int] $TimeoutMilliseconds = 2000
    )

    foreach ($path in $GetconfPath) {
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
            continue
        }
        $process = $null
        try {
            $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo -ArgumentList $path, 'GNU_LIBC_VERSION'
            $startInfo.UseShellExecute = $false
            $startInfo.RedirectStandardOutput = $true
            $startInfo.RedirectStandardError = $true
            $startInfo.CreateNoWindow = $true
            $process = [System.Diagnostics.Process]::Start($startInfo)
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $null = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit($TimeoutMilliseconds)) {
                try {
                    $process.Kill()
                } catch {
                    Write-Verbose -Message ('Could not stop {0}: {1}' -f $path, $_.Exception.Message)
                }
                Write-Verbose -Message ('{0} GNU_LIBC_VERSION did not answer within {1} ms; the glibc version is unknown.' -f $path, $TimeoutMilliseconds)
                return
            }
            $text = [string]$stdout.Result
            if ($process.ExitCode -eq 0 -and $text -match '^\s*glibc\s+(\d+\.\d+(\.\d+)?)') {
                return $Matches[1]
            }
            Write-Verbose -Message ('{0} GNU_LIBC_VERSION exited with {1} and printed ''{2}''; the C library is not glibc or does not say its version.' -f $path, $process.ExitCode, $text.Trim())
            return
        } catch {
            Write-Verbose -Message ('Could not run {0}: {1}' -f $path, $_.Exception.Message)
        } finally {
            if ($null -ne $process) {
                $process.Dispose()
            }
        }
    }
    Write-Verbose -Message 'No getconf answered GNU_LIBC_VERSION; the glibc version is unknown.'
}
