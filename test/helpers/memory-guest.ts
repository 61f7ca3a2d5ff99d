/**
 * Test helpers: an in-memory GuestChannel that records every call, and a guest written in TypeScript that follows
 * docs/protocol.md (answer the challenge with a signed hello, wait for manifest + chunks, open, record, report),
 * driven on each host read.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { ManualClock } from '../../src/core/clock';
import type { GuestChannel } from '../../src/drivers/types';
import { assembleEnvelope, parseManifest } from '../../src/seal/chunking';
import {
  APPLIED_KEY,
  CHALLENGE_KEY,
  HELLO_KEY,
  MANIFEST_KEY,
  SIGNATURE_KEY,
  STATUS_KEY,
} from '../../src/seal/constants';
import { newEphemeralKey } from '../../src/seal/crypto';
import { openEnvelope } from '../../src/seal/envelope';
import { formatAppliedRecord, formatHello, formatStatus } from '../../src/seal/hello';
import { runSealedExchange, type SealedExchangeOptions } from '../../src/seal/host-exchange';
import { decodePayload } from '../../src/seal/payload';

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
  /** Host items written other than the challenge (which the host renews after each seal). */
  get envelopeWrites(): number {
    return [...this.host.keys()].filter((k) => k !== CHALLENGE_KEY).length;
  }
}

export interface TsGuestOptions {
  readonly vmId: string;
  /** What the guest reports after opening: default applied (with its applied record). */
  readonly outcome?: 'applied' | 'failed' | 'silent' | 'applied-unauthenticated' | 'applied-no-record';
  readonly reason?: string;
  /** The sender key its media pin: only envelopes signed by it are opened (docs/protocol.md §4a). */
  readonly pinned?: KeyObject;
}

/** A protocol-v3 guest over a MemoryChannel. `restart()` begins a new attempt (as after a reboot). */
export class TsGuest {
  attempt = '';
  challenge = '';
  hello = '';
  kex!: { privateKey: KeyObject; publicKey: KeyObject };
  sig!: { privateKey: KeyObject; publicKey: KeyObject };
  payload: Map<string, string> | undefined;
  rejections: string[] = [];
  constructor(
    private readonly channel: MemoryChannel,
    private readonly options: TsGuestOptions,
  ) {
    channel.onRead = () => this.step();
    this.restart();
  }
  restart(): void {
    this.attempt = randomBytes(16).toString('hex');
    this.kex = newEphemeralKey();
    this.sig = newEphemeralKey();
    this.payload = undefined;
    this.challenge = '';
    this.channel.guest.delete(STATUS_KEY);
    this.channel.guest.delete(HELLO_KEY);
    this.channel.guest.delete(APPLIED_KEY);
    this.answerChallenge();
  }
  private answerChallenge(): void {
    const c = /^3 ([0-9a-f]{64})$/.exec(this.channel.host.get(CHALLENGE_KEY) ?? '')?.[1];
    if (!c || c === this.challenge) return;
    this.challenge = c;
    this.hello = formatHello(
      {
        versions: [3],
        vmId: this.options.vmId,
        attempt: this.attempt,
        challenge: c,
        kex: this.kex.publicKey,
        sig: this.sig.publicKey,
      },
      this.sig.privateKey,
    );
    this.channel.guest.set(HELLO_KEY, this.hello);
  }
  step(): void {
    if (this.payload) return;
    const manifestText = this.channel.host.get(MANIFEST_KEY);
    const manifest = manifestText ? parseManifest(manifestText) : undefined;
    if (!manifest || manifest.attempt !== this.attempt) {
      this.answerChallenge();
      return;
    }
    const text = assembleEnvelope(this.channel.host, manifest);
    if (text === undefined) return;
    try {
      const item = this.channel.host.get(SIGNATURE_KEY);
      const signature = item?.startsWith(`${this.attempt} `) ? item.slice(33) : undefined;
      const opened = openEnvelope(
        text,
        this.kex.privateKey,
        { vmId: this.options.vmId, attempt: this.attempt, challenge: this.challenge, hello: this.hello },
        this.options.pinned ? { pinned: this.options.pinned, signature } : undefined,
      );
      this.payload = decodePayload(opened.payload);
      const outcome = this.options.outcome ?? 'applied';
      if (outcome === 'silent') return;
      const state = outcome === 'failed' ? 'failed' : 'applied';
      if (outcome === 'applied') {
        const record = {
          vmId: this.options.vmId,
          attempt: this.attempt,
          salt: this.payload!.get('record.salt')!,
          digest: this.payload!.get('record.digest')!,
        };
        this.channel.guest.set(APPLIED_KEY, formatAppliedRecord(record, opened.keys.status));
      }
      const key = outcome === 'applied-unauthenticated' ? undefined : opened.keys.status;
      this.channel.guest.set(
        STATUS_KEY,
        formatStatus(this.options.vmId, this.attempt, state, this.options.reason ?? '-', key),
      );
    } catch (e) {
      this.rejections.push((e as Error).message);
    }
  }
}

/** Runs the exchange on a ManualClock, advancing time while it waits; resolves to its result or its error. */
export async function driveExchange(
  options: Omit<SealedExchangeOptions, 'clock'>,
  clock = new ManualClock(),
): Promise<unknown> {
  let settled = false;
  const run = runSealedExchange({ ...options, clock }).then(
    (r) => {
      settled = true;
      return r;
    },
    (e: unknown) => {
      settled = true;
      return e;
    },
  );
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    clock.advance(250);
  }
  return run;
}
