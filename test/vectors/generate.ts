/**
 * Regenerates test/vectors/v3.json from fixed keys, randomness and configs. Run only when the protocol version
 * changes (`npx tsx test/vectors/generate.ts`); tests compare against the committed file, never regenerate it.
 * The v3-*.pem keys are test-only keys committed on purpose (a real guest and host make fresh ones per attempt).
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSessionKeys, ecdh, spkiOf, transcriptHash } from '../../src/seal/crypto';
import { sealEnvelope } from '../../src/seal/envelope';
import type { GuestConfig } from '../../src/seal/guest-config';
import { formatAppliedRecord, formatHello, formatStatus } from '../../src/seal/hello';
import { sealedPayload } from '../../src/seal/payload';
import { senderSignedText, signEnvelope } from '../../src/seal/sender';

const dir = 'test/vectors';
const fixedBytes = (label: string, n: number): Buffer => createHash('sha512').update(label).digest().subarray(0, n);

const configs: Record<string, GuestConfig> = {
  minimal: { hostname: 'web01' },
  full: {
    hostname: 'db-02',
    domain: 'corp.example.com',
    timezone: 'Europe/Berlin',
    nics: [
      {
        mac: '00:15:5D:01:02:03',
        ipv4_address: '192.0.2.10/24',
        ipv4_gateway: '192.0.2.1',
        dns_servers: ['192.0.2.53', '2001:db8::53'],
        search_domains: ['corp.example.com'],
        ipv6_address: '2001:db8::10/64',
        ipv6_gateway: 'fe80::1',
      },
      { mac: '00:15:5d:01:02:04', dhcp4: true },
    ],
    admin: {
      name: 'O_Brien',
      password: 'it\'s-Secret1 $(Remove-Item C:\\) `"; rm -rf / Пароль 🔑',
      ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVlY3RvcmtleQ vector@test'],
    },
    ansible: { user: 'ansible', ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEFuc2libGU ansible@ctl'] },
    domain_join: {
      domain: 'corp.example.com',
      user: 'CORP\\joiner',
      password: 'J0in!"pw',
      ou: 'OU=Servers,DC=corp,DC=example,DC=com',
    },
    run_once: ['echo first', 'echo "second"'],
    user_data: '#cloud-config\npackages: [htop]\n',
  },
  large: { hostname: 'big', run_once: Array.from({ length: 8 }, (_, i) => `echo ${'x'.repeat(1500)} ${i}`) },
};

const key = (name: string) => {
  const privateKey = createPrivateKey(readFileSync(join(dir, `v3-${name}.pem`), 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
};
const kex = key('guest-kex');
const sig = key('guest-sig');
const ephemeral = key('host-ephemeral');
const sender = key('sender');

/**
 * The sender signature of a case (docs/protocol.md §4a): the `virtseal.signature` item and the SHA-256 of the exact
 * text it signs. ECDSA is randomized, so a signature is recorded once and every implementation verifies it.
 */
function senderVector(c: { attempt: string; hello: string; envelope: string }): {
  sender_signature: string;
  sender_signed_sha256_hex: string;
} {
  return {
    sender_signature: `${c.attempt} ${signEnvelope(c.hello, c.envelope, sender.privateKey)}`,
    sender_signed_sha256_hex: createHash('sha256').update(senderSignedText(c.hello, c.envelope)).digest('hex'),
  };
}
const vmId = '5c0ffee0-1234-4321-abcd-00155d010203';
const cases = Object.entries(configs).map(([name, config]) => {
  const attempt = fixedBytes(`attempt ${name}`, 16).toString('hex');
  const challenge = fixedBytes(`challenge ${name}`, 32).toString('hex');
  const salt = fixedBytes(`salt ${name}`, 8);
  const record = sealedPayload(config, vmId, fixedBytes(`record ${name}`, 16));
  const hello = formatHello(
    { versions: [3], vmId, attempt, challenge, kex: kex.publicKey, sig: sig.publicKey },
    sig.privateKey,
  );
  const sealed = sealEnvelope({
    payload: record.payload,
    vmId,
    attempt,
    challenge,
    hello,
    guestKey: kex.publicKey,
    fixed: { ephemeral, salt },
  });
  const epk = spkiOf(ephemeral.publicKey).toString('base64');
  const z = ecdh(ephemeral.privateKey, kex.publicKey);
  const th = transcriptHash(hello, epk);
  const keys = deriveSessionKeys(z, th);
  return {
    name,
    config,
    vm_id: vmId,
    attempt,
    challenge,
    hello,
    epk_spki_base64: epk,
    z_hex: z.toString('hex'),
    transcript_hash_hex: th.toString('hex'),
    salt_hex: salt.toString('hex'),
    record_salt_hex: record.salt,
    record_digest_hex: record.digest,
    payload_base64: record.payload.toString('base64'),
    k_enc_hex: keys.enc.toString('hex'),
    k_mac_hex: keys.mac.toString('hex'),
    k_status_hex: keys.status.toString('hex'),
    envelope: sealed.envelope,
    status_applied: formatStatus(vmId, attempt, 'applied', '-', keys.status),
    status_failed: formatStatus(vmId, attempt, 'failed', 'apply_admin', keys.status),
    applied_record: formatAppliedRecord({ vmId, attempt, salt: record.salt, digest: record.digest }, keys.status),
    ...senderVector({ attempt, hello, envelope: sealed.envelope }),
  };
});
if (process.argv.includes('--sender-only')) {
  // Adds the sender signatures to the committed cases without re-signing their hellos (which would change them all).
  const committed = JSON.parse(readFileSync(join(dir, 'v3.json'), 'utf8'));
  committed.sender_spki_base64 = spkiOf(sender.publicKey).toString('base64');
  committed.keys.sender = 'v3-sender.pem';
  committed.keys.sender_public = 'v3-sender.pub.pem';
  committed.cases = committed.cases.map((c: { attempt: string; hello: string; envelope: string }) => ({
    ...c,
    ...senderVector(c),
  }));
  writeFileSync(join(dir, 'v3.json'), `${JSON.stringify(committed, null, 2)}\n`);
  console.log(`added sender signatures to ${committed.cases.length} vectors`);
  process.exit(0);
}
writeFileSync(
  join(dir, 'v3.json'),
  `${JSON.stringify(
    {
      protocol: 3,
      guest_kex_spki_base64: spkiOf(kex.publicKey).toString('base64'),
      guest_sig_spki_base64: spkiOf(sig.publicKey).toString('base64'),
      sender_spki_base64: spkiOf(sender.publicKey).toString('base64'),
      keys: {
        guest_kex: 'v3-guest-kex.pem',
        guest_sig: 'v3-guest-sig.pem',
        host_ephemeral: 'v3-host-ephemeral.pem',
        sender: 'v3-sender.pem',
        sender_public: 'v3-sender.pub.pem',
      },
      cases,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${cases.length} vectors`);
