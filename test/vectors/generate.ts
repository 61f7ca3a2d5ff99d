/**
 * Regenerates test/vectors/v2.json from fixed keys, randomness and configs. Run only when the protocol version
 * changes (`npx tsx test/vectors/generate.ts`); tests compare against the committed file, never regenerate it.
 * guest-key.pem is a test-only key committed on purpose.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSessionKeys } from '../../src/seal/crypto';
import { sealEnvelope } from '../../src/seal/envelope';
import type { GuestConfig } from '../../src/seal/guest-config';
import { formatStatus } from '../../src/seal/hello';
import { buildPayload } from '../../src/seal/payload';

const dir = 'test/vectors';
const fixedBytes = (label: string, n: number): Buffer => createHash('sha512').update(label).digest().subarray(0, n);

const configs: Record<string, GuestConfig> = {
  minimal: { hostname: 'web01' },
  full: {
    hostname: 'db-02',
    domain: 'corp.example.com',
    timezone: 'Europe/Berlin',
    nics: [
      { mac: '00:15:5D:01:02:03', ipv4_address: '192.0.2.10/24', ipv4_gateway: '192.0.2.1', dns_servers: ['192.0.2.53', '2001:db8::53'], search_domains: ['corp.example.com'], ipv6_address: '2001:db8::10/64', ipv6_gateway: 'fe80::1' },
      { mac: '00:15:5d:01:02:04', dhcp4: true },
    ],
    admin: { name: 'O_Brien', password: "it's-Secret1 $(Remove-Item C:\\) `\"; rm -rf / Пароль 🔑", ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHVlY3RvcmtleQ vector@test'] },
    ansible: { user: 'ansible', ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEFuc2libGU ansible@ctl'] },
    domain_join: { domain: 'corp.example.com', user: 'CORP\\joiner', password: 'J0in!"pw', ou: 'OU=Servers,DC=corp,DC=example,DC=com' },
    run_once: ['echo first', 'echo "second"'],
    user_data: '#cloud-config\npackages: [htop]\n',
  },
  large: { hostname: 'big', run_once: Array.from({ length: 8 }, (_, i) => `echo ${'x'.repeat(1500)} ${i}`) },
};

const privatePem = readFileSync(join(dir, 'guest-key.pem'), 'utf8');
const spki = createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'der' });
const vmId = '5c0ffee0-1234-4321-abcd-00155d010203';
const cases = Object.entries(configs).map(([name, config]) => {
  const attempt = fixedBytes(`attempt ${name}`, 16).toString('hex');
  const nonce = fixedBytes(`nonce ${name}`, 32).toString('hex');
  const fixed = { master: fixedBytes(`master ${name}`, 32), salt: fixedBytes(`salt ${name}`, 8), oaepSeed: fixedBytes(`seed ${name}`, 32) };
  const payload = buildPayload(config);
  const sealed = sealEnvelope({ payload, vmId, attempt, nonce, publicKey: spki, fixed });
  const keys = deriveSessionKeys(fixed.master, Buffer.from(nonce, 'hex'));
  return {
    name,
    config,
    vm_id: vmId,
    attempt,
    nonce,
    master_hex: fixed.master.toString('hex'),
    salt_hex: fixed.salt.toString('hex'),
    oaep_seed_hex: fixed.oaepSeed.toString('hex'),
    payload_base64: payload.toString('base64'),
    k_enc_hex: keys.enc.toString('hex'),
    k_mac_hex: keys.mac.toString('hex'),
    k_status_hex: keys.status.toString('hex'),
    envelope: sealed.envelope,
    status_applied: formatStatus(vmId, attempt, 'applied', '-', keys.status),
    status_failed: formatStatus(vmId, attempt, 'failed', 'apply_admin', keys.status),
  };
});
writeFileSync(join(dir, 'v2.json'), JSON.stringify({ protocol: 2, public_key_spki_base64: spki.toString('base64'), cases }, null, 2) + '\n');
console.log(`wrote ${cases.length} vectors`);
