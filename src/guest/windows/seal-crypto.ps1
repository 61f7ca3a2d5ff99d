# virtseal sealed exchange v3: crypto for the Windows guest agent (docs/protocol.md). Dot-sourced by
# virtseal-agent.ps1. No value is ever spliced into program text; keys stay in memory (ephemeral keys, byte arrays).
#
# One seam picks the classes: on Windows PowerShell 5.1 (.NET Framework) the CNG classes ECDiffieHellmanCng
# (KeyDerivationFunction Hash: SHA-256 over SecretPrepend, the shared secret and SecretAppend, via DeriveKeyMaterial
# and a CNG ECC public blob for the peer) and ECDsaCng; on PowerShell 7 the portable ECDiffieHellman.Create /
# ECDsa.Create (DeriveKeyFromHash computes the same SHA-256). Everything else is shared.
Set-StrictMode -Version Latest

$script:SealMagic = 'virtseal-envelope 3'
$script:PayloadMagic = 'virtseal-payload 3'
$script:SealAlgorithm = 'ECDH-P256/SHA256-KDF/AES-256-CBC-PBKDF2/HMAC-SHA256'
$script:HelloLabel = 'virtseal/3 hello'
$script:TranscriptLabel = 'virtseal/3 transcript'
$script:InfoEnc = 'virtseal/3 enc'
$script:InfoMac = 'virtseal/3 mac'
$script:InfoStatus = 'virtseal/3 status'
$script:InfoApplied = 'virtseal/3 applied'
$script:SenderLabel = 'virtseal/3 sender'
$script:Pbkdf2Iterations = 1
# SubjectPublicKeyInfo of a P-256 key (id-ecPublicKey, prime256v1) is this prefix, then 04 || X || Y.
$script:SpkiP256Prefix = '3059301306072a8648ce3d020106082a8648ce3d030107034200'
# CNG ECC public blob magics (bcrypt.h): BCRYPT_ECDH_PUBLIC_P256_MAGIC, BCRYPT_ECDSA_PUBLIC_P256_MAGIC.
$script:EcdhPublicP256Magic = 0x314B4345
$script:EcdsaPublicP256Magic = 0x31534345

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

