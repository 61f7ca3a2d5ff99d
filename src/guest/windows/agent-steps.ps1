# virtseal Windows agent: the apply steps (network, admin, ansible, timezone, rename/join, run_once). Dot-sourced
# by virtseal-agent.ps1. Each step takes the decoded payload hashtable; only values from it are used, always as
# parameters, never as program text (run_once is program text by definition and runs in its own runspace).
Set-StrictMode -Version Latest

$script:AuthorizedKeys = New-Object System.Collections.Generic.List[string]

function ConvertTo-SecureText([string]$Text) {
    $s = New-Object System.Security.SecureString
    foreach ($c in $Text.ToCharArray()) { $s.AppendChar($c) }
    $s.MakeReadOnly()
    return $s
}

function Invoke-StepNetwork($Config) {
    for ($i = 0; $Config.ContainsKey(('nic.{0:D3}.dhcp4' -f $i)); $i++) {
        $p = 'nic.{0:D3}.' -f $i
        $adapters = @(Get-NetAdapter -Physical | Where-Object { $_.Status -ne 'Disabled' })
        if ($Config.ContainsKey("${p}mac")) {
            $want = $Config["${p}mac"].ToUpperInvariant().Replace(':', '-')
            $adapters = @($adapters | Where-Object { $_.MacAddress -eq $want })
        }
        if ($adapters.Count -ne 1) { throw "NIC $i not found (or ambiguous)" }
        $index = $adapters[0].ifIndex
        if ($Config.ContainsKey("${p}ipv4_address")) {
            $addr, $prefix = $Config["${p}ipv4_address"].Split('/')
            Set-NetIPInterface -InterfaceIndex $index -AddressFamily IPv4 -Dhcp Disabled
            Get-NetIPAddress -InterfaceIndex $index -AddressFamily IPv4 -ErrorAction SilentlyContinue | Remove-NetIPAddress -Confirm:$false
            Get-NetRoute -InterfaceIndex $index -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Remove-NetRoute -Confirm:$false
            $args4 = @{ InterfaceIndex = $index; IPAddress = $addr; PrefixLength = [byte]$prefix; AddressFamily = 'IPv4' }
            if ($Config.ContainsKey("${p}ipv4_gateway")) { $args4.DefaultGateway = $Config["${p}ipv4_gateway"] }
            New-NetIPAddress @args4 | Out-Null
        } else {
            Set-NetIPInterface -InterfaceIndex $index -AddressFamily IPv4 -Dhcp Enabled
        }
        if ($Config.ContainsKey("${p}ipv6_address")) {
            $addr6, $prefix6 = $Config["${p}ipv6_address"].Split('/')
            Get-NetIPAddress -InterfaceIndex $index -AddressFamily IPv6 -PrefixOrigin Manual -ErrorAction SilentlyContinue | Remove-NetIPAddress -Confirm:$false
            $args6 = @{ InterfaceIndex = $index; IPAddress = $addr6; PrefixLength = [byte]$prefix6; AddressFamily = 'IPv6' }
            if ($Config.ContainsKey("${p}ipv6_gateway")) { $args6.DefaultGateway = $Config["${p}ipv6_gateway"] }
            New-NetIPAddress @args6 | Out-Null
        }
        if ($Config.ContainsKey("${p}dns_servers")) {
            Set-DnsClientServerAddress -InterfaceIndex $index -ServerAddresses $Config["${p}dns_servers"].Split(',')
        }
        if ($Config.ContainsKey("${p}search_domains")) {
            $suffix = $Config["${p}search_domains"].Split(',')[0]
            Set-DnsClient -InterfaceIndex $index -ConnectionSpecificSuffix $suffix
        }
    }
    if ($Config.ContainsKey('domain')) { Set-DnsClientGlobalSetting -SuffixSearchList @($Config['domain']) }
}

