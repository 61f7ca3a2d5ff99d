# [CmdletBinding()] makes the script refuse parameters it does not declare (a simple script would take them
# silently into $args).
[CmdletBinding()]
param()
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

[ordered]@{ vms = @(Hyper-V\Get-VM | ForEach-Object { ConvertTo-VsVmInfo $_ }) }
