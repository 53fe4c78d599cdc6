function Get-WbdRemoteRegistryValue {
    <#
    .SYNOPSIS
    Reads one HKEY_LOCAL_MACHINE value of another computer through its Remote Registry service, within a deadline.

    .DESCRIPTION
    Opens the remote hive with [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey (Windows
    PowerShell 5.1 and PowerShell 7 on Windows), opens -KeyPath read-only and reads -ValueName,
    in a runspace of its own bounded by -TimeoutMilliseconds (Invoke-WbdWithDeadline), because
    the connection can block for a long time when the service does not answer. Returns an object
    with KeyExists, ValueExists and Value (the raw value, $null when it does not exist). The
    .NET exceptions pass through for the caller to explain: UnauthorizedAccessException or
    SecurityException (access denied), IOException ("The network path was not found": the
    service is stopped or unreachable), TimeoutException (no answer in time).

    .PARAMETER ComputerName
    The computer, for example a domain controller's host name.

    .PARAMETER KeyPath
    The key under HKEY_LOCAL_MACHINE, for example SYSTEM\CurrentControlSet\Control\Lsa.

    .PARAMETER ValueName
    The value to read.

    .PARAMETER TimeoutMilliseconds
    The deadline for the whole read.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $ComputerName,

        [Parameter(Mandatory = $true)]
        [string] $KeyPath,

        [Parameter(Mandatory = $true)]
        [string] $ValueName,

        [Parameter(Mandatory = $true)]
        [int] $TimeoutMilliseconds
    )

    $read = {
        param ($ComputerName, $KeyPath, $ValueName)
        $ErrorActionPreference = 'Stop'
        $hive = [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $ComputerName)
        try {
            $key = $hive.OpenSubKey($KeyPath, $false)
            if ($null -eq $key) {
                return [pscustomobject]@{ KeyExists = $false; ValueExists = $false; Value = $null }
            }
            try {
                $value = $key.GetValue($ValueName, $null)
                [pscustomobject]@{ KeyExists = $true; ValueExists = ($null -ne $value); Value = $value }
            } finally {
                $key.Close()
            }
        } finally {
            $hive.Close()
        }
    }
    Invoke-WbdWithDeadline -ScriptBlock $read -ArgumentList @($ComputerName, $KeyPath, $ValueName) -TimeoutMilliseconds $TimeoutMilliseconds
}
