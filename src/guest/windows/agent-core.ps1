# virtseal Windows agent: the exchange's state machine (docs/protocol.md §2). Dot-sourced by virtseal-agent.ps1
# after seal-crypto.ps1, agent-steps.ps1 and a transport (agent-kvp.ps1 on Hyper-V): it reaches the pools and its
# own state only through Read-HostItems, Read-HostFacts, Write-GuestItem, Remove-GuestItem, Test-AgentFlag,
# Set-AgentFlag and Clear-AgentFlag.
Set-StrictMode -Version Latest

$script:Steps = @('network', 'admin', 'ansible', 'timezone', 'rename_join', 'run_once')
$script:MaxBadEnvelopes = 3

function Write-Log([string]$Message) {
    # Never given a secret: messages name steps and reasons only.
    Write-Information ('{0} virtseal-agent: {1}' -f (Get-Date).ToUniversalTime().ToString('s'), $Message) -InformationAction Continue
}

function New-RandomHex([int]$Bytes) {
    $b = New-Object byte[] $Bytes
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    $rng.GetBytes($b)
    $rng.Dispose()
    return ConvertTo-Hex $b
}

function Test-StepDone([string]$Step) { return Test-AgentFlag "done.$Step" }
function Set-StepDone([string]$Step) { Set-AgentFlag "done.$Step" }

function Send-Status([string]$State, [string]$Reason) {
    $mac = '-'
    if ($script:Session -and $script:Session.SessionKeys) {
        $mac = Get-StatusMac -StatusKey $script:Session.SessionKeys.Status -VmId $script:VmId -Attempt $script:Attempt -State $State -Reason $Reason
    }
    Write-GuestItem 'virtseal.status' "$State $($script:Attempt) $Reason $mac"
    Write-Log "reported $State ($Reason)"
}

function Wait-Envelope($Agreement, $Signer, [int]$TimeoutSeconds, [int]$PollMilliseconds, $Sender = $null) {
    # Answers the host's current challenge with a signed hello (again when the host renews it before sealing for
    # this attempt) until an envelope for this attempt verifies. Gives up after a few distinct bad envelopes.
    # $Sender: the pinned sender key's verifier, or $null (no pin: the signature item is not read).
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    $delay = $PollMilliseconds
    $lastBad = $null
    $lastReason = 'envelope_mac'
    $bad = 0
    $hellos = @{}
    $challenge = $null
    while ((Get-Date) -lt $deadline) {
        $items = Read-HostItems
        $mine = $false
        $manifest = $items['virtseal.manifest']
        if ($manifest -and $null -ne $challenge) {
            $m = $manifest.Split(' ')
            if ($m.Length -eq 4 -and $m[1] -ceq $script:Attempt) {
                $mine = $true
                if ($m[0] -cne '3') { return @{ Ok = $false; Reason = 'envelope_version' } }
                if ($m[2] -cnotmatch '^[0-9]{1,4}$' -or $m[3] -cnotmatch '^[0-9]{1,7}$') { return @{ Ok = $false; Reason = 'envelope_manifest' } }
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
                    $signature = $null
                    if ($null -ne $Sender) { $signature = [string]$items['virtseal.signature'] }
                    # What counts as one distinct envelope: its bytes and the signature item read with it.
                    $seen = "$text`n$signature"
                    if ($text.Length -ne [int]$m[3]) {
                        # A torn read while the host rewrites its items looks like this too: only a repeat counts.
                        if ($seen -ceq $lastBad) { return @{ Ok = $false; Reason = 'envelope_length' } }
                        $lastBad = $seen
                    } elseif ($seen -cne $lastBad) {
                        $r = Open-SealEnvelope -Envelope $text -Agreement $Agreement -VmId $script:VmId -Attempt $script:Attempt -Hellos $hellos -Sender $Sender -Signature $signature
                        if ($r.Ok) { return $r }
                        if ($r.Reason -in @('envelope_attempt', 'envelope_vm_id', 'envelope_challenge', 'envelope_version', 'envelope_algorithm')) { return $r }
                        $bad++
                        $lastBad = $seen
                        $lastReason = $r.Reason
                        if ($bad -ge $script:MaxBadEnvelopes) {
                            Write-Log "$bad different envelopes failed verification (last: $($r.Reason)); giving up on this attempt"
                            return @{ Ok = $false; Reason = 'envelope_limit' }
                        }
                    } else {
                        # The same failing envelope read twice: not a torn read, so final.
                        return @{ Ok = $false; Reason = $lastReason }
                    }
                }
            }
        }
        if (-not $mine) {
            $c = [string]$items['virtseal.challenge']
            if ($c -cmatch '^3 ([0-9a-f]{64})$' -and $Matches[1] -cne $challenge) {
                $challenge = $Matches[1]
                $hello = New-SealHello -VmId $script:VmId -Attempt $script:Attempt -Challenge $challenge -Agreement $Agreement -Signer $Signer
                # The hello for the previous challenge stays valid for an envelope already sealed to it.
                $hellos[$challenge] = $hello
                Write-GuestItem 'virtseal.hello' $hello
                Write-Log "hello published for VM $($script:VmId), attempt $($script:Attempt)"
                $delay = $PollMilliseconds
            }
        }
        Start-Sleep -Milliseconds $delay
        $delay = [Math]::Min(5 * $PollMilliseconds, $delay * 2)
    }
    return @{ Ok = $false; Reason = 'timeout' }
}

