# Dot-sourced by Permissions.Tests.ps1 and User.Tests.ps1: a real slapd on a loopback port with
# the AD-shaped test schema and data of tests/pester/fixtures/ldap, started and stopped by the
# tests themselves (never the system slapd). The binary security descriptors and SIDs of the
# data are built here byte by byte (MS-DTYP 2.4.2.2, 2.4.4, 2.4.5, 2.4.6), because
# System.Security.AccessControl and SecurityIdentifier are Windows-only on .NET, and so that the
# data does not depend on the module or the engine under test. Windows PowerShell 5.1 syntax.

$script:TestDomainSid = 'S-1-5-21-1004336348-1177238915-682003330'

function ConvertTo-TestSidBytes {
    param ([string] $Sid)
    $parts = $Sid.Split('-')
    $subs = @($parts[3..($parts.Count - 1)])
    $bytes = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    $bytes.Add([byte]$parts[1])
    $bytes.Add([byte]$subs.Count)
    $authority = [uint64]$parts[2]
    for ($shift = 40; $shift -ge 0; $shift -= 8) {
        $bytes.Add([byte](($authority -shr $shift) -band 0xff))
    }
    foreach ($sub in $subs) {
        $value = [uint32]$sub
        $bytes.AddRange([System.BitConverter]::GetBytes($value))
    }
    , $bytes.ToArray()
}

function New-TestAce {
    # An ACCESS_ALLOWED_ACE (0x00), or an ACCESS_ALLOWED_OBJECT_ACE (0x05) when an object type
    # or inherited object type is given. Flags: 0x02 CONTAINER_INHERIT, 0x08 INHERIT_ONLY.
    param ([string] $Sid, [uint32] $Mask, [byte] $Flags = 0, [guid] $ObjectType = [guid]::Empty, [guid] $InheritedObjectType = [guid]::Empty)
    $sidBytes = ConvertTo-TestSidBytes -Sid $Sid
    $body = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    $body.AddRange([System.BitConverter]::GetBytes($Mask))
    $type = 0
    if ($ObjectType -ne [guid]::Empty -or $InheritedObjectType -ne [guid]::Empty) {
        $type = 5
        $objectFlags = [uint32]0
        if ($ObjectType -ne [guid]::Empty) { $objectFlags = $objectFlags -bor 1 }
        if ($InheritedObjectType -ne [guid]::Empty) { $objectFlags = $objectFlags -bor 2 }
        $body.AddRange([System.BitConverter]::GetBytes($objectFlags))
        if ($ObjectType -ne [guid]::Empty) { $body.AddRange($ObjectType.ToByteArray()) }
        if ($InheritedObjectType -ne [guid]::Empty) { $body.AddRange($InheritedObjectType.ToByteArray()) }
    }
    $body.AddRange($sidBytes)
    $ace = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    $ace.Add([byte]$type)
    $ace.Add($Flags)
    $ace.AddRange([System.BitConverter]::GetBytes([uint16](4 + $body.Count)))
    $ace.AddRange($body)
    , $ace.ToArray()
}

function New-TestSecurityDescriptor {
    # A self-relative security descriptor with owner, group and a DACL (revision 4, for object
    # ACEs). -Protected sets SE_DACL_PROTECTED (inheritance disabled).
    param ([string] $Owner, [string] $Group, [object[]] $Ace = @(), [switch] $Protected)
    # @($oneAce) of a single byte[] is that byte[] itself, not a list of one ACE.
    if ($Ace.Count -gt 0 -and $Ace[0] -is [byte]) { $Ace = @(, [byte[]]$Ace) }
    $acl = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    foreach ($one in $Ace) { $acl.AddRange([byte[]]$one) }
    $dacl = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    $dacl.Add([byte]4); $dacl.Add([byte]0)
    $dacl.AddRange([System.BitConverter]::GetBytes([uint16](8 + $acl.Count)))
    $dacl.AddRange([System.BitConverter]::GetBytes([uint16]@($Ace).Count))
    $dacl.AddRange([System.BitConverter]::GetBytes([uint16]0))
    $dacl.AddRange($acl)
    $ownerBytes = ConvertTo-TestSidBytes -Sid $Owner
    $groupBytes = ConvertTo-TestSidBytes -Sid $Group
    # SE_SELF_RELATIVE | SE_DACL_PRESENT (| SE_DACL_PROTECTED)
    $control = 0x8004
    if ($Protected) { $control = $control -bor 0x1000 }
    $ownerOffset = 20
    $groupOffset = $ownerOffset + $ownerBytes.Length
    $daclOffset = $groupOffset + $groupBytes.Length
    $sd = New-Object -TypeName 'System.Collections.Generic.List[byte]'
    $sd.Add([byte]1); $sd.Add([byte]0)
    $sd.AddRange([System.BitConverter]::GetBytes([uint16]$control))
    $sd.AddRange([System.BitConverter]::GetBytes([uint32]$ownerOffset))
    $sd.AddRange([System.BitConverter]::GetBytes([uint32]$groupOffset))
    $sd.AddRange([System.BitConverter]::GetBytes([uint32]0))
    $sd.AddRange([System.BitConverter]::GetBytes([uint32]$daclOffset))
    $sd.AddRange($ownerBytes)
    $sd.AddRange($groupBytes)
    $sd.AddRange($dacl.ToArray())
    , $sd.ToArray()
}

