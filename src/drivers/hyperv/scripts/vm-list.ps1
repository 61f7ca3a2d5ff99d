param()
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

[ordered]@{ vms = @(Get-VM | ForEach-Object { ConvertTo-VsVmInfo $_ }) }
