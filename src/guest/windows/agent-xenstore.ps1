# virtseal Windows agent: the xenstore transport for Xen guests, through the xeniface driver's WMI interface
# (root\wmi, <prefix>XenStoreBase / <prefix>XenStoreSession; the prefix is the tools vendor's, e.g. Citrix).
# Dot-sourced after agent-kvp.ps1 when the guest has xeniface and no Hyper-V KVP; it replaces the item functions of
# that seam and keeps the agent's own state in the registry. Paths are relative to this domain:
#   host items   vm-data/virtseal/<key, dots as slashes>   (XAPI's VM.xenstore_data)
#   guest items  data/service/virtseal/<name> and control/virtseal-<name>   (VM_guest_metrics.services / .other)
#   facts        vm = /vm/<uuid>
Set-StrictMode -Version Latest

$script:XsSession = $null

function Invoke-XsMethod([string]$Method, [hashtable]$Arguments) {
    if ($null -eq $script:XsSession) {
        $class = Get-CimClass -Namespace root\wmi -ClassName '*XenStoreBase' | Select-Object -First 1
        if ($null -eq $class) { throw 'xeniface is not installed (no XenStoreBase class in root\wmi)' }
        $prefix = $class.CimClassName -replace 'XenStoreBase$', ''
        $base = Get-CimInstance -Namespace root\wmi -ClassName $class.CimClassName | Select-Object -First 1
        $id = (Invoke-CimMethod -InputObject $base -MethodName AddSession -Arguments @{ Id = 'virtseal-agent' }).SessionId
        $script:XsSession = Get-CimInstance -Namespace root\wmi -ClassName "${prefix}XenStoreSession" -Filter "SessionId=$([int]$id)"
    }
    return Invoke-CimMethod -InputObject $script:XsSession -MethodName $Method -Arguments $Arguments
}

function Get-XsValue([string]$Path) {
    try { return [string](Invoke-XsMethod GetValue @{ PathName = $Path }).value } catch { return $null }
}

function Get-XsChildren([string]$Path) {
    try { $r = (Invoke-XsMethod GetChildren @{ PathName = $Path }).children } catch { return @() }
    if ($null -eq $r) { return @() }
    return @($r.ChildNodes | Where-Object { $_ } | ForEach-Object { ($_ -split '/')[-1] })
}

function Read-XsTree([string]$Path, [string]$Key, [hashtable]$Into) {
    foreach ($child in (Get-XsChildren $Path)) {
        if ($child -match '^[A-Za-z0-9_-]+$') { Read-XsTree "$Path/$child" "$Key.$child" $Into }
    }
    $value = Get-XsValue $Path
    if ($value) { $Into[$Key] = $value }
}

function Read-HostItems {
    $items = @{}
    Read-XsTree 'vm-data/virtseal' 'virtseal' $items
    return $items
}

function Read-HostFacts {
    $vm = Get-XsValue 'vm'
    if (-not $vm) { return @{} }
    return @{ VirtualMachineId = ($vm -replace '^/vm/', '') }
}

function Write-GuestItem([string]$Name, [string]$Value) {
    $n = $Name -replace '^virtseal\.', ''
    [void](Invoke-XsMethod SetValue @{ PathName = "data/service/virtseal/$n"; value = $Value })
    [void](Invoke-XsMethod SetValue @{ PathName = "control/virtseal-$n"; value = $Value })
}

function Remove-GuestItem([string]$Name) {
    $n = $Name -replace '^virtseal\.', ''
    foreach ($p in @("data/service/virtseal/$n", "control/virtseal-$n")) {
        try { [void](Invoke-XsMethod RemoveValue @{ PathName = $p }) } catch { Write-Verbose "no $p to remove" }
    }
}
