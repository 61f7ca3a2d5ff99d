# virtseal sealed exchange v2: crypto for the Windows guest agent (docs/protocol.md). Dot-sourced by
# virtseal-agent.ps1. Windows PowerShell 5.1 on .NET Framework 4.7.2+ only: RSACng (OAEP-SHA256), HMACSHA256,
# AES-CBC. No value is ever spliced into program text; keys stay in memory (CNG ephemeral key, byte arrays).
Set-StrictMode -Version Latest

$script:SealMagic = 'virtseal-envelope 2'
$script:PayloadMagic = 'virtseal-payload 2'
$script:SealAlgorithm = 'RSA-OAEP-SHA256/HKDF-SHA256/AES-256-CBC-PBKDF2/HMAC-SHA256'
$script:InfoEnc = 'virtseal/2 enc'
$script:InfoMac = 'virtseal/2 mac'
$script:InfoStatus = 'virtseal/2 status'
$script:Pbkdf2Iterations = 1
# SubjectPublicKeyInfo of an RSA-3072 key with e = 65537 is this prefix, the 384-byte modulus, this suffix.
$script:Spki3072Prefix = '308201a2300d06092a864886f70d01010105000382018f003082018a0282018100'
$script:Spki3072Suffix = '0203010001'

function ConvertFrom-Hex([string]$Hex) {
    $bytes = New-Object byte[] ($Hex.Length / 2)
    for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [Convert]::ToByte($Hex.Substring($i * 2, 2), 16) }
    return ,$bytes
}

function ConvertTo-Hex([byte[]]$Bytes) {
    return ([BitConverter]::ToString($Bytes) -replace '-', '').ToLowerInvariant()
}

function Join-Bytes([object[]]$Parts) {
    $stream = New-Object System.IO.MemoryStream
    foreach ($p in $Parts) { $stream.Write($p, 0, $p.Length) }
    return ,$stream.ToArray()
}

function Get-HmacSha256([byte[]]$Key, [byte[]]$Data) {
    $h = New-Object System.Security.Cryptography.HMACSHA256 -ArgumentList (,$Key)
    try { return ,$h.ComputeHash($Data) } finally { $h.Dispose() }
}

function Test-BytesEqual([byte[]]$A, [byte[]]$B) {
    if ($A.Length -ne $B.Length) { return $false }
    $diff = 0
    for ($i = 0; $i -lt $A.Length; $i++) { $diff = $diff -bor ($A[$i] -bxor $B[$i]) }
    return ($diff -eq 0)
}

function New-SealKeyPair {
    # An ephemeral CNG key: it lives in this process only and is never written to disk.
    $rsa = New-Object System.Security.Cryptography.RSACng -ArgumentList 3072
    $p = $rsa.ExportParameters($false)
    if ((ConvertTo-Hex $p.Exponent) -ne '010001') { throw 'unexpected RSA exponent' }
    $spki = Join-Bytes @((ConvertFrom-Hex $script:Spki3072Prefix), $p.Modulus, (ConvertFrom-Hex $script:Spki3072Suffix))
    return @{ Rsa = $rsa; Spki = $spki }
}

function Get-SessionKeys([byte[]]$Master, [byte[]]$Nonce) {
    $prk = Get-HmacSha256 -Key $Nonce -Data $Master
    $one = [byte[]]@(1)
    $utf8 = [System.Text.Encoding]::UTF8
    return @{
        Enc    = Get-HmacSha256 -Key $prk -Data (Join-Bytes @($utf8.GetBytes($script:InfoEnc), $one))
        Mac    = Get-HmacSha256 -Key $prk -Data (Join-Bytes @($utf8.GetBytes($script:InfoMac), $one))
        Status = Get-HmacSha256 -Key $prk -Data (Join-Bytes @($utf8.GetBytes($script:InfoStatus), $one))
    }
}

function Unprotect-SealData([byte[]]$EncKey, [byte[]]$Container) {
    # The `openssl enc -pbkdf2 -iter 1 -md sha256` container: "Salted__" || salt(8) || AES-256-CBC.
    if ($Container.Length -lt 32 -or [System.Text.Encoding]::ASCII.GetString($Container, 0, 8) -ne 'Salted__') { throw 'malformed container' }
    $salt = New-Object byte[] 8
    [Array]::Copy($Container, 8, $salt, 0, 8)
    $password = [System.Text.Encoding]::ASCII.GetBytes((ConvertTo-Hex $EncKey))
    # PBKDF2-HMAC-SHA256 with one iteration: block i is HMAC(password, salt || INT32BE(i)).
    $t1 = Get-HmacSha256 -Key $password -Data (Join-Bytes @($salt, [byte[]]@(0, 0, 0, 1)))
    $t2 = Get-HmacSha256 -Key $password -Data (Join-Bytes @($salt, [byte[]]@(0, 0, 0, 2)))
    $iv = New-Object byte[] 16
    [Array]::Copy($t2, 0, $iv, 0, 16)
    $aes = [System.Security.Cryptography.Aes]::Create()
    try {
        $aes.Mode = [System.Security.Cryptography.CipherMode]::CBC
        $aes.Padding = [System.Security.Cryptography.PaddingMode]::PKCS7
        $aes.Key = $t1
        $aes.IV = $iv
        $dec = $aes.CreateDecryptor()
        return ,$dec.TransformFinalBlock($Container, 16, $Container.Length - 16)
    } finally { $aes.Dispose() }
}

