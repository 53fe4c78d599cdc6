# The fixed identifier of the Microsoft Entra ID connector on every Connect server.
$script:WbdEntraConnectorId = 'b891884f-051e-4a83-95af-2544101c9083'

function Test-WbdEntraConnector {
    <#
    .SYNOPSIS
    Tells whether a Get-ADSyncConnector object is the Microsoft Entra ID connector.

    .DESCRIPTION
    The collector needs this only to know which connector to pass to
    Get-ADSyncAADPasswordResetConfiguration and which connectors are Active Directory ones; the
    engine makes its own decision from the snapshot. The Entra connector has a fixed Identifier
    on every server; older or restored configurations are recognised by the subtype or the
    ' - AAD' name suffix.

    .PARAMETER Connector
    One Get-ADSyncConnector object.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Connector
    )

    if ($null -eq $Connector) {
        return $false
    }
    return ([string]$Connector.Identifier -eq $script:WbdEntraConnectorId -or
        [string]$Connector.Subtype -like '*Azure Active Directory*' -or
        [string]$Connector.Name -like '* - AAD')
}
