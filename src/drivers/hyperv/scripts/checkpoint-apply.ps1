param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][string]$Name
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$snapshot = @(Hyper-V\Get-VMSnapshot -VM $vm | Where-Object { $_.Name -ceq $Name })
if ($snapshot.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('no checkpoint named {0}' -f $Name) }
Hyper-V\Restore-VMSnapshot -VMSnapshot $snapshot[0] -Confirm:$false
[ordered]@{ applied = $Name; state = [string](Get-VsVm -Id $Id).State }
