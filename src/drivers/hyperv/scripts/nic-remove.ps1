param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][string]$Name
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$adapter = @(Hyper-V\Get-VMNetworkAdapter -VM $vm | Where-Object { $_.Name -ceq $Name })
if ($adapter.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('VM has no adapter named {0}' -f $Name) }
Hyper-V\Remove-VMNetworkAdapter -VMNetworkAdapter $adapter[0]
[ordered]@{ removed = $Name }
