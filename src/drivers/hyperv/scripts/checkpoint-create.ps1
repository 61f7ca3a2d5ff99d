param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][string]$Name
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
if (@(Hyper-V\Get-VMSnapshot -VM $vm | Where-Object { $_.Name -ceq $Name }).Count -gt 0) { Stop-Vs -Reason 'conflict' -Message ('checkpoint {0} already exists' -f $Name) }
Hyper-V\Checkpoint-VM -VM $vm -SnapshotName $Name
$snapshot = @(Hyper-V\Get-VMSnapshot -VM $vm | Where-Object { $_.Name -ceq $Name })[0]
$parent = ''
if ($snapshot.ParentSnapshotId) { $parent = $snapshot.ParentSnapshotId.ToString() }
[ordered]@{ id = $snapshot.Id.ToString(); name = [string]$snapshot.Name; createdAt = $snapshot.CreationTime.ToUniversalTime().ToString('o'); parentId = $parent }
