# Fake Hyper-V module: the cmdlets virtseal's host scripts call, with Microsoft's documented parameter sets (the subset
# of parameters implemented is checked against parameter-sets.json), returning instances of Hyper-V's own classes.
# State and Hyper-V's rules live in the simulator's registry, reached through Invoke-VsSimPlatform.
Set-StrictMode -Version Latest

$VM_T = [Microsoft.HyperV.PowerShell.VirtualMachine]

function Out-VsTyped {
    param($Items)
    if ($null -eq $Items) { return }
    foreach ($item in $Items) { $item }
}

function Get-VsVmIds {
    param($VM)
    @($VM | ForEach-Object { $_.VMId.ToString() })
}

function Get-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0, ValueFromPipeline = $true)][AllowNull()][string[]]$Name,
        [Parameter(ParameterSetName = 'Id', Position = 0)][Nullable[guid]]$Id
    )
    process {
        $arguments = @{}
        if ($PSCmdlet.ParameterSetName -eq 'Id' -and $null -ne $Id) { $arguments.id = $Id.ToString() }
        if ($PSCmdlet.ParameterSetName -eq 'Name' -and $null -ne $Name) { $arguments.names = @($Name) }
        Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Get-VM' -Arguments $arguments -As ([Microsoft.HyperV.PowerShell.VirtualMachine[]]))
    }
}

function Get-VMHost {
    [CmdletBinding(DefaultParameterSetName = 'ComputerName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMHost])]
    param()
    Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Get-VMHost' -As ([Microsoft.HyperV.PowerShell.VMHost[]]))
}

function New-VM {
    [CmdletBinding(DefaultParameterSetName = 'No VHD', SupportsShouldProcess = $true)]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(Position = 0)][string]$Name,
        [Parameter(Position = 1)][long]$MemoryStartupBytes = 0,
        [Parameter(ParameterSetName = 'No VHD')][switch]$NoVHD,
        [Parameter(ParameterSetName = 'New VHD', Mandatory = $true)][string]$NewVHDPath,
        [Parameter(ParameterSetName = 'New VHD', Mandatory = $true)][uint64]$NewVHDSizeBytes,
        [Parameter(ParameterSetName = 'Existing VHD', Mandatory = $true)][string]$VHDPath,
        [string]$SwitchName,
        [string]$Path,
        [Parameter(Position = 2)][int16]$Generation = 1
    )
    $arguments = @{ name = $Name; memoryStartupBytes = $MemoryStartupBytes; generation = [int]$Generation; path = [string]$Path; switchName = [string]$SwitchName; newVhdPath = [string]$NewVHDPath; newVhdSizeBytes = [long]$NewVHDSizeBytes; vhdPath = [string]$VHDPath }
    if ($PSCmdlet.ShouldProcess($Name, 'New-VM')) {
        Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'New-VM' -Arguments $arguments -As ([Microsoft.HyperV.PowerShell.VirtualMachine[]]) -Target $Name)
    }
}

function Invoke-VsVmAction {
    param($Cmdlet, [string]$Name, $VM, [hashtable]$Extra = @{}, [switch]$Passthru)
    foreach ($one in @($VM)) {
        $arguments = @{ vmId = $one.VMId.ToString() } + $Extra
        $null = Invoke-VsSimPlatform -Cmdlet $Cmdlet -Name $Name -Arguments $arguments -Target $one
        if ($Passthru) { Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $Cmdlet -Name 'Get-VM' -Arguments @{ id = $one.VMId.ToString() } -As ([Microsoft.HyperV.PowerShell.VirtualMachine[]])) }
    }
}

function Rename-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Mandatory = $true, Position = 1)][string]$NewName,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess($NewName, 'Rename-VM')) { Invoke-VsVmAction $PSCmdlet 'Rename-VM' $VM @{ newName = $NewName } -Passthru:$Passthru } }
}

function Remove-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Force,
        [switch]$Passthru
    )
    process {
        foreach ($one in $VM) {
            if ($Force -or $PSCmdlet.ShouldProcess($one.Name, 'Remove-VM')) { Invoke-VsVmAction $PSCmdlet 'Remove-VM' $one -Passthru:$Passthru }
        }
    }
}

