function Get-WbdUserTarget {
    <#
    .SYNOPSIS
    Collects the UserTargets entry of Test-WritebackUser: the user's connector-space and metaverse objects in the sync engine and its cloud side in Microsoft Graph.

    .DESCRIPTION
    Passed through without interpretation:

    - ConnectorSpace: for each AD connector, Get-ADSyncCSObject -ConnectorName <connector>
      -DistinguishedName <the user's DN> (ConnectorName, DistinguishedName, ObjectId,
      ConnectedMVObjectId, IsConnector, ObjectType); an empty list when no connector holds
      the object. Left out (with the reason in Errors) without the ADSync module or without the
      user's DN.
    - Metaverse: Get-ADSyncMVObject -Identifier <ConnectedMVObjectId of the first connector-space
      object joined to one>, with ObjectId and Lineage (ConnectorName, ConnectorId,
      ConnectedCsObjectId, ConnectorType of each connector object).
    - Cloud: through the session's Graph context (never signing in), the user by the AD
      user's userPrincipalName (id, userPrincipalName, onPremisesSyncEnabled,
      onPremisesDistinguishedName, onPremisesSamAccountName), its userRegistrationDetails and
      up to 20 SSPR audit events (directoryAudits logged by Self-service Password Management
      with the user as a target). An item Graph refuses (403 for want of AuditLog.Read.All) is
      in Cloud.Errors, never a failure of the run. Cloud is Unavailable with the reason
      without a Graph context or without a UPN.

    Status is Unavailable (with Reason) when the directory could not be read, so whether the
    user exists is unknown; Collected otherwise, with DistinguishedName $null when the
    directory has no such user.

    .PARAMETER Identity
    What Test-WritebackUser -Identity was given.

    .PARAMETER User
    The user's entry of the domain's Users (DistinguishedName, UserPrincipalName), or $null
    when the directory has no such user.

    .PARAMETER Domain
    The DNS name of the domain the user was looked up in.

    .PARAMETER DirectoryError
    Why the directory could not be read, if it could not.

    .PARAMETER Connector
    The raw Get-ADSyncConnector objects, when the Connect section could read them.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Identity,

        [Parameter()]
        [AllowNull()]
        [System.Collections.IDictionary] $User,

        [Parameter()]
        [string] $Domain,

        [Parameter()]
        [string] $DirectoryError,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyCollection()]
        [object[]] $Connector = @()
    )

    $entry = [ordered]@{
        Identity          = $Identity
        Status            = 'Collected'
        Reason            = $null
        DistinguishedName = $null
        Domain            = $null
        Errors            = [ordered]@{}
    }
    if ($Domain) {
        $entry['Domain'] = $Domain
    }
    if ($DirectoryError) {
        $entry['Status'] = 'Unavailable'
        $entry['Reason'] = 'the directory could not be read, so whether {0} exists is unknown: {1}' -f $Identity, $DirectoryError
        Write-Verbose -Message ('User target {0}: {1}' -f $Identity, $entry['Reason'])
    }
    $dn = $null
    $upn = $null
    if ($null -ne $User) {
        $dn = [string]$User['DistinguishedName']
        $upn = [string]$User['UserPrincipalName']
        $entry['DistinguishedName'] = $dn
    }

    # The sync engine: connector space and metaverse.
    $adConnectors = @($Connector | Where-Object -FilterScript { $null -ne $_ -and ([string]$_.Type -eq 'AD' -or [string]$_.ConnectorTypeName -eq 'AD') -and -not (Test-WbdEntraConnector -Connector $_) })
    if (-not $dn) {
        $entry['Errors']['ConnectorSpace'] = 'the user was not found in Active Directory, so it was not looked up in the connector space'
    } elseif (-not (Test-WbdCommandAvailable -Name 'Get-ADSyncCSObject') -or -not (Test-WbdCommandAvailable -Name 'Get-ADSyncMVObject')) {
        $entry['Errors']['ConnectorSpace'] = 'the ADSync module is not available on this computer (Get-ADSyncCSObject not found), so the connector space was not read'
        $entry['Errors']['Metaverse'] = 'the ADSync module is not available on this computer (Get-ADSyncMVObject not found), so the metaverse was not read'
    } elseif ($adConnectors.Count -eq 0) {
        $entry['Errors']['ConnectorSpace'] = 'no Active Directory connector is known, so the connector space was not read'
    } else {
        Add-WbdFact -Section $entry -Name 'ConnectorSpace' -List -ScriptBlock {
            foreach ($adConnector in $adConnectors) {
                $object = Get-ADSyncCSObject -ConnectorName ([string]$adConnector.Name) -DistinguishedName $dn
                foreach ($one in @($object)) {
                    if ($null -ne $one) {
                        [ordered]@{
                            ConnectorName       = [string]$adConnector.Name
                            DistinguishedName   = ConvertTo-WbdSnapshotValue -InputObject $one.DistinguishedName
                            ObjectId            = ConvertTo-WbdSnapshotValue -InputObject $one.ObjectId
                            ConnectedMVObjectId = ConvertTo-WbdSnapshotValue -InputObject $one.ConnectedMVObjectId
                            IsConnector         = $one.IsConnector
                            ObjectType          = ConvertTo-WbdSnapshotValue -InputObject $one.ObjectType
                        }
                    }
                }
            }
        }
        if ($entry.Contains('ConnectorSpace')) {
            $joined = @($entry['ConnectorSpace'] | Where-Object -FilterScript { $null -ne $_ -and $_['ConnectedMVObjectId'] -and $_['ConnectedMVObjectId'] -ne [guid]::Empty.ToString() })
            if ($joined.Count -eq 0) {
                $entry['Errors']['Metaverse'] = 'no connector-space object of the user is joined to a metaverse object'
            } else {
                $mvId = [string]$joined[0]['ConnectedMVObjectId']
                Add-WbdFact -Section $entry -Name 'Metaverse' -ScriptBlock {
                    $mv = Get-ADSyncMVObject -Identifier $mvId
                    $lineage = New-Object -TypeName 'System.Collections.Generic.List[object]'
                    foreach ($link in @($mv.Lineage)) {
                        if ($null -ne $link) {
                            $lineage.Add([ordered]@{
                                    ConnectorName       = ConvertTo-WbdSnapshotValue -InputObject $link.ConnectorName
                                    ConnectorId         = ConvertTo-WbdSnapshotValue -InputObject $link.ConnectorId
                                    ConnectedCsObjectId = ConvertTo-WbdSnapshotValue -InputObject $link.ConnectedCsObjectId
                                    ConnectorType       = ConvertTo-WbdSnapshotValue -InputObject $link.ConnectorType
                                })
                        }
                    }
                    [ordered]@{
                        ObjectId = ConvertTo-WbdSnapshotValue -InputObject $mv.ObjectId
                        Lineage  = $lineage
                    }
                }
            }
        }
    }

    # The cloud side, through the Graph context the session already has.
    $cloud = $null
    $context = $null
    $graph = (Test-WbdCommandAvailable -Name 'Get-MgContext') -and (Test-WbdCommandAvailable -Name 'Invoke-MgGraphRequest')
    if ($graph) {
        try {
            $context = Get-MgContext -ErrorAction Stop
        } catch [System.Management.Automation.PipelineStoppedException] {
            throw
        } catch {
            $cloud = New-WbdSection -Reason ('Get-MgContext failed, so the cloud side of the user was not read: {0}' -f $_.Exception.Message)
        }
    }
    if ($null -ne $cloud) {
        Write-Verbose -Message 'Cloud side of the user not read'
    } elseif (-not $graph) {
        $cloud = New-WbdSection -Reason 'The Microsoft.Graph.Authentication module is not installed, so the cloud side of the user was not read. Install it, run Connect-MgGraph -Scopes User.Read.All, AuditLog.Read.All, then run again.'
    } elseif ($null -eq $context) {
        $cloud = New-WbdSection -Reason 'There is no Microsoft Graph connection in this session, so the cloud side of the user was not read (this command never signs in by itself). Run Connect-MgGraph -Scopes User.Read.All, AuditLog.Read.All, then run again.'
    } elseif (-not $upn) {
        $cloud = New-WbdSection -Reason 'The user has no userPrincipalName in Active Directory (or was not found), so it was not looked up in Microsoft Graph.'
    } else {
        $cloud = New-WbdSection
        $select = 'id,userPrincipalName,onPremisesSyncEnabled,onPremisesDistinguishedName,onPremisesSamAccountName'
        $upnPath = [System.Uri]::EscapeDataString($upn)
        Add-WbdFact -Section $cloud -Name 'User' -ScriptBlock {
            Get-WbdGraphResource -Uri ('v1.0/users/{0}?$select={1}' -f $upnPath, $select)
        }
        if ($cloud.Contains('User') -and $null -ne $cloud['User']) {
            $id = [string]$cloud['User']['id']
            $idPath = [System.Uri]::EscapeDataString($id)
            Add-WbdFact -Section $cloud -Name 'RegistrationDetails' -ScriptBlock {
                Get-WbdGraphResource -Uri ('v1.0/reports/authenticationMethods/userRegistrationDetails/{0}' -f $idPath)
            }
            # OData literal (quotes doubled), URL-encoded with the quote as %27 on every .NET.
            $filter = "loggedByService eq 'Self-service Password Management' and targetResources/any(t:t/id eq '{0}')" -f ($id -replace "'", "''")
            $filter = [System.Uri]::EscapeDataString($filter) -replace "'", '%27'
            Add-WbdFact -Section $cloud -Name 'SsprAudits' -List -ScriptBlock {
                # One page of at most 20: the newest events, not the whole history.
                $page = Get-WbdGraphResource -Uri ('v1.0/auditLogs/directoryAudits?$filter={0}&$top=20' -f $filter)
                if ($null -ne $page) {
                    foreach ($audit in @($page.value)) {
                        if ($null -ne $audit) {
                            $audit
                        }
                    }
                }
            }
        }
    }
    $entry['Cloud'] = $cloud
    $entry
}
