function Read-WbdLdapDirectory {
    <#
    .SYNOPSIS
    Reads one domain's permission data over LDAP (System.DirectoryServices.Protocols): descriptors, users, PSOs, the password policy and the connector account.

    .DESCRIPTION
    The LDAP path of the permission collector, for a computer without the ActiveDirectory
    module (any platform: .NET Framework on Windows PowerShell 5.1, PowerShell 7 on Windows,
    Linux and macOS, where .NET uses libldap). ADSI ([adsi], DirectorySearcher) would be the
    Windows-only alternative; LdapConnection is used instead because it works everywhere and
    can be tested against a real LDAP server here.

    The function is self-contained (its helpers are nested) because Get-WbdLdapPermissionData
    runs it in a runspace of its own under a client-side deadline (Invoke-WbdWithDeadline).
    Every request also carries a server time limit and a client timeout
    (-TimeoutMilliseconds), and the connection has the same timeout.

    Bind: with -Credential, Negotiate on Windows and a simple (Basic) bind elsewhere; without,
    Negotiate as the current user on Windows and anonymous elsewhere. Every search of an object
    that has a security descriptor sends the LDAP_SERVER_SD_FLAGS control
    (1.2.840.113556.1.4.801, value SEQUENCE { INTEGER 7 }: owner, group and DACL, no SACL) as
    non-critical, so that an account without the SeSecurityPrivilege still gets the DACL. The
    users are read with the paged-results control (-PageSize per page) up to -UsersLimit.

    What it reads, without interpreting anything: the rootDSE's defaultNamingContext; the domain
    root (nTSecurityDescriptor, objectSid, minPwdAge, maxPwdAge, pwdHistoryLength,
    minPwdLength); CN=AdminSDHolder,CN=System; every organizationalUnit and container; every
    user and inetOrgPerson (not computers), or with -UserFilter/-UserBase only the one user;
    the PSOs under CN=Password Settings Container,CN=System; and the connector account's
    objectSid and tokenGroups (a base-scope search on its DN, as AD computes tokenGroups only
    there). SIDs become S-1-... text (MS-DTYP 2.4.2.2, decoded here because
    System.Security.Principal.SecurityIdentifier is Windows-only on .NET), security
    descriptors the base64 of the bytes received, integers stay raw (intervals are converted by
    the caller). A failure of one part is recorded in Errors under Descriptors, Users,
    FineGrainedPasswordPolicies, PasswordPolicy or ConnectorAccount; a failure to connect,
    bind or read the rootDSE is thrown.

    .PARAMETER Server
    The DC: a host name or address, optionally with :port (389 by default; [v6address]:port).

    .PARAMETER Credential
    The account to bind as; its password is only handed to the bind.

    .PARAMETER OnWindows
    Whether this is Windows (passed in: the runspace has no module state).

    .PARAMETER UserFilter
    An LDAP filter (already escaped) selecting the one user to read instead of every user.

    .PARAMETER UserBase
    A user's DN, read with a base-scope search instead of every user.

    .PARAMETER UsersLimit
    At most this many users are returned; UsersTruncated says whether there were more.

    .PARAMETER PageSize
    The page size of the paged user and container searches.

    .PARAMETER ConnectorAccount
    The connector account's sAMAccountName, to read its SID and tokenGroups.

    .PARAMETER TimeoutMilliseconds
    The timeout of the connection and of each request.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param (
        [Parameter(Mandatory = $true)]
        [string] $Server,

        [Parameter()]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter()]
        [bool] $OnWindows,

        [Parameter()]
        [string] $UserFilter,

        [Parameter()]
        [string] $UserBase,

        [Parameter()]
        [int] $UsersLimit = 20000,

        [Parameter()]
        [int] $PageSize = 500,

        [Parameter()]
        [string] $ConnectorAccount,

        [Parameter()]
        [int] $TimeoutMilliseconds = 15000
    )

    $ErrorActionPreference = [System.Management.Automation.ActionPreference]::Stop
    Add-Type -AssemblyName System.DirectoryServices.Protocols
    $timeout = [System.TimeSpan]::FromMilliseconds($TimeoutMilliseconds)
    $invariant = [System.Globalization.CultureInfo]::InvariantCulture

    # MS-DTYP 2.4.2.2: revision, sub-authority count, 48-bit big-endian authority, then
    # 32-bit little-endian sub-authorities.
    function ConvertTo-SidText {
        param ([byte[]] $Bytes)
        if ($null -eq $Bytes -or $Bytes.Length -lt 8) {
            return $null
        }
        $count = [int]$Bytes[1]
        if ($Bytes.Length -lt (8 + 4 * $count)) {
            return $null
        }
        $authority = [uint64]0
        for ($i = 2; $i -lt 8; $i++) {
            $authority = $authority * 256 + [uint64]$Bytes[$i]
        }
        $builder = New-Object -TypeName System.Text.StringBuilder
        $null = $builder.Append('S-').Append([string]$Bytes[0]).Append('-').Append($authority.ToString($invariant))
        for ($i = 0; $i -lt $count; $i++) {
            $offset = 8 + 4 * $i
            $value = [uint64]$Bytes[$offset] + 256 * [uint64]$Bytes[$offset + 1] + 65536 * [uint64]$Bytes[$offset + 2] + 16777216 * [uint64]$Bytes[$offset + 3]
            $null = $builder.Append('-').Append($value.ToString($invariant))
        }
        $builder.ToString()
    }

    function Get-AttributeMap {
        param ($Entry)
        $map = @{}
        foreach ($name in $Entry.Attributes.AttributeNames) {
            $map[[string]$name] = $Entry.Attributes[[string]$name]
        }
        $map
    }

    function Get-Text {
        param ([hashtable] $Map, [string] $Name)
        $attribute = $Map[$Name]
        if ($null -eq $attribute -or $attribute.Count -eq 0) {
            return $null
        }
        [string]($attribute.GetValues([string])[0])
    }

    function Get-TextList {
        param ([hashtable] $Map, [string] $Name)
        $list = New-Object -TypeName 'System.Collections.Generic.List[string]'
        $attribute = $Map[$Name]
        if ($null -ne $attribute) {
            foreach ($value in $attribute.GetValues([string])) {
                $list.Add([string]$value)
            }
        }
        , $list
    }

    function Get-Number {
        param ([hashtable] $Map, [string] $Name)
        $text = Get-Text -Map $Map -Name $Name
        if ($null -eq $text -or $text -eq '') {
            return $null
        }
        [long]::Parse($text, $invariant)
    }

    function Get-Bytes {
        param ([hashtable] $Map, [string] $Name)
        $attribute = $Map[$Name]
        if ($null -eq $attribute -or $attribute.Count -eq 0) {
            return $null
        }
        , [byte[]]($attribute.GetValues([byte[]])[0])
    }

    function Get-Base64 {
        param ([hashtable] $Map, [string] $Name)
        $bytes = Get-Bytes -Map $Map -Name $Name
        if ($null -eq $bytes) {
            return $null
        }
        [System.Convert]::ToBase64String($bytes)
    }

    function New-SdFlagsControl {
        # LDAP_SERVER_SD_FLAGS_OID with SEQUENCE { INTEGER 7 } (OWNER | GROUP | DACL), not
        # critical: a server without it (not AD) ignores it.
        $value = [System.DirectoryServices.Protocols.BerConverter]::Encode('{i}', [object[]]@(7))
        New-Object -TypeName System.DirectoryServices.Protocols.DirectoryControl -ArgumentList '1.2.840.113556.1.4.801', $value, $false, $true
    }

    # One search, paged when -Page is above 0; returns the entries (at most -Limit + 1 when a
    # limit is given, so the caller can tell that more exist).
    function Invoke-Search {
        param (
            [string] $Base,
            [string] $Filter,
            [System.DirectoryServices.Protocols.SearchScope] $Scope,
            [string[]] $Attributes,
            [switch] $Descriptor,
            [int] $Page = 0,
            [int] $Limit = 0
        )
        $request = New-Object -TypeName System.DirectoryServices.Protocols.SearchRequest -ArgumentList $Base, $Filter, $Scope, $Attributes
        $request.TimeLimit = $timeout
        if ($Descriptor) {
            $null = $request.Controls.Add((New-SdFlagsControl))
        }
        $paging = $null
        if ($Page -gt 0) {
            $paging = New-Object -TypeName System.DirectoryServices.Protocols.PageResultRequestControl -ArgumentList $Page
            $paging.IsCritical = $false
            $null = $request.Controls.Add($paging)
        }
        $entries = New-Object -TypeName 'System.Collections.Generic.List[object]'
        while ($true) {
            $response = [System.DirectoryServices.Protocols.SearchResponse]$connection.SendRequest($request, $timeout)
            foreach ($entry in $response.Entries) {
                $entries.Add($entry)
            }
            if ($null -eq $paging) {
                break
            }
            $cookie = $null
            foreach ($control in $response.Controls) {
                if ($control -is [System.DirectoryServices.Protocols.PageResultResponseControl]) {
                    $cookie = $control.Cookie
                }
            }
            if ($null -eq $cookie -or $cookie.Length -eq 0) {
                break
            }
            $paging.Cookie = $cookie
            if ($Limit -gt 0 -and $entries.Count -gt $Limit) {
                # Enough: a page size of 0 with the cookie tells the server to drop the search.
                try {
                    $paging.PageSize = 0
                    $null = $connection.SendRequest($request, $timeout)
                } catch {
                    Write-Verbose -Message ('Abandoning the paged search failed: {0}' -f $_.Exception.Message)
                }
                break
            }
        }
        , $entries
    }

    function Get-Reason {
        param ($ErrorRecord)
        $exception = $ErrorRecord.Exception
        while ($exception -is [System.Management.Automation.MethodInvocationException] -and $null -ne $exception.InnerException) {
            $exception = $exception.InnerException
        }
        $exception.Message
    }

    # host[:port], [v6]:port
    $hostName = $Server
    $port = 389
    if ($Server -match '^\[(.+)\]:(\d+)$' -or $Server -match '^([^:]+):(\d+)$') {
        $hostName = $Matches[1]
        $port = [int]$Matches[2]
    }

    $identifier = New-Object -TypeName System.DirectoryServices.Protocols.LdapDirectoryIdentifier -ArgumentList $hostName, $port, $false, $false
    $connection = New-Object -TypeName System.DirectoryServices.Protocols.LdapConnection -ArgumentList $identifier
    try {
        $connection.AutoBind = $false
        $connection.Timeout = $timeout
        $connection.SessionOptions.ProtocolVersion = 3
        $connection.SessionOptions.ReferralChasing = [System.DirectoryServices.Protocols.ReferralChasingOptions]::None
        $bindAs = 'anonymously'
        if ($OnWindows) {
            $connection.AuthType = [System.DirectoryServices.Protocols.AuthType]::Negotiate
            $connection.SessionOptions.Signing = $true
            $connection.SessionOptions.Sealing = $true
            if ($null -ne $Credential) {
                $bindAs = 'as {0} (Negotiate)' -f $Credential.UserName
                $connection.Bind($Credential.GetNetworkCredential())
            } else {
                $bindAs = 'as the current user (Negotiate)'
                $connection.Bind()
            }
        } elseif ($null -ne $Credential) {
            # A simple bind sends the name as typed (a DN, user@domain or DOMAIN\user).
            $bindAs = 'as {0} (simple bind)' -f $Credential.UserName
            $connection.AuthType = [System.DirectoryServices.Protocols.AuthType]::Basic
            $network = New-Object -TypeName System.Net.NetworkCredential -ArgumentList $Credential.UserName, $Credential.Password
            $connection.Bind($network)
        } else {
            $connection.AuthType = [System.DirectoryServices.Protocols.AuthType]::Anonymous
            $connection.Bind()
        }
        Write-Verbose -Message ('LDAP: bound to {0} {1}' -f $Server, $bindAs)

        $result = [ordered]@{
            ReadFrom             = $Server
            BindAs               = $bindAs
            DefaultNamingContext = $null
            Root                 = $null
            AdminSdHolder        = $null
            Containers           = $null
            Users                = $null
            UsersTruncated       = $false
            PasswordSettings     = $null
            ConnectorAccount     = $null
            Errors               = [ordered]@{}
        }

        $rootDse = Invoke-Search -Base '' -Filter '(objectClass=*)' -Scope Base -Attributes @('defaultNamingContext')
        if ($rootDse.Count -gt 0) {
            $result['DefaultNamingContext'] = Get-Text -Map (Get-AttributeMap -Entry $rootDse[0]) -Name 'defaultNamingContext'
        }
        $root = $result['DefaultNamingContext']
        if (-not $root) {
            throw (New-Object -TypeName System.InvalidOperationException -ArgumentList ('the rootDSE of {0} has no defaultNamingContext' -f $Server))
        }

        $descriptorErrors = New-Object -TypeName 'System.Collections.Generic.List[string]'
        try {
            $entries = Invoke-Search -Base $root -Filter '(objectClass=*)' -Scope Base -Descriptor -Attributes @('nTSecurityDescriptor', 'objectSid', 'minPwdAge', 'maxPwdAge', 'pwdHistoryLength', 'minPwdLength')
            $map = Get-AttributeMap -Entry $entries[0]
            $result['Root'] = [ordered]@{
                DistinguishedName  = [string]$entries[0].DistinguishedName
                SecurityDescriptor = Get-Base64 -Map $map -Name 'nTSecurityDescriptor'
                ObjectSid          = ConvertTo-SidText -Bytes (Get-Bytes -Map $map -Name 'objectSid')
                MinPwdAge          = Get-Number -Map $map -Name 'minPwdAge'
                MaxPwdAge          = Get-Number -Map $map -Name 'maxPwdAge'
                PwdHistoryLength   = Get-Number -Map $map -Name 'pwdHistoryLength'
                MinPwdLength       = Get-Number -Map $map -Name 'minPwdLength'
            }
        } catch {
            $descriptorErrors.Add(('the domain root {0}: {1}' -f $root, (Get-Reason -ErrorRecord $_)))
        }

        $holder = 'CN=AdminSDHolder,CN=System,{0}' -f $root
        try {
            $entries = Invoke-Search -Base $holder -Filter '(objectClass=*)' -Scope Base -Descriptor -Attributes @('nTSecurityDescriptor')
            $result['AdminSdHolder'] = [ordered]@{
                DistinguishedName  = [string]$entries[0].DistinguishedName
                SecurityDescriptor = Get-Base64 -Map (Get-AttributeMap -Entry $entries[0]) -Name 'nTSecurityDescriptor'
            }
        } catch {
            $descriptorErrors.Add(('{0}: {1}' -f $holder, (Get-Reason -ErrorRecord $_)))
        }

        try {
            $containers = New-Object -TypeName 'System.Collections.Generic.List[object]'
            $entries = Invoke-Search -Base $root -Filter '(|(objectClass=organizationalUnit)(objectClass=container))' -Scope Subtree -Descriptor -Page $PageSize -Attributes @('objectClass', 'nTSecurityDescriptor')
            foreach ($entry in $entries) {
                $map = Get-AttributeMap -Entry $entry
                $classes = Get-TextList -Map $map -Name 'objectClass'
                $class = $null
                if ($classes.Count -gt 0) {
                    # AD lists the class hierarchy with the most specific class last.
                    $class = $classes[$classes.Count - 1]
                }
                $containers.Add([ordered]@{
                        DistinguishedName  = [string]$entry.DistinguishedName
                        ObjectClass        = $class
                        SecurityDescriptor = Get-Base64 -Map $map -Name 'nTSecurityDescriptor'
                    })
            }
            $result['Containers'] = $containers
        } catch {
            $descriptorErrors.Add(('the organizational units and containers: {0}' -f (Get-Reason -ErrorRecord $_)))
        }
        if ($descriptorErrors.Count -gt 0) {
            $result['Errors']['Descriptors'] = $descriptorErrors -join '; '
        }

        $userAttributes = @('sAMAccountName', 'userPrincipalName', 'objectClass', 'objectSid', 'adminCount', 'userAccountControl', 'pwdLastSet', 'lockoutTime', 'msDS-ResultantPSO', 'nTSecurityDescriptor')
        try {
            if ($UserBase) {
                try {
                    $entries = Invoke-Search -Base $UserBase -Filter '(|(objectClass=user)(objectClass=inetOrgPerson))' -Scope Base -Descriptor -Attributes $userAttributes
                } catch [System.DirectoryServices.Protocols.DirectoryOperationException] {
                    if ([int]$_.Exception.Response.ResultCode -ne 32) {
                        throw
                    }
                    # noSuchObject: there is no such user.
                    $entries = @()
                }
            } elseif ($UserFilter) {
                $entries = Invoke-Search -Base $root -Filter ('(&(|(objectClass=user)(objectClass=inetOrgPerson))(!(objectClass=computer)){0})' -f $UserFilter) -Scope Subtree -Descriptor -Page $PageSize -Limit 1 -Attributes $userAttributes
            } else {
                $entries = Invoke-Search -Base $root -Filter '(&(|(objectClass=user)(objectClass=inetOrgPerson))(!(objectClass=computer)))' -Scope Subtree -Descriptor -Page $PageSize -Limit $UsersLimit -Attributes $userAttributes
            }
            $users = New-Object -TypeName 'System.Collections.Generic.List[object]'
            foreach ($entry in $entries) {
                if (-not $UserBase -and -not $UserFilter -and $users.Count -ge $UsersLimit) {
                    $result['UsersTruncated'] = $true
                    break
                }
                $map = Get-AttributeMap -Entry $entry
                $classes = Get-TextList -Map $map -Name 'objectClass'
                $class = $null
                if ($classes.Count -gt 0) {
                    $class = $classes[$classes.Count - 1]
                }
                $users.Add([ordered]@{
                        DistinguishedName  = [string]$entry.DistinguishedName
                        SamAccountName     = Get-Text -Map $map -Name 'sAMAccountName'
                        UserPrincipalName  = Get-Text -Map $map -Name 'userPrincipalName'
                        ObjectClass        = $class
                        ObjectSid          = ConvertTo-SidText -Bytes (Get-Bytes -Map $map -Name 'objectSid')
                        AdminCount         = Get-Number -Map $map -Name 'adminCount'
                        UserAccountControl = Get-Number -Map $map -Name 'userAccountControl'
                        PwdLastSet         = Get-Number -Map $map -Name 'pwdLastSet'
                        LockoutTime        = Get-Number -Map $map -Name 'lockoutTime'
                        ResultantPso       = Get-Text -Map $map -Name 'msDS-ResultantPSO'
                        SecurityDescriptor = Get-Base64 -Map $map -Name 'nTSecurityDescriptor'
                    })
            }
            $result['Users'] = $users
        } catch {
            $result['Errors']['Users'] = 'the users: {0}' -f (Get-Reason -ErrorRecord $_)
        }

        $psoContainer = 'CN=Password Settings Container,CN=System,{0}' -f $root
        try {
            $settings = New-Object -TypeName 'System.Collections.Generic.List[object]'
            try {
                $entries = Invoke-Search -Base $psoContainer -Filter '(objectClass=msDS-PasswordSettings)' -Scope OneLevel -Attributes @('cn', 'msDS-PasswordSettingsPrecedence', 'msDS-MinimumPasswordAge', 'msDS-MaximumPasswordAge', 'msDS-PasswordHistoryLength', 'msDS-PasswordComplexityEnabled', 'msDS-MinimumPasswordLength', 'msDS-PSOAppliesTo')
            } catch [System.DirectoryServices.Protocols.DirectoryOperationException] {
                if ([int]$_.Exception.Response.ResultCode -ne 32) {
                    throw
                }
                # noSuchObject: a domain without the container has no PSOs.
                $entries = @()
            }
            foreach ($entry in $entries) {
                $map = Get-AttributeMap -Entry $entry
                $settings.Add([ordered]@{
                        DistinguishedName    = [string]$entry.DistinguishedName
                        Name                 = Get-Text -Map $map -Name 'cn'
                        Precedence           = Get-Number -Map $map -Name 'msDS-PasswordSettingsPrecedence'
                        MinPasswordAge       = Get-Number -Map $map -Name 'msDS-MinimumPasswordAge'
                        MaxPasswordAge       = Get-Number -Map $map -Name 'msDS-MaximumPasswordAge'
                        PasswordHistoryCount = Get-Number -Map $map -Name 'msDS-PasswordHistoryLength'
                        ComplexityEnabled    = Get-Text -Map $map -Name 'msDS-PasswordComplexityEnabled'
                        MinPasswordLength    = Get-Number -Map $map -Name 'msDS-MinimumPasswordLength'
                        AppliesTo            = Get-TextList -Map $map -Name 'msDS-PSOAppliesTo'
                    })
            }
            $result['PasswordSettings'] = $settings
        } catch {
            $result['Errors']['FineGrainedPasswordPolicies'] = '{0}: {1}' -f $psoContainer, (Get-Reason -ErrorRecord $_)
        }

        if ($ConnectorAccount) {
            try {
                $escaped = New-Object -TypeName System.Text.StringBuilder
                foreach ($character in $ConnectorAccount.ToCharArray()) {
                    switch ($character) {
                        '\' { $null = $escaped.Append('\5c') }
                        '*' { $null = $escaped.Append('\2a') }
                        '(' { $null = $escaped.Append('\28') }
                        ')' { $null = $escaped.Append('\29') }
                        ([char]0) { $null = $escaped.Append('\00') }
                        default { $null = $escaped.Append($character) }
                    }
                }
                $entries = Invoke-Search -Base $root -Filter ('(&(objectClass=user)(sAMAccountName={0}))' -f $escaped.ToString()) -Scope Subtree -Attributes @('sAMAccountName', 'objectSid')
                if ($entries.Count -eq 0) {
                    $result['Errors']['ConnectorAccount'] = 'no user with sAMAccountName {0} under {1}' -f $ConnectorAccount, $root
                } else {
                    $dn = [string]$entries[0].DistinguishedName
                    $map = Get-AttributeMap -Entry $entries[0]
                    $groups = New-Object -TypeName 'System.Collections.Generic.List[string]'
                    $tokens = Invoke-Search -Base $dn -Filter '(objectClass=*)' -Scope Base -Attributes @('tokenGroups')
                    $tokenMap = Get-AttributeMap -Entry $tokens[0]
                    $attribute = $tokenMap['tokenGroups']
                    if ($null -ne $attribute) {
                        foreach ($value in $attribute.GetValues([byte[]])) {
                            $groups.Add((ConvertTo-SidText -Bytes $value))
                        }
                    }
                    $result['ConnectorAccount'] = [ordered]@{
                        SamAccountName    = Get-Text -Map $map -Name 'sAMAccountName'
                        DistinguishedName = $dn
                        SID               = ConvertTo-SidText -Bytes (Get-Bytes -Map $map -Name 'objectSid')
                        GroupSids         = $groups
                    }
                }
            } catch {
                $result['Errors']['ConnectorAccount'] = 'the connector account {0}: {1}' -f $ConnectorAccount, (Get-Reason -ErrorRecord $_)
            }
        }
        $result
    } finally {
        $connection.Dispose()
    }
}
