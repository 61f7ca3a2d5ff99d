# Adds/modifies (upsert) or removes host-to-guest KVP items through Msvm_VirtualSystemManagementService, at most 128
# items per WMI call, waiting for each job. Item XML is built with System.Xml, so names and data stay data.
param(
    [Parameter(Mandatory = $true)][string]$Id,
    [Parameter(Mandatory = $true)][ValidateSet('upsert', 'remove')][string]$Action,
    [object[]]$Items = @(),
    [int]$TimeoutSeconds = 60
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$namespace = 'root\virtualization\v2'
$null = Get-VsVm -Id $Id
$service = CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'Msvm_VirtualSystemManagementService'
$system = @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'Msvm_ComputerSystem' | Where-Object { $_.Name -eq $Id })[0]

function ConvertTo-VsItemXml {
    param([string]$Name, [string]$Data)
    $document = New-Object System.Xml.XmlDocument
    $instance = $document.CreateElement('INSTANCE')
    $instance.SetAttribute('CLASSNAME', 'Msvm_KvpExchangeDataItem')
    foreach ($property in @(@('Data', 'string', $Data), @('Name', 'string', $Name), @('Source', 'uint16', '0'))) {
        $element = $document.CreateElement('PROPERTY')
        $element.SetAttribute('NAME', $property[0])
        $element.SetAttribute('TYPE', $property[1])
        $value = $document.CreateElement('VALUE')
        $value.InnerText = $property[2]
        $null = $element.AppendChild($value)
        $null = $instance.AppendChild($element)
    }
    $null = $document.AppendChild($instance)
    # XML parsers turn CR LF into LF (XML 1.0 end-of-line handling), so CR is written as a character reference.
    $settings = New-Object System.Xml.XmlWriterSettings
    $settings.OmitXmlDeclaration = $true
    $settings.NewLineHandling = [System.Xml.NewLineHandling]::Entitize
    $text = New-Object System.IO.StringWriter
    $writer = [System.Xml.XmlWriter]::Create($text, $settings)
    $document.Save($writer)
    $writer.Flush()
    return $text.ToString()
}

function Invoke-VsKvp {
    param([string]$Method, [object[]]$Batch)
    for ($offset = 0; $offset -lt $Batch.Count; $offset += 128) {
        $last = [Math]::Min($offset + 128, $Batch.Count) - 1
        $texts = [string[]]@($Batch[$offset..$last] | ForEach-Object { ConvertTo-VsItemXml -Name ([string]$_.name) -Data ([string]$_.data) })
        $result = CimCmdlets\Invoke-CimMethod -InputObject $service -MethodName $Method -Arguments @{ TargetSystem = $system; DataItems = $texts }
        if ($result.ReturnValue -eq 4096) { Wait-VsCimJob -Job (CimCmdlets\Get-CimInstance -InputObject $result.Job) -TimeoutSeconds $TimeoutSeconds }
        elseif ($result.ReturnValue -ne 0) { Stop-Vs -Reason 'kvp_failed' -Message ('{0} returned {1}' -f $Method, $result.ReturnValue) }
    }
}

$settings = @(CimCmdlets\Get-CimInstance -Namespace $namespace -ClassName 'Msvm_KvpExchangeComponentSettingData' | Where-Object { $_.InstanceID -like ('Microsoft:{0}*' -f $Id) })
$existing = @{}
if ($settings.Count -gt 0) {
    foreach ($text in @($settings[0].HostExchangeItems)) {
        if ($null -eq $text) { continue }
        $node = ([xml]$text).SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Name']/VALUE")
        if ($null -ne $node) { $existing[$node.InnerText] = $true }
    }
}
$added = @($Items | Where-Object { -not $existing.ContainsKey([string]$_.name) })
$present = @($Items | Where-Object { $existing.ContainsKey([string]$_.name) })
if ($Action -eq 'upsert') {
    Invoke-VsKvp -Method 'AddKvpItems' -Batch $added
    Invoke-VsKvp -Method 'ModifyKvpItems' -Batch $present
    $counts = [ordered]@{ added = $added.Count; modified = $present.Count; removed = 0 }
} else {
    Invoke-VsKvp -Method 'RemoveKvpItems' -Batch $present
    $counts = [ordered]@{ added = 0; modified = 0; removed = $present.Count }
}
$counts