function Set-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [long]$ProcessorCount,
        [Microsoft.HyperV.PowerShell.StartAction]$AutomaticStartAction,
        [Microsoft.HyperV.PowerShell.StopAction]$AutomaticStopAction,
        [string]$Notes,
        [string]$NewVMName,
        [Microsoft.HyperV.PowerShell.CheckpointType]$CheckpointType,
        [bool]$AutomaticCheckpointsEnabled,
        [switch]$Passthru
    )
    process {
        $extra = @{}
        foreach ($key in @('ProcessorCount', 'Notes', 'NewVMName', 'AutomaticCheckpointsEnabled')) { if ($PSBoundParameters.ContainsKey($key)) { $extra[$key] = $PSBoundParameters[$key] } }
        foreach ($key in @('AutomaticStartAction', 'AutomaticStopAction', 'CheckpointType')) { if ($PSBoundParameters.ContainsKey($key)) { $extra[$key] = [string]$PSBoundParameters[$key] } }
        if ($PSCmdlet.ShouldProcess('VM', 'Set-VM')) { Invoke-VsVmAction $PSCmdlet 'Set-VM' $VM $extra -Passthru:$Passthru }
    }
}

function Start-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess('VM', 'Start-VM')) { Invoke-VsVmAction $PSCmdlet 'Start-VM' $VM -Passthru:$Passthru } }
}

function Stop-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Save,
        [switch]$TurnOff,
        [switch]$Force,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess('VM', 'Stop-VM')) { Invoke-VsVmAction $PSCmdlet 'Stop-VM' $VM @{ save = [bool]$Save; turnOff = [bool]$TurnOff; force = [bool]$Force } -Passthru:$Passthru } }
}

function Save-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess('VM', 'Save-VM')) { Invoke-VsVmAction $PSCmdlet 'Save-VM' $VM -Passthru:$Passthru } }
}

function Set-VMProcessor {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [long]$Count,
        [switch]$Passthru
    )
    process {
        $extra = @{}
        if ($PSBoundParameters.ContainsKey('Count')) { $extra.count = $Count }
        if ($PSCmdlet.ShouldProcess('VM', 'Set-VMProcessor')) { Invoke-VsVmAction $PSCmdlet 'Set-VMProcessor' $VM $extra }
    }
}

function Get-VsDeviceOf {
    param($Cmdlet, [string]$Name, $VM, [type]$As, [hashtable]$Extra = @{})
    foreach ($one in @($VM)) {
        Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $Cmdlet -Name $Name -Arguments (@{ vmId = $one.VMId.ToString() } + $Extra) -As $As -Target $one)
    }
}

function Get-VMMemory {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMMemory])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMMemory' $VM ([Microsoft.HyperV.PowerShell.VMMemory[]]) }
}

function Set-VMMemory {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [int]$Buffer,
        [bool]$DynamicMemoryEnabled,
        [long]$MaximumBytes,
        [long]$StartupBytes,
        [long]$MinimumBytes,
        [int]$Priority,
        [switch]$Passthru
    )
    process {
        $extra = @{}
        foreach ($key in @('Buffer', 'DynamicMemoryEnabled', 'MaximumBytes', 'StartupBytes', 'MinimumBytes', 'Priority')) { if ($PSBoundParameters.ContainsKey($key)) { $extra[$key] = $PSBoundParameters[$key] } }
        if ($PSCmdlet.ShouldProcess('VM', 'Set-VMMemory')) { Invoke-VsVmAction $PSCmdlet 'Set-VMMemory' $VM $extra }
    }
}

function Get-VMFirmware {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMFirmware])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMFirmware' $VM ([Microsoft.HyperV.PowerShell.VMFirmware[]]) }
}

function Set-VMFirmware {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [object[]]$BootOrder,
        [object]$FirstBootDevice,
        [Microsoft.HyperV.PowerShell.OnOffState]$EnableSecureBoot,
        [string]$SecureBootTemplate,
        [switch]$Passthru
    )
    process {
        $extra = @{}
        if ($PSBoundParameters.ContainsKey('EnableSecureBoot')) { $extra.enableSecureBoot = [string]$EnableSecureBoot }
        if ($PSBoundParameters.ContainsKey('SecureBootTemplate')) { $extra.secureBootTemplate = $SecureBootTemplate }
        if ($PSBoundParameters.ContainsKey('BootOrder')) {
            $extra.bootOrder = @(foreach ($entry in $BootOrder) {
                    if ($entry -is [Microsoft.HyperV.PowerShell.VMBootSource]) { $entry.FirmwarePath }
                    elseif ($entry -is [Microsoft.HyperV.PowerShell.VirtualMachineDeviceBase]) { 'device:' + $entry.Id }
                    else { throw (New-Object Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException ('Invalid boot device: {0}' -f $entry)) }
                })
        }
        if ($PSCmdlet.ShouldProcess('VM', 'Set-VMFirmware')) { Invoke-VsVmAction $PSCmdlet 'Set-VMFirmware' $VM $extra }
    }
}

