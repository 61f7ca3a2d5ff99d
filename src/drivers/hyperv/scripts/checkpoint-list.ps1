param(
    [Parameter(Mandatory = $true)][string]$Id
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
[ordered]@{
    checkpoints = @(Hyper-V\Get-VMSnapshot -VM $vm | ForEach-Object {
        $parent = ''
        if ($_.ParentSnapshotId) { $parent = $_.ParentSnapshotId.ToString() }
        [ordered]@{ id = $_.Id.ToString(); name = [string]$_.Name; createdAt = $_.CreationTime.ToUniversalTime().ToString('o'); parentId = $parent }
    })
}
