# Shared functions of the Hyper-V scripts, sent as the runner's prelude. Errors that virtseal maps to a stable
# reason are thrown as 'virtseal:<reason>: <message>'.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-Vs {
    param([string]$Reason, [string]$Message)
    throw ('virtseal:{0}: {1}' -f $Reason, $Message)
}

function Get-VsVm {
    param([string]$Id)
    $found = @(Hyper-V\Get-VM | Where-Object { $_.VMId.ToString() -eq $Id })
    if ($found.Count -eq 0) { Stop-Vs -Reason 'not_found' -Message ('no VM with id {0}' -f $Id) }
    return $found[0]
}

# After a checkpoint a drive points at <name>_<GUID>.avhdx, a differencing child of the disk it was: a disk is known
# by that base file, found by following the .avhdx parents.
function Get-VsDiskBase {
    param([string]$Path)
    $current = $Path
    while ($current -match '\.avhdx$') {
        $vhd = Hyper-V\Get-VHD -Path $current -ErrorAction SilentlyContinue
        if ($null -eq $vhd -or [string]$vhd.ParentPath -eq '') { break }
        $current = [string]$vhd.ParentPath
    }
    return $current
}

# The drives of a VM whose base file is Path (compared as Windows does: case-insensitively).
function Get-VsDrive {
    param($Vm, [string]$Path)
    @(Hyper-V\Get-VMHardDiskDrive -VM $Vm | Where-Object { (Get-VsDiskBase -Path ([string]$_.Path)) -eq $Path })
}

function ConvertTo-VsBootKind {
    param($Entry)
    $text = [string]$Entry
    if ($Entry -isnot [string]) {
        if ([string]$Entry.BootType -eq 'Network') { return 'network' }
        if ($null -ne $Entry.Device -and $Entry.Device.GetType().Name -match 'Dvd') { return 'dvd' }
        return 'disk'
    }
    if ($text -eq 'CD') { return 'dvd' }
    if ($text -eq 'LegacyNetworkAdapter') { return 'network' }
    if ($text -eq 'IDE') { return 'disk' }
    return $text.ToLowerInvariant()
}

function ConvertTo-VsVmInfo {
    param($Vm)
    $memory = Hyper-V\Get-VMMemory -VM $Vm
    $secureBoot = 'off'
    $template = ''
    $tpm = $false
    $bootOrder = @()
    if ($Vm.Generation -eq 2) {
        $firmware = Hyper-V\Get-VMFirmware -VM $Vm
        if ([string]$firmware.SecureBoot -eq 'On') { $secureBoot = 'on'; $template = [string]$firmware.SecureBootTemplate }
        $tpm = [bool](Hyper-V\Get-VMSecurity -VM $Vm).TpmEnabled
        $bootOrder = @($firmware.BootOrder | ForEach-Object { ConvertTo-VsBootKind $_ })
    } else {
        $bootOrder = @((Hyper-V\Get-VMBios -VM $Vm).StartupOrder | ForEach-Object { ConvertTo-VsBootKind ([string]$_) })
    }
    $disks = @(Hyper-V\Get-VMHardDiskDrive -VM $Vm | ForEach-Object {
        $size = [long]0
        $parent = ''
        $base = [string]$_.Path
        if ($_.Path) {
            $base = Get-VsDiskBase -Path ([string]$_.Path)
            $vhd = Hyper-V\Get-VHD -Path $base -ErrorAction SilentlyContinue
            if ($null -ne $vhd) { $size = [long]$vhd.Size; $parent = [string]$vhd.ParentPath }
        }
        [ordered]@{
            path = $base
            controllerType = [string]$_.ControllerType
            controllerNumber = [int]$_.ControllerNumber
            controllerLocation = [int]$_.ControllerLocation
            sizeBytes = $size
            parentPath = $parent
        }
    })
    $nics = @(Hyper-V\Get-VMNetworkAdapter -VM $Vm | ForEach-Object {
        $vlan = Hyper-V\Get-VMNetworkAdapterVlan -VMNetworkAdapter $_
        $vlanId = 0
        if ([string]$vlan.OperationMode -eq 'Access') { $vlanId = [int]$vlan.AccessVlanId }
        [ordered]@{
            name = [string]$_.Name
            switchName = [string]$_.SwitchName
            vlanId = $vlanId
            mac = [string]$_.MacAddress
            staticMac = -not [bool]$_.DynamicMacAddressEnabled
            ipAddresses = @($_.IPAddresses | ForEach-Object { [string]$_ })
        }
    })
    $dvd = @(Hyper-V\Get-VMDvdDrive -VM $Vm | Where-Object { $_.Path } | ForEach-Object { [string]$_.Path })
    $dvdPath = ''
    if ($dvd.Count -gt 0) { $dvdPath = $dvd[0] }
    return [ordered]@{
        id = $Vm.VMId.ToString()
        name = [string]$Vm.Name
        state = [string]$Vm.State
        generation = [int]$Vm.Generation
        path = [string]$Vm.Path
        cpuCount = [int]$Vm.ProcessorCount
        memoryStartupBytes = [long]$memory.Startup
        dynamicMemory = [bool]$memory.DynamicMemoryEnabled
        memoryMinimumBytes = [long]$memory.Minimum
        memoryMaximumBytes = [long]$memory.Maximum
        memoryBufferPercent = [int]$memory.Buffer
        secureBoot = $secureBoot
        secureBootTemplate = $template
        tpm = $tpm
        bootOrder = $bootOrder
        automaticStartAction = [string]$Vm.AutomaticStartAction
        automaticStopAction = [string]$Vm.AutomaticStopAction
        notes = [string]$Vm.Notes
        disks = $disks
        nics = $nics
        dvd = $dvdPath
        clustered = [bool]$Vm.IsClustered
    }
}

