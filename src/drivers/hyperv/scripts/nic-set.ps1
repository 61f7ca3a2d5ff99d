# Reconnects an adapter to a switch and sets its VLAN and MAC (an empty MAC means dynamic).
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][hashtable]$Nic
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$adapter = @(Hyper-V\Get-VMNetworkAdapter -VM $vm | Where-Object { $_.Name -ceq [string]$Nic.name })
if ($adapter.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('VM has no adapter named {0}' -f $Nic.name) }
if (@(Hyper-V\Get-VMSwitch | Where-Object { $_.Name -ceq [string]$Nic.switchName }).Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('no virtual switch named {0}' -f $Nic.switchName) }
Set-VsNic -Adapter $adapter[0] -Nic $Nic
ConvertTo-VsVmInfo (Get-VsVm -Id $Id)
