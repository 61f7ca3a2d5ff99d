# Pester 5 suite for the Windows guest agent, run by pwsh (test/component/guest/windows-pester.test.ts runs it from
# mocha). What pwsh on Linux cannot prove is listed in docs/guest-agents.md.
BeforeDiscovery {
    $vectorFile = Join-Path $PSScriptRoot '../../../vectors/v3.json'
    $script:VectorCases = @((Get-Content -Raw $vectorFile | ConvertFrom-Json).cases | ForEach-Object { @{ name = $_.name; c = $_ } })
}

BeforeAll {
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../../..')).Path
    $agentDir = Join-Path $script:Root 'src/guest/windows'
    . (Join-Path $agentDir 'seal-crypto.ps1')
    . (Join-Path $agentDir 'agent-steps.ps1')
    . (Join-Path $agentDir 'agent-core.ps1')
    # The transport seam: pool files the Node host reads and writes, instead of the registry.
    . (Join-Path $PSScriptRoot 'pool-kvp.ps1')
    $ErrorActionPreference = 'Stop'

    # Windows-only cmdlets the steps call, declared with the parameters the steps pass (names as documented by
    # Microsoft), so Pester can mock them and record every call. Where pwsh has the real one, it is mocked as is.
    $stubs = @{
        'Get-NetAdapter' = 'param([switch]$Physical)'
        'Set-NetIPInterface' = 'param($InterfaceIndex, $AddressFamily, $Dhcp)'
        'Get-NetIPAddress' = 'param($InterfaceIndex, $AddressFamily, $PrefixOrigin)'
        'Remove-NetIPAddress' = 'param([Parameter(ValueFromPipeline)]$InputObject, [switch]$Confirm)'
        'Get-NetRoute' = 'param($InterfaceIndex, $AddressFamily, $DestinationPrefix)'
        'Remove-NetRoute' = 'param([Parameter(ValueFromPipeline)]$InputObject, [switch]$Confirm)'
        'New-NetIPAddress' = 'param($InterfaceIndex, $IPAddress, $PrefixLength, $AddressFamily, $DefaultGateway)'
        'Set-DnsClientServerAddress' = 'param($InterfaceIndex, $ServerAddresses)'
        'Set-DnsClient' = 'param($InterfaceIndex, $ConnectionSpecificSuffix)'
        'Set-DnsClientGlobalSetting' = 'param($SuffixSearchList)'
        'Get-LocalUser' = 'param($Name)'
        'Set-LocalUser' = 'param($Name, $Password, $PasswordNeverExpires)'
        'New-LocalUser' = 'param($Name, $Password, [switch]$PasswordNeverExpires, [switch]$AccountNeverExpires)'
        'Enable-LocalUser' = 'param($Name)'
        'Get-LocalGroup' = 'param($SID)'
        'Get-LocalGroupMember' = 'param($Group, $Member)'
        'Add-LocalGroupMember' = 'param($Group, $Member)'
        'Set-TimeZone' = 'param($Id)'
        'Add-Computer' = 'param($DomainName, $Credential, [switch]$Force, $Options, $NewName, $OUPath)'
        'Rename-Computer' = 'param($NewName, [switch]$Force)'
    }
    foreach ($name in $stubs.Keys) {
        if (-not (Get-Command $name -ErrorAction SilentlyContinue)) {
            Set-Item -Path "function:global:$name" -Value ([ScriptBlock]::Create("$($stubs[$name]) throw '$name is not available here'"))
        }
    }

    $script:Vectors = Get-Content -Raw (Join-Path $script:Root 'test/vectors/v3.json') | ConvertFrom-Json
    function Read-Pkcs8([string]$File) {
        $pem = Get-Content -Raw (Join-Path $script:Root "test/vectors/$File")
        return ,([Convert]::FromBase64String(($pem -replace '-----[A-Z ]+-----', '' -replace '\s', '')))
    }
    $script:VectorKex = New-SealAgreementKey -Pkcs8 (Read-Pkcs8 'v3-guest-kex.pem')
}

