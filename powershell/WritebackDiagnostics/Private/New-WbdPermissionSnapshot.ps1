function New-WbdPermissionSnapshot {
    <#
    .SYNOPSIS
    Collects the snapshot Test-WritebackPermission and Test-WritebackUser evaluate: the Connect and ActiveDirectory sections with the permission data, and the UserTargets entry.

    .DESCRIPTION
    The live collection of the two permission cmdlets, with progress:

    - Connect: Get-WbdConnectSection (the ADSync connectors name the forests, the connector
      account and, for Test-WritebackUser, the connectors to look the user up in);
    - ActiveDirectory: without -Server and -ConnectorAccount, and with the ActiveDirectory
      module, Get-WbdDirectorySection as Get-WritebackEnvironment collects it (every forest and
      domain of the AD connectors, permissions read from each PDC emulator); otherwise
      Get-WbdTargetDirectorySection, one domain read from -Server (or the connector account's
      domain), with the ActiveDirectory module when it is there and over LDAP when it is not;
    - UserTargets (with -Identity): Get-WbdUserTarget for the user found in the domains' Users.

    The snapshot goes through Remove-WbdSecret like Get-WritebackEnvironment's. Returns an
    object with Snapshot and DirectoryFailure (set when the DC named by -Server, or the
    connector account's domain, could not be read at all: Failure Timeout, Bind or
    Unavailable, and Reason).

    .PARAMETER Server
    A DC (host or host:port) to read instead of each domain's PDC emulator.

    .PARAMETER ConnectorAccount
    'DOMAIN\sAMAccountName' of the AD DS connector account, when ADSync is not on this computer.

    .PARAMETER Credential
    The account to read Active Directory as.

    .PARAMETER UserLimit
    At most this many users per domain.

    .PARAMETER Identity
    Test-WritebackUser's -Identity: only this user is read, and UserTargets is added.

    .PARAMETER Activity
    The Write-Progress activity.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter()]
        [string] $Server,

        [Parameter()]
        [string] $ConnectorAccount,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [string] $Identity,

        [Parameter(Mandatory = $true)]
        [string] $Activity
    )

    $computerName = $env:COMPUTERNAME
    if (-not $computerName) {
        $computerName = [System.Environment]::MachineName
    }
    $module = $MyInvocation.MyCommand.Module
    $snapshot = [ordered]@{
        SchemaVersion = 1
        CollectedAt   = [datetime]::UtcNow.ToString('o', [System.Globalization.CultureInfo]::InvariantCulture)
        ComputerName  = $computerName
        Collector     = [ordered]@{
            Module            = 'WritebackDiagnostics'
            ModuleVersion     = [string]$module.Version
            PowerShellVersion = [string]$PSVersionTable.PSVersion
            PSEdition         = [string]$PSVersionTable.PSEdition
        }
    }
    $userIdentity = $null
    if ($Identity) {
        $userIdentity = Resolve-WbdUserIdentity -Identity $Identity
    }
    $failure = $null

    try {
        Write-Progress -Activity $Activity -Status 'Entra Connect (ADSync)' -PercentComplete 0
        $state = @{}
        $snapshot['Connect'] = Get-WbdConnectSection -State $state

        $source = 'Ldap'
        if ((Test-WbdWindowsPlatform) -and (Import-WbdOptionalModule -Name 'ActiveDirectory' -Command 'Get-ADDomain') -ne 'NotAvailable') {
            $source = 'ActiveDirectoryModule'
        } else {
            Write-Verbose -Message 'The ActiveDirectory module is not available here: reading Active Directory over LDAP'
        }
        Write-Progress -Activity $Activity -Status ('Active Directory: permissions and users ({0})' -f $source) -PercentComplete 20
        $common = @{ UserLimit = $UserLimit }
        if ($null -ne $Credential) {
            $common['Credential'] = $Credential
        }
        if ($null -ne $userIdentity) {
            $common['UserIdentity'] = $userIdentity
        }
        if ($Server -or $ConnectorAccount -or $source -eq 'Ldap') {
            $target = @{
                Connector = $state['Connectors']
                Source    = $source
            }
            if ($Server) {
                $target['Server'] = $Server
            }
            if ($ConnectorAccount) {
                $target['ConnectorAccount'] = $ConnectorAccount
            }
            $directory = Get-WbdTargetDirectorySection @common @target
            $failure = $directory['LdapFailure']
            $directory.Remove('LdapFailure')
        } else {
            $directory = Get-WbdDirectorySection @common -Connector $state['Connectors'] -ConnectorError ([string]$state['ConnectorError'])
        }
        $snapshot['ActiveDirectory'] = $directory

        if ($Identity) {
            Write-Progress -Activity $Activity -Status ('The user {0}: sync engine and Microsoft Graph' -f $Identity) -PercentComplete 70
            $found = $null
            $foundDomain = $null
            $readErrors = New-Object -TypeName 'System.Collections.Generic.List[string]'
            $read = $false
            # Not @() around the list: PowerShell 7.6's binder fails on @() of a generic List.
            foreach ($forest in $directory['Forests']) {
                if ($null -eq $forest -or -not $forest.Contains('Domains')) {
                    if ($null -ne $forest -and $forest['Reason']) {
                        $readErrors.Add([string]$forest['Reason'])
                    }
                    continue
                }
                foreach ($domainEntry in $forest['Domains']) {
                    if ($domainEntry.Contains('Users')) {
                        $read = $true
                        foreach ($user in $domainEntry['Users']) {
                            if ($null -eq $found) {
                                $found = $user
                                $foundDomain = [string]$domainEntry['Name']
                            }
                        }
                    } elseif ($domainEntry.Contains('Errors') -and $domainEntry['Errors'].Contains('Users')) {
                        $readErrors.Add([string]$domainEntry['Errors']['Users'])
                    } elseif ($domainEntry['Reason']) {
                        $readErrors.Add([string]$domainEntry['Reason'])
                    }
                }
            }
            $targetParameters = @{
                Identity  = $Identity
                User      = $found
                Connector = $state['Connectors']
            }
            if ($foundDomain) {
                $targetParameters['Domain'] = $foundDomain
            }
            if (-not $read) {
                $reason = $readErrors -join '; '
                if (-not $reason) {
                    $reason = 'no domain was read'
                }
                $targetParameters['DirectoryError'] = $reason
            }
            $targets = New-Object -TypeName 'System.Collections.Generic.List[object]'
            $targets.Add((Get-WbdUserTarget @targetParameters))
            $snapshot['UserTargets'] = $targets
        }

        Write-Progress -Activity $Activity -Status 'Removing secrets' -PercentComplete 95
        $clean = Remove-WbdSecret -InputObject $snapshot
    } finally {
        Write-Progress -Activity $Activity -Completed
    }
    [pscustomobject]@{
        Snapshot         = $clean
        DirectoryFailure = $failure
    }
}