function Get-VMBios {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMBios])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMBios' $VM ([Microsoft.HyperV.PowerShell.VMBios[]]) }
}

function Set-VMBios {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Microsoft.HyperV.PowerShell.BootDevice[]]$StartupOrder,
        [switch]$Passthru
    )
    process {
        $extra = @{}
        if ($PSBoundParameters.ContainsKey('StartupOrder')) { $extra.startupOrder = @($StartupOrder | ForEach-Object { [string]$_ }) }
        if ($PSCmdlet.ShouldProcess('VM', 'Set-VMBios')) { Invoke-VsVmAction $PSCmdlet 'Set-VMBios' $VM $extra }
    }
}

function Get-VMSecurity {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSecurity])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMSecurity' $VM ([Microsoft.HyperV.PowerShell.VMSecurity[]]) }
}

function Set-VMKeyProtector {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [switch]$NewLocalKeyProtector,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess('VM', 'Set-VMKeyProtector')) { Invoke-VsVmAction $PSCmdlet 'Set-VMKeyProtector' $VM @{ newLocal = [bool]$NewLocalKeyProtector } } }
}

function Enable-VMTPM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM, [switch]$Passthru)
    process { if ($PSCmdlet.ShouldProcess('VM', 'Enable-VMTPM')) { Invoke-VsVmAction $PSCmdlet 'Enable-VMTPM' $VM } }
}

function Disable-VMTPM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM, [switch]$Passthru)
    process { if ($PSCmdlet.ShouldProcess('VM', 'Disable-VMTPM')) { Invoke-VsVmAction $PSCmdlet 'Disable-VMTPM' $VM } }
}

function Get-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.HardDiskDrive])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMHardDiskDrive' $VM ([Microsoft.HyperV.PowerShell.HardDiskDrive[]]) }
}

function Add-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][Nullable[Microsoft.HyperV.PowerShell.ControllerType]]$ControllerType,
        [Parameter(Position = 2)][Nullable[int]]$ControllerNumber,
        [Parameter(Position = 3)][Nullable[int]]$ControllerLocation,
        [Parameter(Position = 4)][string]$Path,
        [switch]$Passthru
    )
    process {
        $extra = @{ path = [string]$Path }
        if ($null -ne $ControllerType) { $extra.controllerType = [string]$ControllerType }
        if ($null -ne $ControllerNumber) { $extra.controllerNumber = [int]$ControllerNumber }
        if ($null -ne $ControllerLocation) { $extra.controllerLocation = [int]$ControllerLocation }
        if ($PSCmdlet.ShouldProcess($Path, 'Add-VMHardDiskDrive')) {
            foreach ($one in $VM) {
                $drive = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Add-VMHardDiskDrive' -Arguments (@{ vmId = $one.VMId.ToString() } + $extra) -As ([Microsoft.HyperV.PowerShell.HardDiskDrive[]]) -Target $one
                if ($Passthru) { Out-VsTyped $drive }
            }
        }
    }
}

function ConvertTo-VsDriveRef {
    param($Drive)
    @{ vmId = $Drive.VMId.ToString(); controllerType = [string]$Drive.ControllerType; controllerNumber = [int]$Drive.ControllerNumber; controllerLocation = [int]$Drive.ControllerLocation }
}

function Remove-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMHardDiskDrive', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMHardDiskDrive', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.HardDiskDrive[]]$VMHardDiskDrive,
        [switch]$Passthru
    )
    process {
        foreach ($drive in $VMHardDiskDrive) {
            if ($PSCmdlet.ShouldProcess([string]$drive.Path, 'Remove-VMHardDiskDrive')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Remove-VMHardDiskDrive' -Arguments (ConvertTo-VsDriveRef $drive) -Target $drive }
        }
    }
}

