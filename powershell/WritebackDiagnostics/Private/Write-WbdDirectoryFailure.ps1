function Write-WbdDirectoryFailure {
    <#
    .SYNOPSIS
    Writes the non-terminating error of a domain controller that could not be read at all.

    .DESCRIPTION
    The permission checks still run on what was collected (their results are then Skipped with
    the reason); the error tells a script that the directory was not read. ErrorIds:
    WbdDirectoryBindFailed (the DC rejected the bind: wrong name or password, or a locked or
    disabled account), WbdDirectoryTimeout (no answer within the deadline) and
    WbdDirectoryUnavailable (refused, not resolved, or another failure). The reason names the
    account but never its password. Nothing is written when -Failure is $null.

    .PARAMETER Cmdlet
    The $PSCmdlet of the public command.

    .PARAMETER Failure
    The DirectoryFailure of New-WbdPermissionSnapshot (Failure and Reason), or $null.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter()]
        [AllowNull()]
        [object] $Failure
    )

    if ($null -eq $Failure -or -not $Failure.Failure) {
        return
    }
    switch ([string]$Failure.Failure) {
        'Bind' {
            $id = 'WbdDirectoryBindFailed'
            $category = [System.Management.Automation.ErrorCategory]::AuthenticationError
            $hint = ' Check the user name and password of -Credential (over LDAP outside Windows give the account as a DN or user@domain).'
        }
        'Timeout' {
            $id = 'WbdDirectoryTimeout'
            $category = [System.Management.Automation.ErrorCategory]::OperationTimeout
            $hint = ' Check that the domain controller is up and that LDAP (TCP 389) is open from here.'
        }
        default {
            $id = 'WbdDirectoryUnavailable'
            $category = [System.Management.Automation.ErrorCategory]::ConnectionError
            $hint = ' Check the -Server name and that LDAP (TCP 389) is open from here.'
        }
    }
    $message = 'Active Directory was not read, so the permission checks are skipped: {0}.{1}' -f ([string]$Failure.Reason).TrimEnd('.'), $hint
    $Cmdlet.WriteError((New-WbdErrorRecord -ErrorId $id -Category $category -Message $message -TargetObject ([string]$Failure.Reason)))
}
