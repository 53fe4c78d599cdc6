# The ports from the Connect server to a domain controller that writeback needs (Kerberos,
# RPC endpoint mapper, LDAP, SMB), as the engine's PRE-PDC-REACHABLE rule lists them.
$script:WbdPdcPorts = @(88, 135, 389, 445)

function Get-WbdLiveSection {
    <#
    .SYNOPSIS
    Probes, from this server, TCP to the PDC emulator of every collected domain, and returns the snapshot's Live section.

    .DESCRIPTION
    A live run of Test-WritebackPrerequisite is on the Connect server itself, so it can test
    what a saved snapshot cannot: whether the PDC emulators answer on the AD ports. The hosts
    are the PDCEmulator of each collected domain (or the domain controller that holds the role).
    All connections are attempted at the same time, each with the same timeout, and each result
    is recorded with the engine's TCP probe tokens: Connected, Refused, TimedOut, Unreachable,
    NotResolved or Failed. The engine's PRE-PDC-REACHABLE rule evaluates them.

    .PARAMETER Environment
    The snapshot from Get-WritebackEnvironment.

    .PARAMETER TimeoutMilliseconds
    How long each connection attempt may take.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [object] $Environment,

        [Parameter()]
        [ValidateRange(100, 60000)]
        [int] $TimeoutMilliseconds = 3000
    )

    $hosts = [System.Collections.Generic.List[string]]::new()
    $directory = $Environment.ActiveDirectory
    if ($null -ne $directory -and [string]$directory.Status -ne 'Unavailable') {
        foreach ($forest in @($directory.Forests)) {
            if ($null -eq $forest -or [string]$forest.Status -eq 'Unavailable') {
                continue
            }
            foreach ($domain in @($forest.Domains)) {
                if ($null -eq $domain -or [string]$domain.Status -eq 'Unavailable') {
                    continue
                }
                $pdc = $null
                if ($null -ne $domain.Domain) {
                    $pdc = [string]$domain.Domain.PDCEmulator
                }
                if (-not $pdc) {
                    $holder = @($domain.DomainControllers) | Where-Object -FilterScript { $null -ne $_ -and @($_.OperationMasterRoles | ForEach-Object -Process { [string]$_ }) -contains 'PDCEmulator' } | Select-Object -First 1
                    if ($null -ne $holder) {
                        $pdc = [string]$holder.HostName
                    }
                }
                if ($pdc -and -not $hosts.Contains($pdc)) {
                    $hosts.Add($pdc)
                }
            }
        }
    }

    $live = [ordered]@{
        ProbedAt  = [datetime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        TcpProbes = [System.Collections.Generic.List[object]]::new()
    }
    if ($hosts.Count -eq 0) {
        Write-Verbose -Message 'No PDC emulator is known, so none was probed'
        return $live
    }

    $attempts = [System.Collections.Generic.List[object]]::new()
    foreach ($hostName in $hosts) {
        Write-Progress -Activity 'Collecting the password writeback environment' -Status ('Probing {0} on TCP {1}' -f $hostName, ($script:WbdPdcPorts -join ', ')) -PercentComplete 97
        $address = $null
        $resolveError = $null
        try {
            $addresses = @([System.Net.Dns]::GetHostAddresses($hostName))
            $address = $addresses | Where-Object -FilterScript { $_.AddressFamily -eq [System.Net.Sockets.AddressFamily]::InterNetwork } | Select-Object -First 1
            if ($null -eq $address) {
                $address = $addresses | Select-Object -First 1
            }
        } catch {
            $resolveError = $_.Exception.InnerException
            if ($null -eq $resolveError) {
                $resolveError = $_.Exception
            }
        }
        foreach ($port in $script:WbdPdcPorts) {
            $attempt = [ordered]@{ Host = $hostName; Port = $port; Client = $null; Task = $null; Address = $null; Error = $resolveError }
            if ($null -ne $address) {
                $attempt.Address = (New-Object -TypeName System.Net.IPEndPoint -ArgumentList $address, $port).ToString()
                $attempt.Client = New-Object -TypeName System.Net.Sockets.TcpClient -ArgumentList $address.AddressFamily
                $attempt.Task = $attempt.Client.ConnectAsync($address, $port)
            }
            $attempts.Add($attempt)
        }
    }

    try {
        $deadline = [datetime]::UtcNow.AddMilliseconds($TimeoutMilliseconds)
        foreach ($attempt in $attempts) {
            if ($null -ne $attempt.Task) {
                $left = [int][System.Math]::Max(0, ($deadline - [datetime]::UtcNow).TotalMilliseconds)
                try {
                    $null = $attempt.Task.Wait($left)
                } catch {
                    Write-Debug -Message ('{0}:{1}: {2}' -f $attempt.Host, $attempt.Port, $_.Exception.Message)
                }
            }
        }
        foreach ($attempt in $attempts) {
            $message = $null
            if ($null -eq $attempt.Task) {
                $outcome = 'Failed'
                if ($attempt.Error -is [System.Net.Sockets.SocketException]) {
                    $outcome = 'NotResolved'
                }
                if ($null -ne $attempt.Error) {
                    $message = $attempt.Error.Message
                }
            } elseif ($attempt.Task.Status -eq [System.Threading.Tasks.TaskStatus]::RanToCompletion) {
                $outcome = 'Connected'
            } elseif (-not $attempt.Task.IsCompleted) {
                $outcome = 'TimedOut'
                $message = 'no answer within {0} ms' -f $TimeoutMilliseconds
            } else {
                $failure = $attempt.Task.Exception
                while ($null -ne $failure -and $failure -isnot [System.Net.Sockets.SocketException] -and $null -ne $failure.InnerException) {
                    $failure = $failure.InnerException
                }
                $outcome = 'Failed'
                if ($failure -is [System.Net.Sockets.SocketException]) {
                    switch ($failure.SocketErrorCode) {
                        'ConnectionRefused' {
                            $outcome = 'Refused'
                        }
                        'TimedOut' {
                            $outcome = 'TimedOut'
                        }
                        { $_ -in 'NetworkUnreachable', 'HostUnreachable', 'NetworkDown', 'HostDown' } {
                            $outcome = 'Unreachable'
                        }
                        { $_ -in 'HostNotFound', 'NoData', 'TryAgain' } {
                            $outcome = 'NotResolved'
                        }
                    }
                }
                if ($null -ne $failure) {
                    $message = $failure.Message
                }
            }
            $live.TcpProbes.Add([ordered]@{
                    Host    = $attempt.Host
                    Port    = $attempt.Port
                    Outcome = $outcome
                    Address = $attempt.Address
                    Message = $message
                })
        }
    } finally {
        foreach ($attempt in $attempts) {
            if ($null -ne $attempt.Client) {
                $attempt.Client.Close()
            }
        }
    }
    $live
}