Describe 'crypto seam' {
    It 'picks the portable classes on PowerShell 7 (the CNG classes are for Windows PowerShell 5.1)' {
        $PSVersionTable.PSEdition | Should -Be 'Core'
        Get-SealCryptoFlavor | Should -Be 'Portable'
        Get-SealCryptoFlavor -Edition 'Desktop' | Should -Be 'Cng'
        $a = New-SealAgreementKey
        $a.Key | Should -BeOfType ([System.Security.Cryptography.ECDiffieHellman])
        $a.Key.GetType().Name | Should -Not -Match 'Cng'
        $a.Spki.Length | Should -Be 91
    }

    It 'builds the SubjectPublicKeyInfo node:crypto encodes for the vector key' {
        [Convert]::ToBase64String($script:VectorKex.Spki) | Should -Be $script:Vectors.guest_kex_spki_base64
    }

    It 'turns an SPKI into the CNG ECC public blob the 5.1 path imports, and back' {
        $p = ConvertFrom-SpkiP256 $script:VectorKex.Spki
        $blob = ConvertTo-CngEccPublicBlob $script:EcdhPublicP256Magic $p.X $p.Y
        $blob.Length | Should -Be 72
        [BitConverter]::ToUInt32($blob, 0) | Should -Be 0x314B4345 # 'ECK1'
        $back = ConvertFrom-CngEccPublicBlob $blob
        [Convert]::ToBase64String((ConvertTo-SpkiP256 $back.X $back.Y)) | Should -Be $script:Vectors.guest_kex_spki_base64
        { ConvertFrom-SpkiP256 ([byte[]]@(1, 2, 3)) } | Should -Throw
    }

    It 'encodes ECDSA signatures as DER that .NET verifies in the DER format' {
        $s = New-SealSigningKey
        $data = [System.Text.Encoding]::UTF8.GetBytes('virtseal')
        $der = Invoke-SealSign $s $data
        $der[0] | Should -Be 0x30
        $s.Key.VerifyData($data, $der, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.DSASignatureFormat]::Rfc3279DerSequence) | Should -BeTrue
        $data[0] = 0x56
        $s.Key.VerifyData($data, $der, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.DSASignatureFormat]::Rfc3279DerSequence) | Should -BeFalse
    }
}

Describe 'committed vectors (test/vectors/v3.json)' {
    It 'opens vector <name> to the exact payload with the recorded session keys' -ForEach $script:VectorCases {
        $r = Open-SealEnvelope -Envelope $c.envelope -Agreement $script:VectorKex -VmId $c.vm_id -Attempt $c.attempt -Hellos @{ $c.challenge = $c.hello }
        $r.Reason | Should -Be '-'
        [Convert]::ToBase64String($r.Payload) | Should -Be $c.payload_base64
        ConvertTo-Hex $r.SessionKeys.Status | Should -Be $c.k_status_hex
        ConvertTo-Hex $r.SessionKeys.Mac | Should -Be $c.k_mac_hex
        $status = Get-StatusMac -StatusKey $r.SessionKeys.Status -VmId $c.vm_id -Attempt $c.attempt -State 'applied' -Reason '-'
        "applied $($c.attempt) - $status" | Should -Be $c.status_applied
        $map = ConvertFrom-SealPayload $r.Payload
        Get-AppliedRecord -StatusKey $r.SessionKeys.Status -VmId $c.vm_id -Attempt $c.attempt -Salt $map['record.salt'] -Digest $map['record.digest'] | Should -Be $c.applied_record
    }

    Context 'tampered envelopes are refused with the reason the Linux agent gives' {
        BeforeAll {
            $script:V = $script:Vectors.cases | Where-Object name -EQ 'full'
            $script:Lines = $script:V.envelope.Split("`n")
            function Set-Line([int]$I, [string]$Text) { $l = $script:Lines.Clone(); $l[$I] = $Text; return ($l -join "`n") }
            function Invoke-Open([string]$Envelope, [hashtable]$Hellos = @{ $script:V.challenge = $script:V.hello }, [string]$VmId = $script:V.vm_id) {
                return (Open-SealEnvelope -Envelope $Envelope -Agreement $script:VectorKex -VmId $VmId -Attempt $script:V.attempt -Hellos $Hellos).Reason
            }
        }
        It 'a flipped ciphertext character: envelope_mac' {
            $d = $script:Lines[6]; $i = 40; $ch = if ($d[$i] -eq 'A') { 'B' } else { 'A' }
            Invoke-Open (Set-Line 6 ($d.Substring(0, $i) + $ch + $d.Substring($i + 1))) | Should -Be 'envelope_mac'
        }
        It 'a flipped MAC: envelope_mac' {
            $m = $script:Lines[7]; $last = if ($m.EndsWith('0')) { '1' } else { '0' }
            Invoke-Open (Set-Line 7 ($m.Substring(0, $m.Length - 1) + $last)) | Should -Be 'envelope_mac'
        }
        It 'another hello for the same challenge (transcript in the KDF): envelope_mac' {
            $s = New-SealSigningKey
            $other = New-SealHello -VmId $script:V.vm_id -Attempt $script:V.attempt -Challenge $script:V.challenge -Agreement $script:VectorKex -Signer $s
            Invoke-Open $script:V.envelope @{ $script:V.challenge = $other } | Should -Be 'envelope_mac'
        }
        It 'a challenge this attempt never answered: envelope_challenge' {
            Invoke-Open $script:V.envelope @{ ('f' * 64) = $script:V.hello } | Should -Be 'envelope_challenge'
        }
        It 'another VM: envelope_vm_id; another version: envelope_version; truncation: envelope_format' {
            Invoke-Open $script:V.envelope -VmId '11111111-2222-3333-4444-555555555555' | Should -Be 'envelope_vm_id'
            Invoke-Open ($script:V.envelope.Replace('virtseal-envelope 3', 'virtseal-envelope 4')) | Should -Be 'envelope_version'
            Invoke-Open ($script:V.envelope.Substring(0, 700)) | Should -Be 'envelope_format'
        }
        It 'an envelope key that is not a P-256 point: envelope_key_agreement' {
            Invoke-Open (Set-Line 5 ('epk ' + [Convert]::ToBase64String([byte[]](1..91)))) | Should -Be 'envelope_key_agreement'
        }
    }
}

