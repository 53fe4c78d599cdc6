function Get-WbdDomainControllerRegistry {
    <#
    .SYNOPSIS
    Reads RestrictRemoteSam on one domain controller through remote registry, as one entry of a domain's DomainControllerRegistry.

    .DESCRIPTION
    Password writeback fails (SSPR_0029, events 33004 and 6329 with ERROR_ACCESS_DENIED) when
    the policy "Network access: Restrict clients allowed to make remote calls to SAM" on the
    Entra Connect server or on a domain controller leaves out the AD DS connector account. This
    reads the policy's registry value, HKLM\SYSTEM\CurrentControlSet\Control\Lsa RestrictRemoteSam,
    on the DC -HostName, and never hangs:

    - first a TCP connection to port 445 (SMB, which the Remote Registry service is reached
      over), bounded by -TimeoutMilliseconds;
    - then the read itself, in a runspace with the same deadline (Get-WbdRemoteRegistryValue).

    The entry is Status 'Collected' with RestrictRemoteSam (the SDDL text, or $null when the
    value does not exist), or Status 'Unavailable' with a Reason that says what to do: the DC is
    unreachable on TCP 445, the Remote Registry service did not answer (stopped or disabled),
    access was denied to this account, or the read did not finish in time. The engine judges the
    value; nothing is interpreted here.

    .PARAMETER HostName
    The domain controller.

    .PARAMETER IsPdcEmulator
    Whether it is the domain's PDC emulator (recorded as IsPdcEmulator).

    .PARAMETER TimeoutMilliseconds
    The deadline of the TCP check and of the registry read, each.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $HostName,

        [Parameter()]
        [bool] $IsPdcEmulator,

        [Parameter()]
        [int] $TimeoutMilliseconds = 5000
    )

    $entry = [ordered]@{
        HostName      = $HostName
        IsPdcEmulator = $IsPdcEmulator
        Status        = 'Collected'
        Reason        = $null
    }
    $manual = 'check it on the DC itself (Get-ItemProperty -Path HKLM:\System\CurrentControlSet\Control\Lsa -Name RestrictRemoteSam)'
    $unavailable = {
        param ([string] $Why)
        $entry['Status'] = 'Unavailable'
        $entry['Reason'] = '{0}; {1}' -f $Why, $manual
        Write-Verbose -Message ('RestrictRemoteSam on {0} not read: {1}' -f $HostName, $Why)
        $entry
    }

    $port = Test-WbdTcpPort -ComputerName $HostName -Port 445 -TimeoutMilliseconds $TimeoutMilliseconds
    if (-not $port.Open) {
        return (& $unavailable ('{0} {1} from this server, so its registry could not be read remotely (Remote Registry is reached over SMB, TCP 445)' -f $HostName, $port.Reason))
    }
    try {
        $read = Get-WbdRemoteRegistryValue -ComputerName $HostName -KeyPath 'SYSTEM\CurrentControlSet\Control\Lsa' -ValueName 'RestrictRemoteSam' -TimeoutMilliseconds $TimeoutMilliseconds
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $account = '{0}\{1}' -f [System.Environment]::UserDomainName, [System.Environment]::UserName
        $cause = $_.Exception
        $why = $null
        while ($null -ne $cause -and $null -eq $why) {
            if ($cause -is [System.TimeoutException]) {
                $why = 'the remote registry read on {0} did not finish within {1} ms' -f $HostName, $TimeoutMilliseconds
            } elseif ($cause -is [System.UnauthorizedAccessException] -or $cause -is [System.Security.SecurityException]) {
                $why = 'access to the registry of {0} was denied to {1}: reading it remotely needs administrator rights on the DC' -f $HostName, $account
            } elseif ($cause -is [System.IO.IOException]) {
                $why = 'the Remote Registry service of {0} did not answer ({1}): it is stopped or disabled on the DC, or a firewall blocks it; start it there (Start-Service -Name RemoteRegistry) and collect again' -f $HostName, $cause.Message.Trim()
            } elseif ($cause -is [System.PlatformNotSupportedException]) {
                $why = 'remote registry reads need Windows'
            }
            $cause = $cause.InnerException
        }
        if ($null -eq $why) {
            $why = 'the remote registry read on {0} failed: {1}' -f $HostName, $_.Exception.Message
        }
        return (& $unavailable $why)
    }
    if (-not $read.KeyExists) {
        return (& $unavailable ('HKLM\SYSTEM\CurrentControlSet\Control\Lsa was not found on {0}' -f $HostName))
    }
    $value = $null
    if ($read.ValueExists) {
        $value = [string]$read.Value
    }
    $entry['RestrictRemoteSam'] = $value
    Write-Verbose -Message ('RestrictRemoteSam on {0}: {1}' -f $HostName, $(if ($null -eq $value) { 'not set' } else { $value }))
    $entry
}
