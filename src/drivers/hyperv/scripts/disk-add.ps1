# Adds one disk to a VM: a differencing or full copy of a library image (grown on request), a new empty disk, or an
# existing file attached as it is. New files go to the VM's own 'Virtual Hard Disks' folder.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][hashtable]$Disk
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$folder = Join-Path ([string]$vm.Path) 'Virtual Hard Disks'
$null = New-VsDisk -Vm $vm -Disk $Disk -Folder $folder
ConvertTo-VsVmInfo (Get-VsVm -Id $Id)
