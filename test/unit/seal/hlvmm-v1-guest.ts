/**
 * A re-implementation of the HLVMM v1 guest steps (NOTES-KVP.md), for testing the hlvmm-v1 host side: waits
 * for `waitingforpublickey`, checks the version, publishes an RSA-2048 key (Linux: PKCS#1 DER; Windows: CAPI
 * PUBLICKEYBLOB), unwraps the AES key with the openssl CLI (PKCS#1 v1.5, as the Linux v1 agent does), joins
 * `._N` chunks, decrypts each value, applies xargs' quote handling, verifies the checksum, reports.
 */
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V1 } from '../../../src/seal/hlvmm-v1/wire';
import type { MemoryChannel } from './memory-guest';

export function capiPublicKeyBlob(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url');
  const e = Buffer.from(jwk.e!, 'base64url');
  const header = Buffer.alloc(20);
  header.writeUInt8(0x06, 0);
  header.writeUInt8(0x02, 1);
  header.writeUInt32LE(0x0000a400, 4);
  header.writeUInt32LE(0x31415352, 8);
  header.writeUInt32LE(n.length * 8, 12);
  header.writeUInt32LE(e.readUIntBE(0, e.length), 16);
  return Buffer.concat([header, Buffer.from(n).reverse()]);
}

/** What `xargs` does to a v1 value: unmatched or any quotes make it fail, so the setting reads as empty. */
const xargsTrim = (v: string): string => (/['"\\]/.test(v) ? '' : v.trim());

export class HlvmmV1Guest {
  phase: 'boot' | 'waiting' | 'done' = 'boot';
  data = new Map<string, string>();
  error = '';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  constructor(private readonly channel: MemoryChannel, private readonly options: { version: string; flavour: 'linux' | 'windows'; failApply?: boolean }) {
    channel.onRead = () => this.step();
  }
  private setState(state: string): void {
    this.channel.guest.set(V1.guestState, state);
  }
  step(): void {
    const host = this.channel.host;
    if (this.phase === 'boot' && host.get(V1.hostState) === 'waitingforpublickey') {
      if (host.get(V1.version) !== this.options.version) throw new Error('v1 guest: version mismatch');
      const pub = this.options.flavour === 'linux'
        ? this.keys.publicKey.export({ type: 'pkcs1', format: 'der' })
        : capiPublicKeyBlob(this.keys.publicKey);
      this.channel.guest.set(V1.publicKey, pub.toString('base64'));
      this.setState('waitingforaeskey');
      this.phase = 'waiting';
      return;
    }
    if (this.phase === 'waiting' && host.get(V1.hostState) === 'provisioningdatapublished') {
      const dir = mkdtempSync(join(tmpdir(), 'hlvmm-v1-'));
      try {
        writeFileSync(join(dir, 'k.pem'), this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
        const aes = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', join(dir, 'k.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1'],
          { input: Buffer.from(host.get(V1.sharedKey)!, 'base64') });
        const decrypt = (b64: string): string => {
          const raw = Buffer.from(b64, 'base64');
          const d = createDecipheriv('aes-256-cbc', aes, raw.subarray(0, 16));
          return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString('utf8');
        };
        const names = new Set([...host.keys()].filter((k) => k.startsWith(V1.dataPrefix)).map((k) => k.replace(/\._\d+$/, '')));
        for (const name of names) {
          let value = host.has(name) ? decrypt(host.get(name)!) : '';
          for (let i = 0; !host.has(name) && host.has(`${name}._${i}`); i++) value += decrypt(host.get(`${name}._${i}`)!);
          this.data.set(name, xargsTrim(value));
        }
        const sorted = [...this.data.keys()].sort();
        const sum = createHash('sha256').update(sorted.map((k) => this.data.get(k)).join('|')).digest('base64');
        if (sum !== host.get(V1.checksum) || this.options.failApply) {
          this.error = sum !== host.get(V1.checksum) ? 'checksum mismatch' : 'apply failed';
          this.channel.guest.set(V1.guestError, this.error);
          this.setState('provisioningfailed');
        } else this.setState('provisioningapplied');
        this.phase = 'done';
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
