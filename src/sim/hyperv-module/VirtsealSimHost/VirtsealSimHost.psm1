# The simulated Windows host around the fake Hyper-V and CimCmdlets modules: loads the host's object model (the
# compiled VirtsealSim.cs), maps the host's drive letters onto the simulator's directories, gives paths Windows
# semantics (Join-Path, Split-Path, FullName), takes time from the simulator's clock (Get-Date, Start-Sleep), stands in
# for Windows-only APIs (DriveInfo roots, WindowsIdentity), and carries every Hyper-V call to the simulator's registry.
Set-StrictMode -Version Latest

if (-not ('VirtsealSim.Channel' -as [type])) {
    $null = [System.Reflection.Assembly]::LoadFrom($env:VIRTSEAL_SIM_ASSEMBLY)
}

$script:SimRoot = [string]$env:VIRTSEAL_SIM_ROOT
$script:Utf8 = New-Object System.Text.UTF8Encoding $false

# Windows APIs that do not exist on Linux, as type names the scripts write.
$accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
foreach ($pair in @(
        @('System.IO.DriveInfo', [VirtsealSim.WindowsDriveInfo]), @('IO.DriveInfo', [VirtsealSim.WindowsDriveInfo]),
        @('System.Security.Principal.WindowsIdentity', [VirtsealSim.WindowsIdentity]), @('Security.Principal.WindowsIdentity', [VirtsealSim.WindowsIdentity]),
        @('System.Security.Principal.WindowsPrincipal', [VirtsealSim.WindowsPrincipal]), @('Security.Principal.WindowsPrincipal', [VirtsealSim.WindowsPrincipal]),
        @('System.Security.Principal.WindowsBuiltInRole', [VirtsealSim.WindowsBuiltInRole]), @('Security.Principal.WindowsBuiltInRole', [VirtsealSim.WindowsBuiltInRole]))) {
    $null = $accelerators::Remove($pair[0])
    $accelerators::Add($pair[0], $pair[1])
}

# Drive letters: one FileSystem drive per letter folder of the simulated host.
foreach ($letter in @(Get-ChildItem -LiteralPath $script:SimRoot -Directory | Where-Object { $_.Name -match '^[A-Z]$' })) {
    if (-not (Get-PSDrive -Name $letter.Name -ErrorAction SilentlyContinue)) {
        $null = New-PSDrive -Name $letter.Name -PSProvider FileSystem -Root $letter.FullName -Scope Global
    }
}

