function ConvertFrom-WbdLdapInterval {
    <#
    .SYNOPSIS
    Turns an AD interval attribute (minPwdAge, maxPwdAge, msDS-MinimumPasswordAge, ...) into the snapshot's TimeSpan text.

    .DESCRIPTION
    AD stores these intervals as negative counts of 100-nanosecond ticks. The value becomes the
    text ConvertTo-WbdSnapshotValue writes for the TimeSpan that Get-ADDefaultDomainPasswordPolicy
    and Get-ADFineGrainedPasswordPolicy return ([-][d.]hh:mm:ss[.fffffff], for example
    '1.00:00:00'), so both collector paths write the same thing. The "never" value
    (-9223372036854775808, what "passwords never expire" stores in maxPwdAge) becomes
    '00:00:00', as those cmdlets show it. $null stays $null.

    .PARAMETER Value
    The raw attribute value: a number, its text, or $null.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param (
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Value
    )

    if ($null -eq $Value -or [string]$Value -eq '') {
        return $null
    }
    $ticks = [long]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture)
    if ($ticks -eq [long]::MinValue) {
        $ticks = 0
    }
    ([timespan]::FromTicks(-$ticks)).ToString('c', [System.Globalization.CultureInfo]::InvariantCulture)
}
