# Fake CimCmdlets (Windows-only in PowerShell 7): Get-CimInstance, Invoke-CimMethod and Get-CimAssociatedInstance
# against the simulated host's WMI classes (root\virtualization\v2, root\MSCluster). Instances are objects of the
# classes in VirtsealSim.Cim; a missing namespace is a CimException, as on Windows.
Set-StrictMode -Version Latest

function ConvertTo-VsCimRef {
    param($Instance)
    @{ className = $Instance.GetType().Name; properties = ([System.Text.Json.JsonSerializer]::Serialize($Instance, $Instance.GetType(), [VirtsealSim.Channel]::Options) | ConvertFrom-Json -AsHashtable) }
}

function ConvertFrom-VsCimList {
    param($Items)
    foreach ($item in @($Items)) {
        if ($null -eq $item) { continue }
        $type = "VirtsealSim.Cim.$($item.className)" -as [type]
        $object = [VirtsealSim.Channel]::Convert(($item.properties | ConvertTo-Json -Depth 10 -Compress), $type)
        if ($item.className -eq 'MSCluster_Resource') {
            $vmId = $item.properties.PSObject.Properties['vmId']
            if ($null -ne $vmId) { $object.PrivateProperties = [VirtsealSim.Cim.VirtualMachinePrivateProperties]@{ VmID = [string]$vmId.Value } }
            else { $object.PrivateProperties = [VirtsealSim.Cim.IPAddressPrivateProperties]@{ Address = '192.0.2.250'; SubnetMask = '255.255.255.0' } }
        }
        $object.CimNamespace = [string]$item.namespace
        $object
    }
}

function Get-CimInstance {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory = $true, Position = 0)][string]$ClassName,
        [Parameter(ParameterSetName = 'ClassNameComputerSet')][string]$Namespace = 'root/cimv2',
        [Parameter(ParameterSetName = 'ClassNameComputerSet')][string]$Filter,
        [Parameter(ParameterSetName = 'CimInstanceComputerSet', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][VirtsealSim.Cim.CimObject]$InputObject
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'CimInstanceComputerSet') {
            $arguments = @{ instance = (ConvertTo-VsCimRef $InputObject); namespace = $InputObject.CimNamespace }
            ConvertFrom-VsCimList (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'cim.get' -Arguments $arguments -Target $InputObject)
        } else {
            $arguments = @{ className = $ClassName; namespace = $Namespace.Replace('/', '\') }
            ConvertFrom-VsCimList (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'cim.enumerate' -Arguments $arguments -Target $ClassName)
        }
    }
}

function Invoke-CimMethod {
    [CmdletBinding(DefaultParameterSetName = 'CimInstanceComputerSet', SupportsShouldProcess = $true)]
    param(
        [Parameter(ParameterSetName = 'CimInstanceComputerSet', Mandatory = $true, ValueFromPipeline = $true)][Alias('CimInstance')][VirtsealSim.Cim.CimObject]$InputObject,
        [Parameter(Mandatory = $true, Position = 2)][Alias('Name')][string]$MethodName,
        [Parameter(Position = 1)][System.Collections.IDictionary]$Arguments
    )
    process {
        $plain = @{}
        if ($null -ne $Arguments) {
            foreach ($key in $Arguments.Keys) {
                $value = $Arguments[$key]
                if ($value -is [VirtsealSim.Cim.CimObject]) { $plain[$key] = @{ ref = (ConvertTo-VsCimRef $value) } }
                else { $plain[$key] = @{ value = $value } }
            }
        }
        if ($PSCmdlet.ShouldProcess($InputObject.CimClassName, $MethodName)) {
            $result = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'cim.invoke' -Arguments @{ instance = (ConvertTo-VsCimRef $InputObject); namespace = $InputObject.CimNamespace; method = $MethodName; arguments = $plain } -Target $InputObject
            if ($null -eq $result) { return }
            if ($null -ne $result.PSObject.Properties['job'] -and $null -ne $result.job) {
                $out = New-Object VirtsealSim.Cim.KvpMethodResult
                $out.Job = @(ConvertFrom-VsCimList @($result.job))[0]
            } else {
                $out = New-Object VirtsealSim.Cim.CimMethodResult
            }
            $out.ReturnValue = [uint32]$result.returnValue
            $out
        }
    }
}

function Get-CimAssociatedInstance {
    [CmdletBinding(DefaultParameterSetName = 'ComputerSet')]
    param(
        [Parameter(Position = 1)][string]$Association,
        [string]$ResultClassName,
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)][Alias('CimInstance')][VirtsealSim.Cim.CimObject]$InputObject
    )
    process {
        $arguments = @{ instance = (ConvertTo-VsCimRef $InputObject); namespace = $InputObject.CimNamespace; resultClassName = [string]$ResultClassName }
        ConvertFrom-VsCimList (Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'cim.associated' -Arguments $arguments -Target $InputObject)
    }
}

Export-ModuleMember -Function Get-CimInstance, Invoke-CimMethod, Get-CimAssociatedInstance
