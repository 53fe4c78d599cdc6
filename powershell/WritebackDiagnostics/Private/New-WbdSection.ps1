function New-WbdSection {
    <#
    .SYNOPSIS
    Creates a snapshot section (or forest or domain entry): Collected with an empty Errors map, or Unavailable with a reason.

    .DESCRIPTION
    Every section of the snapshot carries Status ('Collected' or 'Unavailable') and Reason.
    A collected section also has Errors, a map of field name to the reason that field could not
    be read (see docs/snapshot.md); the engine skips the rules that need a missing field with
    that reason. An unavailable section holds nothing else: every rule of the section is skipped
    with its Reason. The collector writes the reason with Write-Verbose as well.

    .PARAMETER Reason
    Why the section could not be collected: a missing module, no Graph context, no rights, not
    Windows. Without it the section is Collected.

    .PARAMETER Name
    The name of a forest or domain entry, which must be known even when the entry is unavailable.
    #>
    [System.Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSUseShouldProcessForStateChangingFunctions', '', Justification = 'Only builds an object in memory.')]
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter()]
        [string] $Reason,

        [Parameter()]
        [string] $Name
    )

    $section = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('Name')) {
        $section['Name'] = $Name
    }
    if ($Reason) {
        Write-Verbose -Message ('Skipped: {0}' -f $Reason)
        $section['Status'] = 'Unavailable'
        $section['Reason'] = $Reason
    } else {
        $section['Status'] = 'Collected'
        $section['Reason'] = $null
        $section['Errors'] = [ordered]@{}
    }
    $section
}
