# virtseal guest agent for Windows, sealed exchange protocol v2 (docs/protocol.md, docs/guest-agents.md).
# Windows PowerShell 5.1 + .NET Framework only. Runs at startup as SYSTEM (scheduled task made by
# install-agent.ps1). KVP pools are registry keys: host items in ...\Virtual Machine\External (pool 0), our
# items in ...\Virtual Machine\Guest (pool 1), host facts in ...\Virtual Machine\Guest\Parameters (pool 3).
param(
    [int]$TimeoutSeconds = 3600,
    [int]$AckTimeoutSeconds = 120,
    [string]$StateKey = 'HKLM:\SOFTWARE\virtseal\Agent',
    [switch]$SelfRemove
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'seal-crypto.ps1')

$PoolHost = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\External'
$PoolGuest = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\Guest'
$PoolFacts = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\Guest\Parameters'
$Steps = @('network', 'admin', 'ansible', 'timezone', 'rename_join', 'run_once')

function Write-Log([string]$Message) {
    # Never given a secret: messages name steps and reasons only.
    Write-Output ('{0} virtseal-agent: {1}' -f (Get-Date).ToUniversalTime().ToString('s'), $Message)
}

function Get-PoolItems([string]$Path) {
    $items = @{}
    if (Test-Path -LiteralPath $Path) {
        $props = Get-ItemProperty -LiteralPath $Path
        foreach ($p in $props.PSObject.Properties) {
            if ($p.Name -notlike 'PS*') { $items[$p.Name] = [string]$p.Value }
        }
    }
    return $items
}

function Set-GuestItem([string]$Name, [string]$Value) {
    if (-not (Test-Path -LiteralPath $PoolGuest)) { New-Item -Path $PoolGuest -Force | Out-Null }
    New-ItemProperty -LiteralPath $PoolGuest -Name $Name -Value $Value -PropertyType String -Force | Out-Null
}

function Remove-GuestItem([string]$Name) {
    Remove-ItemProperty -LiteralPath $PoolGuest -Name $Name -ErrorAction SilentlyContinue
}

function Test-StepDone([string]$Step) {
    return [bool](Get-ItemProperty -LiteralPath $StateKey -Name "done.$Step" -ErrorAction SilentlyContinue)
}

function Set-StepDone([string]$Step) {
    if (-not (Test-Path -LiteralPath $StateKey)) { New-Item -Path $StateKey -Force | Out-Null }
    New-ItemProperty -LiteralPath $StateKey -Name "done.$Step" -Value 1 -PropertyType DWord -Force | Out-Null
}

function Send-Status([string]$State, [string]$Reason) {
    $mac = '-'
    if ($script:Session -and $script:Session.SessionKeys) {
        $mac = Get-StatusMac -StatusKey $script:Session.SessionKeys.Status -VmId $script:VmId -Attempt $script:Attempt -State $State -Reason $Reason
    }
    Set-GuestItem -Name 'virtseal.status' -Value "$State $($script:Attempt) $Reason $mac"
    Write-Log "reported $State ($Reason)"
}

function New-RandomHex([int]$Bytes) {
    $b = New-Object byte[] $Bytes
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    $rng.GetBytes($b)
    $rng.Dispose()
    return ConvertTo-Hex $b
}

function ConvertTo-SecureText([string]$Text) {
    $s = New-Object System.Security.SecureString
    foreach ($c in $Text.ToCharArray()) { $s.AppendChar($c) }
    $s.MakeReadOnly()
    return $s
}

