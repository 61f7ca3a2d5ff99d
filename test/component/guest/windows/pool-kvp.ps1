# Test transport for the Windows agent: the seam functions of agent-kvp.ps1 backed by KVP pool files (the
# 2,560-byte records hv_kvp_daemon uses, which the Node host's poolFileChannel reads and writes) in
# $script:KvpDir, and the agent's flags in a hashtable. Lets the real Node host and the agent talk.
Set-StrictMode -Version Latest
$script:AgentFlags = @{}

function Read-PoolFile([string]$Path) {
    $items = [ordered]@{}
    if (-not (Test-Path -LiteralPath $Path)) { return $items }
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    for ($off = 0; $off + 2560 -le $bytes.Length; $off += 2560) {
        $k = [System.Text.Encoding]::UTF8.GetString($bytes, $off, 512).TrimEnd([char]0)
        $v = [System.Text.Encoding]::UTF8.GetString($bytes, $off + 512, 2048).TrimEnd([char]0)
        if (-not $items.Contains($k)) { $items[$k] = $v }
    }
    return $items
}

function Write-PoolFile([string]$Path, $Items) {
    $out = New-Object System.IO.MemoryStream
    foreach ($k in $Items.Keys) {
        $rec = New-Object byte[] 2560
        $kb = [System.Text.Encoding]::UTF8.GetBytes([string]$k); $vb = [System.Text.Encoding]::UTF8.GetBytes([string]$Items[$k])
        [Array]::Copy($kb, 0, $rec, 0, $kb.Length); [Array]::Copy($vb, 0, $rec, 512, $vb.Length)
        $out.Write($rec, 0, 2560)
    }
    # Rewritten whole, in place, as the daemon and the Node host do.
    $fs = [System.IO.File]::Open($Path, [System.IO.FileMode]::OpenOrCreate, [System.IO.FileAccess]::Write)
    try { $data = $out.ToArray(); $fs.Write($data, 0, $data.Length); $fs.SetLength($data.Length) } finally { $fs.Dispose() }
}

function ConvertTo-Hashtable($Ordered) { $h = @{}; foreach ($k in $Ordered.Keys) { $h[$k] = $Ordered[$k] }; return $h }
function Read-HostItems { return ConvertTo-Hashtable (Read-PoolFile (Join-Path $script:KvpDir '.kvp_pool_0')) }
function Read-HostFacts { return ConvertTo-Hashtable (Read-PoolFile (Join-Path $script:KvpDir '.kvp_pool_3')) }
function Write-GuestItem([string]$Name, [string]$Value) {
    $p = Join-Path $script:KvpDir '.kvp_pool_1'; $items = Read-PoolFile $p; $items[$Name] = $Value; Write-PoolFile $p $items
}
function Remove-GuestItem([string]$Name) {
    $p = Join-Path $script:KvpDir '.kvp_pool_1'; $items = Read-PoolFile $p
    if ($items.Contains($Name)) { $items.Remove($Name); Write-PoolFile $p $items }
}
function Test-AgentFlag([string]$Name) { return $script:AgentFlags.ContainsKey($Name) }
function Set-AgentFlag([string]$Name) { $script:AgentFlags[$Name] = 1 }
function Clear-AgentFlag([string]$Name) { $script:AgentFlags.Remove($Name) }
