# virtseal guest agent for Windows, sealed exchange protocol v3 (docs/protocol.md, docs/guest-agents.md).
# Windows PowerShell 5.1 + .NET Framework only. Runs at startup as SYSTEM (scheduled task made by
# install-agent.ps1). The pieces: seal-crypto.ps1 (protocol crypto), agent-kvp.ps1 (Hyper-V KVP in the registry:
# the transport seam), agent-steps.ps1 (what is applied), agent-core.ps1 (the exchange's state machine).
param(
    [int]$TimeoutSeconds = 3600,
    [int]$AckTimeoutSeconds = 120,
    [string]$StateKey = 'HKLM:\SOFTWARE\virtseal\Agent',
    # The controller's public key the media pinned (docs/protocol.md §4a); absent: envelopes need no signature.
    [string]$SenderKeyFile = (Join-Path $PSScriptRoot 'sender-key.pem'),
    [switch]$SelfRemove
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$script:AgentStateKey = $StateKey
foreach ($part in @('seal-crypto.ps1', 'agent-kvp.ps1', 'agent-steps.ps1', 'agent-core.ps1')) { . (Join-Path $PSScriptRoot $part) }
# Xen guests with the xeniface driver and no Hyper-V KVP: the item functions come from xenstore instead.
$xeniface = $false
if (-not (Test-Path -LiteralPath $script:PoolFacts)) {
    try { $xeniface = $null -ne (Get-CimClass -Namespace root\wmi -ClassName '*XenStoreBase' -ErrorAction Stop | Select-Object -First 1) } catch { $xeniface = $false }
}
if ($xeniface) { . (Join-Path $PSScriptRoot 'agent-xenstore.ps1') }

$senderKeyPem = ''
if (Test-Path -LiteralPath $SenderKeyFile -PathType Leaf) { $senderKeyPem = [System.IO.File]::ReadAllText($SenderKeyFile) }
$code = Invoke-VirtsealAgent -TimeoutSeconds $TimeoutSeconds -AckTimeoutSeconds $AckTimeoutSeconds -SenderKeyPem $senderKeyPem
if ($code -eq 0 -and $SelfRemove) {
    Unregister-ScheduledTask -TaskName 'virtseal-agent' -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $PSScriptRoot -Recurse -Force -ErrorAction SilentlyContinue
}
if ($code -eq 0 -and $script:RebootNeeded) { Restart-Computer -Force }
exit $code
