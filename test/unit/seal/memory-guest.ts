/**
 * Test helpers: an in-memory GuestChannel that records every call, and a guest written in TypeScript that follows
 * docs/protocol.md (hello, wait for manifest + chunks, open, report), driven on each host read.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { GuestChannel } from '../../../src/drivers/types';
import { assembleEnvelope, parseManifest } from '../../../src/seal/chunking';
import { HELLO_KEY, MANIFEST_KEY, STATUS_KEY } from '../../../src/seal/constants';
import { openEnvelope } from '../../../src/seal/envelope';
import { formatHello, formatStatus } from '../../../src/seal/hello';
import { decodePayload } from '../../../src/seal/payload';

let sharedKeys: { publicKey: KeyObject; privateKey: KeyObject } | undefined;
/** One RSA-3072 pair reused across tests (generation is slow); real guests make one per attempt. */
export function testKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  sharedKeys ??= generateKeyPairSync('rsa', { modulusLength: 3072 });
  return sharedKeys;
}

export class MemoryChannel implements GuestChannel {
  readonly host = new Map<string, string>();
  readonly guest = new Map<string, string>();
  /** Pool 2, what the guest's integration services report (FullyQualifiedDomainName, ...). */
  readonly intrinsic = new Map<string, string>();
  readonly writeBatches: number[] = [];
  readonly removeBatches: number[] = [];
  onRead: () => void = () => undefined;
  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    this.onRead();
    return new Map(this.guest);
  }
  async readIntrinsicItems(): Promise<ReadonlyMap<string, string>> {
    this.onRead();
    return new Map(this.intrinsic);
  }
  async writeHostItems(items: readonly (readonly [string, string])[]): Promise<void> {
    if (items.length > 128) throw new Error('more than 128 items in one call');
    this.writeBatches.push(items.length);
    for (const [k, v] of items) this.host.set(k, v);
  }
  async removeHostItems(keys: readonly string[]): Promise<void> {
    if (keys.length > 128) throw new Error('more than 128 items in one call');
    this.removeBatches.push(keys.length);
    for (const k of keys) this.host.delete(k);
  }
  async listHostItems(): Promise<readonly string[]> {
    return [...this.host.keys()];
  }
}

export interface TsGuestOptions {
  readonly vmId: string;
  /** What the guest reports after opening: default applied. */
  readonly outcome?: 'applied' | 'failed' | 'silent' | 'applied-unauthenticated';
  readonly reason?: string;
}

/** A protocol-v2 guest over a MemoryChannel. `restart()` begins a new attempt (as after a reboot). */
export class TsGuest {
  attempt = '';
  nonce = '';
  payload: Map<string, string> | undefined;
  rejections: string[] = [];
  constructor(private readonly channel: MemoryChannel, private readonly options: TsGuestOptions) {
    channel.onRead = () => this.step();
    this.restart();
  }
  restart(): void {
    this.attempt = randomBytes(16).toString('hex');
    this.nonce = randomBytes(32).toString('hex');
    this.payload = undefined;
    this.channel.guest.delete(STATUS_KEY);
    this.channel.guest.set(HELLO_KEY, formatHello({ versions: [2], vmId: this.options.vmId, attempt: this.attempt, nonce: this.nonce, publicKey: testKeyPair().publicKey.export({ type: 'spki', format: 'der' }) }));
  }
  step(): void {
    if (this.payload) return;
    const manifestText = this.channel.host.get(MANIFEST_KEY);
    if (!manifestText) return;
    const manifest = parseManifest(manifestText);
    if (manifest.attempt !== this.attempt) return;
    const text = assembleEnvelope(this.channel.host, manifest);
    if (text === undefined) return;
    try {
      const opened = openEnvelope(text, testKeyPair().privateKey, { vmId: this.options.vmId, attempt: this.attempt, nonce: this.nonce });
      this.payload = decodePayload(opened.payload);
      const outcome = this.options.outcome ?? 'applied';
      if (outcome === 'silent') return;
      const state = outcome === 'failed' ? 'failed' : 'applied';
      const key = outcome === 'applied-unauthenticated' ? undefined : opened.keys.status;
      this.channel.guest.set(STATUS_KEY, formatStatus(this.options.vmId, this.attempt, state, this.options.reason ?? '-', key));
    } catch (e) {
      this.rejections.push((e as Error).message);
    }
  }
}