# Polls a Msvm_ConcreteJob until it ends; JobState 7 = completed, 8/9/10/11 = terminated, killed, exception, service.
function Wait-VsCimJob {
    param($Job, [int]$TimeoutSeconds)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    $current = $Job
    while ([int]$current.JobState -lt 7) {
        if ((Get-Date) -gt $deadline) { Stop-Vs -Reason 'timeout' -Message ('job {0} still running after {1} s' -f $current.InstanceID, $TimeoutSeconds) }
        Start-Sleep -Milliseconds 200
        $current = CimCmdlets\Get-CimInstance -InputObject $current
    }
    if ([int]$current.JobState -ne 7) { Stop-Vs -Reason 'job_failed' -Message ('job failed: {0} (code {1})' -f $current.ErrorDescription, $current.ErrorCode) }
}

# Applies the configurable settings shared by create and reconfigure; an empty value leaves a setting alone.
function Set-VsVmConfig {
    param($Vm, [hashtable]$Config)
    if ($Config.ContainsKey('cpuCount')) { Hyper-V\Set-VMProcessor -VM $Vm -Count ([int]$Config.cpuCount) }
    if ($Config.ContainsKey('memory')) {
        $m = $Config.memory
        if ([bool]$m.dynamic) {
            Hyper-V\Set-VMMemory -VM $Vm -DynamicMemoryEnabled $true -StartupBytes ([long]$m.startupBytes) -MinimumBytes ([long]$m.minimumBytes) -MaximumBytes ([long]$m.maximumBytes) -Buffer ([int]$m.bufferPercent)
        } else {
            Hyper-V\Set-VMMemory -VM $Vm -DynamicMemoryEnabled $false -StartupBytes ([long]$m.startupBytes)
        }
    }
    if ($Config.ContainsKey('secureBoot') -and $Vm.Generation -eq 2) {
        if ($Config.secureBoot -eq 'off') {
            Hyper-V\Set-VMFirmware -VM $Vm -EnableSecureBoot Off
        } elseif ($Config.secureBoot -eq 'on') {
            Hyper-V\Set-VMFirmware -VM $Vm -EnableSecureBoot On
        } else {
            Hyper-V\Set-VMFirmware -VM $Vm -EnableSecureBoot On -SecureBootTemplate ([string]$Config.secureBoot)
        }
    }
    if ($Config.ContainsKey('tpm') -and $Vm.Generation -eq 2) {
        if ([bool]$Config.tpm) {
            if (-not (Hyper-V\Get-VMSecurity -VM $Vm).TpmEnabled) {
                Hyper-V\Set-VMKeyProtector -VM $Vm -NewLocalKeyProtector
                Hyper-V\Enable-VMTPM -VM $Vm
            }
        } else {
            Hyper-V\Disable-VMTPM -VM $Vm
        }
    }
    if ($Config.ContainsKey('bootOrder')) { Set-VsBootOrder -Vm $Vm -Kinds @($Config.bootOrder) }
    if ($Config.ContainsKey('automaticStartAction')) { Hyper-V\Set-VM -VM $Vm -AutomaticStartAction ([string]$Config.automaticStartAction) }
    if ($Config.ContainsKey('automaticStopAction')) { Hyper-V\Set-VM -VM $Vm -AutomaticStopAction ([string]$Config.automaticStopAction) }
    if ($Config.ContainsKey('notes')) { Hyper-V\Set-VM -VM $Vm -Notes ([string]$Config.notes) }
}

