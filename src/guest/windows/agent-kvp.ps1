# virtseal Windows agent: the Hyper-V KVP transport and the agent's own state, both in the registry. Dot-sourced
# by virtseal-agent.ps1. This file is the seam: tests (and other transports) supply the same functions.
#   Read-HostItems        host -> guest items (pool 0): ...\Virtual Machine\External
#   Read-HostFacts        host facts (pool 3): ...\Virtual Machine\Guest\Parameters (VirtualMachineId, ...)
#   Write-GuestItem/Remove-GuestItem   our items (pool 1): ...\Virtual Machine\Guest
#   Test-AgentFlag/Set-AgentFlag/Clear-AgentFlag   progress markers and the applied flag (no secret)
Set-StrictMode -Version Latest

$script:PoolHost = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\External'
$script:PoolGuest = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\Guest'
$script:PoolFacts = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine\Guest\Parameters'
if (-not (Get-Variable -Name AgentStateKey -Scope Script -ErrorAction SilentlyContinue)) { $script:AgentStateKey = 'HKLM:\SOFTWARE\virtseal\Agent' }

function Get-RegistryItems([string]$Path) {
    $items = @{}
    if (Test-Path -LiteralPath $Path) {
        $props = Get-ItemProperty -LiteralPath $Path
        foreach ($p in $props.PSObject.Properties) {
            if ($p.Name -notlike 'PS*') { $items[$p.Name] = [string]$p.Value }
        }
    }
    return $items
}

function Read-HostItems { return Get-RegistryItems $script:PoolHost }
function Read-HostFacts { return Get-RegistryItems $script:PoolFacts }

function Write-GuestItem([string]$Name, [string]$Value) {
    if (-not (Test-Path -LiteralPath $script:PoolGuest)) { New-Item -Path $script:PoolGuest -Force | Out-Null }
    New-ItemProperty -LiteralPath $script:PoolGuest -Name $Name -Value $Value -PropertyType String -Force | Out-Null
}

function Remove-GuestItem([string]$Name) {
    Remove-ItemProperty -LiteralPath $script:PoolGuest -Name $Name -ErrorAction SilentlyContinue
}

function Test-AgentFlag([string]$Name) {
    return [bool](Get-ItemProperty -LiteralPath $script:AgentStateKey -Name $Name -ErrorAction SilentlyContinue)
}

function Set-AgentFlag([string]$Name) {
    if (-not (Test-Path -LiteralPath $script:AgentStateKey)) { New-Item -Path $script:AgentStateKey -Force | Out-Null }
    New-ItemProperty -LiteralPath $script:AgentStateKey -Name $Name -Value 1 -PropertyType DWord -Force | Out-Null
}

function Clear-AgentFlag([string]$Name) {
    Remove-ItemProperty -LiteralPath $script:AgentStateKey -Name $Name -ErrorAction SilentlyContinue
}
