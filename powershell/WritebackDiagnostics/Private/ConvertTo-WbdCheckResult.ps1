function ConvertTo-WbdCheckResult {
    <#
    .SYNOPSIS
    Turns the engine's Result objects into WritebackDiagnostics.CheckResult objects.

    .DESCRIPTION
    Copies every field of the engine result as is, so that Format-List * and ConvertTo-Json
    show everything; the type name selects the default table view. Evidence stays an object.

    .PARAMETER InputObject
    One element of the report's Results array (from ConvertFrom-Json).
    #>
    [CmdletBinding()]
    [OutputType('WritebackDiagnostics.CheckResult')]
    param (
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [psobject] $InputObject
    )

    process {
        $evidence = $InputObject.Evidence
        if ($null -eq $evidence) {
            $evidence = [PSCustomObject]@{}
        }
        [PSCustomObject]@{
            PSTypeName  = 'WritebackDiagnostics.CheckResult'
            Id          = [string]$InputObject.Id
            Check       = [string]$InputObject.Check
            Target      = [string]$InputObject.Target
            Status      = [string]$InputObject.Status
            Title       = [string]$InputObject.Title
            Message     = [string]$InputObject.Message
            Remediation = [string]$InputObject.Remediation
            DocsUrl     = [string]$InputObject.DocsUrl
            Evidence    = $evidence
            DurationMs  = [long]$InputObject.DurationMs
        }
    }
}