function Get-TestFreePort {
    $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback), 0
    $listener.Start()
    try {
        $listener.LocalEndpoint.Port
    } finally {
        $listener.Stop()
    }
}

function New-TestLdapData {
    # The directory: root, CN=System, AdminSDHolder, the PSO container with one PSO, CN=Users,
    # two OUs (one with inheritance disabled), the connector account (with tokenGroups), a
    # protected user (adminCount 1), ordinary users, an inetOrgPerson and a computer.
    # -ExtraUsers adds that many plain users, for paging and the users limit.
    param ([int] $ExtraUsers = 0)
    $domain = $script:TestDomainSid
    $da = '{0}-512' -f $domain
    $resetPassword = [guid]'00299570-246d-11d0-a768-00aa006e0529'
    $userClass = [guid]'bf967aba-0de6-11d0-a285-00aa003049e2'
    $pwdLastSet = [guid]'bf967a0a-0de6-11d0-a285-00aa003049e2'
    $lockoutTime = [guid]'28630ebf-41d5-11d1-a9c1-0000f80367c1'
    $connectorSid = '{0}-1105' -f $domain
    $everyoneRead = New-TestAce -Sid 'S-1-1-0' -Mask 0x20094
    $adminsAll = New-TestAce -Sid 'S-1-5-32-544' -Mask 0xF01FF
    $descriptors = [ordered]@{
        Root          = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @(
            $adminsAll, $everyoneRead,
            (New-TestAce -Sid $connectorSid -Mask 0x100 -Flags 0x0A -ObjectType $resetPassword -InheritedObjectType $userClass),
            (New-TestAce -Sid $connectorSid -Mask 0x20 -Flags 0x0A -ObjectType $pwdLastSet -InheritedObjectType $userClass),
            (New-TestAce -Sid $connectorSid -Mask 0x20 -Flags 0x0A -ObjectType $lockoutTime -InheritedObjectType $userClass))
        System        = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll, $everyoneRead)
        AdminSdHolder = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll, $everyoneRead) -Protected
        Users         = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll)
        Sales         = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll, $everyoneRead)
        Locked        = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll) -Protected
        Jdoe          = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll, $everyoneRead)
        Admin         = New-TestSecurityDescriptor -Owner $da -Group $da -Ace @($adminsAll) -Protected
    }
    $b64 = @{}
    foreach ($key in $descriptors.Keys) { $b64[$key] = [System.Convert]::ToBase64String($descriptors[$key]) }
    $sid = { param ($Rid) [System.Convert]::ToBase64String((ConvertTo-TestSidBytes -Sid ('{0}-{1}' -f $domain, $Rid))) }

    $nl = "`n"
    $ldif = New-Object -TypeName System.Text.StringBuilder
    $add = { param ([string[]] $Lines) $null = $ldif.Append(($Lines -join $nl)).Append($nl).Append($nl) }
    & $add @('dn: DC=contoso,DC=com', 'objectClass: domainDNS', 'dc: contoso', ('nTSecurityDescriptor:: {0}' -f $b64.Root), ('objectSid:: {0}' -f [System.Convert]::ToBase64String((ConvertTo-TestSidBytes -Sid $domain))), 'minPwdAge: -864000000000', 'maxPwdAge: -36288000000000', 'pwdHistoryLength: 24', 'minPwdLength: 7')
    & $add @('dn: CN=System,DC=contoso,DC=com', 'objectClass: container', 'cn: System', ('nTSecurityDescriptor:: {0}' -f $b64.System))
    & $add @('dn: CN=AdminSDHolder,CN=System,DC=contoso,DC=com', 'objectClass: container', 'cn: AdminSDHolder', ('nTSecurityDescriptor:: {0}' -f $b64.AdminSdHolder))
    & $add @('dn: CN=Password Settings Container,CN=System,DC=contoso,DC=com', 'objectClass: msDS-PasswordSettingsContainer', 'cn: Password Settings Container')
    & $add @('dn: CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com', 'objectClass: msDS-PasswordSettings', 'cn: Sales PSO', 'msDS-PasswordSettingsPrecedence: 10', 'msDS-MinimumPasswordAge: -864000000000', 'msDS-MaximumPasswordAge: -36288000000000', 'msDS-PasswordHistoryLength: 24', 'msDS-PasswordComplexityEnabled: TRUE', 'msDS-MinimumPasswordLength: 12', 'msDS-PSOAppliesTo: CN=Sales,OU=Groups,DC=contoso,DC=com')
    & $add @('dn: CN=Users,DC=contoso,DC=com', 'objectClass: container', 'cn: Users', ('nTSecurityDescriptor:: {0}' -f $b64.Users))
    & $add @('dn: OU=Sales,DC=contoso,DC=com', 'objectClass: wbdTestSecured', 'objectClass: organizationalUnit', 'ou: Sales', ('nTSecurityDescriptor:: {0}' -f $b64.Sales))
    & $add @('dn: OU=Locked,DC=contoso,DC=com', 'objectClass: wbdTestSecured', 'objectClass: organizationalUnit', 'ou: Locked', ('nTSecurityDescriptor:: {0}' -f $b64.Locked))
    & $add @('dn: CN=MSOL_1a2b3c4d5e6f,CN=Users,DC=contoso,DC=com', 'objectClass: user', 'cn: MSOL_1a2b3c4d5e6f', 'sn: MSOL', 'sAMAccountName: MSOL_1a2b3c4d5e6f', ('objectSid:: {0}' -f (& $sid 1105)), 'userAccountControl: 66048', ('tokenGroups:: {0}' -f (& $sid 513)), ('tokenGroups:: {0}' -f [System.Convert]::ToBase64String((ConvertTo-TestSidBytes -Sid 'S-1-5-32-545'))))
    & $add @('dn: CN=Jo Doe,OU=Sales,DC=contoso,DC=com', 'objectClass: user', 'cn: Jo Doe', 'sn: Doe', 'sAMAccountName: jdoe', 'userPrincipalName: jdoe@contoso.com', ('objectSid:: {0}' -f (& $sid 1601)), 'adminCount: 0', 'userAccountControl: 512', 'pwdLastSet: 134060000000000000', 'lockoutTime: 0', 'msDS-ResultantPSO: CN=Sales PSO,CN=Password Settings Container,CN=System,DC=contoso,DC=com', ('nTSecurityDescriptor:: {0}' -f $b64.Jdoe))
    & $add @('dn: CN=Ada Admin,CN=Users,DC=contoso,DC=com', 'objectClass: user', 'cn: Ada Admin', 'sn: Admin', 'sAMAccountName: ada.admin', 'userPrincipalName: ada.admin@contoso.com', ('objectSid:: {0}' -f (& $sid 1602)), 'adminCount: 1', 'userAccountControl: 512', 'pwdLastSet: 0', ('nTSecurityDescriptor:: {0}' -f $b64.Admin))
    & $add @('dn: CN=Ines Org,OU=Locked,DC=contoso,DC=com', 'objectClass: inetOrgPerson', 'cn: Ines Org', 'sn: Org', 'sAMAccountName: ines', 'userPrincipalName: ines@contoso.com', ('objectSid:: {0}' -f (& $sid 1603)), 'userAccountControl: 512', 'pwdLastSet: 134060000000000000', 'lockoutTime: 134061000000000000', ('nTSecurityDescriptor:: {0}' -f $b64.Jdoe))
    & $add @('dn: CN=Star (*) User,OU=Sales,DC=contoso,DC=com', 'objectClass: user', 'cn: Star (*) User', 'sn: Star', 'sAMAccountName: star*user', ('objectSid:: {0}' -f (& $sid 1604)), 'userAccountControl: 512', 'pwdLastSet: 134060000000000000')
    & $add @('dn: CN=WS01,OU=Sales,DC=contoso,DC=com', 'objectClass: computer', 'cn: WS01', 'sn: WS01', 'sAMAccountName: WS01$', ('objectSid:: {0}' -f (& $sid 1701)), 'userAccountControl: 4096')
    for ($i = 1; $i -le $ExtraUsers; $i++) {
        & $add @(('dn: CN=Bulk {0:D4},OU=Sales,DC=contoso,DC=com' -f $i), 'objectClass: user', ('cn: Bulk {0:D4}' -f $i), 'sn: Bulk', ('sAMAccountName: bulk{0:D4}' -f $i), ('objectSid:: {0}' -f (& $sid (3000 + $i))), 'userAccountControl: 512', 'pwdLastSet: 134060000000000000')
    }
    [PSCustomObject]@{
        Ldif        = $ldif.ToString()
        Descriptors = $b64
        UserCount   = 5 + $ExtraUsers
    }
}