Describe 'sender authentication (a pinned sender key, docs/protocol.md §4a)' {
    BeforeAll {
        $script:SenderPem = Get-Content -Raw (Join-Path $script:Root 'test/vectors/v3-sender.pub.pem')
        $script:Sender = New-SealSenderVerifier -Spki (ConvertFrom-PemSpki $script:SenderPem)
        function Invoke-SignedOpen($C, $Signature) {
            return (Open-SealEnvelope -Envelope $C.envelope -Agreement $script:VectorKex -VmId $C.vm_id -Attempt $C.attempt -Hellos @{ $C.challenge = $C.hello } -Sender $script:Sender -Signature $Signature)
        }
    }
    It 'reads the pinned PEM as the committed SubjectPublicKeyInfo' {
        [Convert]::ToBase64String((ConvertFrom-PemSpki $script:SenderPem)) | Should -Be $script:Vectors.sender_spki_base64
        { ConvertFrom-PemSpki (Get-Content -Raw (Join-Path $script:Root 'test/vectors/v3-sender.pem')) } | Should -Throw
    }
    It 'turns DER signatures into P1363 that verify, and refuses malformed DER' {
        $s = New-SealSigningKey
        $data = [System.Text.Encoding]::UTF8.GetBytes('virtseal sender')
        $p1363 = ConvertFrom-DerEcdsaSignature (Invoke-SealSign $s $data)
        $p1363.Length | Should -Be 64
        $s.Key.VerifyData($data, $p1363, [System.Security.Cryptography.HashAlgorithmName]::SHA256) | Should -BeTrue
        { ConvertFrom-DerEcdsaSignature ([byte[]]@(0x30, 3, 2, 1, 1)) } | Should -Throw
    }
    It 'opens vector <name> with its recorded sender signature' -ForEach $script:VectorCases {
        $r = Invoke-SignedOpen $c $c.sender_signature
        $r.Reason | Should -Be '-'
        [Convert]::ToBase64String($r.Payload) | Should -Be $c.payload_base64
    }
    It 'refuses vector <name> unsigned, signed for another attempt, or signed by another key (envelope_signature)' -ForEach $script:VectorCases {
        (Invoke-SignedOpen $c $null).Reason | Should -Be 'envelope_signature'
        $other = $script:Vectors.cases | Where-Object name -NE $c.name | Select-Object -First 1
        (Invoke-SignedOpen $c $other.sender_signature).Reason | Should -Be 'envelope_signature'
        (Invoke-SignedOpen $c ($c.attempt + ' ' + $other.sender_signature.Split(' ')[1])).Reason | Should -Be 'envelope_signature'
        $th = Get-Sha256 (Get-Utf8Bytes ("virtseal/3 transcript`n$($c.hello)`n$($c.epk_spki_base64)`n"))
        $signed = Get-Utf8Bytes ("virtseal/3 sender`n$(ConvertTo-Hex $th)`n$($c.envelope)")
        ConvertTo-Hex (Get-Sha256 $signed) | Should -Be $c.sender_signed_sha256_hex
        $forged = [Convert]::ToBase64String((Invoke-SealSign (New-SealSigningKey) $signed))
        (Invoke-SignedOpen $c "$($c.attempt) $forged").Reason | Should -Be 'envelope_signature'
        # Without a pin the same envelope opens as before (compatibility).
        (Open-SealEnvelope -Envelope $c.envelope -Agreement $script:VectorKex -VmId $c.vm_id -Attempt $c.attempt -Hellos @{ $c.challenge = $c.hello }).Reason | Should -Be '-'
    }
}

