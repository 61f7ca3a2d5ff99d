param()
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

[ordered]@{ vms = @(Hyper-V\Get-VM | ForEach-Object { ConvertTo-VsVmInfo $_ }) }
