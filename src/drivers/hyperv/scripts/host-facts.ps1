# Host facts: versions, switches, storage with free space, cluster membership, VM count and session traits that
# matter over SSH (PowerShell edition, language mode, elevation, OpenSSH version).
# [CmdletBinding()] makes the script refuse parameters it does not declare (a simple script would take them
# silently into $args).
[CmdletBinding()]
param(
    [string[]]$StoragePaths = @()
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vmHost = Hyper-V\Get-VMHost
$paths = New-Object System.Collections.Generic.List[string]
foreach ($p in @([string]$vmHost.VirtualHardDiskPath, [string]$vmHost.VirtualMachinePath) + $StoragePaths) { if ($p -ne '' -and -not $paths.Contains($p)) { $paths.Add($p) } }
# DriveInfo takes a drive letter and refuses a share's root (\\server\share), so paths on shares are left out
# rather than failing the whole call.
$storage = @(foreach ($p in $paths) {
    if ($p -match '^[A-Za-z]:') {
        $drive = New-Object System.IO.DriveInfo ($p.Substring(0, 1))
        [ordered]@{ path = $p; freeBytes = [long]$drive.AvailableFreeSpace; totalBytes = [long]$drive.TotalSize }
    }
})
$cluster = $null
try {
    $c = CimCmdlets\Get-CimInstance -Namespace 'root\MSCluster' -ClassName 'MSCluster_Cluster' -ErrorAction Stop
    $nodes = @(CimCmdlets\Get-CimInstance -Namespace 'root\MSCluster' -ClassName 'MSCluster_Node' | ForEach-Object { [string]$_.Name })
    $cluster = [ordered]@{ name = [string]$c.Name; nodes = $nodes }
} catch { $cluster = $null }
$identity = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
$sshd = Join-Path $env:SystemRoot 'System32\OpenSSH\sshd.exe'
$sshVersion = ''
if (Test-Path -LiteralPath $sshd) { $sshVersion = [string](Get-Item -LiteralPath $sshd).VersionInfo.ProductVersion }
[ordered]@{
    hostname = [string]$env:COMPUTERNAME
    version = [string][Environment]::OSVersion.Version
    switches = @(Hyper-V\Get-VMSwitch | ForEach-Object { [ordered]@{ name = [string]$_.Name; type = [string]$_.SwitchType } })
    storage = $storage
    cluster = $cluster
    vmCount = @(Hyper-V\Get-VM).Count
    extra = [ordered]@{
        psVersion = [string]$PSVersionTable.PSVersion
        languageMode = [string]$ExecutionContext.SessionState.LanguageMode
        isAdmin = $identity.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        opensshVersion = $sshVersion
        virtualHardDiskPath = [string]$vmHost.VirtualHardDiskPath
        virtualMachinePath = [string]$vmHost.VirtualMachinePath
    }
}
