# Looks a VM up by id, or by name (several VMs may share a name: all matches are returned).
param(
    [string]$Id = '',
    [string]$Name = ''
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if ($Id -ne '') {
    $matched = @(Hyper-V\Get-VM | Where-Object { $_.VMId.ToString() -eq $Id })
} else {
    $matched = @(Hyper-V\Get-VM | Where-Object { $_.Name -ceq $Name })
}
[ordered]@{ vms = @($matched | ForEach-Object { ConvertTo-VsVmInfo $_ }) }
