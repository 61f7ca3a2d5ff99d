# Installs the virtseal Windows agent from the provisioning ISO: copies it to Program Files and registers a
# startup task running as SYSTEM. Run once from unattend.xml (specialize pass). Holds no per-VM data.
param(
    [string]$Source = $PSScriptRoot,
    [string]$Target = (Join-Path $env:ProgramFiles 'virtseal')
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

New-Item -ItemType Directory -Path $Target -Force | Out-Null
foreach ($file in @('virtseal-agent.ps1', 'seal-crypto.ps1', 'agent-kvp.ps1', 'agent-steps.ps1', 'agent-core.ps1')) {
    Copy-Item -LiteralPath (Join-Path $Source $file) -Destination (Join-Path $Target $file) -Force
}
# The controller's public sender key, when the media were built with one: the agent then opens only envelopes it
# signed (docs/protocol.md §4a).
if (Test-Path -LiteralPath (Join-Path $Source 'sender-key.pem') -PathType Leaf) {
    Copy-Item -LiteralPath (Join-Path $Source 'sender-key.pem') -Destination (Join-Path $Target 'sender-key.pem') -Force
}
$acl = Get-Acl -LiteralPath $Target
$acl.SetAccessRuleProtection($true, $false)
foreach ($sid in @('S-1-5-32-544', 'S-1-5-18')) {
    $id = New-Object System.Security.Principal.SecurityIdentifier -ArgumentList $sid
    $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $id, 'FullControl', 'ContainerInherit,ObjectInherit', 'None', 'Allow'))
}
Set-Acl -LiteralPath $Target -AclObject $acl

$script = Join-Path $Target 'virtseal-agent.ps1'
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}" -SelfRemove' -f $script)
$trigger = New-ScheduledTaskTrigger -AtStartup
$principal = New-ScheduledTaskPrincipal -UserId 'S-1-5-18' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 2) -StartWhenAvailable
Register-ScheduledTask -TaskName 'virtseal-agent' -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Force | Out-Null
Write-Output '{"installed":true}'
