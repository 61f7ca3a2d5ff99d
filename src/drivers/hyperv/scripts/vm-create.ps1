# Creates a VM with its disks and NICs in one go; on any failure the half-made VM and its new disks are removed.
# The VM is created under a placeholder name (a GUID from the controller) and renamed, so its name never becomes
# part of a path; disks go to <Path>\<Placeholder>\Virtual Hard Disks.
param(
    [Parameter(Mandatory = $true)][string]$Name,
    [Parameter(Mandatory = $true)][string]$Placeholder,
    [int]$Generation = 2,
    [string]$Path = '',
    [Parameter(Mandatory = $true)][hashtable]$Config,
    [object[]]$Disks = @(),
    [object[]]$Nics = @()
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if ($Placeholder -notmatch '^[0-9a-f]{32}$') { Stop-Vs -Reason 'invalid_argument' -Message 'Placeholder must be 32 hex digits' }
if ($Path -eq '') { $Path = [string](Hyper-V\Get-VMHost).VirtualMachinePath }
if (@(Hyper-V\Get-VM | Where-Object { $_.Name -ceq $Name }).Count -gt 0) { Stop-Vs -Reason 'conflict' -Message ('a VM named {0} already exists' -f $Name) }
foreach ($nic in $Nics) {
    if (@(Hyper-V\Get-VMSwitch | Where-Object { $_.Name -ceq [string]$nic.switchName }).Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('no virtual switch named {0}' -f $nic.switchName) }
}
$vm = Hyper-V\New-VM -Name $Placeholder -Generation $Generation -Path $Path -NoVHD -MemoryStartupBytes ([long]$Config.memory.startupBytes)
$created = New-Object System.Collections.Generic.List[string]
try {
    Hyper-V\Get-VMNetworkAdapter -VM $vm | Hyper-V\Remove-VMNetworkAdapter
    $folder = Join-Path (Join-Path $Path $Placeholder) 'Virtual Hard Disks'
    foreach ($disk in $Disks) {
        $diskPath = New-VsDisk -Vm $vm -Disk $disk -Folder $folder
        if ([string]$disk.attachPath -eq '') { $created.Add($diskPath) }
    }
    foreach ($nic in $Nics) { Add-VsNic -Vm $vm -Nic $nic }
    Set-VsVmConfig -Vm $vm -Config $Config
    Enable-VsKvp -Vm $vm
    Hyper-V\Rename-VM -VM $vm -NewName $Name
} catch {
    $failure = $_
    Hyper-V\Remove-VM -VM $vm -Force
    foreach ($file in $created) { Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue }
    throw $failure
}
ConvertTo-VsVmInfo (Get-VsVm -Id $vm.VMId.ToString())