function Get-VHD {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType([Microsoft.Vhd.PowerShell.VirtualHardDisk])]
    param([Parameter(ParameterSetName = 'Path', Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('FullName')][string[]]$Path)
    process {
        foreach ($p in $Path) { Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Get-VHD' -Arguments @{ path = $p } -As ([Microsoft.Vhd.PowerShell.VirtualHardDisk[]]) -Target $p) }
    }
}

function New-VHD {
    [CmdletBinding(DefaultParameterSetName = 'DynamicWithoutSource', SupportsShouldProcess = $true)]
    [OutputType([Microsoft.Vhd.PowerShell.VirtualHardDisk])]
    param(
        [Parameter(Mandatory = $true, Position = 0)][string[]]$Path,
        [Parameter(ParameterSetName = 'Differencing', Mandatory = $true, Position = 1)][string]$ParentPath,
        [Parameter(ParameterSetName = 'DynamicWithoutSource', Mandatory = $true, Position = 1)]
        [Parameter(ParameterSetName = 'FixedWithoutSource', Mandatory = $true, Position = 1)]
        [Parameter(ParameterSetName = 'Differencing', Position = 2)][uint64]$SizeBytes,
        [Parameter(ParameterSetName = 'DynamicWithoutSource')][switch]$Dynamic,
        [Parameter(ParameterSetName = 'FixedWithoutSource', Mandatory = $true)][switch]$Fixed,
        [Parameter(ParameterSetName = 'Differencing')][switch]$Differencing
    )
    foreach ($p in $Path) {
        if ($PSCmdlet.ShouldProcess($p, 'New-VHD')) {
            $arguments = @{ path = $p; parentPath = [string]$ParentPath; sizeBytes = [long]$SizeBytes; type = $PSCmdlet.ParameterSetName }
            Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'New-VHD' -Arguments $arguments -As ([Microsoft.Vhd.PowerShell.VirtualHardDisk[]]) -Target $p)
        }
    }
}

function Resize-VHD {
    [CmdletBinding(DefaultParameterSetName = 'Size', SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][Alias('FullName')][string[]]$Path,
        [Parameter(ParameterSetName = 'Size', Mandatory = $true, Position = 1)][uint64]$SizeBytes,
        [switch]$Passthru
    )
    process {
        foreach ($p in $Path) {
            if ($PSCmdlet.ShouldProcess($p, 'Resize-VHD')) {
                $vhd = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Resize-VHD' -Arguments @{ path = $p; sizeBytes = [long]$SizeBytes } -As ([Microsoft.Vhd.PowerShell.VirtualHardDisk[]]) -Target $p
                if ($Passthru) { Out-VsTyped $vhd }
            }
        }
    }
}

function Get-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapter])]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [string]$Name
    )
    process {
        $extra = @{}
        if ($PSBoundParameters.ContainsKey('Name')) { $extra.name = $Name }
        Get-VsDeviceOf $PSCmdlet 'Get-VMNetworkAdapter' $VM ([Microsoft.HyperV.PowerShell.VMNetworkAdapter[]]) $extra
    }
}

function Add-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [string]$SwitchName,
        [bool]$IsLegacy,
        [string]$Name = 'Network Adapter',
        [switch]$DynamicMacAddress,
        [string]$StaticMacAddress,
        [switch]$Passthru,
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    process {
        foreach ($one in $VM) {
            if ($PSCmdlet.ShouldProcess($Name, 'Add-VMNetworkAdapter')) {
                $arguments = @{ vmId = $one.VMId.ToString(); name = $Name; switchName = [string]$SwitchName; staticMacAddress = [string]$StaticMacAddress; isLegacy = [bool]$IsLegacy }
                $adapter = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Add-VMNetworkAdapter' -Arguments $arguments -As ([Microsoft.HyperV.PowerShell.VMNetworkAdapter[]]) -Target $one
                if ($Passthru) { Out-VsTyped $adapter }
            }
        }
    }
}

function ConvertTo-VsAdapterRef {
    param($Adapter)
    @{ vmId = $Adapter.VMId.ToString(); adapterId = [string]$Adapter.Id }
}

function Remove-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'ResourceObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'ResourceObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter,
        [switch]$Passthru
    )
    process {
        foreach ($adapter in $VMNetworkAdapter) {
            if ($PSCmdlet.ShouldProcess($adapter.Name, 'Remove-VMNetworkAdapter')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Remove-VMNetworkAdapter' -Arguments (ConvertTo-VsAdapterRef $adapter) -Target $adapter }
        }
    }
}

function Connect-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'Object_SwitchName', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'Object_SwitchName', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMNetworkAdapter[]]$VMNetworkAdapter,
        [Parameter(ParameterSetName = 'Object_SwitchName', Mandatory = $true, Position = 1)][string]$SwitchName,
        [switch]$Passthru
    )
    process {
        foreach ($adapter in $VMNetworkAdapter) {
            if ($PSCmdlet.ShouldProcess($adapter.Name, 'Connect-VMNetworkAdapter')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Connect-VMNetworkAdapter' -Arguments ((ConvertTo-VsAdapterRef $adapter) + @{ switchName = $SwitchName }) -Target $adapter }
        }
    }
}