function Complete-Exchange([int]$AckTimeoutSeconds, [int]$PollMilliseconds) {
    Remove-GuestItem 'virtseal.hello'
    $until = (Get-Date).AddSeconds($AckTimeoutSeconds)
    while ((Get-Date) -lt $until) {
        $m = (Read-HostItems)['virtseal.manifest']
        if (-not $m -or -not $m.Contains(" $($script:Attempt) ")) { break }
        Start-Sleep -Milliseconds $PollMilliseconds
    }
    Remove-GuestItem 'virtseal.status'
}

function Invoke-ApplyStep([string]$Step, [hashtable]$Config) {
    switch ($Step) {
        'network' { Invoke-StepNetwork $Config }
        'admin' { Invoke-StepAdmin $Config }
        'ansible' { Invoke-StepAnsible $Config }
        'timezone' { Invoke-StepTimezone $Config }
        'rename_join' { Invoke-StepRenameJoin $Config }
        'run_once' { Invoke-StepRunOnce $Config }
    }
}

function Invoke-VirtsealAgent {
    # Runs one exchange; returns the process exit code (0 applied or already applied, 1 failed).
    # $SenderKeyPem: the pinned sender key (PEM SubjectPublicKeyInfo) the media installed, or empty (no pin).
    param([int]$TimeoutSeconds = 3600, [int]$AckTimeoutSeconds = 120, [int]$PollMilliseconds = 200, [string]$SenderKeyPem = '')
    if (Test-AgentFlag 'applied') {
        Write-Log 'configuration already applied; nothing to do'
        Remove-GuestItem 'virtseal.hello'; Remove-GuestItem 'virtseal.status'
        return 0
    }
    # An earlier boot's hello is withdrawn before anything else: the host never seals to it.
    Remove-GuestItem 'virtseal.hello'
    Remove-GuestItem 'virtseal.status'
    $script:RebootNeeded = $false
    $script:Session = $null
    $script:Attempt = '0' * 32
    $sender = $null
    if ($SenderKeyPem) {
        # A pin that is there but unusable fails the exchange rather than silently opening unsigned envelopes.
        try { $sender = New-SealSenderVerifier -Spki (ConvertFrom-PemSpki $SenderKeyPem) }
        catch { Write-Log 'the pinned sender key is not an EC P-256 public key'; Send-Status 'failed' 'sender_key'; return 1 }
        Write-Log 'sender key pinned: only envelopes signed by it are opened'
    }
    # The KVP service fills Guest\Parameters after boot; until then it may hold nothing (or a template's values).
    $deadline = (Get-Date).AddSeconds([Math]::Min(300, $TimeoutSeconds))
    do {
        $script:VmId = ([string](Read-HostFacts)['VirtualMachineId']).ToLowerInvariant()
        if ($script:VmId -cmatch '^[0-9a-f-]{1,64}$') { break }
        Start-Sleep -Milliseconds $PollMilliseconds
    } while ((Get-Date) -lt $deadline)
    if ($script:VmId -cnotmatch '^[0-9a-f-]{1,64}$') { Send-Status 'failed' 'no_vm_id'; return 1 }
    $script:Attempt = New-RandomHex 16
    $agreement = New-SealAgreementKey
    $signer = New-SealSigningKey
    Remove-GuestItem 'virtseal.applied'
    Write-Log "waiting for the host's challenge"
    try { $opened = Wait-Envelope -Agreement $agreement -Signer $signer -TimeoutSeconds $TimeoutSeconds -PollMilliseconds $PollMilliseconds -Sender $sender }
    finally { $agreement.Key.Dispose(); $signer.Key.Dispose(); if ($sender) { $sender.Key.Dispose() } }
    if (-not $opened.Ok) { Send-Status 'failed' $opened.Reason; Complete-Exchange $AckTimeoutSeconds $PollMilliseconds; return 1 }
    $script:Session = $opened
    try { $config = ConvertFrom-SealPayload $opened.Payload }
    catch { Send-Status 'failed' 'payload_format'; Complete-Exchange $AckTimeoutSeconds $PollMilliseconds; return 1 }
    finally { [Array]::Clear($opened.Payload, 0, $opened.Payload.Length) }
    Send-Status 'applying' '-'
    foreach ($step in $script:Steps) {
        if (Test-StepDone $step) { Write-Log "step $step already done (resumed)"; continue }
        Write-Log "applying $step"
        try { Invoke-ApplyStep $step $config }
        catch {
            Write-Log "step $step failed: $($_.Exception.GetType().Name)"
            $config.Clear()
            Send-Status 'failed' "apply_$step"; Complete-Exchange $AckTimeoutSeconds $PollMilliseconds; return 1
        }
        Set-StepDone $step
    }
    try { $record = Get-AppliedRecord -StatusKey $opened.SessionKeys.Status -VmId $script:VmId -Attempt $script:Attempt -Salt ([string]$config['record.salt']) -Digest ([string]$config['record.digest']) }
    catch { $config.Clear(); Send-Status 'failed' 'payload_format'; Complete-Exchange $AckTimeoutSeconds $PollMilliseconds; return 1 }
    $config.Clear()
    # The applied record stays, on purpose and without any secret: later host runs compare their config with it.
    Write-GuestItem 'virtseal.applied' $record
    Set-AgentFlag 'applied'
    foreach ($step in $script:Steps) { Clear-AgentFlag "done.$step" }
    Send-Status 'applied' '-'
    $script:Session = $null
    Complete-Exchange $AckTimeoutSeconds $PollMilliseconds
    return 0
}
