function Add-WbdLdapPermissionData {
    <#
    .SYNOPSIS
    Reads a domain's permission data over LDAP and adds it to the domain's snapshot entry (Descriptors, Users, FineGrainedPasswordPolicies).

    .DESCRIPTION
    The LDAP path of Get-WbdPermissionData: Read-WbdLdapDirectory runs in a runspace of its own
    under a client-side deadline (Invoke-WbdWithDeadline, -DeadlineMilliseconds for the whole
    read), each LDAP request with its own timeout as well. What it read is put into the entry
    the way docs/snapshot.md describes it, without interpretation: security descriptors as
    SecurityDescriptor (base64 of the bytes received), intervals as TimeSpan text, LDAP
    booleans as booleans. A PasswordPolicy is added from the domain root's minPwdAge, maxPwdAge,
    pwdHistoryLength and minPwdLength when the entry has none (the ActiveDirectory module path
    reads Get-ADDefaultDomainPasswordPolicy instead).

    When the DC cannot be read at all (no answer within the deadline, refused, bind rejected),
    Descriptors is Status 'Unavailable' with the Reason, the same reason is recorded in the
    entry's Errors under Descriptors, Users and FineGrainedPasswordPolicies, and the result's
    Failure says which: 'Timeout', 'Bind' or 'Unavailable'. The reason never holds the password.

    Returns an object with Failure, Reason, DefaultNamingContext, DomainSid, ConnectorAccount
    (DistinguishedName, SID, GroupSids) and ConnectorAccountError.

    .PARAMETER DomainEntry
    The domain's entry in ActiveDirectory.Forests[].Domains[].

    .PARAMETER Server
    The DC to read from: host or host:port.

    .PARAMETER Credential
    The account to bind as (see Read-WbdLdapDirectory for the bind).

    .PARAMETER UserLimit
    At most this many users.

    .PARAMETER UserIdentity
    From Resolve-WbdUserIdentity: read only this user.

    .PARAMETER ConnectorAccount
    The connector account's sAMAccountName, whose SID and tokenGroups are read too.

    .PARAMETER PageSize
    The page size of the paged searches.

    .PARAMETER TimeoutMilliseconds
    The timeout of each LDAP request.

    .PARAMETER DeadlineMilliseconds
    The deadline of the whole read.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param (
        [Parameter(Mandatory = $true)]
        [System.Collections.IDictionary] $DomainEntry,

        [Parameter(Mandatory = $true)]
        [string] $Server,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [int] $UserLimit = 20000,

        [Parameter()]
        [psobject] $UserIdentity,

        [Parameter()]
        [string] $ConnectorAccount,

        [Parameter()]
        [int] $PageSize = 500,

        [Parameter()]
        [int] $TimeoutMilliseconds = 15000,

        [Parameter()]
        [int] $DeadlineMilliseconds = 300000
    )

    # The exception types below must be known here even when the read fails before loading them.
    Add-Type -AssemblyName System.DirectoryServices.Protocols
    if (-not $DomainEntry.Contains('Errors') -or $null -eq $DomainEntry['Errors']) {
        $DomainEntry['Errors'] = [ordered]@{}
    }
    $outcome = [pscustomobject]@{
        Failure               = $null
        Reason                = $null
        DefaultNamingContext  = $null
        DomainSid             = $null
        ConnectorAccount      = $null
        ConnectorAccountError = $null
    }

    $parameters = @{
        Server              = $Server
        OnWindows           = [bool](Test-WbdWindowsPlatform)
        UsersLimit          = $UserLimit
        PageSize            = $PageSize
        TimeoutMilliseconds = $TimeoutMilliseconds
    }
    if ($null -ne $Credential) {
        $parameters['Credential'] = $Credential
    }
    if ($ConnectorAccount) {
        $parameters['ConnectorAccount'] = $ConnectorAccount
    }
    if ($null -ne $UserIdentity) {
        if ($UserIdentity.Kind -eq 'DistinguishedName') {
            $parameters['UserBase'] = $UserIdentity.Value
        } else {
            $parameters['UserFilter'] = $UserIdentity.Filter
        }
    }

    # The reader runs in a runspace of its own, which has none of this module's functions.
    $script = 'param ($Parameters){0}function Read-WbdLdapDirectory {{{0}{1}{0}}}{0}Read-WbdLdapDirectory @Parameters' -f [System.Environment]::NewLine, ${function:Read-WbdLdapDirectory}.ToString()
    Write-Verbose -Message ('LDAP: reading {0} (deadline {1} ms)' -f $Server, $DeadlineMilliseconds)
    try {
        $read = @(Invoke-WbdWithDeadline -TimeoutMilliseconds $DeadlineMilliseconds -ArgumentList @(, $parameters) -ScriptBlock ([scriptblock]::Create($script)))
        $read = $read[$read.Count - 1]
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $exception = $_.Exception
        $ldap = $exception
        while ($null -ne $ldap -and $ldap -isnot [System.DirectoryServices.Protocols.DirectoryException]) {
            $ldap = $ldap.InnerException
        }
        if ($exception -is [System.TimeoutException]) {
            $outcome.Failure = 'Timeout'
            $outcome.Reason = '{0} did not answer the LDAP read within {1} ms' -f $Server, $DeadlineMilliseconds
        } elseif ($ldap -is [System.DirectoryServices.Protocols.LdapException] -and $ldap.ErrorCode -eq 49) {
            $outcome.Failure = 'Bind'
            $outcome.Reason = '{0} rejected the LDAP bind as {1}: {2}' -f $Server, $(if ($null -ne $Credential) { $Credential.UserName } else { 'the current user' }), $ldap.Message
        } elseif ($ldap -is [System.DirectoryServices.Protocols.LdapException] -and $ldap.ErrorCode -eq 85) {
            $outcome.Failure = 'Timeout'
            $outcome.Reason = '{0} did not answer over LDAP within {1} ms ({2})' -f $Server, $TimeoutMilliseconds, $ldap.Message
        } else {
            $message = $exception.Message
            if ($null -ne $ldap) {
                $message = $ldap.Message
            }
            $outcome.Failure = 'Unavailable'
            $outcome.Reason = '{0} could not be read over LDAP: {1}' -f $Server, $message
        }
        Write-Verbose -Message ('LDAP: {0}' -f $outcome.Reason)
        $DomainEntry['Descriptors'] = [ordered]@{
            Status   = 'Unavailable'
            Reason   = $outcome.Reason
            ReadFrom = $Server
            Source   = 'Ldap'
        }
        foreach ($field in 'Descriptors', 'Users', 'FineGrainedPasswordPolicies') {
            $DomainEntry['Errors'][$field] = $outcome.Reason
        }
        return $outcome
    }

    $outcome.DefaultNamingContext = $read['DefaultNamingContext']
    if ($null -ne $read['Root']) {
        $outcome.DomainSid = $read['Root']['ObjectSid']
    }
    $outcome.ConnectorAccount = $read['ConnectorAccount']
    $outcome.ConnectorAccountError = $read['Errors']['ConnectorAccount']

    $descriptors = [ordered]@{
        Status   = 'Collected'
        Reason   = $null
        ReadFrom = $read['ReadFrom']
        Source   = 'Ldap'
    }
    if ($null -ne $read['Root']) {
        $descriptors['Root'] = [ordered]@{
            DistinguishedName  = $read['Root']['DistinguishedName']
            SecurityDescriptor = $read['Root']['SecurityDescriptor']
        }
        if (-not $DomainEntry.Contains('PasswordPolicy')) {
            $DomainEntry['PasswordPolicy'] = [ordered]@{
                DistinguishedName    = $read['Root']['DistinguishedName']
                MinPasswordAge       = ConvertFrom-WbdLdapInterval -Value $read['Root']['MinPwdAge']
                MaxPasswordAge       = ConvertFrom-WbdLdapInterval -Value $read['Root']['MaxPwdAge']
                PasswordHistoryCount = $read['Root']['PwdHistoryLength']
                MinPasswordLength    = $read['Root']['MinPwdLength']
            }
        }
    } elseif (-not $DomainEntry.Contains('PasswordPolicy')) {
        $DomainEntry['Errors']['PasswordPolicy'] = 'the domain root could not be read over LDAP'
    }
    if ($null -ne $read['AdminSdHolder']) {
        $descriptors['AdminSdHolder'] = $read['AdminSdHolder']
    }
    if ($null -ne $read['Containers']) {
        $descriptors['Containers'] = $read['Containers']
    }
    $DomainEntry['Descriptors'] = $descriptors
    if ($read['Errors'].Contains('Descriptors')) {
        $DomainEntry['Errors']['Descriptors'] = $read['Errors']['Descriptors']
    }

    if ($null -ne $read['Users']) {
        $DomainEntry['Users'] = $read['Users']
        $DomainEntry['UsersLimit'] = $UserLimit
        $DomainEntry['UsersTruncated'] = [bool]$read['UsersTruncated']
        if ($null -ne $UserIdentity) {
            $DomainEntry['UsersLimit'] = 1
            $DomainEntry['UsersTruncated'] = $false
        }
    } else {
        $DomainEntry['Errors']['Users'] = $read['Errors']['Users']
    }

    if ($null -ne $read['PasswordSettings']) {
        $policies = New-Object -TypeName 'System.Collections.Generic.List[object]'
        foreach ($pso in $read['PasswordSettings']) {
            $complexity = $null
            if ($null -ne $pso['ComplexityEnabled']) {
                $complexity = ([string]$pso['ComplexityEnabled'] -eq 'TRUE')
            }
            $policies.Add([ordered]@{
                    DistinguishedName    = $pso['DistinguishedName']
                    Name                 = $pso['Name']
                    Precedence           = $pso['Precedence']
                    MinPasswordAge       = ConvertFrom-WbdLdapInterval -Value $pso['MinPasswordAge']
                    MaxPasswordAge       = ConvertFrom-WbdLdapInterval -Value $pso['MaxPasswordAge']
                    PasswordHistoryCount = $pso['PasswordHistoryCount']
                    ComplexityEnabled    = $complexity
                    MinPasswordLength    = $pso['MinPasswordLength']
                    AppliesTo            = $pso['AppliesTo']
                })
        }
        $DomainEntry['FineGrainedPasswordPolicies'] = $policies
    } else {
        $DomainEntry['Errors']['FineGrainedPasswordPolicies'] = $read['Errors']['FineGrainedPasswordPolicies']
    }
    $outcome
}
