# Power actions. Graceful shutdown goes through the guest's shutdown integration service without blocking, then
# waits up to TimeoutSeconds for Off; after that the VM is turned off when Force is set, else the call fails.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][ValidateSet('start', 'shutdown', 'turnoff', 'restart', 'save')][string]$Action,
    [int]$TimeoutSeconds = 300,
    [bool]$Force = $false
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-VsGracefully {
    param($Vm)
    $state = [string]$Vm.State
    if ($state -eq 'Off') { return $false }
    $initiated = $false
    # Only a running VM has a shutdown component; InitiateShutdown returns 0 when the guest accepted the request
    # (32775 invalid state, 32780 not ready, 32781 locked: nothing will happen, so there is nothing to wait for).
    if ($state -eq 'Running') {
        $component = @(CimCmdlets\Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName 'Msvm_ShutdownComponent' | Where-Object { $_.SystemName -eq $Id })
        if ($component.Count -gt 0) {
            $result = CimCmdlets\Invoke-CimMethod -InputObject $component[0] -MethodName 'InitiateShutdown' -Arguments @{ Force = $true; Reason = 'virtseal shutdown' }
            $initiated = ([int]$result.ReturnValue -eq 0)
        }
    }
    if ($initiated) {
        $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
        while ((Get-Date) -lt $deadline) {
            if ([string](Get-VsVm -Id $Id).State -eq 'Off') { return $false }
            Start-Sleep -Milliseconds 500
        }
    }
    if (-not $Force) {
        if ($initiated) { Stop-Vs -Reason 'guest_timeout' -Message ('guest did not shut down within {0} s' -f $TimeoutSeconds) }
        Stop-Vs -Reason 'guest_timeout' -Message ('the guest cannot be asked to shut down (VM is {0}, no shutdown integration service answered); force turns it off' -f $state)
    }
    Hyper-V\Stop-VM -VM (Get-VsVm -Id $Id) -TurnOff -Force
    return $true
}

$vm = Get-VsVm -Id $Id
$forced = $false
switch ($Action) {
    'start' { if ([string]$vm.State -ne 'Running') { Hyper-V\Start-VM -VM $vm } }
    'shutdown' { $forced = Stop-VsGracefully -Vm $vm }
    'turnoff' { if ([string]$vm.State -ne 'Off') { Hyper-V\Stop-VM -VM $vm -TurnOff -Force } }
    'restart' { $forced = Stop-VsGracefully -Vm $vm; Hyper-V\Start-VM -VM (Get-VsVm -Id $Id) }
    'save' { if ([string]$vm.State -eq 'Running') { Hyper-V\Save-VM -VM $vm } }
}
[ordered]@{ state = [string](Get-VsVm -Id $Id).State; forced = $forced }