Describe 'accounts the agent keeps to' {
    BeforeEach { Mock Get-LocalUser { $null } }
    It 'refuses the built-in Guest, DefaultAccount and WDAGUtilityAccount by name (any case)' {
        foreach ($n in @('Guest', 'defaultaccount', 'WDAGUtilityAccount', 'krbtgt')) { { Assert-OwnAccount $n $true } | Should -Throw '*built-in*' }
    }
    It 'accepts Administrator only as the named admin account, never as the Ansible account' {
        { Assert-OwnAccount 'Administrator' $true } | Should -Not -Throw
        { Assert-OwnAccount 'Administrator' $false } | Should -Throw '*built-in*'
    }
    It 'refuses a renamed built-in account by its RID' {
        Mock Get-LocalUser { [pscustomobject]@{ Name = 'visitor'; SID = 'S-1-5-21-1-2-3-501'; Enabled = $false } }
        { Assert-OwnAccount 'visitor' $true } | Should -Throw '*RID 501*'
    }
    It 'enables an existing disabled account it sets up as admin' {
        Mock Get-LocalUser { [pscustomobject]@{ Name = 'Administrator'; SID = 'S-1-5-21-1-2-3-500'; Enabled = $false } }
        Mock Set-LocalUser {}
        Mock Enable-LocalUser {}
        Mock Get-LocalGroup { [pscustomobject]@{ Name = 'Administrators' } }
        Mock Get-LocalGroupMember { @([pscustomobject]@{ Name = 'HOST\Administrator' }) }
        Mock Add-LocalGroupMember {}
        Set-LocalAccount -Name 'Administrator' -Password (ConvertTo-SecureText 'x') -Admin $true -AllowAdministrator $true
        Should -Invoke Enable-LocalUser -Times 1 -Exactly -ParameterFilter { $Name -eq 'Administrator' }
        Should -Invoke Add-LocalGroupMember -Times 0 -Exactly
    }
}

Describe 'apply steps without a domain' {
    It 'renames the computer when the name differs, and leaves it alone when it matches' {
        Mock Rename-Computer {}
        Mock Add-Computer {}
        $env:COMPUTERNAME = 'TEMPLATE'
        $script:RebootNeeded = $false
        Invoke-StepRenameJoin @{ hostname = 'web9' }
        Should -Invoke Rename-Computer -Times 1 -Exactly -ParameterFilter { $NewName -eq 'web9' -and $Force }
        $script:RebootNeeded | Should -BeTrue
        $env:COMPUTERNAME = 'WEB9'
        Invoke-StepRenameJoin @{ hostname = 'web9' }
        Should -Invoke Rename-Computer -Times 1 -Exactly
        Should -Invoke Add-Computer -Times 0 -Exactly
    }
    It 'maps IANA time zones to Windows ids and passes a Windows id through' {
        Mock Set-TimeZone {}
        Invoke-StepTimezone @{ timezone = 'America/New_York' }
        Invoke-StepTimezone @{ timezone = 'Tokyo Standard Time' }
        Should -Invoke Set-TimeZone -Times 1 -Exactly -ParameterFilter { $Id -eq 'Eastern Standard Time' }
        Should -Invoke Set-TimeZone -Times 1 -Exactly -ParameterFilter { $Id -eq 'Tokyo Standard Time' }
    }
}