function Get-VMNetworkAdapterVlan {
    [CmdletBinding(DefaultParameterSetName = 'ResourceObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting])]
    param([Parameter(ParameterSetName = 'ResourceObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter)
    process {
        foreach ($adapter in $VMNetworkAdapter) { Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Get-VMNetworkAdapterVlan' -Arguments (ConvertTo-VsAdapterRef $adapter) -As ([Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting[]]) -Target $adapter) }
    }
}

function Set-VMNetworkAdapterVlan {
    [CmdletBinding(DefaultParameterSetName = 'ResourceObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'ResourceObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter,
        [switch]$Untagged,
        [switch]$Access,
        [int]$VlanId,
        [switch]$Passthru
    )
    process {
        foreach ($adapter in $VMNetworkAdapter) {
            if ($PSCmdlet.ShouldProcess($adapter.Name, 'Set-VMNetworkAdapterVlan')) {
                $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Set-VMNetworkAdapterVlan' -Arguments ((ConvertTo-VsAdapterRef $adapter) + @{ untagged = [bool]$Untagged; access = [bool]$Access; vlanId = $VlanId; vlanIdGiven = $PSBoundParameters.ContainsKey('VlanId') }) -Target $adapter
            }
        }
    }
}

function Set-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'ResourceObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'ResourceObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMNetworkAdapterBase]$VMNetworkAdapter,
        [switch]$DynamicMacAddress,
        [string]$StaticMacAddress,
        [switch]$Passthru
    )
    process {
        if ($PSCmdlet.ShouldProcess($VMNetworkAdapter.Name, 'Set-VMNetworkAdapter')) {
            $extra = @{ dynamicMacAddress = [bool]$DynamicMacAddress }
            if ($PSBoundParameters.ContainsKey('StaticMacAddress')) { $extra.staticMacAddress = $StaticMacAddress }
            $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Set-VMNetworkAdapter' -Arguments ((ConvertTo-VsAdapterRef $VMNetworkAdapter) + $extra) -Target $VMNetworkAdapter
        }
    }
}

function Get-VMSwitch {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSwitch])]
    param([Parameter(ParameterSetName = 'Name', Position = 0)][string[]]$Name)
    $arguments = @{}
    if ($null -ne $Name) { $arguments.names = @($Name) }
    Out-VsTyped (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Get-VMSwitch' -Arguments $arguments -As ([Microsoft.HyperV.PowerShell.VMSwitch[]]))
}

function Get-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.DvdDrive])]
    param([Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM)
    process { Get-VsDeviceOf $PSCmdlet 'Get-VMDvdDrive' $VM ([Microsoft.HyperV.PowerShell.DvdDrive[]]) }
}

function Add-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][Nullable[int]]$ControllerNumber,
        [Parameter(Position = 2)][Nullable[int]]$ControllerLocation,
        [Parameter(Position = 3)][AllowNull()][string]$Path,
        [switch]$Passthru
    )
    process { if ($PSCmdlet.ShouldProcess('VM', 'Add-VMDvdDrive')) { Invoke-VsVmAction $PSCmdlet 'Add-VMDvdDrive' $VM @{ path = [string]$Path } } }
}

function Set-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'Object', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'Object', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.DvdDrive[]]$VMDvdDrive,
        [AllowNull()][AllowEmptyString()][string]$Path,
        [switch]$Passthru
    )
    process {
        foreach ($drive in $VMDvdDrive) {
            if ($PSCmdlet.ShouldProcess('DVD', 'Set-VMDvdDrive')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Set-VMDvdDrive' -Arguments ((ConvertTo-VsDriveRef $drive) + @{ path = [string]$Path }) -Target $drive }
        }
    }
}

function Get-VMIntegrationService {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMIntegrationComponent])]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][string[]]$Name
    )
    process {
        $items = @(Get-VsDeviceOf $PSCmdlet 'Get-VMIntegrationService' $VM ([Microsoft.HyperV.PowerShell.VMIntegrationComponent[]]))
        foreach ($item in $items) { if ($null -eq $Name -or $Name -contains $item.Name) { $item } }
    }
}