function ConvertTo-VsSimWindowsPath {
    param([string]$Native)
    $root = $script:SimRoot.TrimEnd('/')
    if ($Native.StartsWith($root + '/')) {
        $rest = $Native.Substring($root.Length + 1)
        $letter = $rest.Substring(0, 1)
        $tail = ''
        if ($rest.Length -gt 2) { $tail = $rest.Substring(2) }
        return ($letter + ':\' + $tail.Replace('/', '\'))
    }
    return $Native
}

$fullName = [System.IO.FileSystemInfo].GetProperty('FullName')
foreach ($type in @('System.IO.FileInfo', 'System.IO.DirectoryInfo')) {
    Update-TypeData -TypeName $type -MemberType ScriptProperty -MemberName FullName -Value ([scriptblock]::Create('ConvertTo-VsSimWindowsPath ([System.IO.FileSystemInfo].GetProperty(''FullName'').GetValue($this))')) -Force
}
$null = $fullName

# Windows path semantics for the path cmdlets (the FileSystem provider on Windows joins and splits with '\').
function Join-Path {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('PSPath')][string[]]$Path,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][AllowNull()][AllowEmptyString()][string]$ChildPath,
        [Parameter(Position = 2, ValueFromRemainingArguments = $true)][string[]]$AdditionalChildPath = @(),
        [switch]$Resolve
    )
    process {
        foreach ($p in $Path) {
            $result = $p.Replace('/', '\')
            foreach ($child in @($ChildPath) + $AdditionalChildPath) {
                if ($null -eq $child -or $child -eq '') { continue }
                $result = $result.TrimEnd('\') + '\' + $child.Replace('/', '\').TrimStart('\')
            }
            $result
        }
    }
}

function Split-Path {
    [CmdletBinding(DefaultParameterSetName = 'ParentSet')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][string[]]$Path,
        [Parameter(ParameterSetName = 'ParentSet')][switch]$Parent,
        [Parameter(ParameterSetName = 'LeafSet')][switch]$Leaf
    )
    process {
        foreach ($p in $Path) {
            $text = $p.Replace('/', '\').TrimEnd('\')
            $at = $text.LastIndexOf('\')
            if ($Leaf) { if ($at -lt 0) { $text } else { $text.Substring($at + 1) } }
            elseif ($at -lt 0) { '' }
            elseif ($at -eq 2 -and $text[1] -eq ':') { $text.Substring(0, 3) }
            else { $text.Substring(0, $at) }
        }
    }
}

# The host's clock is the simulator's (so tests can run simulated time).
function Get-Date {
    [CmdletBinding()]
    param()
    $ms = [long](Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'clock.now')
    [DateTimeOffset]::FromUnixTimeMilliseconds($ms).LocalDateTime
}

function Start-Sleep {
    [CmdletBinding(DefaultParameterSetName = 'Seconds')]
    param(
        [Parameter(ParameterSetName = 'Seconds', Mandatory = $true, Position = 0)][double]$Seconds,
        [Parameter(ParameterSetName = 'Milliseconds', Mandatory = $true)][Alias('ms')][int]$Milliseconds
    )
    $ms = if ($PSCmdlet.ParameterSetName -eq 'Seconds') { [long]($Seconds * 1000) } else { [long]$Milliseconds }
    $null = Invoke-VsSimPlatform -Cmdlet $PSCmdlet -Name 'clock.sleep' -Arguments @{ ms = $ms }
}

# Which script (file name without .ps1) is calling: the innermost frame of a .ps1 other than a shared prelude.
function Get-VsSimCaller {
    foreach ($frame in Get-PSCallStack) {
        $name = [string]$frame.ScriptName
        if ($name -like '*.ps1' -and $name -notlike '*-common.ps1') { return [System.IO.Path]::GetFileNameWithoutExtension($name) }
    }
    return ''
}

# Calls the simulated platform; a platform error becomes the cmdlet's error record, honouring the caller's
# -ErrorAction / $ErrorActionPreference as a compiled cmdlet does. Returns $null after a non-terminating error.
function Invoke-VsSimPlatform {
    param($Cmdlet, [string]$Name, [hashtable]$Arguments = @{}, [type]$As, $Target)
    $json = ConvertTo-Json -InputObject $Arguments -Depth 20 -Compress
    try {
        $text = [VirtsealSim.Channel]::Call($Name, (Get-VsSimCaller), $json)
    } catch {
        $failure = $_.Exception
        while ($failure -is [System.Management.Automation.MethodInvocationException] -and $null -ne $failure.InnerException) { $failure = $failure.InnerException }
        if ($failure -isnot [VirtsealSim.PlatformError]) { throw }
        $exception = $failure.ToException()
        $category = [System.Management.Automation.ErrorCategory]::NotSpecified
        if ($failure.Category -ne '') { $category = [System.Management.Automation.ErrorCategory]$failure.Category }
        $errorId = $failure.ErrorId
        if ($errorId -eq '') { $errorId = 'Unspecified' }
        $record = New-Object System.Management.Automation.ErrorRecord $exception, $errorId, $category, $Target
        $preference = $null
        if ($null -ne $Cmdlet -and $Cmdlet.MyInvocation.BoundParameters.ContainsKey('ErrorAction')) { $preference = [string]$Cmdlet.MyInvocation.BoundParameters['ErrorAction'] }
        elseif ($null -ne $Cmdlet) { $preference = [string]$Cmdlet.SessionState.PSVariable.GetValue('ErrorActionPreference') }
        if ($preference -in @('SilentlyContinue', 'Ignore')) { return $null }
        if ($null -eq $Cmdlet -or $preference -eq 'Stop') {
            if ($null -eq $Cmdlet) { throw $record }
            $Cmdlet.ThrowTerminatingError($record)
        }
        $Cmdlet.WriteError($record)
        return $null
    }
    if ($null -eq $As) { return (ConvertFrom-Json -InputObject $text) }
    return ,([VirtsealSim.Channel]::Convert($text, $As))
}

$hostInfo = Invoke-VsSimPlatform -Name 'host.info'
[VirtsealSim.WindowsDriveInfo]::Free = [long]$hostInfo.freeBytes
[VirtsealSim.WindowsDriveInfo]::Total = [long]$hostInfo.totalBytes
if (Test-Path -LiteralPath 'C:\') { Set-Location -LiteralPath 'C:\' }

Export-ModuleMember -Function Join-Path, Split-Path, Get-Date, Start-Sleep, Invoke-VsSimPlatform, ConvertTo-VsSimWindowsPath