Describe 'the state machine (transport seam on pool files)' {
    It 'stops after 3 distinct envelopes that fail and reports envelope_limit' {
        $script:KvpDir = Join-Path ([System.IO.Path]::GetTempPath()) ('virtseal-pester-' + [guid]::NewGuid())
        New-Item -ItemType Directory -Path $script:KvpDir | Out-Null
        try {
            $script:AgentFlags = @{}
            Write-PoolFile (Join-Path $script:KvpDir '.kvp_pool_3') ([ordered]@{ VirtualMachineId = '5C0FFEE0-1234-4321-ABCD-00155D010203' })
            $script:Served = 0
            # A hostile pool-0 writer: a fresh challenge, then a new forged envelope for the agent's attempt each poll.
            Mock Read-HostItems {
                $attempt = $script:Attempt
                $env = "virtseal-envelope 3`nvm 5c0ffee0-1234-4321-abcd-00155d010203`nattempt $attempt`nchallenge $('c' * 64)`nalg $($script:SealAlgorithm)`nepk $($script:Vectors.guest_kex_spki_base64)`ndata U2FsdGVkX1$($script:Served)AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`nmac $('0' * 64)`n"
                $script:Served++
                return @{ 'virtseal.challenge' = "3 $('c' * 64)"; 'virtseal.manifest' = "3 $attempt 1 $($env.Length)"; 'virtseal.chunk.0' = $env }
            }
            Mock Write-GuestItem {}
            $code = Invoke-VirtsealAgent -TimeoutSeconds 30 -AckTimeoutSeconds 1 -PollMilliseconds 20
            $code | Should -Be 1
            Should -Invoke Write-GuestItem -Times 1 -Exactly -ParameterFilter { $Name -eq 'virtseal.status' -and $Value -like 'failed * envelope_limit -' }
        } finally { Remove-Item -Recurse -Force $script:KvpDir }
    }
}