function Enable-VMIntegrationService {
    [CmdletBinding(DefaultParameterSetName = 'VMIntegrationService', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMIntegrationService', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMIntegrationComponent[]]$VMIntegrationService,
        [switch]$Passthru
    )
    process {
        foreach ($service in $VMIntegrationService) {
            if ($PSCmdlet.ShouldProcess($service.Name, 'Enable-VMIntegrationService')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Enable-VMIntegrationService' -Arguments @{ vmId = $service.VMId.ToString(); id = $service.Id } -Target $service }
        }
    }
}

function Get-VMSnapshot {
    [CmdletBinding(DefaultParameterSetName = 'VMObject')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSnapshot])]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][string]$Name
    )
    process {
        foreach ($item in @(Get-VsDeviceOf $PSCmdlet 'Get-VMSnapshot' $VM ([Microsoft.HyperV.PowerShell.VMSnapshot[]]))) {
            if (-not $PSBoundParameters.ContainsKey('Name') -or $item.Name -like $Name) { $item }
        }
    }
}

function Checkpoint-VM {
    [CmdletBinding(DefaultParameterSetName = 'VMObject', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'VMObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,
        [Parameter(Position = 1)][string]$SnapshotName,
        [switch]$Passthru
    )
    process {
        foreach ($one in $VM) {
            if ($PSCmdlet.ShouldProcess($one.Name, 'Checkpoint-VM')) {
                $snapshot = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Checkpoint-VM' -Arguments @{ vmId = $one.VMId.ToString(); snapshotName = [string]$SnapshotName } -As ([Microsoft.HyperV.PowerShell.VMSnapshot[]]) -Target $one
                if ($Passthru) { Out-VsTyped $snapshot }
            }
        }
    }
}

function Restore-VMSnapshot {
    [CmdletBinding(DefaultParameterSetName = 'SnapshotObject', SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    param(
        [Parameter(ParameterSetName = 'SnapshotObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMSnapshot]$VMSnapshot,
        [switch]$Passthru
    )
    process {
        if ($PSCmdlet.ShouldProcess($VMSnapshot.Name, 'Restore-VMSnapshot')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Restore-VMSnapshot' -Arguments @{ vmId = $VMSnapshot.VMId.ToString(); snapshotId = $VMSnapshot.Id.ToString() } -Target $VMSnapshot }
    }
}

function Remove-VMSnapshot {
    [CmdletBinding(DefaultParameterSetName = 'SnapshotObject', SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    param(
        [Parameter(ParameterSetName = 'SnapshotObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Microsoft.HyperV.PowerShell.VMSnapshot[]]$VMSnapshot,
        [switch]$IncludeAllChildSnapshots,
        [switch]$Passthru
    )
    process {
        foreach ($snapshot in $VMSnapshot) {
            if ($PSCmdlet.ShouldProcess($snapshot.Name, 'Remove-VMSnapshot')) { $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'Remove-VMSnapshot' -Arguments @{ vmId = $snapshot.VMId.ToString(); snapshotId = $snapshot.Id.ToString(); includeChildren = [bool]$IncludeAllChildSnapshots } -Target $snapshot }
        }
    }
}

$null = $VM_T
Export-ModuleMember -Function @(
    'Get-VM', 'Get-VMHost', 'New-VM', 'Rename-VM', 'Remove-VM', 'Set-VM', 'Start-VM', 'Stop-VM', 'Save-VM', 'Set-VMProcessor', 'Get-VMMemory',
    'Set-VMMemory', 'Get-VMFirmware', 'Set-VMFirmware', 'Get-VMBios', 'Set-VMBios', 'Get-VMSecurity', 'Set-VMKeyProtector', 'Enable-VMTPM',
    'Disable-VMTPM', 'Get-VMHardDiskDrive', 'Add-VMHardDiskDrive', 'Remove-VMHardDiskDrive', 'Get-VHD', 'New-VHD', 'Resize-VHD',
    'Get-VMNetworkAdapter', 'Add-VMNetworkAdapter', 'Remove-VMNetworkAdapter', 'Connect-VMNetworkAdapter', 'Get-VMNetworkAdapterVlan',
    'Set-VMNetworkAdapterVlan', 'Set-VMNetworkAdapter', 'Get-VMSwitch', 'Get-VMDvdDrive', 'Add-VMDvdDrive', 'Set-VMDvdDrive',
    'Get-VMIntegrationService', 'Enable-VMIntegrationService', 'Get-VMSnapshot', 'Checkpoint-VM', 'Restore-VMSnapshot', 'Remove-VMSnapshot')
