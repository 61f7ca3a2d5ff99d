# Reports what the library holds for one image: the final file with its SHA256, and the size of a partial upload.
# The hash recorded at publish time (<image>.sha256) is trusted while it is newer than the image; otherwise the file
# is hashed again, so re-publishing a multi-gigabyte image that is already there costs no full read.
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
    $sidecar = $Path + '.sha256'
    if ($Hash -and (Test-Path -LiteralPath $sidecar) -and (Get-Item -LiteralPath $sidecar).LastWriteTimeUtc -ge (Get-Item -LiteralPath $Path).LastWriteTimeUtc) {
        $sha = ([string](Get-Content -LiteralPath $sidecar -TotalCount 1)).Trim().ToLowerInvariant()
    }
    if ($Hash -and $sha -notmatch '^[0-9a-f]{64}$') { $sha = (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
    $final = [ordered]@{ sizeBytes = [long](Get-Item -LiteralPath $Path).Length; sha256 = $sha }
}
$partial = [long]-1
if (Test-Path -LiteralPath $PartialPath) { $partial = [long](Get-Item -LiteralPath $PartialPath).Length }
[ordered]@{ final = $final; partialBytes = $partial }
