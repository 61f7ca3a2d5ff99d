# Grows a VM's disk; shrinking is refused because it can destroy data.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][string]$Path,
    [Parameter(Mandatory = $true)][long]$SizeBytes
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$drive = @(Get-VsDrive -Vm $vm -Path $Path)
if ($drive.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('VM has no disk {0}' -f $Path) }
if ([string]$drive[0].Path -ne $Path) { Stop-Vs -Reason 'conflict' -Message ('disk {0} is part of a checkpoint; Hyper-V resizes it only after the checkpoints are removed' -f $Path) }
$vhd = Hyper-V\Get-VHD -Path $Path
if ($SizeBytes -lt [long]$vhd.Size) { Stop-Vs -Reason 'conflict' -Message ('disk is {0} bytes; shrinking to {1} is refused' -f $vhd.Size, $SizeBytes) }
if ($SizeBytes -gt [long]$vhd.Size) { Hyper-V\Resize-VHD -Path $Path -SizeBytes $SizeBytes }
ConvertTo-VsVmInfo (Get-VsVm -Id $Id)
