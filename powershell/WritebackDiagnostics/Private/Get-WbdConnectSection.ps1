function Get-WbdConnectSection {
    <#
    .SYNOPSIS
    Collects the Connect section of the snapshot: the sync engine, the ADSync module's objects, the service, the registry and the OS.

    .DESCRIPTION
    The section is Unavailable outside Windows and where the ADSync module cannot be loaded
    (not the Entra Connect server, or Connect not completely installed): the registry and OS of
    another computer say nothing about the sync server. Otherwise it is Collected, and each item
    that cannot be read (for example for want of rights) is recorded in Errors with the reason.
    Values are passed through as their sources return them:

    - AdSyncModule: how the ADSync module was made available, as Import-WbdOptionalModule says:
      AlreadyAvailable (its commands were found, nothing imported), Imported, or
      ImportedThroughWindowsPowerShell (PowerShell 7 imported it with -UseWindowsPowerShell, so
      the ADSync objects below are deserialized copies from a Windows PowerShell 5.1 session).
    - SyncEngine: VersionInfo (FileName, FileVersion, ProductVersion) of miiserver.exe, found
      through the ADSync service's ImagePath (else the default install folder); $null when the
      file does not exist.
    - GlobalSettings, Scheduler, Connectors, RunProfileResults: Get-ADSyncGlobalSettings,
      Get-ADSyncScheduler, Get-ADSyncConnector, Get-ADSyncRunProfileResult (the whole history the
      server keeps).
    - PasswordResetConfiguration: Get-ADSyncAADPasswordResetConfiguration for each Entra
      connector, with ConnectorName added.
    - EntraConnectorIdentity: Get-ADSyncEntraConnectorCredential (its ConnectorIdentityType
      says ServiceAccount or Application); $null when the ADSync module has no such command.
    - Service: Name, DisplayName, Status and StartType of the ADSync service; $null without it.
    - MachineConfig: the 64-bit .NET 4 machine.config and its defaultProxy element as XML text.
    - Tls: the values of the .NET v4.0.30319 keys (64- and 32-bit) and the SCHANNEL TLS 1.2
      Client and Server keys; a key that does not exist is $null.
    - DotNetRelease, RestrictRemoteSam: the registry values, $null when they do not exist.
    - OperatingSystem: Caption, Version, BuildNumber, ProductType and OSArchitecture of
      Win32_OperatingSystem, with InstallationType and EditionID from the registry.

    .PARAMETER State
    A hashtable that receives the raw Get-ADSyncConnector objects (key Connectors) or the reason
    they could not be read (key ConnectorError), which the ActiveDirectory collector needs.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [hashtable] $State
    )

    if (-not (Test-WbdWindowsPlatform)) {
        $State['ConnectorError'] = 'this computer is not running Windows'
        return New-WbdSection -Reason 'The Entra Connect facts can only be read on Windows, on the Entra Connect server itself; this computer is not running Windows.'
    }

    $modulePath = [System.IO.Path]::Combine($env:ProgramFiles, 'Microsoft Azure AD Sync', 'Bin', 'ADSync', 'ADSync.psd1')
    # PowerShell 7 loads only System32 modules through Windows PowerShell compatibility by itself.
    $adSyncModule = Import-WbdOptionalModule -Name 'ADSync' -Command 'Get-ADSyncConnector' -FallbackPath $modulePath -WindowsPowerShellOnCore
    $available = $adSyncModule -ne 'NotAvailable'
    $missing = @(
        'Get-ADSyncGlobalSettings'
        'Get-ADSyncScheduler'
        'Get-ADSyncConnector'
        'Get-ADSyncAADPasswordResetConfiguration'
        'Get-ADSyncRunProfileResult'
    ) | Where-Object -FilterScript { -not $available -or -not (Test-WbdCommandAvailable -Name $_) }
    if (@($missing).Count -gt 0) {
        $State['ConnectorError'] = 'the ADSync PowerShell module is not available'
        return New-WbdSection -Reason ('The ADSync PowerShell module is not available on this computer ({0} not found), so it is not the Entra Connect server or Connect is not completely installed. Run the collection on the Entra Connect server, in an elevated session of an account in the ADSyncAdmins group.' -f (@($missing) -join ', '))
    }
    $section = New-WbdSection
    $section['AdSyncModule'] = $adSyncModule

    Add-WbdFact -Section $section -Name 'SyncEngine' -ScriptBlock {
        $engine = $null
        $serviceKey = Get-WbdRegistryKey -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\ADSync'
        if ($null -ne $serviceKey -and $serviceKey['ImagePath']) {
            $imagePath = [string]$serviceKey['ImagePath']
            if ($imagePath -match '^\s*"([^"]+)"') {
                $engine = $Matches[1]
            } elseif ($imagePath -match '^\s*(.+?\.exe)') {
                $engine = $Matches[1]
            }
        }
        if (-not $engine) {
            $engine = [System.IO.Path]::Combine($env:ProgramFiles, 'Microsoft Azure AD Sync', 'Bin', 'miiserver.exe')
        }
        try {
            $file = Get-Item -LiteralPath $engine -ErrorAction Stop
        } catch [System.Management.Automation.ItemNotFoundException] {
            Write-Verbose -Message ('{0} does not exist: Entra Connect is not installed here' -f $engine)
            return $null
        }
        [ordered]@{
            FileName       = $file.VersionInfo.FileName
            FileVersion    = $file.VersionInfo.FileVersion
            ProductVersion = $file.VersionInfo.ProductVersion
        }
    }

    Add-WbdFact -Section $section -Name 'Service' -ScriptBlock {
        try {
            $service = Get-Service -Name 'ADSync' -ErrorAction Stop
        } catch {
            if ($_.FullyQualifiedErrorId -notlike 'NoServiceFoundForGivenName*') {
                throw
            }
            $service = $null
        }
        if ($null -eq $service) {
            Write-Verbose -Message 'There is no ADSync service on this computer'
            return $null
        }
        [ordered]@{
            Name        = $service.Name
            DisplayName = $service.DisplayName
            Status      = $service.Status
            StartType   = $service.StartType
        }
    }

    Add-WbdFact -Section $section -Name 'GlobalSettings' -ScriptBlock {
        Get-ADSyncGlobalSettings
    }
    Add-WbdFact -Section $section -Name 'Scheduler' -ScriptBlock {
        Get-ADSyncScheduler
    }
    Add-WbdFact -Section $section -Name 'Connectors' -List -ScriptBlock {
        $connectors = @(Get-ADSyncConnector)
        $State['Connectors'] = $connectors
        $connectors
    }
    if ($section['Errors'].Contains('Connectors')) {
        $State['ConnectorError'] = $section['Errors']['Connectors']
        $section['Errors']['PasswordResetConfiguration'] = 'the connectors could not be read, so the Entra connector is unknown'
    } else {
        $entra = @($State['Connectors'] | Where-Object -FilterScript { Test-WbdEntraConnector -Connector $_ })
        if ($entra.Count -eq 0) {
            $section['Errors']['PasswordResetConfiguration'] = 'no Microsoft Entra ID connector is configured in the sync engine'
            Write-Verbose -Message 'PasswordResetConfiguration not collected: there is no Microsoft Entra ID connector'
        } else {
            Add-WbdFact -Section $section -Name 'PasswordResetConfiguration' -List -ScriptBlock {
                foreach ($connector in $entra) {
                    $configuration = ConvertTo-WbdSnapshotValue -InputObject (Get-ADSyncAADPasswordResetConfiguration -Connector $connector.Name)
                    if ($configuration -isnot [System.Collections.IDictionary]) {
                        $configuration = [ordered]@{ Value = $configuration }
                    }
                    $configuration['ConnectorName'] = [string]$connector.Name
                    $configuration
                }
            }
        }
    }
    Add-WbdFact -Section $section -Name 'RunProfileResults' -List -ScriptBlock {
        Get-ADSyncRunProfileResult
    }
    Add-WbdFact -Section $section -Name 'EntraConnectorIdentity' -ScriptBlock {
        if (-not (Test-WbdCommandAvailable -Name 'Get-ADSyncEntraConnectorCredential')) {
            Write-Verbose -Message 'This ADSync module has no Get-ADSyncEntraConnectorCredential'
            return $null
        }
        Get-ADSyncEntraConnectorCredential
    }

    Add-WbdFact -Section $section -Name 'MachineConfig' -ScriptBlock {
        $path = [System.IO.Path]::Combine($env:WINDIR, 'Microsoft.NET', 'Framework64', 'v4.0.30319', 'Config', 'machine.config')
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
            return [ordered]@{ Path = $path; Exists = $false; DefaultProxy = $null }
        }
        $xml = [xml](Get-Content -LiteralPath $path -Raw)
        $proxy = $xml.SelectSingleNode('/configuration/system.net/defaultProxy')
        $text = $null
        if ($null -ne $proxy) {
            $text = $proxy.OuterXml
        }
        [ordered]@{ Path = $path; Exists = $true; DefaultProxy = $text }
    }

    Add-WbdFact -Section $section -Name 'Tls' -ScriptBlock {
        $protocols = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
        [ordered]@{
            NetFramework64      = Get-WbdRegistryKey -Path 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
            NetFramework32      = Get-WbdRegistryKey -Path 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'
            SchannelTls12Client = Get-WbdRegistryKey -Path ('{0}\Client' -f $protocols)
            SchannelTls12Server = Get-WbdRegistryKey -Path ('{0}\Server' -f $protocols)
        }
    }

    Add-WbdFact -Section $section -Name 'DotNetRelease' -ScriptBlock {
        $key = Get-WbdRegistryKey -Path 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
        if ($null -eq $key -or -not $key.Contains('Release')) {
            return $null
        }
        $key['Release']
    }

    Add-WbdFact -Section $section -Name 'RestrictRemoteSam' -ScriptBlock {
        $key = Get-WbdRegistryKey -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa'
        if ($null -eq $key -or -not $key.Contains('RestrictRemoteSam')) {
            return $null
        }
        $key['RestrictRemoteSam']
    }

    Add-WbdFact -Section $section -Name 'OperatingSystem' -ScriptBlock {
        $os = Get-CimInstance -ClassName 'Win32_OperatingSystem'
        $current = Get-WbdRegistryKey -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
        if ($null -eq $current) {
            $current = @{}
        }
        [ordered]@{
            Caption          = $os.Caption
            Version          = $os.Version
            BuildNumber      = $os.BuildNumber
            ProductType      = $os.ProductType
            OSArchitecture   = $os.OSArchitecture
            InstallationType = $current['InstallationType']
            EditionID        = $current['EditionID']
        }
    }

    $section
}
