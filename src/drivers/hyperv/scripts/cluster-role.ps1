# A function's output is enumerated, so callers wrap it in @() before reading .Count (strict mode).
# Failover cluster VM role through CIM (root\MSCluster), run on a cluster node: no CredSSP and no second hop. The role
# is found by the VmID private property of its 'Virtual Machine' resource, never by name.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][ValidateSet('get', 'add', 'remove')][string]$Action
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$namespace = 'root\MSCluster'
function Get-VsVmResource {
    @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'MSCluster_Resource' | Where-Object {
        $_.Type -eq 'Virtual Machine' -and [string]$_.PrivateProperties.VmID -eq $Id
    })
}

$vm = Get-VsVm -Id $Id
$cluster = @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'MSCluster_Cluster' -ErrorAction SilentlyContinue)
# A VM on a host that is no cluster node has no role: only adding one is refused.
if ($cluster.Count -eq 0) {
    if ($Action -eq 'add') { Stop-Vs -Reason 'unsupported' -Message 'this host is not a failover cluster node' }
    [ordered]@{ clustered = $false }
    return
}
$resource = @(Get-VsVmResource)
if ($Action -eq 'add' -and $resource.Count -eq 0) {
    $null = CimCmdlets\Invoke-CimMethod -InputObject $cluster[0] -MethodName 'AddVirtualMachine' -Arguments @{ VirtualMachine = [string]$vm.Name }
    $resource = @(Get-VsVmResource)
    if ($resource.Count -eq 0) { Stop-Vs -Reason 'cluster_failed' -Message 'the VM role was not created' }
}
if ($Action -eq 'remove' -and $resource.Count -gt 0) {
    $group = @(CimCmdlets\Get-CimAssociatedInstance -InputObject $resource[0] -ResultClassName 'MSCluster_ResourceGroup')
    if ($group.Count -gt 0) { $null = CimCmdlets\Invoke-CimMethod -InputObject $group[0] -MethodName 'DestroyGroup' -Arguments @{ Options = [uint32]1 } }
    $resource = @(Get-VsVmResource)
}
[ordered]@{ clustered = ($resource.Count -gt 0) }
