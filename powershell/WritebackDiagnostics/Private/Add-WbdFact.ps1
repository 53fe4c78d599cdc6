function Add-WbdFact {
    <#
    .SYNOPSIS
    Reads one fact into a collected section, or records in the section's Errors why it could not be read.

    .DESCRIPTION
    Runs the script block with $ErrorActionPreference set to Stop, so that any error of the
    source cmdlet ends the read of this one fact. On success the result, converted with
    ConvertTo-WbdSnapshotValue, is stored under Name (a $null result is stored as $null: the
    source was read and the thing does not exist, which the engine treats as a fact). On
    failure Name is left out, the Errors map gets the reason, and Write-Verbose says what was
    skipped. PipelineStoppedException (Ctrl+C) passes through untouched.

    The script block runs in a child scope of this function, so it sees the caller's variables
    except those named like this function's parameters ($Section, $Name, $ScriptBlock, $List,
    $Errors, $ErrorName), which it should not use.

    .PARAMETER Section
    The section (or forest or domain entry, or any object of it) that receives the fact.

    .PARAMETER Name
    The field name, as docs/snapshot.md names it.

    .PARAMETER ScriptBlock
    Reads the fact.

    .PARAMETER List
    Stores the result as a list even when the source returned one object or none.

    .PARAMETER Errors
    The Errors map that receives a failure; by default the Errors of Section (created if needed).

    .PARAMETER ErrorName
    The key of a failure in Errors; by default Name.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $Section,

        [Parameter(Mandatory = $true)]
        [string] $Name,

        [Parameter(Mandatory = $true)]
        [scriptblock] $ScriptBlock,

        [Parameter()]
        [switch] $List,

        [Parameter()]
        [System.Collections.IDictionary] $Errors,

        [Parameter()]
        [string] $ErrorName
    )

    $ErrorActionPreference = [System.Management.Automation.ActionPreference]::Stop
    try {
        if ($List) {
            $wbdFactValue = @(& $ScriptBlock)
        } else {
            $wbdFactValue = & $ScriptBlock
        }
        $Section[$Name] = ConvertTo-WbdSnapshotValue -InputObject $wbdFactValue
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $wbdFactReason = $_.Exception.Message
        $wbdFactCommand = $_.InvocationInfo.MyCommand
        if ($null -ne $wbdFactCommand -and $wbdFactCommand.Name -and $wbdFactReason -notlike ('{0}*' -f $wbdFactCommand.Name)) {
            $wbdFactReason = '{0}: {1}' -f $wbdFactCommand.Name, $wbdFactReason
        }
        if (-not $PSBoundParameters.ContainsKey('Errors')) {
            if (-not $Section.Contains('Errors')) {
                $Section['Errors'] = [ordered]@{}
            }
            $Errors = $Section['Errors']
        }
        if (-not $ErrorName) {
            $ErrorName = $Name
        }
        $Errors[$ErrorName] = $wbdFactReason
        Write-Verbose -Message ('{0} not collected: {1}' -f $ErrorName, $wbdFactReason)
    }
}
