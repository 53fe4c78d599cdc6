function Test-WbdTcpPort {
    <#
    .SYNOPSIS
    Tells whether a TCP port of a computer accepts a connection within a deadline, and if not, why.

    .DESCRIPTION
    Connects with System.Net.Sockets.TcpClient (BeginConnect, then a bounded wait), so an
    unreachable computer costs at most -TimeoutMilliseconds. Returns an object with Open
    ($true when the connection was accepted) and Reason (a phrase for a sentence when it was
    not: it did not answer within the deadline, it refused the connection, or its name could
    not be resolved). The connection is closed at once; nothing is sent.

    .PARAMETER ComputerName
    The host name or address.

    .PARAMETER Port
    The TCP port.

    .PARAMETER TimeoutMilliseconds
    How long to wait for the connection.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $ComputerName,

        [Parameter(Mandatory = $true)]
        [int] $Port,

        [Parameter(Mandatory = $true)]
        [int] $TimeoutMilliseconds
    )

    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $pending = $client.BeginConnect($ComputerName, $Port, $null, $null)
        if (-not $pending.AsyncWaitHandle.WaitOne($TimeoutMilliseconds)) {
            return [pscustomobject]@{ Open = $false; Reason = ('did not answer on TCP {0} within {1} ms' -f $Port, $TimeoutMilliseconds) }
        }
        $client.EndConnect($pending)
        [pscustomobject]@{ Open = $true; Reason = $null }
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $socket = $_.Exception
        while ($null -ne $socket -and $socket -isnot [System.Net.Sockets.SocketException]) {
            $socket = $socket.InnerException
        }
        $reason = 'could not be connected to on TCP {0} ({1})' -f $Port, $_.Exception.Message
        if ($null -ne $socket) {
            switch ([string]$socket.SocketErrorCode) {
                'ConnectionRefused' { $reason = 'refused the connection on TCP {0}' -f $Port }
                'HostNotFound' { $reason = 'could not be resolved (no DNS answer for the name)' }
                'TimedOut' { $reason = 'did not answer on TCP {0} within {1} ms' -f $Port, $TimeoutMilliseconds }
                default { $reason = 'could not be connected to on TCP {0} ({1})' -f $Port, $socket.Message }
            }
        }
        [pscustomobject]@{ Open = $false; Reason = $reason }
    } finally {
        $client.Close()
    }
}
