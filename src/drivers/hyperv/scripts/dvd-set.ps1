# Attaches an ISO to the VM's DVD drive (adding the drive when there is none) or, with an empty Path, ejects it.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [string]$Path = ''
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
$drives = @(Hyper-V\Get-VMDvdDrive -VM $vm)
if ($Path -ne '') {
    if (-not (Test-Path -LiteralPath $Path)) { Stop-Vs -Reason 'not_found' -Message ('ISO {0} does not exist on the host' -f $Path) }
    if ($drives.Count -eq 0) { Hyper-V\Add-VMDvdDrive -VM $vm -Path $Path } else { Hyper-V\Set-VMDvdDrive -VMDvdDrive $drives[0] -Path $Path }
} elseif ($drives.Count -gt 0) {
    Hyper-V\Set-VMDvdDrive -VMDvdDrive $drives[0] -Path $null
}
[ordered]@{ path = $Path }
