# Applies configuration changes to an existing VM; only the keys present in Config are touched.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][hashtable]$Config
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = Get-VsVm -Id $Id
Set-VsVmConfig -Vm $vm -Config $Config
ConvertTo-VsVmInfo (Get-VsVm -Id $Id)
