# virtseal runner: one PowerShell process per SSH connection. The bootstrap passes it a reader over the raw stdin
# handle; it then serves framed requests until stdin ends:
#   request  (stdin):  a line 'VSREQ <id> <n>', then exactly n characters of 7-bit ASCII JSON, then a line break:
#                      {"id":..,"name":"x.ps1","script":"<base64 UTF-8>","prelude":{"name":..,"script":..}|null,"args":{..}}
#   response (stdout): a line '__VIRTSEAL_RESULT__ <id> <n>', then exactly n characters of base64 of the UTF-8 JSON
#                      {"ok":true,"result":..} or {"ok":false,"error":{..}}, then a line break
# Data never becomes code: each script text is compiled as sent (static project text) and the arguments are parsed as
# JSON and splatted. Each request runs in a scope of its own (a fresh dynamic module, so even $script: variables
# end with it) with strict mode and 'Stop'; its variables, functions and preferences end with it and its errors
# end in its own response. What a process keeps between requests: imported modules (the point: Hyper-V loads
# once), $global: variables, .NET static state.
param($Reader)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { $null = $_ }
try { Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue } catch { $null = $_ }
$VsWriter = New-Object System.IO.StreamWriter -ArgumentList ([Console]::OpenStandardOutput()), (New-Object System.Text.UTF8Encoding $false)
$VsWriter.AutoFlush = $false

function ConvertFrom-VsElement {
    param($Element)
    switch ($Element.ValueKind.ToString()) {
        'Object' {
            $table = @{}
            foreach ($property in $Element.EnumerateObject()) { $table[$property.Name] = ConvertFrom-VsElement $property.Value }
            return $table
        }
        'Array' {
            $list = New-Object System.Collections.Generic.List[object]
            foreach ($item in $Element.EnumerateArray()) { $list.Add((ConvertFrom-VsElement $item)) }
            return ,$list.ToArray()
        }
        'String' { return $Element.GetString() }
        'Number' {
            $whole = [long]0
            if ($Element.TryGetInt64([ref]$whole)) { return $whole }
            return $Element.GetDouble()
        }
        'True' { return $true }
        'False' { return $false }
        default { return $null }
    }
}

function ConvertTo-VsPlain {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        $table = @{}
        foreach ($property in $Value.PSObject.Properties) { $table[$property.Name] = ConvertTo-VsPlain $property.Value }
        return $table
    }
    if ($Value -is [System.Array]) {
        $list = New-Object System.Collections.Generic.List[object]
        foreach ($item in $Value) { $list.Add((ConvertTo-VsPlain $item)) }
        return ,$list.ToArray()
    }
    return $Value
}

# PowerShell 7 turns ISO-date-looking strings into DateTime in ConvertFrom-Json unless -DateKind String (7.5+) is
# given, so older 7.x reads JSON with System.Text.Json; Windows PowerShell 5.1 only converts the escaped \/Date()\/
# form, which virtseal never sends.
$VsDateKind = ($PSVersionTable.PSVersion.Major -ge 6) -and (Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')
function ConvertFrom-VsJson {
    param([string]$Json)
    if ($VsDateKind) { return ConvertFrom-Json -InputObject $Json -AsHashtable -DateKind String -NoEnumerate }
    if ($PSVersionTable.PSVersion.Major -ge 6) {
        $document = [System.Text.Json.JsonDocument]::Parse($Json)
        try { return ConvertFrom-VsElement $document.RootElement } finally { $document.Dispose() }
    }
    return ConvertTo-VsPlain (ConvertFrom-Json -InputObject $Json)
}

$VsUtf8 = New-Object System.Text.UTF8Encoding $false

# Compiled script blocks by script text: a script sent again to the same process is not parsed again.
$VsCompiled = @{}
function Get-VsScriptBlock {
    param([string]$Name, [string]$Base64)
    $key = $Name + ':' + $Base64
    if ($VsCompiled.ContainsKey($key)) { return $VsCompiled[$key] }
    $code = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Base64))
    $tokens = $null
    $parseErrors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, $Name, [ref]$tokens, [ref]$parseErrors)
    if ($parseErrors.Count -gt 0) { throw ('{0} does not parse: {1}' -f $Name, $parseErrors[0].Message) }
    $block = $ast.GetScriptBlock()
    $VsCompiled[$key] = $block
    return $block
}

