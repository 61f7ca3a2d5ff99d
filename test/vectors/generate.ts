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
  };
});
writeFileSync(
  join(dir, 'v3.json'),
  `${JSON.stringify(
    {
      protocol: 3,
      guest_kex_spki_base64: spkiOf(kex.publicKey).toString('base64'),
      guest_sig_spki_base64: spkiOf(sig.publicKey).toString('base64'),
      keys: { guest_kex: 'v3-guest-kex.pem', guest_sig: 'v3-guest-sig.pem', host_ephemeral: 'v3-host-ephemeral.pem' },
      cases,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${cases.length} vectors`);
