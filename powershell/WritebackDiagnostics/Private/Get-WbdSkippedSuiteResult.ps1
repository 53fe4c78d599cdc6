function Get-WbdSkippedSuiteResult {
    <#
    .SYNOPSIS
    Has the engine's all command write the SUITE-* Skipped result of a suite without input.

    .DESCRIPTION
    Runs the engine command all with just this suite and no input, so the engine writes one
    SUITE-PREREQUISITES, SUITE-PERMISSIONS, SUITE-EVENTS or SUITE-CONNECTIVITY result with
    Status Skipped, saying what was not supplied and how to supply it. Returns it as
    CheckResult objects. A failure to run is a terminating error of this function (not of the
    public command), so Invoke-WritebackDiagnostic can report it for this suite alone and go on.

    .PARAMETER Suite
    The suite's name.
    #>
    [CmdletBinding()]
    [OutputType('WritebackDiagnostics.CheckResult')]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Suite
    )

    $report = Invoke-WbdRequest -Cmdlet $PSCmdlet -Command 'all' -Options ([ordered]@{ Suites = @($Suite) }) -Activity 'Writeback diagnostics'
    $report.Results | ConvertTo-WbdCheckResult
}
