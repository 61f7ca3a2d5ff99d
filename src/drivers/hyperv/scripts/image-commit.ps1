# Verifies an uploaded partial file against the expected SHA256 and moves it into place; a mismatch deletes it.
param(
    [Parameter(Mandatory = $true)][string]$PartialPath,
    [Parameter(Mandatory = $true)][string]$Path,
    [Parameter(Mandatory = $true)][string]$Sha256
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$actual = (Get-FileHash -LiteralPath $PartialPath -Algorithm SHA256).Hash.ToLowerInvariant()
if ($actual -ne $Sha256.ToLowerInvariant()) {
    Remove-Item -LiteralPath $PartialPath -Force
    Stop-Vs -Reason 'checksum_mismatch' -Message ('uploaded file has SHA256 {0}, expected {1}; removed it' -f $actual, $Sha256)
}
Move-Item -LiteralPath $PartialPath -Destination $Path -Force
Set-Content -LiteralPath ($Path + '.sha256') -Value $actual -Encoding Ascii
[ordered]@{ sizeBytes = [long](Get-Item -LiteralPath $Path).Length; sha256 = $actual }