function Open-SealEnvelope {
    # Returns @{ Ok; Reason; Payload; Keys }. Same checks, in the same order, as the Linux agent.
    param([string]$Envelope, $Rsa, [string]$VmId, [string]$Attempt, [string]$Nonce)
    $fail = { param($r) return @{ Ok = $false; Reason = $r } }
    if (-not $Envelope.EndsWith("`n")) { return & $fail 'envelope_format' }
    $lines = $Envelope.Substring(0, $Envelope.Length - 1).Split("`n")
    if ($lines.Length -ne 8) { return & $fail 'envelope_format' }
    if ($lines[0] -cne $script:SealMagic) {
        if ($lines[0].StartsWith('virtseal-envelope ')) { return & $fail 'envelope_version' }
        return & $fail 'envelope_format'
    }
    $patterns = @('^vm [0-9a-f-]{1,64}$', '^attempt [0-9a-f]{32}$', '^nonce [0-9a-f]{64}$', '^alg \S+$',
        '^key [A-Za-z0-9+/]+={0,2}$', '^data [A-Za-z0-9+/]+={0,2}$', '^mac [0-9a-f]{64}$')
    for ($i = 0; $i -lt 7; $i++) { if ($lines[$i + 1] -cnotmatch $patterns[$i]) { return & $fail 'envelope_format' } }
    $field = { param($i) return $lines[$i].Substring($lines[$i].IndexOf(' ') + 1) }
    if ((& $field 4) -cne $script:SealAlgorithm) { return & $fail 'envelope_algorithm' }
    if ((& $field 1) -cne $VmId) { return & $fail 'envelope_vm_id' }
    if ((& $field 2) -cne $Attempt) { return & $fail 'envelope_attempt' }
    if ((& $field 3) -cne $Nonce) { return & $fail 'envelope_nonce' }
    try {
        $master = $Rsa.Decrypt([Convert]::FromBase64String((& $field 5)), [System.Security.Cryptography.RSAEncryptionPadding]::OaepSHA256)
    } catch { return & $fail 'envelope_key_unwrap' }
    if ($master.Length -ne 32) { return & $fail 'envelope_key_unwrap' }
    $keys = Get-SessionKeys -Master $master -Nonce (ConvertFrom-Hex $Nonce)
    [Array]::Clear($master, 0, $master.Length)
    $body = [System.Text.Encoding]::ASCII.GetBytes(($lines[0..6] -join "`n") + "`n")
    if (-not (Test-BytesEqual (Get-HmacSha256 -Key $keys.Mac -Data $body) (ConvertFrom-Hex (& $field 7)))) { return & $fail 'envelope_mac' }
    try { $payload = Unprotect-SealData -EncKey $keys.Enc -Container ([Convert]::FromBase64String((& $field 6))) }
    catch { return & $fail 'envelope_decrypt' }
    return @{ Ok = $true; Reason = '-'; Payload = $payload; SessionKeys = $keys }
}

function ConvertFrom-SealPayload([byte[]]$Payload) {
    # Canonical payload: first line magic, then "<key> <base64(UTF-8 value)>" lines; returns a hashtable.
    $text = [System.Text.Encoding]::UTF8.GetString($Payload)
    $lines = $text.TrimEnd("`n").Split("`n")
    if ($lines[0] -cne $script:PayloadMagic) { throw 'payload_format' }
    $map = @{}
    foreach ($line in ($lines | Select-Object -Skip 1)) {
        $at = $line.IndexOf(' ')
        if ($at -lt 1) { throw 'payload_format' }
        $map[$line.Substring(0, $at)] = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($line.Substring($at + 1)))
    }
    return $map
}

function Get-StatusMac([byte[]]$StatusKey, [string]$VmId, [string]$Attempt, [string]$State, [string]$Reason) {
    $text = "virtseal/2 status`n$VmId`n$Attempt`n$State`n$Reason`n"
    return ConvertTo-Hex (Get-HmacSha256 -Key $StatusKey -Data ([System.Text.Encoding]::UTF8.GetBytes($text)))
}