# Built-in accounts by name and by RID (they can be renamed): Guest 501, krbtgt 502, DefaultAccount 503,
# WDAGUtilityAccount 504 are never taken over; Administrator (500) only as the admin account, when named.
$script:BuiltinNames = @('guest', 'defaultaccount', 'wdagutilityaccount', 'krbtgt', 'administrator')

function Assert-OwnAccount([string]$Name, [bool]$AllowAdministrator) {
    if ($Name -cnotmatch '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,19}$') { throw "account name is not a plain local user name" }
    $lower = $Name.ToLowerInvariant()
    if ($script:BuiltinNames -contains $lower -and -not ($AllowAdministrator -and $lower -eq 'administrator')) { throw "refusing the built-in account $Name" }
    $user = Get-LocalUser -Name $Name -ErrorAction SilentlyContinue
    if ($user -and $user.SID) {
        $rid = ([string]$user.SID).Split('-')[-1]
        if ($rid -in @('501', '502', '503', '504') -or ($rid -eq '500' -and -not $AllowAdministrator)) { throw "refusing the built-in account $Name (RID $rid)" }
    }
    return $user
}

function Set-LocalAccount([string]$Name, [System.Security.SecureString]$Password, [bool]$Admin, [bool]$AllowAdministrator) {
    $user = Assert-OwnAccount $Name $AllowAdministrator
    if ($user) {
        Set-LocalUser -Name $Name -Password $Password -PasswordNeverExpires $true
        # An existing account (the built-in Administrator, an image's user) may be disabled: it must be usable.
        if (-not $user.Enabled) { Enable-LocalUser -Name $Name }
    } else { New-LocalUser -Name $Name -Password $Password -PasswordNeverExpires -AccountNeverExpires | Out-Null }
    if ($Admin) {
        $group = (Get-LocalGroup -SID 'S-1-5-32-544').Name
        $members = @(Get-LocalGroupMember -Group $group | ForEach-Object { ([string]$_.Name).Split('\')[-1] })
        if ($members -notcontains $Name) { Add-LocalGroupMember -Group $group -Member $Name }
    }
}

function Add-AdminAuthorizedKeys([string]$Keys) {
    # OpenSSH for Windows reads keys of administrators from one file, readable by Administrators and SYSTEM only.
    # It is replaced, not merged: keys an image builder left there do not survive into the VM; this run's admin
    # and Ansible keys are kept together.
    $dir = Join-Path $env:ProgramData 'ssh'
    if (-not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    $file = Join-Path $dir 'administrators_authorized_keys'
    if (Test-Path -LiteralPath $file) {
        $old = @(Get-Content -LiteralPath $file | Where-Object { $_ -match '\S' -and $script:AuthorizedKeys -notcontains $_ })
        if ($old.Count -gt 0) { Write-Log "replacing administrators_authorized_keys: $($old.Count) key(s) not from this configuration removed" }
    }
    foreach ($k in $Keys.Split("`n")) { if ($k -match '\S' -and $script:AuthorizedKeys -notcontains $k) { $script:AuthorizedKeys.Add($k) } }
    if ($script:AuthorizedKeys.Count -eq 0) { return }
    [System.IO.File]::WriteAllLines($file, [string[]]$script:AuthorizedKeys.ToArray())
    Set-AdminKeysAcl $file
}

function Set-AdminKeysAcl([string]$File) {
    # Administrators and SYSTEM only, inheritance off: what sshd requires of administrators_authorized_keys.
    $acl = New-Object System.Security.AccessControl.FileSecurity
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($sid in @('S-1-5-32-544', 'S-1-5-18')) {
        $id = New-Object System.Security.Principal.SecurityIdentifier -ArgumentList $sid
        $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $id, 'FullControl', 'Allow'))
    }
    Set-Acl -LiteralPath $file -AclObject $acl
}

function Invoke-StepAdmin($Config) {
    if (-not $Config.ContainsKey('admin.name')) { return }
    if (-not $Config.ContainsKey('admin.password')) { throw 'a password is needed for a Windows administrator' }
    Set-LocalAccount -Name $Config['admin.name'] -Password (ConvertTo-SecureText $Config['admin.password']) -Admin $true -AllowAdministrator $true
    if ($Config.ContainsKey('admin.ssh_keys')) { Add-AdminAuthorizedKeys $Config['admin.ssh_keys'] }
}

function Invoke-StepAnsible($Config) {
    if (-not $Config.ContainsKey('ansible.name')) { return }
    # Key-only account: a random password nobody knows, administrator rights, key in the administrators file.
    Set-LocalAccount -Name $Config['ansible.name'] -Password (ConvertTo-SecureText ((New-RandomHex 24) + 'aA1!')) -Admin $true -AllowAdministrator $false
    Add-AdminAuthorizedKeys $Config['ansible.ssh_keys']
}

function Invoke-StepTimezone($Config) {
    if (-not $Config.ContainsKey('timezone')) { return }
    $map = @{ 'UTC' = 'UTC'; 'Etc/UTC' = 'UTC'; 'Europe/Berlin' = 'W. Europe Standard Time'; 'Europe/Paris' = 'Romance Standard Time';
        'Europe/London' = 'GMT Standard Time'; 'America/New_York' = 'Eastern Standard Time'; 'America/Chicago' = 'Central Standard Time';
        'America/Denver' = 'Mountain Standard Time'; 'America/Los_Angeles' = 'Pacific Standard Time'; 'Asia/Tokyo' = 'Tokyo Standard Time' }
    $id = $map[$Config['timezone']]
    if (-not $id) { $id = $Config['timezone'] }
    Set-TimeZone -Id $id
}

function Invoke-StepRenameJoin($Config) {
    # One pass: with a domain, join under the new name (Add-Computer -NewName); without, rename. Reboot follows.
    $name = $Config['hostname']
    if ($Config.ContainsKey('domain_join.domain')) {
        $cred = New-Object System.Management.Automation.PSCredential -ArgumentList $Config['domain_join.user'], (ConvertTo-SecureText $Config['domain_join.password'])
        $join = @{ DomainName = $Config['domain_join.domain']; Credential = $cred; Force = $true; Options = 'AccountCreate' }
        if ($name -and $name -ne $env:COMPUTERNAME) { $join.NewName = $name; $join.Options = 'JoinWithNewName,AccountCreate' }
        if ($Config.ContainsKey('domain_join.ou')) { $join.OUPath = $Config['domain_join.ou'] }
        try { Add-Computer @join }
        finally {
            # The join credential is gone before anything else runs (run_once comes later and never sees it).
            $cred = $null; $join = $null
            foreach ($k in @('domain_join.password', 'domain_join.user')) { if ($Config.ContainsKey($k)) { $Config.Remove($k) } }
        }
        $script:RebootNeeded = $true
    } elseif ($name -and $name -ne $env:COMPUTERNAME) {
        Rename-Computer -NewName $name -Force
        $script:RebootNeeded = $true
    }
}

function Invoke-StepRunOnce($Config) {
    # Each command runs in a runspace of its own: it sees none of the agent's variables (no payload, no session
    # key, no credential), and an `exit` in it ends that command, not the agent. Secrets are dropped first.
    $commands = @($Config.PSBase.Keys | Where-Object { $_ -like 'run_once.*' } | Sort-Object | ForEach-Object { @{ Key = $_; Text = $Config[$_] } })
    foreach ($k in @($Config.PSBase.Keys | Where-Object { $_ -like 'domain_join.*' -or $_ -like 'admin.password*' })) { $Config.Remove($k) }
    foreach ($c in $commands) {
        if (Test-StepDone $c.Key) { continue }
        Write-Log "running $($c.Key)"
        $ps = [PowerShell]::Create()
        try {
            [void]$ps.AddScript($c.Text)
            [void]$ps.Invoke()
            if ($ps.HadErrors) { throw "$($c.Key) reported errors" }
        } finally { $ps.Dispose() }
        Set-StepDone $c.Key
    }
}