function Get-Sha256([byte[]]$Data) {
    $h = [System.Security.Cryptography.SHA256]::Create()
    try { return ,$h.ComputeHash($Data) } finally { $h.Dispose() }
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

function Get-Utf8Bytes([string]$Text) { return ,([System.Text.Encoding]::UTF8.GetBytes($Text)) }

# ---------------------------------------------------------------- key formats (shared by both seams)
function ConvertTo-SpkiP256([byte[]]$X, [byte[]]$Y) {
    if ($X.Length -ne 32 -or $Y.Length -ne 32) { throw 'not a P-256 point' }
    return ,(Join-Bytes @((ConvertFrom-Hex $script:SpkiP256Prefix), [byte[]]@(4), $X, $Y))
}

function ConvertFrom-SpkiP256([byte[]]$Spki) {
    # Returns @{ X; Y } or throws: only an uncompressed P-256 point in exactly this SPKI layout is accepted.
    $prefix = ConvertFrom-Hex $script:SpkiP256Prefix
    if ($Spki.Length -ne $prefix.Length + 65) { throw 'not a P-256 SubjectPublicKeyInfo' }
    for ($i = 0; $i -lt $prefix.Length; $i++) { if ($Spki[$i] -ne $prefix[$i]) { throw 'not a P-256 SubjectPublicKeyInfo' } }
    if ($Spki[$prefix.Length] -ne 4) { throw 'not an uncompressed point' }
    $x = New-Object byte[] 32; $y = New-Object byte[] 32
    [Array]::Copy($Spki, $prefix.Length + 1, $x, 0, 32)
    [Array]::Copy($Spki, $prefix.Length + 33, $y, 0, 32)
    return @{ X = $x; Y = $y }
}

function ConvertTo-CngEccPublicBlob([int]$Magic, [byte[]]$X, [byte[]]$Y) {
    # BCRYPT_ECCKEY_BLOB: ULONG magic, ULONG cbKey (little-endian), then X and Y.
    return ,(Join-Bytes @([BitConverter]::GetBytes([uint32]$Magic), [BitConverter]::GetBytes([uint32]32), $X, $Y))
}

function ConvertFrom-CngEccPublicBlob([byte[]]$Blob) {
    if ($Blob.Length -ne 72 -or [BitConverter]::ToUInt32($Blob, 4) -ne 32) { throw 'not a P-256 CNG public blob' }
    $x = New-Object byte[] 32; $y = New-Object byte[] 32
    [Array]::Copy($Blob, 8, $x, 0, 32)
    [Array]::Copy($Blob, 40, $y, 0, 32)
    return @{ X = $x; Y = $y }
}

function ConvertTo-DerInteger([byte[]]$Raw) {
    $start = 0
    while ($start -lt $Raw.Length - 1 -and $Raw[$start] -eq 0) { $start++ }
    $len = $Raw.Length - $start
    $pad = [int]($Raw[$start] -ge 0x80)
    $out = New-Object byte[] (2 + $pad + $len)
    $out[0] = 2; $out[1] = [byte]($pad + $len)
    [Array]::Copy($Raw, $start, $out, 2 + $pad, $len)
    return ,$out
}

function ConvertTo-DerEcdsaSignature([byte[]]$P1363) {
    # .NET signs as IEEE P1363 (r || s); openssl and the host verify the DER SEQUENCE { INTEGER r, INTEGER s }.
    $half = $P1363.Length / 2
    $r = New-Object byte[] $half; $s = New-Object byte[] $half
    [Array]::Copy($P1363, 0, $r, 0, $half)
    [Array]::Copy($P1363, $half, $s, 0, $half)
    $body = Join-Bytes @((ConvertTo-DerInteger $r), (ConvertTo-DerInteger $s))
    return ,(Join-Bytes @([byte[]]@(0x30, $body.Length), $body))
}

function ConvertFrom-DerEcdsaSignature([byte[]]$Der) {
    # DER SEQUENCE { INTEGER r, INTEGER s } (openssl, node) to the IEEE P1363 r || s (32 bytes each) .NET verifies.
    # Anything but a short-form P-256 signature throws.
    if ($Der.Length -lt 8 -or $Der[0] -ne 0x30 -or $Der[1] -ne $Der.Length - 2) { throw 'not a DER ECDSA signature' }
    $out = New-Object byte[] 64
    $at = 2
    for ($n = 0; $n -lt 2; $n++) {
        if ($at + 2 -gt $Der.Length -or $Der[$at] -ne 2) { throw 'not a DER ECDSA signature' }
        $len = $Der[$at + 1]; $at += 2
        if ($len -lt 1 -or $at + $len -gt $Der.Length) { throw 'not a DER ECDSA signature' }
        $start = $at; $count = $len
        while ($count -gt 32 -and $Der[$start] -eq 0) { $start++; $count-- }
        if ($count -gt 32) { throw 'not a P-256 signature' }
        [Array]::Copy($Der, $start, $out, 32 * $n + 32 - $count, $count)
        $at += $len
    }
    if ($at -ne $Der.Length) { throw 'not a DER ECDSA signature' }
    return ,$out
}

function ConvertFrom-PemSpki([string]$Pem) {
    # The pinned sender key: one PEM "PUBLIC KEY" block (SubjectPublicKeyInfo), returned as DER bytes.
    $m = [regex]::Match($Pem, '-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----')
    if (-not $m.Success) { throw 'not a PEM public key' }
    return ,([Convert]::FromBase64String(($m.Groups[1].Value -replace '\s', '')))
}

# ---------------------------------------------------------------- the crypto seam
function Get-SealCryptoFlavor([string]$Edition = $PSVersionTable.PSEdition) {
    # Windows PowerShell 5.1 runs on .NET Framework: CNG classes. PowerShell 7 (any OS): portable classes.
    if ($Edition -eq 'Desktop') { return 'Cng' }
    return 'Portable'
}

function Get-P256Curve {
    # NIST P-256 by its OID (the portable path only; .NET Framework 4.7+ and .NET).
    return [System.Security.Cryptography.ECCurve]::CreateFromValue('1.2.840.10045.3.1.7')
}

function New-SealAgreementKey {
    # An ephemeral P-256 key for ECDH: @{ Flavor; Key; Spki }. -Pkcs8 (test vectors only) imports a fixed key.
    param([string]$Flavor = (Get-SealCryptoFlavor), [byte[]]$Pkcs8)
    if ($Flavor -eq 'Cng') {
        if ($Pkcs8) { $k = New-Object System.Security.Cryptography.ECDiffieHellmanCng -ArgumentList ([System.Security.Cryptography.CngKey]::Import($Pkcs8, [System.Security.Cryptography.CngKeyBlobFormat]::Pkcs8PrivateBlob)) }
        else { $k = New-Object System.Security.Cryptography.ECDiffieHellmanCng -ArgumentList 256 }
        $pub = ConvertFrom-CngEccPublicBlob $k.PublicKey.ToByteArray()
    } else {
        $k = [System.Security.Cryptography.ECDiffieHellman]::Create((Get-P256Curve))
        if ($Pkcs8) { $read = 0; $k.ImportPkcs8PrivateKey($Pkcs8, [ref]$read) }
        $q = $k.ExportParameters($false).Q
        $pub = @{ X = $q.X; Y = $q.Y }
    }
    return @{ Flavor = $Flavor; Key = $k; Spki = (ConvertTo-SpkiP256 $pub.X $pub.Y) }
}

function Invoke-SealAgreement($Agreement, [byte[]]$PeerSpki, [byte[]]$Prepend, [byte[]]$Append) {
    # SHA-256(Prepend || Z || Append), Z the x coordinate of the shared point; never exposes Z itself.
    $p = ConvertFrom-SpkiP256 $PeerSpki
    $k = $Agreement.Key
    if ($Agreement.Flavor -eq 'Cng') {
        $peer = [System.Security.Cryptography.CngKey]::Import((ConvertTo-CngEccPublicBlob $script:EcdhPublicP256Magic $p.X $p.Y), [System.Security.Cryptography.CngKeyBlobFormat]::EccPublicBlob)
        try {
            $k.KeyDerivationFunction = [System.Security.Cryptography.ECDiffieHellmanKeyDerivationFunction]::Hash
            $k.HashAlgorithm = [System.Security.Cryptography.CngAlgorithm]::Sha256
            $k.SecretPrepend = $Prepend
            $k.SecretAppend = $Append
            return ,$k.DeriveKeyMaterial($peer)
        } finally { $peer.Dispose() }
    }
    $params = New-Object System.Security.Cryptography.ECParameters
    $params.Curve = (Get-P256Curve)
    $point = New-Object System.Security.Cryptography.ECPoint
    $point.X = $p.X
    $point.Y = $p.Y
    $params.Q = $point
    $peer = [System.Security.Cryptography.ECDiffieHellman]::Create($params)
    try { return ,$k.DeriveKeyFromHash($peer.PublicKey, [System.Security.Cryptography.HashAlgorithmName]::SHA256, $Prepend, $Append) }
    finally { $peer.Dispose() }
}

function New-SealSigningKey {
    # An ephemeral P-256 key that signs the hello: @{ Flavor; Key; Spki }.
    param([string]$Flavor = (Get-SealCryptoFlavor), [byte[]]$Pkcs8)
    if ($Flavor -eq 'Cng') {
        if ($Pkcs8) { $k = New-Object System.Security.Cryptography.ECDsaCng -ArgumentList ([System.Security.Cryptography.CngKey]::Import($Pkcs8, [System.Security.Cryptography.CngKeyBlobFormat]::Pkcs8PrivateBlob)) }
        else { $k = New-Object System.Security.Cryptography.ECDsaCng -ArgumentList 256 }
        $pub = ConvertFrom-CngEccPublicBlob $k.Key.Export([System.Security.Cryptography.CngKeyBlobFormat]::EccPublicBlob)
    } else {
        $k = [System.Security.Cryptography.ECDsa]::Create((Get-P256Curve))
        if ($Pkcs8) { $read = 0; $k.ImportPkcs8PrivateKey($Pkcs8, [ref]$read) }
        $q = $k.ExportParameters($false).Q
        $pub = @{ X = $q.X; Y = $q.Y }
    }
    return @{ Flavor = $Flavor; Key = $k; Spki = (ConvertTo-SpkiP256 $pub.X $pub.Y) }
}

function Invoke-SealSign($Signer, [byte[]]$Data) {
    # ECDSA P-256 with SHA-256 (ECDsa.SignData, .NET Framework 4.6.1+ and .NET), as DER.
    return ,(ConvertTo-DerEcdsaSignature $Signer.Key.SignData($Data, [System.Security.Cryptography.HashAlgorithmName]::SHA256))
}

function New-SealSenderVerifier {
    # The pinned sender key (P-256 SPKI) as a verifier: @{ Flavor; Key }. Throws when it is not a P-256 key.
    param([byte[]]$Spki, [string]$Flavor = (Get-SealCryptoFlavor))
    $p = ConvertFrom-SpkiP256 $Spki
    if ($Flavor -eq 'Cng') {
        $cng = [System.Security.Cryptography.CngKey]::Import((ConvertTo-CngEccPublicBlob $script:EcdsaPublicP256Magic $p.X $p.Y), [System.Security.Cryptography.CngKeyBlobFormat]::EccPublicBlob)
        $k = New-Object System.Security.Cryptography.ECDsaCng -ArgumentList $cng
    } else {
        $params = New-Object System.Security.Cryptography.ECParameters
        $params.Curve = (Get-P256Curve)
        $point = New-Object System.Security.Cryptography.ECPoint
        $point.X = $p.X
        $point.Y = $p.Y
        $params.Q = $point
        $k = [System.Security.Cryptography.ECDsa]::Create($params)
    }
    return @{ Flavor = $Flavor; Key = $k }
}

function Test-SealSenderSignature($Verifier, [byte[]]$Data, [byte[]]$DerSignature) {
    # ECDSA P-256 with SHA-256 (ECDsa.VerifyData, .NET Framework 4.6.1+ and .NET) over the signed text.
    try { $p1363 = ConvertFrom-DerEcdsaSignature $DerSignature } catch { return $false }
    return [bool]$Verifier.Key.VerifyData($Data, $p1363, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
}

# ---------------------------------------------------------------- protocol
function New-SealHello {
    # The hello value: "<versions> <vm-id> <attempt> <challenge> <kex-spki> <sig-spki> <signature>".
    param([string]$VmId, [string]$Attempt, [string]$Challenge, $Agreement, $Signer)
    $fields = '3 {0} {1} {2} {3} {4}' -f $VmId, $Attempt, $Challenge, [Convert]::ToBase64String($Agreement.Spki), [Convert]::ToBase64String($Signer.Spki)
    $signature = Invoke-SealSign $Signer (Get-Utf8Bytes ("$($script:HelloLabel)`n$fields`n"))
    return "$fields $([Convert]::ToBase64String($signature))"
}

function Get-SessionKeys($Agreement, [byte[]]$PeerSpki, [string]$Hello, [string]$EpkText) {
    # K = SHA-256(label LF || Z || TH), TH = SHA-256("virtseal/3 transcript" LF hello LF epk LF).
    $th = Get-Sha256 (Get-Utf8Bytes ("$($script:TranscriptLabel)`n$Hello`n$EpkText`n"))
    return @{
        Enc    = Invoke-SealAgreement $Agreement $PeerSpki (Get-Utf8Bytes "$($script:InfoEnc)`n") $th
        Mac    = Invoke-SealAgreement $Agreement $PeerSpki (Get-Utf8Bytes "$($script:InfoMac)`n") $th
        Status = Invoke-SealAgreement $Agreement $PeerSpki (Get-Utf8Bytes "$($script:InfoStatus)`n") $th
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
    # Returns @{ Ok; Reason; Payload; SessionKeys }. Same checks, in the same order, as the Linux agent.
    # $Hellos maps each challenge this attempt answered to the hello it published for it. With a pinned sender key
    # ($Sender, from New-SealSenderVerifier), $Signature is the virtseal.signature item and must verify (§4a).
    param([string]$Envelope, $Agreement, [string]$VmId, [string]$Attempt, [hashtable]$Hellos, $Sender, [string]$Signature)
    $fail = { param($r) return @{ Ok = $false; Reason = $r } }
    if (-not $Envelope.EndsWith("`n")) { return & $fail 'envelope_format' }
    $lines = $Envelope.Substring(0, $Envelope.Length - 1).Split("`n")
    if ($lines.Length -ne 8) { return & $fail 'envelope_format' }
    if ($lines[0] -cne $script:SealMagic) {
        if ($lines[0].StartsWith('virtseal-envelope ')) { return & $fail 'envelope_version' }
        return & $fail 'envelope_format'
    }
    $patterns = @('^vm [0-9a-f-]{1,64}$', '^attempt [0-9a-f]{32}$', '^challenge [0-9a-f]{64}$', '^alg \S+$',
        '^epk [A-Za-z0-9+/]+={0,2}$', '^data [A-Za-z0-9+/]+={0,2}$', '^mac [0-9a-f]{64}$')
    for ($i = 0; $i -lt 7; $i++) { if ($lines[$i + 1] -cnotmatch $patterns[$i]) { return & $fail 'envelope_format' } }
    $field = { param($i) return $lines[$i].Substring($lines[$i].IndexOf(' ') + 1) }
    if ((& $field 4) -cne $script:SealAlgorithm) { return & $fail 'envelope_algorithm' }
    if ((& $field 1) -cne $VmId) { return & $fail 'envelope_vm_id' }
    if ((& $field 2) -cne $Attempt) { return & $fail 'envelope_attempt' }
    $challenge = & $field 3
    if (-not $Hellos.ContainsKey($challenge)) { return & $fail 'envelope_challenge' }
    $epk = & $field 5
    $hello = [string]$Hellos[$challenge]
    if ($null -ne $Sender) {
        $prefix = "$Attempt "
        if (-not $Signature -or -not $Signature.StartsWith($prefix) -or $Signature.Substring($prefix.Length) -cnotmatch '^[A-Za-z0-9+/]+={0,2}$') { return & $fail 'envelope_signature' }
        $th = Get-Sha256 (Get-Utf8Bytes ("$($script:TranscriptLabel)`n$hello`n$epk`n"))
        $signed = Get-Utf8Bytes ("$($script:SenderLabel)`n$(ConvertTo-Hex $th)`n$Envelope")
        if (-not (Test-SealSenderSignature $Sender $signed ([Convert]::FromBase64String($Signature.Substring($prefix.Length))))) { return & $fail 'envelope_signature' }
    }
    try { $keys = Get-SessionKeys -Agreement $Agreement -PeerSpki ([Convert]::FromBase64String($epk)) -Hello $hello -EpkText $epk }
    catch { return & $fail 'envelope_key_agreement' }
    $body = [System.Text.Encoding]::ASCII.GetBytes(($lines[0..6] -join "`n") + "`n")
    if (-not (Test-BytesEqual (Get-HmacSha256 -Key $keys.Mac -Data $body) (ConvertFrom-Hex (& $field 7)))) { return & $fail 'envelope_mac' }
    try { $payload = Unprotect-SealData -EncKey $keys.Enc -Container ([Convert]::FromBase64String((& $field 6))) }
    catch { return & $fail 'envelope_decrypt' }
    [Array]::Clear($keys.Enc, 0, $keys.Enc.Length)
    return @{ Ok = $true; Reason = '-'; Payload = $payload; SessionKeys = $keys }
}

function ConvertFrom-SealPayload([byte[]]$Payload) {
    # Canonical payload: first line magic, then "<key> <base64(UTF-8 value)>" lines; returns a hashtable.
    $text = [System.Text.Encoding]::UTF8.GetString($Payload)
    if (-not $text.EndsWith("`n")) { throw 'payload_format' }
    $lines = $text.Substring(0, $text.Length - 1).Split("`n")
    if ($lines[0] -cne $script:PayloadMagic) { throw 'payload_format' }
    $map = @{}
    foreach ($line in ($lines | Select-Object -Skip 1)) {
        if ($line -cnotmatch '^[a-z0-9_]+(\.[a-z0-9_]+)* [A-Za-z0-9+/]+={0,2}$') { throw 'payload_format' }
        $at = $line.IndexOf(' ')
        $map[$line.Substring(0, $at)] = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($line.Substring($at + 1)))
    }
    return $map
}

function Get-StatusMac([byte[]]$StatusKey, [string]$VmId, [string]$Attempt, [string]$State, [string]$Reason) {
    $text = "virtseal/3 status`n$VmId`n$Attempt`n$State`n$Reason`n"
    return ConvertTo-Hex (Get-HmacSha256 -Key $StatusKey -Data (Get-Utf8Bytes $text))
}

function Get-AppliedRecord([byte[]]$StatusKey, [string]$VmId, [string]$Attempt, [string]$Salt, [string]$Digest) {
    # "<version> <vm-id> <attempt> <salt> <digest> <mac>": the record the host checks and later runs compare with.
    if ($Salt -cnotmatch '^[0-9a-f]{32}$' -or $Digest -cnotmatch '^[0-9a-f]{64}$') { throw 'payload_format' }
    $mac = ConvertTo-Hex (Get-HmacSha256 -Key $StatusKey -Data (Get-Utf8Bytes "$($script:InfoApplied)`n$VmId`n$Attempt`n$Salt`n$Digest`n"))
    return "3 $VmId $Attempt $Salt $Digest $mac"
}