# Reads exactly $Count characters (the request is ASCII, so characters are bytes).
function Read-VsExactly {
    param([int]$Count)
    $buffer = New-Object char[] $Count
    $offset = 0
    while ($offset -lt $Count) {
        $got = $Reader.Read($buffer, $offset, $Count - $offset)
        if ($got -le 0) { throw 'virtseal runner: stdin ended inside a request' }
        $offset += $got
    }
    return New-Object string -ArgumentList (, $buffer)
}

# The response is base64 of the UTF-8 JSON: ASCII whatever the console code page, with no per-character work in
# PowerShell for non-ASCII text.
function Write-VsResponse {
    param($Id, $Envelope)
    $json = ConvertTo-Json -InputObject $Envelope -Depth 40 -Compress
    $payload = [Convert]::ToBase64String($VsUtf8.GetBytes($json))
    $VsWriter.Write("`n__VIRTSEAL_RESULT__ " + [string]$Id + ' ' + [string]$payload.Length + "`n" + $payload + "`n")
    $VsWriter.Flush()
}

# Runs one request in a child scope of its own; the prelude is dot-sourced into that scope only.
$VsInvoke = {
    param($VsPreludeBlock, $VsScriptBlock, $VsArguments)
    Set-StrictMode -Version Latest
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'
    if ($null -ne $VsPreludeBlock) { . $VsPreludeBlock }
    & $VsScriptBlock @VsArguments
}

$VsStartLocation = (Get-Location).Path
while ($true) {
    $header = $Reader.ReadLine()
    if ($null -eq $header) { break }
    if ($header.Trim() -eq '') { continue }
    if ($header -notmatch '^VSREQ (\d{1,10}) (\d{1,10})$') { throw 'virtseal runner: malformed request header' }
    $id = [long]$Matches[1]
    $payload = Read-VsExactly ([int]$Matches[2])
    $null = $Reader.ReadLine()
    $scriptName = 'unknown.ps1'
    $request = $null
    try {
        $request = ConvertFrom-VsJson $payload
        $scriptName = [string]$request['name']
        $prelude = $null
        if ($null -ne $request['prelude']) { $prelude = Get-VsScriptBlock ([string]$request['prelude']['name']) ([string]$request['prelude']['script']) }
        $block = Get-VsScriptBlock $scriptName ([string]$request['script'])
        $arguments = $request['args']
        if ($arguments -isnot [hashtable]) { throw 'virtseal runner: arguments must be a JSON object' }
        # A new dynamic module per request gives the script a script scope of its own ($script: variables end with it).
        $scope = New-Module -ScriptBlock { }
        $output = @(& $scope $VsInvoke $prelude $block $arguments)
        if ($output.Count -ne 1) { throw ('{0} produced {1} results instead of exactly one' -f $scriptName, $output.Count) }
        $envelope = @{ ok = $true; result = $output[0] }
    } catch {
        $record = $_
        # Where it failed: the request's script or prelude (a Write-Error record points at its caller, so the
        # innermost stack frame in one of these files is used then); runner errors carry no position.
        $files = @($scriptName)
        if ($null -ne $request -and $null -ne $request['prelude']) { $files += [string]$request['prelude']['name'] }
        $where = $scriptName
        $line = 0
        $invocation = $record.InvocationInfo
        if ($null -ne $invocation -and $invocation.ScriptName -and ($files -contains (Split-Path -Leaf $invocation.ScriptName))) {
            $where = Split-Path -Leaf $invocation.ScriptName
            $line = $invocation.ScriptLineNumber
        } else {
            foreach ($frame in ([string]$record.ScriptStackTrace -split "`n")) {
                if ($frame -match ',\s*([^,]+): line (\d+)\s*$' -and ($files -contains $Matches[1])) {
                    $where = $Matches[1]
                    $line = [int]$Matches[2]
                    break
                }
            }
        }
        $envelope = @{
            ok = $false
            error = @{
                message = $record.Exception.Message
                type = $record.Exception.GetType().FullName
                errorId = [string]$record.FullyQualifiedErrorId
                category = [string]$record.CategoryInfo.Category
                script = $where
                line = $line
            }
        }
    }
    try {
        Write-VsResponse $id $envelope
    } catch {
        $failure = $_
        Write-VsResponse $id @{ ok = $false; error = @{ message = ('{0}: the result cannot be sent: {1}' -f $scriptName, $failure.Exception.Message); type = $failure.Exception.GetType().FullName; script = $scriptName; line = 0 } }
    }
    $Error.Clear()
    if ((Get-Location).Path -ne $VsStartLocation) { Set-Location -LiteralPath $VsStartLocation }
}
