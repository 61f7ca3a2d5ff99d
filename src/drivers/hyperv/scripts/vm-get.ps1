# Looks a VM up by id, or by name (several VMs may share a name: all matches are returned).
# [CmdletBinding()] makes the script refuse parameters it does not declare (a simple script would take them
# silently into $args).
[CmdletBinding()]
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