function Set-VsBootOrder {
    param($Vm, [string[]]$Kinds)
    if ($Vm.Generation -eq 2) {
        # BootOrder is read once: each read may build new entry objects, and Contains compares them by reference.
        $entries = @((Hyper-V\Get-VMFirmware -VM $Vm).BootOrder)
        $ordered = New-Object System.Collections.Generic.List[object]
        foreach ($kind in $Kinds) {
            foreach ($entry in $entries) {
                if ((ConvertTo-VsBootKind $entry) -eq $kind -and -not $ordered.Contains($entry)) { $ordered.Add($entry) }
            }
        }
        foreach ($entry in $entries) { if (-not $ordered.Contains($entry)) { $ordered.Add($entry) } }
        Hyper-V\Set-VMFirmware -VM $Vm -BootOrder $ordered.ToArray()
    } else {
        $map = @{ disk = 'IDE'; dvd = 'CD'; network = 'LegacyNetworkAdapter' }
        $order = New-Object System.Collections.Generic.List[string]
        foreach ($kind in $Kinds) { $order.Add($map[$kind]) }
        foreach ($rest in @('IDE', 'CD', 'LegacyNetworkAdapter', 'Floppy')) { if (-not $order.Contains($rest)) { $order.Add($rest) } }
        Hyper-V\Set-VMBios -VM $Vm -StartupOrder $order.ToArray()
    }
}

# Creates (or attaches) one disk for a VM and returns its path. Sources come from the image library; the clone is a
# differencing disk (O(1)) or a full copy; a requested size larger than the source grows it.
function New-VsDisk {
    param($Vm, [hashtable]$Disk, [string]$Folder)
    if ([string]$Disk.attachPath -ne '') {
        Hyper-V\Add-VMHardDiskDrive -VM $Vm -Path ([string]$Disk.attachPath)
        return [string]$Disk.attachPath
    }
    $null = New-Item -ItemType Directory -Force -Path $Folder
    $target = Join-Path $Folder ([string]$Disk.fileName)
    if (Test-Path -LiteralPath $target) { Stop-Vs -Reason 'conflict' -Message ('disk file {0} already exists' -f $target) }
    if ([string]$Disk.sourcePath -ne '') {
        if (-not (Test-Path -LiteralPath ([string]$Disk.sourcePath))) { Stop-Vs -Reason 'not_found' -Message ('image {0} is not published on this host' -f $Disk.sourcePath) }
        if ([string]$Disk.clone -eq 'copy') {
            Copy-Item -LiteralPath ([string]$Disk.sourcePath) -Destination $target
        } else {
            $null = Hyper-V\New-VHD -Path $target -ParentPath ([string]$Disk.sourcePath) -Differencing
        }
        if ([long]$Disk.sizeBytes -gt 0 -and [long]$Disk.sizeBytes -gt (Hyper-V\Get-VHD -Path $target).Size) { Hyper-V\Resize-VHD -Path $target -SizeBytes ([long]$Disk.sizeBytes) }
    } else {
        $null = Hyper-V\New-VHD -Path $target -SizeBytes ([long]$Disk.sizeBytes) -Dynamic
    }
    Hyper-V\Add-VMHardDiskDrive -VM $Vm -Path $target
    return $target
}

function Add-VsNic {
    param($Vm, [hashtable]$Nic)
    # The static MAC is given at add time: Hyper-V changes a MAC only while the VM is off, and an adapter is hot-added
    # to a running (Generation 2) VM.
    if ([string]$Nic.mac -ne '') {
        $adapter = Hyper-V\Add-VMNetworkAdapter -VM $Vm -Name ([string]$Nic.name) -SwitchName ([string]$Nic.switchName) -StaticMacAddress ([string]$Nic.mac) -Passthru
    } else {
        $adapter = Hyper-V\Add-VMNetworkAdapter -VM $Vm -Name ([string]$Nic.name) -SwitchName ([string]$Nic.switchName) -Passthru
    }
    Set-VsNic -Adapter $adapter -Nic $Nic
}

function Set-VsNic {
    param($Adapter, [hashtable]$Nic)
    if ([string]$Adapter.SwitchName -ne [string]$Nic.switchName) { Hyper-V\Connect-VMNetworkAdapter -VMNetworkAdapter $Adapter -SwitchName ([string]$Nic.switchName) }
    if ([int]$Nic.vlanId -gt 0) {
        Hyper-V\Set-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter -Access -VlanId ([int]$Nic.vlanId)
    } else {
        Hyper-V\Set-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter -Untagged
    }
    # Hyper-V changes a MAC only while the VM is off: ask only when the MAC setting really differs.
    if ([string]$Nic.mac -ne '') {
        if ($Adapter.DynamicMacAddressEnabled -or [string]$Adapter.MacAddress -ne [string]$Nic.mac) {
            Hyper-V\Set-VMNetworkAdapter -VMNetworkAdapter $Adapter -StaticMacAddress ([string]$Nic.mac)
        }
    } elseif (-not $Adapter.DynamicMacAddressEnabled) {
        Hyper-V\Set-VMNetworkAdapter -VMNetworkAdapter $Adapter -DynamicMacAddress
    }
}

# Integration service ids do not depend on the host language; the KVP exchange is 2A34B1C2-FD73-4043-8A5B-DD2159BC743F.
function Enable-VsKvp {
    param($Vm)
    Hyper-V\Get-VMIntegrationService -VM $Vm | Where-Object { $_.Id -like '*2A34B1C2-FD73-4043-8A5B-DD2159BC743F' } | Hyper-V\Enable-VMIntegrationService
}
