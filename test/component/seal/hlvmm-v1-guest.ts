/**
 * A stand-in for HLVMM's v1 guest agents (v1.5.400: Linux/provisioning-service.sh and
 * Windows/ProvisioningService.ps1), written from what they do, driven on each host read:
 * - phase one waits for `waitingforpublickey`, then compares `hlvmm.meta.version` with the ISO's version file and
 *   stops silently on a mismatch;
 * - makes an RSA key (2048 bits in HLVMM) and publishes it (Linux: base64 PKCS#1 RSAPublicKey DER written with
 *   `openssl rsa -RSAPublicKey_out`; Windows: base64 `ExportCspBlob(false)`), then `waitingforaeskey`: the only
 *   state it ever writes;
 * - waits for `provisioningdatapublished`, unwraps the AES key with RSA PKCS#1 v1.5 (Linux: `openssl pkeyutl
 *   -decrypt -pkeyopt rsa_padding_mode:pkcs1`, here the same CLI) and requires 32 bytes;
 * - decrypts each `hlvmm.data.*` value (or its `._0`… chunks) as IV ‖ AES-256-CBC, checks SHA-256 over the
 *   non-blank values sorted by key and joined with `|` against the clear checksum. Linux retries once 30 s later,
 *   Windows exits; either way a failure is silent;
 * - applies: the hostname (Linux `hostnamectl set-hostname` at once; Windows `Rename-Computer`, effective after the
 *   restart), then reboots (Linux `reboot`, Windows `Restart-Computer -Force`). While it reboots its integration
 *   services report nothing; afterwards the intrinsic FQDN is the new name. It never reports an outcome.
 * The values the guest saw go through the trimming HLVMM's modules do with `xargs` (quotes make it fail: empty).
 */
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '../../../src/core/clock';
import { V1 } from '../../../src/seal/hlvmm-v1/wire';
import type { MemoryChannel } from '../../helpers/memory-guest';

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

export interface HlvmmV1GuestOptions {
  /** The version file on the guest's provisioning ISO. */
  readonly version: string;
  readonly flavour: 'linux' | 'windows';
  /** The image's name before provisioning, as its integration services report it. */
  readonly initialFqdn?: string;
  /** DNS suffix the guest appends to its FQDN once renamed (for example after a domain join). */
  readonly fqdnSuffix?: string;
  /** Key size; HLVMM's agents use 2048 (for testing the host's refusal of smaller keys). */
  readonly keyBits?: number;
  /** A module fails: the agent stops before renaming and rebooting, and says nothing. */
  readonly failApply?: boolean;
  /** Clock of the test, for the Linux agent's 30 s retry after a checksum mismatch. */
  readonly clock?: ManualClock;
}

type Phase = 'boot' | 'waiting' | 'retry' | 'rebooting' | 'phase_two' | 'stopped';

export class HlvmmV1Guest {
  phase: Phase = 'boot';
  data = new Map<string, string>();
  /** What the agent logged before stopping (its log file; nothing reaches the host). */
  log: string[] = [];
  private readonly keys;
  private retryAt = 0;
  private aes: Buffer | undefined;
  private rebootReads = 0;
  constructor(
    private readonly channel: MemoryChannel,
    private readonly options: HlvmmV1GuestOptions,
  ) {
    this.keys = generateKeyPairSync('rsa', { modulusLength: options.keyBits ?? 2048 });
    channel.intrinsic.set(
      'FullyQualifiedDomainName',
      options.initialFqdn ?? (options.flavour === 'linux' ? 'localhost.localdomain' : 'WIN-7Q2K1M3N4P5'),
    );
    channel.intrinsic.set('OSName', options.flavour === 'linux' ? 'Linux' : 'Windows Server 2022 Datacenter');
    channel.onRead = () => this.step();
  }

  private stop(why: string): void {
    this.log.push(why);
    this.phase = 'stopped';
  }

