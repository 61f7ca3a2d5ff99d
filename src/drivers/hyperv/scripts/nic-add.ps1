# Adds a network adapter connected to a virtual switch, with optional access VLAN and static MAC.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][hashtable]$Nic
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
if (@(Hyper-V\Get-VMNetworkAdapter -VM $vm | Where-Object { $_.Name -ceq [string]$Nic.name }).Count -gt 0) { Stop-Vs -Reason 'conflict' -Message ('VM already has an adapter named {0}' -f $Nic.name) }
if (@(Hyper-V\Get-VMSwitch | Where-Object { $_.Name -ceq [string]$Nic.switchName }).Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('no virtual switch named {0}' -f $Nic.switchName) }
try {
    Add-VsNic -Vm $vm -Nic $Nic
} catch {
    # Undo a half-made adapter (added, but its VLAN or MAC refused).
    $failure = $_
    Hyper-V\Get-VMNetworkAdapter -VM $vm | Where-Object { $_.Name -ceq [string]$Nic.name } | Hyper-V\Remove-VMNetworkAdapter -ErrorAction SilentlyContinue
    throw $failure
}
ConvertTo-VsVmInfo (Get-VsVm -Id $Id)
