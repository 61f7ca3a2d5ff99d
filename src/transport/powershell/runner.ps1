# virtseal runner: receives the stdin lines collected by the bootstrap, runs one static script with its JSON
# arguments bound as parameters and writes exactly one JSON result after a sentinel line. Data never becomes code:
# the script text is compiled as sent, the arguments are parsed as JSON and splatted.
param([string[]]$Lines)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { $null = $_ }
try { Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue } catch { $null = $_ }

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

# PowerShell 7 turns ISO-date-looking strings into DateTime in ConvertFrom-Json, so it reads JSON with
# System.Text.Json there; Windows PowerShell 5.1 only converts the escaped \/Date()\/ form, which virtseal never sends.
function ConvertFrom-VsJson {
    param([string]$Json)
    if ($PSVersionTable.PSVersion.Major -ge 6) {
        $document = [System.Text.Json.JsonDocument]::Parse($Json)
        try { return ConvertFrom-VsElement $document.RootElement } finally { $document.Dispose() }
    }
    return ConvertTo-VsPlain (ConvertFrom-Json -InputObject $Json)
}

# Every character above 0x7E becomes \uXXXX so the result is ASCII whatever the console code page is.
function ConvertTo-VsAscii {
    param([string]$Text)
    $builder = New-Object System.Text.StringBuilder
    foreach ($character in $Text.ToCharArray()) {
        $code = [int]$character
        if ($code -lt 127) { [void]$builder.Append($character) } else { [void]$builder.Append('\u').Append($code.ToString('x4')) }
    }
    return $builder.ToString()
}

$envelope = $null
$scriptName = 'unknown.ps1'
try {
    if ($null -eq $Lines -or $Lines.Count -lt 4) { throw 'virtseal runner: incomplete input (expected runner, name, script and arguments lines)' }
    $scriptName = $Lines[1].Trim()
    $code = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Lines[2].Trim()))
    $parameters = ConvertFrom-VsJson $Lines[3]
    # Optional prelude (shared functions of a script family), dot-sourced so the script's scope sees them.
    if ($Lines.Count -ge 6 -and $Lines[5].Trim() -ne '') {
        $preludeName = $Lines[4].Trim()
        $preludeCode = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Lines[5].Trim()))
        $preludeTokens = $null
        $preludeErrors = $null
        $preludeAst = [System.Management.Automation.Language.Parser]::ParseInput($preludeCode, $preludeName, [ref]$preludeTokens, [ref]$preludeErrors)
        if ($preludeErrors.Count -gt 0) { throw ('{0} does not parse: {1}' -f $preludeName, $preludeErrors[0].Message) }
        $preludeBlock = $preludeAst.GetScriptBlock()
        . $preludeBlock
    }
    $tokens = $null
    $parseErrors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, $scriptName, [ref]$tokens, [ref]$parseErrors)
    if ($parseErrors.Count -gt 0) { throw ('{0} does not parse: {1}' -f $scriptName, $parseErrors[0].Message) }
    $block = $ast.GetScriptBlock()
    $output = @(& $block @parameters)
    if ($output.Count -ne 1) { throw ('{0} produced {1} results instead of exactly one' -f $scriptName, $output.Count) }
    $envelope = @{ ok = $true; result = $output[0] }
} catch {
    $record = $_
    $envelope = @{
        ok = $false
        error = @{
            message = $record.Exception.Message
            type = $record.Exception.GetType().FullName
            errorId = [string]$record.FullyQualifiedErrorId
            category = [string]$record.CategoryInfo.Category
            script = $scriptName
            line = $record.InvocationInfo.ScriptLineNumber
        }
    }
}
$json = ConvertTo-Json -InputObject $envelope -Depth 40 -Compress
[Console]::Out.Write("`n__VIRTSEAL_RESULT__`n" + (ConvertTo-VsAscii $json) + "`n")
[Console]::Out.Flush()
if (-not $envelope.ok) { $host.SetShouldExit(1) }
