# Returns the raw KVP item XML of a VM: host items (pool 0), guest items (pool 1) and intrinsic items (pool 2).
# Parsing happens on the controller.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [bool]$IncludeHost = $true
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$namespace = 'root\virtualization\v2'
$null = Get-VsVm -Id $Id
$component = @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'Msvm_KvpExchangeComponent' | Where-Object { $_.SystemName -eq $Id })
$guest = @()
$intrinsic = @()
if ($component.Count -gt 0) {
    $guest = @($component[0].GuestExchangeItems | Where-Object { $null -ne $_ })
    $intrinsic = @($component[0].GuestIntrinsicExchangeItems | Where-Object { $null -ne $_ })
}
$hostItems = @()
if ($IncludeHost) {
    $settings = @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'Msvm_KvpExchangeComponentSettingData' | Where-Object { $_.InstanceID -like ('Microsoft:{0}*' -f $Id) })
    if ($settings.Count -gt 0) { $hostItems = @($settings[0].HostExchangeItems | Where-Object { $null -ne $_ }) }
}
[ordered]@{ host = $hostItems; guest = $guest; intrinsic = $intrinsic }
