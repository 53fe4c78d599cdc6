function Invoke-WbdWithDeadline {
    <#
    .SYNOPSIS
    Runs a script block in a runspace of its own and gives up on it after a deadline.

    .DESCRIPTION
    For calls that can block far longer than a diagnostic should wait, such as a remote
    registry connection to a computer whose Remote Registry service never answers. The script
    block runs in a new runspace (so none of this session's functions or mocks are there) with
    -ArgumentList as its arguments. Its output is returned; an error that ends it is rethrown
    with its exception. Past -TimeoutMilliseconds a System.TimeoutException is thrown and the
    runspace is asked to stop without waiting for it: a blocked .NET call there finishes or
    fails on its own later. The wait is sliced so that Ctrl+C stops it.

    .PARAMETER ScriptBlock
    What to run; it sees only its own parameters.

    .PARAMETER ArgumentList
    The arguments, in order.

    .PARAMETER TimeoutMilliseconds
    The deadline.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param (
        [Parameter(Mandatory = $true)]
        [scriptblock] $ScriptBlock,

        [Parameter()]
        [object[]] $ArgumentList = @(),

        [Parameter(Mandatory = $true)]
        [int] $TimeoutMilliseconds
    )

    $shell = [System.Management.Automation.PowerShell]::Create()
    $done = $false
    try {
        $null = $shell.AddScript($ScriptBlock.ToString())
        foreach ($argument in $ArgumentList) {
            $null = $shell.AddArgument($argument)
        }
        $async = $shell.BeginInvoke()
        $deadline = [System.DateTime]::UtcNow.AddMilliseconds($TimeoutMilliseconds)
        while (-not $async.AsyncWaitHandle.WaitOne(100)) {
            if ([System.DateTime]::UtcNow -ge $deadline) {
                $null = $shell.BeginStop($null, $null)
                throw (New-Object -TypeName System.TimeoutException -ArgumentList ('no answer within {0} ms' -f $TimeoutMilliseconds))
            }
        }
        $done = $true
        try {
            $output = $shell.EndInvoke($async)
        } catch [System.Management.Automation.MethodInvocationException] {
            # EndInvoke wraps what ended the script; pass on the exception it carried.
            $inner = $_.Exception.InnerException
            if ($inner -is [System.Management.Automation.RuntimeException] -and $null -ne $inner.ErrorRecord -and $null -ne $inner.ErrorRecord.Exception -and $inner.ErrorRecord.Exception -ne $inner) {
                $inner = $inner.ErrorRecord.Exception
            }
            if ($null -eq $inner) {
                throw
            }
            throw $inner
        }
        if ($shell.Streams.Error.Count -gt 0) {
            throw $shell.Streams.Error[0].Exception
        }
        $output
    } finally {
        # A runspace given up on is left to finish by itself: disposing it would wait for it.
        if ($done) {
            $shell.Dispose()
        }
    }
}