  step(): void {
    const host = this.channel.host;
    const now = this.options.clock?.now() ?? 0;
    switch (this.phase) {
      case 'boot': {
        if (host.get(V1.hostState) !== 'waitingforpublickey') return;
        if ((host.get(V1.version) ?? '').trim() !== this.options.version) {
          this.stop('version mismatch');
          return;
        }
        const pub =
          this.options.flavour === 'linux'
            ? this.keys.publicKey.export({ type: 'pkcs1', format: 'der' })
            : capiPublicKeyBlob(this.keys.publicKey);
        this.channel.guest.set(V1.publicKey, pub.toString('base64'));
        this.channel.guest.set(V1.guestState, 'waitingforaeskey');
        this.phase = 'waiting';
        return;
      }
      case 'waiting': {
        if (host.get(V1.hostState) !== 'provisioningdatapublished') return;
        this.aes = this.unwrap(host.get(V1.sharedKey));
        if (!this.aes) {
          this.stop('cannot decrypt the AES key');
          return;
        }
        if (this.readAndVerify()) {
          this.apply();
          return;
        }
        if (this.options.flavour === 'windows') {
          this.stop('Checksum mismatch. Terminating program.');
          return;
        }
        this.retryAt = now + 30_000;
        this.phase = 'retry';
        return;
      }
      case 'retry':
        if (now < this.retryAt) return;
        if (this.readAndVerify()) {
          this.apply();
          return;
        }
        this.stop('FATAL: Checksum verification failed after retry. Aborting provisioning.');
        return;
      case 'rebooting':
        // Integration services are down for a few host reads, then report the name the guest now has.
        if (++this.rebootReads < 3) return;
        this.channel.intrinsic.set('FullyQualifiedDomainName', this.fqdn());
        this.channel.intrinsic.set(
          'OSName',
          this.options.flavour === 'linux' ? 'Linux' : 'Windows Server 2022 Datacenter',
        );
        this.phase = 'phase_two';
        return;
      default:
    }
  }

  private fqdn(): string {
    const name = this.data.get('hlvmm.data.guest_host_name')!;
    return this.options.fqdnSuffix ? `${name}.${this.options.fqdnSuffix}` : name;
  }

  private unwrap(b64: string | undefined): Buffer | undefined {
    if (!b64) return undefined;
    const dir = mkdtempSync(join(tmpdir(), 'hlvmm-v1-'));
    try {
      writeFileSync(join(dir, 'k.pem'), this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const aes = execFileSync(
        'openssl',
        ['pkeyutl', '-decrypt', '-inkey', join(dir, 'k.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1'],
        { input: Buffer.from(b64, 'base64') },
      );
      return aes.length === 32 ? aes : undefined;
    } catch {
      return undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Decrypts every data key it finds now, then checks the clear checksum. */
  private readAndVerify(): boolean {
    const host = this.channel.host;
    const decrypt = (b64: string): string => {
      const raw = Buffer.from(b64, 'base64');
      const d = createDecipheriv('aes-256-cbc', this.aes!, raw.subarray(0, 16));
      return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString('utf8');
    };
    this.data.clear();
    const names = new Set(
      [...host.keys()].filter((k) => k.startsWith(V1.dataPrefix)).map((k) => k.replace(/\._\d+$/, '')),
    );
    for (const name of names) {
      let value = '';
      try {
        if (host.has(name)) value = decrypt(host.get(name)!);
        else for (let i = 0; i < 30 && host.has(`${name}._${i}`); i++) value += decrypt(host.get(`${name}._${i}`)!);
      } catch {
        value = '';
      }
      this.data.set(name, value);
    }
    const sorted = [...this.data.keys()].filter((k) => this.data.get(k)!.trim() !== '').sort();
    const sum = createHash('sha256')
      .update(sorted.map((k) => this.data.get(k)).join('|'))
      .digest('base64');
    return sum === host.get(V1.checksum);
  }

  private apply(): void {
    for (const [k, v] of this.data) this.data.set(k, xargsTrim(v));
    if (this.options.failApply) {
      this.stop('a module failed');
      return;
    }
    const name = this.data.get('hlvmm.data.guest_host_name');
    if (name && this.options.flavour === 'linux') this.channel.intrinsic.set('FullyQualifiedDomainName', this.fqdn());
    // reboot / Restart-Computer -Force: the integration services go away until the guest is back.
    this.channel.intrinsic.clear();
    this.rebootReads = 0;
    this.phase = 'rebooting';
  }
}