function Wait-Envelope($KeyPair) {
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    $delay = 200
    $lastBad = $null
    while ((Get-Date) -lt $deadline) {
        $items = Get-PoolItems $PoolHost
        $manifest = $items['virtseal.manifest']
        if ($manifest) {
            $m = $manifest.Split(' ')
            if ($m.Length -eq 4 -and $m[1] -ceq $script:Attempt) {
                if ($m[0] -ne '2') { return @{ Ok = $false; Reason = 'envelope_version' } }
                $count = [int]$m[2]
                if ($count -lt 1 -or $count -gt 256) { return @{ Ok = $false; Reason = 'envelope_manifest' } }
                $sb = New-Object System.Text.StringBuilder
                $complete = $true
                for ($i = 0; $i -lt $count; $i++) {
                    $part = $items["virtseal.chunk.$i"]
                    if ($null -eq $part) { $complete = $false; break }
                    [void]$sb.Append($part)
                }
                if ($complete) {
                    $text = $sb.ToString()
                    if ($text.Length -ne [int]$m[3]) {
                        if ($text -ceq $lastBad) { return @{ Ok = $false; Reason = 'envelope_length' } }
                        $lastBad = $text
                    } else {
                        $r = Open-SealEnvelope -Envelope $text -Rsa $KeyPair.Rsa -VmId $script:VmId -Attempt $script:Attempt -Nonce $script:Nonce
                        if ($r.Ok) { return $r }
                        if ($r.Reason -in @('envelope_attempt', 'envelope_vm_id', 'envelope_nonce', 'envelope_version', 'envelope_algorithm') -or $text -ceq $lastBad) { return $r }
                        $lastBad = $text
                    }
                }
            }
        }
        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min(2000, $delay * 2)
    }
    return @{ Ok = $false; Reason = 'timeout' }
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

function Set-LocalAccount([string]$Name, [System.Security.SecureString]$Password, [bool]$Admin) {
    $user = Get-LocalUser -Name $Name -ErrorAction SilentlyContinue
    if ($user) { Set-LocalUser -Name $Name -Password $Password -PasswordNeverExpires $true }
    else { New-LocalUser -Name $Name -Password $Password -PasswordNeverExpires -AccountNeverExpires | Out-Null }
    if ($Admin) {
        $group = (Get-LocalGroup -SID 'S-1-5-32-544').Name
        if (-not (Get-LocalGroupMember -Group $group -Member $Name -ErrorAction SilentlyContinue)) { Add-LocalGroupMember -Group $group -Member $Name }
    }
}

function Add-AdminAuthorizedKeys([string]$Keys) {
    # OpenSSH for Windows reads keys of administrators from one file, readable by Administrators and SYSTEM only.
    $dir = Join-Path $env:ProgramData 'ssh'
    if (-not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    $file = Join-Path $dir 'administrators_authorized_keys'
    $existing = @()
    if (Test-Path -LiteralPath $file) { $existing = @(Get-Content -LiteralPath $file) }
    $all = @($existing + $Keys.Split("`n")) | Where-Object { $_ -match '\S' } | Select-Object -Unique
    [System.IO.File]::WriteAllLines($file, [string[]]$all)
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
    Set-LocalAccount -Name $Config['admin.name'] -Password (ConvertTo-SecureText $Config['admin.password']) -Admin $true
    if ($Config.ContainsKey('admin.ssh_keys')) { Add-AdminAuthorizedKeys $Config['admin.ssh_keys'] }
}

function Invoke-StepAnsible($Config) {
    if (-not $Config.ContainsKey('ansible.name')) { return }
    # Key-only account: a random password nobody knows, administrator rights, key in the administrators file.
    Set-LocalAccount -Name $Config['ansible.name'] -Password (ConvertTo-SecureText ((New-RandomHex 24) + 'aA1!')) -Admin $true
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
        Add-Computer @join
        $script:RebootNeeded = $true
    } elseif ($name -and $name -ne $env:COMPUTERNAME) {
        Rename-Computer -NewName $name -Force
        $script:RebootNeeded = $true
    }
}

function Invoke-StepRunOnce($Config) {
    foreach ($key in ($Config.PSBase.Keys | Where-Object { $_ -like 'run_once.*' } | Sort-Object)) {
        if (Test-StepDone $key) { continue }
        Write-Log "running $key"
        $block = [ScriptBlock]::Create($Config[$key])
        & $block
        Set-StepDone $key
    }
}

function Complete-Exchange {
    Remove-GuestItem 'virtseal.hello'
    $until = (Get-Date).AddSeconds($AckTimeoutSeconds)
    while ((Get-Date) -lt $until) {
        $m = (Get-PoolItems $PoolHost)['virtseal.manifest']
        if (-not $m -or -not $m.Contains(" $($script:Attempt) ")) { break }
        Start-Sleep -Milliseconds 500
    }
    Remove-GuestItem 'virtseal.status'
}

# ---------------------------------------------------------------- main
if ((Get-ItemProperty -LiteralPath $StateKey -Name 'applied' -ErrorAction SilentlyContinue)) {
    Write-Log 'configuration already applied; nothing to do'
    Remove-GuestItem 'virtseal.hello'; Remove-GuestItem 'virtseal.status'
    exit 0
}
$script:RebootNeeded = $false
$script:Session = $null
$facts = Get-PoolItems $PoolFacts
$script:VmId = ([string]$facts['VirtualMachineId']).ToLowerInvariant()
$script:Attempt = New-RandomHex 16
$script:Nonce = New-RandomHex 32
if ($script:VmId -notmatch '^[0-9a-f-]{1,64}$') { $script:Attempt = '0' * 32; Send-Status 'failed' 'no_vm_id'; exit 1 }
$pair = New-SealKeyPair
Remove-GuestItem 'virtseal.status'
Remove-GuestItem 'virtseal.applied'
Set-GuestItem -Name 'virtseal.hello' -Value ('2 {0} {1} {2} {3}' -f $script:VmId, $script:Attempt, $script:Nonce, [Convert]::ToBase64String($pair.Spki))
Write-Log "hello published for VM $($script:VmId), attempt $($script:Attempt)"
$opened = Wait-Envelope $pair
$pair.Rsa.Dispose()
if (-not $opened.Ok) { Send-Status 'failed' $opened.Reason; Complete-Exchange; exit 1 }
$script:Session = $opened
try { $config = ConvertFrom-SealPayload $opened.Payload } catch { Send-Status 'failed' 'payload_format'; Complete-Exchange; exit 1 }
Send-Status 'applying' '-'
foreach ($step in $Steps) {
    if (Test-StepDone $step) { Write-Log "step $step already done (resumed)"; continue }
    Write-Log "applying $step"
    try {
        switch ($step) {
            'network' { Invoke-StepNetwork $config }
            'admin' { Invoke-StepAdmin $config }
            'ansible' { Invoke-StepAnsible $config }
            'timezone' { Invoke-StepTimezone $config }
            'rename_join' { Invoke-StepRenameJoin $config }
            'run_once' { Invoke-StepRunOnce $config }
        }
    } catch {
        Write-Log "step $step failed: $($_.Exception.GetType().Name)"
        $config.Clear()
        Send-Status 'failed' "apply_$step"; Complete-Exchange; exit 1
    }
    Set-StepDone $step
}
$config.Clear()
New-ItemProperty -LiteralPath $StateKey -Name 'applied' -Value 1 -PropertyType DWord -Force | Out-Null
Send-Status 'applied' '-'
$script:Session = $null
Complete-Exchange
# The one item left behind, on purpose and without any secret: later runs of the host see "already applied".
Set-GuestItem -Name 'virtseal.applied' -Value $script:Attempt
if ($SelfRemove) {
    Unregister-ScheduledTask -TaskName 'virtseal-agent' -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $PSScriptRoot -Recurse -Force -ErrorAction SilentlyContinue
}
if ($script:RebootNeeded) { Restart-Computer -Force }
exit 0
