# Detaches a disk; deletes its file only when asked, when the VM owns it (it lives in the VM's own disk folder) and
# no other VM uses it directly or as a differencing parent.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][string]$Path,
    [bool]$DeleteFile = $false
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$drive = @(Get-VsDrive -Vm $vm -Path $Path)
if ($drive.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('VM has no disk {0}' -f $Path) }
$deleted = $false
if ($DeleteFile -and [string]$drive[0].Path -ne $Path) { Stop-Vs -Reason 'conflict' -Message ('disk {0} is part of a checkpoint; remove the checkpoints before deleting it' -f $Path) }
if ($DeleteFile) {
    foreach ($other in @(Hyper-V\Get-VM | Where-Object { $_.VMId.ToString() -ne $Id })) {
        foreach ($d in @(Hyper-V\Get-VMHardDiskDrive -VM $other)) {
            $chain = [string]$d.Path
            while ($chain -ne '') {
                if ($chain -eq $Path) { Stop-Vs -Reason 'conflict' -Message ('disk {0} is used by VM {1}; not deleting' -f $Path, $other.Name) }
                $vhd = Hyper-V\Get-VHD -Path $chain -ErrorAction SilentlyContinue
                if ($null -eq $vhd) { break }
                $chain = [string]$vhd.ParentPath
            }
        }
    }
}
Hyper-V\Remove-VMHardDiskDrive -VMHardDiskDrive $drive[0]
if ($DeleteFile -and (Test-Path -LiteralPath $Path)) { Remove-Item -LiteralPath $Path -Force; $deleted = $true }
[ordered]@{ deleted = $deleted }