Describe 'exchange with the Node host (live envelopes sealed by src/seal)' {
    BeforeAll {
        function Start-NodeHost([string]$Dir, [string]$VmId, [hashtable]$Config, [string]$Mode = '') {
            $cfg = Join-Path $Dir 'config.json'
            Set-Content -LiteralPath $cfg -Value ($Config | ConvertTo-Json -Depth 6) -Encoding utf8NoBOM
            $psi = New-Object System.Diagnostics.ProcessStartInfo
            $psi.FileName = 'npx'
            foreach ($a in @('tsx', 'test/component/guest/windows/seal-host.ts', $Dir, $VmId, $cfg, $Mode)) { $psi.ArgumentList.Add($a) }
            $psi.WorkingDirectory = $script:Root
            $psi.RedirectStandardOutput = $true
            $psi.UseShellExecute = $false
            return [System.Diagnostics.Process]::Start($psi)
        }
        function Wait-NodeHost($Process) {
            $out = $Process.StandardOutput.ReadToEnd()
            $Process.WaitForExit()
            return ($out.Trim().Split("`n")[-1] | ConvertFrom-Json)
        }
        function New-World {
            $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('virtseal-pester-' + [guid]::NewGuid())
            New-Item -ItemType Directory -Path $dir | Out-Null
            Write-PoolFile (Join-Path $dir '.kvp_pool_3') ([ordered]@{ VirtualMachineId = '5C0FFEE0-1234-4321-ABCD-00155D010203'; VirtualMachineName = 'win01' })
            $script:KvpDir = $dir
            $script:AgentFlags = @{}
            $script:AuthorizedKeys.Clear()
            return $dir
        }
        $script:Canary = 'Join-Canary-5e1f-Пароль'
        $script:Config = @{
            hostname = 'win01'; domain = 'corp.example.com'; timezone = 'Europe/Berlin'
            nics = @(@{ mac = '00:15:5D:01:02:03'; ipv4_address = '192.0.2.10/24'; ipv4_gateway = '192.0.2.1'; dns_servers = @('192.0.2.53'); search_domains = @('corp.example.com') })
            admin = @{ name = 'ops'; password = 'Admin-Pw-7$(whoami)'; ssh_authorized_keys = @('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminKeyForTests ops@ctl') }
            ansible = @{ user = 'ansible'; ssh_authorized_keys = @('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnsibleKeyForTest ansible@ctl') }
            domain_join = @{ domain = 'corp.example.com'; user = 'CORP\joiner'; password = $script:Canary; ou = 'OU=Servers,DC=corp,DC=example,DC=com' }
            run_once = @('Set-Content -LiteralPath $env:VIRTSEAL_RUN_ONCE_OUT -Value ("seen:" + ((Get-Variable | Out-String) -match "Canary"))', 'exit 3')
        }
    }

    It 'applies every step through recorded cmdlets, leaves only the applied record, and run_once never sees the join credential' {
        $dir = New-World
        try {
            $env:ProgramData = $dir
            $env:VIRTSEAL_RUN_ONCE_OUT = Join-Path $dir 'run-once.txt'
            Mock Get-NetAdapter { [pscustomobject]@{ Name = 'Ethernet'; MacAddress = '00-15-5D-01-02-03'; ifIndex = 7; Status = 'Up' } }
            Mock Set-NetIPInterface {}; Mock Get-NetIPAddress {}; Mock Remove-NetIPAddress {}; Mock Get-NetRoute {}; Mock Remove-NetRoute {}
            Mock New-NetIPAddress {}; Mock Set-DnsClientServerAddress {}; Mock Set-DnsClient {}; Mock Set-DnsClientGlobalSetting {}
            Mock Get-LocalUser { $null }; Mock New-LocalUser {}; Mock Set-LocalUser {}; Mock Enable-LocalUser {}
            Mock Get-LocalGroup { [pscustomobject]@{ Name = 'Administrators' } }; Mock Get-LocalGroupMember { @() }; Mock Add-LocalGroupMember {}
            Mock Set-TimeZone {}; Mock Rename-Computer {}; Mock Set-AdminKeysAcl {}
            $script:CredentialSeen = $null
            Mock Add-Computer { $script:CredentialSeen = $Credential.GetNetworkCredential().Password }
            $env:COMPUTERNAME = 'TEMPLATE'

            $hostProcess = Start-NodeHost $dir '5c0ffee0-1234-4321-abcd-00155d010203' $script:Config
            $code = Invoke-VirtsealAgent -TimeoutSeconds 240 -AckTimeoutSeconds 60 -PollMilliseconds 100
            $outcome = Wait-NodeHost $hostProcess
            $code | Should -Be 0
            $outcome.ok | Should -BeTrue -Because ($outcome | ConvertTo-Json -Compress)
            $outcome.result.protocol | Should -Be 'v3'

            Should -Invoke New-NetIPAddress -Times 1 -Exactly -ParameterFilter { $InterfaceIndex -eq 7 -and $IPAddress -eq '192.0.2.10' -and $PrefixLength -eq 24 -and $DefaultGateway -eq '192.0.2.1' -and $AddressFamily -eq 'IPv4' }
            Should -Invoke Set-NetIPInterface -ParameterFilter { $Dhcp -eq 'Disabled' }
            Should -Invoke Set-DnsClientServerAddress -Times 1 -Exactly -ParameterFilter { $ServerAddresses -contains '192.0.2.53' }
            Should -Invoke New-LocalUser -Times 1 -Exactly -ParameterFilter { $Name -eq 'ops' -and $Password -is [System.Security.SecureString] }
            Should -Invoke New-LocalUser -Times 1 -Exactly -ParameterFilter { $Name -eq 'ansible' }
            Should -Invoke Add-LocalGroupMember -Times 2 -Exactly -ParameterFilter { $Group -eq 'Administrators' }
            Should -Invoke Set-TimeZone -Times 1 -Exactly -ParameterFilter { $Id -eq 'W. Europe Standard Time' }
            Should -Invoke Add-Computer -Times 1 -Exactly -ParameterFilter { $DomainName -eq 'corp.example.com' -and $NewName -eq 'win01' -and $Options -eq 'JoinWithNewName,AccountCreate' -and $OUPath -like 'OU=Servers,*' }
            Should -Invoke Rename-Computer -Times 0 -Exactly
            $script:CredentialSeen | Should -Be $script:Canary
            # run_once ran in its own runspace (its `exit 3` did not end the agent) and saw no canary.
            Get-Content -LiteralPath $env:VIRTSEAL_RUN_ONCE_OUT | Should -Be 'seen:False'
            (Get-Content -LiteralPath (Join-Path $dir 'ssh/administrators_authorized_keys')) | Should -Be @('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminKeyForTests ops@ctl', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnsibleKeyForTest ansible@ctl')
            $script:RebootNeeded | Should -BeTrue

            $pool1 = Read-PoolFile (Join-Path $dir '.kvp_pool_1')
            @($pool1.Keys) | Should -Be @('virtseal.applied')
            $pool1['virtseal.applied'] | Should -Match "^3 5c0ffee0-1234-4321-abcd-00155d010203 $($outcome.result.attempt) [0-9a-f]{32} [0-9a-f]{64} [0-9a-f]{64}$"
            @((Read-PoolFile (Join-Path $dir '.kvp_pool_0')).Keys) | Should -Be @()
            Test-AgentFlag 'applied' | Should -BeTrue
            foreach ($f in Get-ChildItem -Recurse -File $dir | Where-Object Name -NE 'config.json') { [System.IO.File]::ReadAllText($f.FullName) | Should -Not -Match $script:Canary }
        } finally { Remove-Item -Recurse -Force $dir }
    }

    It 'refuses an envelope tampered in transit (envelope_mac) and applies nothing' {
        $dir = New-World
        try {
            Mock Invoke-ApplyStep {}
            $hostProcess = Start-NodeHost $dir '5c0ffee0-1234-4321-abcd-00155d010203' @{ hostname = 'win02' } 'tamper'
            $code = Invoke-VirtsealAgent -TimeoutSeconds 240 -AckTimeoutSeconds 60 -PollMilliseconds 100
            $outcome = Wait-NodeHost $hostProcess
            $code | Should -Be 1
            $outcome.ok | Should -BeFalse
            $outcome.guestReason | Should -Be 'envelope_mac'
            Should -Invoke Invoke-ApplyStep -Times 0 -Exactly
            Test-AgentFlag 'applied' | Should -BeFalse
        } finally { Remove-Item -Recurse -Force $dir }
    }

    Context 'with a pinned sender key' {
        BeforeAll { $script:PinPem = Get-Content -Raw (Join-Path $script:Root 'test/vectors/v3-sender.pub.pem') }
        It 'refuses a valid-by-v3 envelope from a pool-0 writer without the controller key (<mode>), applies nothing' -ForEach @(@{ mode = '' }, @{ mode = 'forged' }) {
            $dir = New-World
            try {
                Mock Invoke-ApplyStep {}
                $hostProcess = Start-NodeHost $dir '5c0ffee0-1234-4321-abcd-00155d010203' @{ hostname = 'evil' } $mode
                $code = Invoke-VirtsealAgent -TimeoutSeconds 240 -AckTimeoutSeconds 60 -PollMilliseconds 100 -SenderKeyPem $script:PinPem
                $outcome = Wait-NodeHost $hostProcess
                $code | Should -Be 1
                $outcome.ok | Should -BeFalse
                $outcome.guestReason | Should -Be 'envelope_signature'
                Should -Invoke Invoke-ApplyStep -Times 0 -Exactly
                Test-AgentFlag 'applied' | Should -BeFalse
            } finally { Remove-Item -Recurse -Force $dir }
        }
        It "applies the controller's signed envelope" {
            $dir = New-World
            try {
                Mock Invoke-ApplyStep {}
                $hostProcess = Start-NodeHost $dir '5c0ffee0-1234-4321-abcd-00155d010203' @{ hostname = 'win03' } 'signed'
                $code = Invoke-VirtsealAgent -TimeoutSeconds 240 -AckTimeoutSeconds 60 -PollMilliseconds 100 -SenderKeyPem $script:PinPem
                $outcome = Wait-NodeHost $hostProcess
                $code | Should -Be 0
                $outcome.ok | Should -BeTrue -Because ($outcome | ConvertTo-Json -Compress)
                Should -Invoke Invoke-ApplyStep -Times 6 -Exactly
                Test-AgentFlag 'applied' | Should -BeTrue
            } finally { Remove-Item -Recurse -Force $dir }
        }
        It 'fails with sender_key when the pin is not a P-256 public key' {
            $dir = New-World
            try {
                Mock Write-GuestItem {}
                $rsa = [System.Security.Cryptography.RSA]::Create(1024)
                $pem = "-----BEGIN PUBLIC KEY-----`n$([Convert]::ToBase64String($rsa.ExportSubjectPublicKeyInfo()))`n-----END PUBLIC KEY-----`n"
                Invoke-VirtsealAgent -TimeoutSeconds 5 -AckTimeoutSeconds 1 -PollMilliseconds 50 -SenderKeyPem $pem | Should -Be 1
                Should -Invoke Write-GuestItem -Times 1 -Exactly -ParameterFilter { $Name -eq 'virtseal.status' -and $Value -like 'failed * sender_key -' }
            } finally { Remove-Item -Recurse -Force $dir }
        }
    }
}
