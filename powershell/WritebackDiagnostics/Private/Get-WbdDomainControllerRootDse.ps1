function Get-WbdDomainControllerRootDse {
    <#
    .SYNOPSIS
    Reads the supportedControl list of one domain controller's rootDSE over LDAP, as a domain's PdcRootDse entry.

    .DESCRIPTION
    Writeback asks the DC it writes to for the LDAP password-policy-hints control; the engine
    looks for the control's OIDs in the list this returns. The read never hangs: first a TCP
    connection to port 389 bounded by -TimeoutMilliseconds, then the rootDSE bind in a runspace
    with the same deadline (Invoke-WbdWithDeadline). The entry is Status 'Collected' with
    SupportedControl (the OIDs as text), or Status 'Unavailable' with a Reason. Nothing is
    interpreted here.

    .PARAMETER HostName
    The domain controller, normally the domain's PDC emulator.

    .PARAMETER TimeoutMilliseconds
    The deadline of the TCP check and of the LDAP read, each.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $HostName,

        [Parameter()]
        [int] $TimeoutMilliseconds = 5000
    )

    $entry = [ordered]@{
        HostName = $HostName
        Status   = 'Collected'
        Reason   = $null
    }
    $port = Test-WbdTcpPort -ComputerName $HostName -Port 389 -TimeoutMilliseconds $TimeoutMilliseconds
    if (-not $port.Open) {
        $entry['Status'] = 'Unavailable'
        $entry['Reason'] = '{0} {1} from this server (LDAP, TCP 389)' -f $HostName, $port.Reason
        return $entry
    }
    try {
        $controls = @(Invoke-WbdWithDeadline -TimeoutMilliseconds $TimeoutMilliseconds -ArgumentList @($HostName) -ScriptBlock {
                param ([string] $Server)
                $rootDse = New-Object -TypeName System.DirectoryServices.DirectoryEntry -ArgumentList ('LDAP://{0}/RootDSE' -f $Server)
                try {
                    foreach ($oid in $rootDse.Properties['supportedControl']) {
                        [string]$oid
                    }
                } finally {
                    $rootDse.Dispose()
                }
            })
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $entry['Status'] = 'Unavailable'
        if ($_.Exception -is [System.TimeoutException]) {
            $entry['Reason'] = 'the rootDSE of {0} did not answer within {1} ms' -f $HostName, $TimeoutMilliseconds
        } else {
            $entry['Reason'] = 'the rootDSE of {0} could not be read: {1}' -f $HostName, $_.Exception.Message
        }
        Write-Verbose -Message ('rootDSE of {0} not read: {1}' -f $HostName, $entry['Reason'])
        return $entry
    }
    $entry['SupportedControl'] = $controls
    Write-Verbose -Message ('rootDSE of {0}: {1} supported controls' -f $HostName, $controls.Count)
    $entry
}
