# Removes a VM (turned off first) and, when asked, the disk files it owns: those in its own 'Virtual Hard Disks'
# folder, where virtseal creates them. A disk that another VM uses, directly or as the parent of its differencing
# disk, is refused before anything is removed.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [bool]$RemoveOwnedDisks = $false
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$ownFolder = (Join-Path ([string]$vm.Path) 'Virtual Hard Disks').ToLowerInvariant() + '\'
$OwnedDisks = @()
if ($RemoveOwnedDisks) {
    # Known by their base files: removing the checkpoints below merges each .avhdx back into its base disk.
    $OwnedDisks = @(Hyper-V\Get-VMHardDiskDrive -VM $vm | ForEach-Object { Get-VsDiskBase -Path ([string]$_.Path) } | Where-Object { $_.ToLowerInvariant().StartsWith($ownFolder) })
}
$others = @(Hyper-V\Get-VM | Where-Object { $_.VMId.ToString() -ne $Id })
$inUse = @{}
foreach ($other in $others) {
    foreach ($drive in @(Hyper-V\Get-VMHardDiskDrive -VM $other)) {
        $chain = [string]$drive.Path
        while ($chain -ne '') {
            $inUse[$chain.ToLowerInvariant()] = $other.Name
            $vhd = Hyper-V\Get-VHD -Path $chain -ErrorAction SilentlyContinue
            if ($null -eq $vhd) { break }
            $chain = [string]$vhd.ParentPath
        }
    }
}
foreach ($disk in $OwnedDisks) {
    if ($inUse.ContainsKey($disk.ToLowerInvariant())) {
        Stop-Vs -Reason 'conflict' -Message ('disk {0} is used by VM {1}; not deleting' -f $disk, $inUse[$disk.ToLowerInvariant()])
    }
}
if ([string]$vm.State -ne 'Off') { Hyper-V\Stop-VM -VM $vm -TurnOff -Force }
Hyper-V\Get-VMSnapshot -VM $vm | Hyper-V\Remove-VMSnapshot -Confirm:$false
Hyper-V\Remove-VM -VM $vm -Force
$removed = @()
foreach ($disk in $OwnedDisks) {
    if (Test-Path -LiteralPath $disk) { Remove-Item -LiteralPath $disk -Force; $removed += $disk }
}
# Remove-VM deletes the configuration, not the folders: with its disks gone, the VM's own folder goes too when
# nothing else is left in it.
if ($RemoveOwnedDisks) {
    $vmFolder = [string]$vm.Path
    foreach ($dir in @((Join-Path $vmFolder 'Virtual Hard Disks'), (Join-Path $vmFolder 'Virtual Machines'), (Join-Path $vmFolder 'Snapshots'), $vmFolder)) {
        if ((Test-Path -LiteralPath $dir) -and @(Get-ChildItem -LiteralPath $dir -Force).Count -eq 0) { Remove-Item -LiteralPath $dir -Force }
    }
}
[ordered]@{ removedDisks = $removed }
