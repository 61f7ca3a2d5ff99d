# Reports what the library holds for one image: the final file with its SHA256, and the size of a partial upload.
param(
    [Parameter(Mandatory = $true)][string]$Path,
    [Parameter(Mandatory = $true)][string]$PartialPath,
    [bool]$Hash = $true
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$folder = Split-Path -Parent $Path
if (-not (Test-Path -LiteralPath $folder)) { $null = New-Item -ItemType Directory -Force -Path $folder }
$final = $null
if (Test-Path -LiteralPath $Path) {
    $sha = ''
    if ($Hash) { $sha = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
    $final = [ordered]@{ sizeBytes = [long](Get-Item -LiteralPath $Path).Length; sha256 = $sha }
}
$partial = [long]-1
if (Test-Path -LiteralPath $PartialPath) { $partial = [long](Get-Item -LiteralPath $PartialPath).Length }
[ordered]@{ final = $final; partialBytes = $partial }