function Start-TestSlapd {
    # Writes slapd.conf, the rootDSE file and the data into a new temporary folder, loads the
    # data with slapadd, starts slapd on a free loopback port with trace logging (the log shows
    # the controls of each request) and waits, at most 20 s, until it accepts connections.
    param ([int] $ExtraUsers = 0)
    $fixtures = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'ldap')
    $dir = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('wbd-slapd-{0}' -f [guid]::NewGuid().ToString('N')))
    $null = New-Item -ItemType Directory -Path ([System.IO.Path]::Combine($dir, 'db'))
    $password = 'Slapd-{0}' -f [guid]::NewGuid().ToString('N')
    $conf = (Get-Content -LiteralPath ([System.IO.Path]::Combine($fixtures, 'slapd.conf.template')) -Raw).Replace('@DIR@', $dir).Replace('@FIXTURES@', $fixtures).Replace('@ROOTPW@', $password)
    $confPath = [System.IO.Path]::Combine($dir, 'slapd.conf')
    [System.IO.File]::WriteAllText($confPath, $conf)
    [System.IO.File]::WriteAllText([System.IO.Path]::Combine($dir, 'rootdse.ldif'), "dn:`ndefaultNamingContext: DC=contoso,DC=com`n")
    $data = New-TestLdapData -ExtraUsers $ExtraUsers
    $ldifPath = [System.IO.Path]::Combine($dir, 'data.ldif')
    [System.IO.File]::WriteAllText($ldifPath, $data.Ldif)
    $load = & '/usr/sbin/slapadd' -q -f $confPath -l $ldifPath 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw ('slapadd failed: {0}' -f ($load -join ' '))
    }
    $port = Get-TestFreePort
    $log = [System.IO.Path]::Combine($dir, 'slapd.log')
    $start = New-Object -TypeName System.Diagnostics.ProcessStartInfo -ArgumentList '/bin/sh'
    # exec: the process started is slapd itself, so killing it by its id stops slapd.
    $start.Arguments = '-c "exec /usr/sbin/slapd -d 257 -h ldap://127.0.0.1:{0}/ -f ''{1}'' 2>''{2}''"' -f $port, $confPath, $log
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    $ready = $false
    while (-not $ready -and [datetime]::UtcNow -lt $deadline -and -not $process.HasExited) {
        $client = New-Object -TypeName System.Net.Sockets.TcpClient
        try {
            $client.Connect('127.0.0.1', $port)
            $ready = $true
        } catch {
            Start-Sleep -Milliseconds 100
        } finally {
            $client.Close()
        }
    }
    if (-not $ready) {
        $text = ''
        if (Test-Path -LiteralPath $log) { $text = (Get-Content -LiteralPath $log -Tail 20) -join ' ' }
        if (-not $process.HasExited) { $process.Kill() }
        throw ('slapd did not start on 127.0.0.1:{0} within 20 s: {1}' -f $port, $text)
    }
    [PSCustomObject]@{
        Port         = $port
        Server       = '127.0.0.1:{0}' -f $port
        Process      = $process
        Directory    = $dir
        Log          = $log
        RootDn       = 'CN=Directory Admin,DC=contoso,DC=com'
        RootPassword = $password
        Data         = $data
    }
}

function Stop-TestSlapd {
    param ([object] $Slapd)
    if ($null -eq $Slapd) { return }
    if (-not $Slapd.Process.HasExited) {
        $Slapd.Process.Kill()
        $null = $Slapd.Process.WaitForExit(5000)
    }
    Remove-Item -LiteralPath $Slapd.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-TestSlapdLog {
    param ([object] $Slapd)
    [System.IO.File]::ReadAllText($Slapd.Log)
}
