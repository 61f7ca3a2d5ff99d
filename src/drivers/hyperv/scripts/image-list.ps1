# Lists the library's images; hashes are read from the .sha256 file written at publish time.
param(
    [Parameter(Mandatory = $true)][string]$Folder
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$images = @()
if (Test-Path -LiteralPath $Folder) {
    $images = @(Get-ChildItem -LiteralPath $Folder -File | Where-Object { $_.Extension -in @('.vhdx', '.vhd') } | ForEach-Object {
        $sidecar = $_.FullName + '.sha256'
        $sha = ''
        if (Test-Path -LiteralPath $sidecar) { $sha = ([string](Get-Content -LiteralPath $sidecar -TotalCount 1)).Trim() }
        [ordered]@{ file = [string]$_.Name; path = [string]$_.FullName; sizeBytes = [long]$_.Length; sha256 = $sha }
    })
}
[ordered]@{ images = $images }
