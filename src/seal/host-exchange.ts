/**
 * Host side of the sealed exchange: publishes a fresh challenge, waits for a hello that signs it, seals the config
 * to that attempt's key, writes the envelope in batches (manifest last) and a fresh challenge for any later
 * attempt, waits with backoff for the guest's authenticated outcome and applied record, and removes every host
 * item it wrote whatever happens. Transport-neutral: everything goes through a GuestChannel.
 */
import type { KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock';
import { EnvelopeRejected, GuestFailed, GuestTimeout, InvalidArgument } from '../core/errors';
import { waitFor } from '../core/wait';
import type { GuestChannel } from '../drivers/types';
import { envelopeItems } from './chunking';
import {
  APPLIED_KEY,
  CHALLENGE_KEY,
  CHUNK_PREFIX,
  HELLO_KEY,
  KEY_PREFIX,
  MAX_ITEMS_PER_BATCH,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  SIGNATURE_KEY,
  STATUS_KEY,
} from './constants';
import { secureRandom, type RandomSource, type SessionKeys } from './crypto';
import { normalizeVmId, sealEnvelope } from './envelope';
import type { GuestConfig } from './guest-config';
import { assertGuestConfig } from './guest-config-validate';
import { appliedRecordMacValid, parseAppliedRecord, parseHello, parseStatus, verifyHello } from './hello';
import { runHlvmmV1Exchange } from './hlvmm-v1/host-exchange';
import { buildPayload, sealedPayload } from './payload';
import { signEnvelope } from './sender';

export interface SealedExchangeOptions {
  readonly channel: GuestChannel;
  readonly vmId: string;
  readonly config: GuestConfig;
  /** Overall time allowed for the guest to say hello and report its outcome. */
  readonly timeoutMs: number;
  readonly clock?: Clock;
  /** How many guest attempts (agent restarts, reboots mid-way) are sealed for before giving up. Default 3. */
  readonly maxAttempts?: number;
  /**
   * First poll delay and upper bound of the backoff (defaults: the channel's `pollMs`, else 200 and 1,000 ms);
   * progress restarts it.
   */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly warn?: (message: string) => void;
  readonly debug?: (message: string) => void;
  /** Tests only. */
  readonly random?: RandomSource;
  /**
   * The controller's sender key (ECDSA P-256, docs/protocol.md §4a): every envelope is signed with it, for agents
   * whose media pin its public key. Without it envelopes go unsigned, and agents with a pin refuse them.
   */
  readonly senderKey?: KeyObject;
  /** hlvmm-v1 only: the version string of the guest's HLVMM ISO. */
  readonly hlvmmVersion?: string;
}

export interface SealedExchangeResult {
  readonly protocol: 'v3' | 'hlvmm-v1';
  /** `published`: hlvmm-v1, whose guests report no outcome; `observed` and `unobserved` say what was seen. */
  readonly state: 'applied' | 'published';
  /** hlvmm-v1: what the host saw the guest do, and what it could not see. */
  readonly observed?: readonly string[];
  readonly unobserved?: readonly string[];
  readonly attempt: string;
  /** Number of attempts the host sealed for (1 unless the guest restarted). */
  readonly attempts: number;
  readonly chunks: number;
  readonly elapsedMs: number;
  /** Host items written and removed again. */
  readonly itemsRemoved: number;
}

interface Session {
  readonly attempt: string;
  readonly keys: SessionKeys;
  readonly chunks: number;
  /** The applied record the guest must leave: salt and config digest sent in this envelope. */
  readonly salt: string;
  readonly digest: string;
}

export async function runSealedExchange(options: SealedExchangeOptions): Promise<SealedExchangeResult> {
  if (options.config.protocol === 'hlvmm-v1') return runHlvmmV1Exchange(options);
  assertGuestConfig(options.config);
  const clock = options.clock ?? systemClock;
  const debug = options.debug ?? (() => undefined);
  const { channel } = options;
  const vmId = normalizeVmId(options.vmId);
  const maxAttempts = options.maxAttempts ?? 3;
  const random = options.random ?? secureRandom;
  const payload = sealedPayload(options.config, vmId, random(16));
  if (buildPayload(options.config).length > MAX_PAYLOAD_BYTES) {
    throw new InvalidArgument(
      `guest_config: the sealed configuration is ${Math.ceil(buildPayload(options.config).length / 1024)} KiB, more than the ${MAX_PAYLOAD_BYTES / 1024} KiB one exchange carries (shorten run_once or user_data)`,
      'guest_config',
    );
  }
  const written = new Set<string>();
  const start = clock.now();
  let session: Session | undefined;
  let sealedCount = 0;
  let lastSeen = 'no hello from the guest agent';
  /** The challenge a hello must sign; a new one after every seal, so each attempt answers its own. */
  let challenge = '';
  const newChallenge = async (): Promise<void> => {
    challenge = random(32).toString('hex');
    written.add(CHALLENGE_KEY);
    await channel.writeHostItems([[CHALLENGE_KEY, `${PROTOCOL_VERSION} ${challenge}`]]);
  };

  const removeKeys = async (keys: readonly string[]): Promise<void> => {
    for (let i = 0; i < keys.length; i += MAX_ITEMS_PER_BATCH) {
      const batch = keys.slice(i, i + MAX_ITEMS_PER_BATCH);
      await channel.removeHostItems(batch);
      for (const k of batch) written.delete(k);
    }
  };

  const sealFor = async (hello: ReturnType<typeof parseHello>): Promise<void> => {
    if (sealedCount >= maxAttempts) {
      throw new GuestFailed(
        'too_many_attempts',
        `the guest agent restarted ${sealedCount} times without finishing; giving up`,
      );
    }
    const { kex } = verifyHello(hello);
    // A previous attempt's manifest goes first, so the guest never pairs it with new chunks.
    const old = [...written]
      .filter((k) => k !== CHALLENGE_KEY)
      .sort((a, b) => (a.endsWith('manifest') ? -1 : b.endsWith('manifest') ? 1 : 0));
    if (old.length) await removeKeys(old);
    const sealed = sealEnvelope({
      payload: payload.payload,
      vmId,
      attempt: hello.attempt,
      challenge: hello.challenge,
      hello: hello.text,
      guestKey: kex,
      random,
    });
    const batches = envelopeItems(sealed.envelope, hello.attempt);
    if (options.senderKey) {
      // With the chunks, before the manifest (its own last batch), so a guest that sees the manifest sees it too.
      const signature: [string, string] = [
        SIGNATURE_KEY,
        `${hello.attempt} ${signEnvelope(hello.text, sealed.envelope, options.senderKey)}`,
      ];
      const last = batches[batches.length - 2]!;
      if (last.length < MAX_ITEMS_PER_BATCH) last.push(signature);
      else batches.splice(batches.length - 1, 0, [signature]);
    }
    for (const batch of batches) {
      for (const [k] of batch) written.add(k);
      await channel.writeHostItems(batch);
    }
    sealedCount++;
    session = {
      attempt: hello.attempt,
      keys: sealed.keys,
      chunks: batches.flat().filter(([k]) => k.startsWith(CHUNK_PREFIX)).length,
      salt: payload.salt,
      digest: payload.digest,
    };
    // The answered challenge is spent: a restarted agent (a new attempt) must sign a new one.
    await newChallenge();
    lastSeen = `envelope sealed for attempt ${hello.attempt}, no outcome reported`;
    debug(`sealed ${payload.payload.length} payload bytes for attempt ${hello.attempt} in ${session.chunks} chunks`);
  };

  /** Progress (a new seal, the guest starting to apply) restarts the backoff, so the outcome is seen promptly. */
  type Poll = SealedExchangeResult | 'progress';
  let lastState = '';
  /** A torn read (the guest rewriting its pool as we read) can look malformed once; the same bytes twice cannot. */
  const malformed = new Map<string, string>();
  const parseTwice = <T>(key: string, text: string, parse: () => T): T | undefined => {
    try {
      const value = parse();
      malformed.delete(key);
      return value;
    } catch (error) {
      const bad = error instanceof EnvelopeRejected && (error.check === 'hello' || error.check === 'status');
      if (!bad || malformed.get(key) === text) throw error;
      malformed.set(key, text);
      return undefined;
    }
  };
  const probe = async (): Promise<Poll | undefined> => {
    const items = await channel.readGuestItems();
    const statusText = items.get(STATUS_KEY);
    if (session && statusText !== undefined && statusText.split(' ')[1] === session.attempt) {
      const keys = session.keys;
      const status = parseTwice(STATUS_KEY, statusText, () => parseStatus(statusText, vmId, keys.status));
      if (!status) return undefined;
      if (status.state === 'failed') {
        throw new GuestFailed(
          status.reason,
          `the guest agent reported failure '${status.reason}'${status.authenticated ? '' : ' (before it held the session key)'}`,
        );
      }
      if (status.state === 'applied') {
        if (!status.authenticated)
          throw new EnvelopeRejected('status_mac', "the guest reported 'applied' without a valid MAC");
        const record = parseAppliedRecord(items.get(APPLIED_KEY) ?? '');
        if (
          !record ||
          record.version !== PROTOCOL_VERSION ||
          record.vmId !== vmId ||
          record.attempt !== session.attempt ||
          record.salt !== session.salt ||
          record.digest !== session.digest ||
          !appliedRecordMacValid(record, keys.status)
        ) {
          throw new EnvelopeRejected(
            'applied_record',
            "the guest reported 'applied' without the authenticated applied record of this configuration",
          );
        }
        return {
          protocol: 'v3',
          state: 'applied',
          attempt: session.attempt,
          attempts: sealedCount,
          chunks: session.chunks,
          elapsedMs: clock.now() - start,
          itemsRemoved: 0,
        };
      }
      lastSeen = `guest applying attempt ${session.attempt}`;
      if (lastState !== `applying ${session.attempt}`) {
        lastState = `applying ${session.attempt}`;
        return 'progress';
      }
    }
    if (!session && statusText !== undefined && statusText.startsWith('failed ')) {
      const status = parseTwice(STATUS_KEY, statusText, () => parseStatus(statusText, vmId, undefined));
      if (status)
        throw new GuestFailed(
          status.reason,
          `the guest agent reported failure '${status.reason}' before the exchange started`,
        );
    }
    const helloText = items.get(HELLO_KEY);
    if (helloText !== undefined) {
      const hello = parseTwice(HELLO_KEY, helloText, () => parseHello(helloText));
      if (!hello) return undefined;
      // A hello that does not answer the current challenge is stale (an earlier boot, a planted item, an attempt
      // already sealed for): never sealed to, whatever it names; the agent signs the current challenge when it sees it.
      if (hello.challenge !== challenge) {
        if (!session) lastSeen = "only a guest hello that does not answer this run's challenge (stale)";
        return undefined;
      }
      if (normalizeVmId(hello.vmId) !== vmId) {
        throw new EnvelopeRejected('vm_id', `the guest hello names VM ${hello.vmId}, expected ${vmId} (foreign data)`);
      }
      if (hello.attempt !== session?.attempt) {
        await sealFor(hello);
        return 'progress';
      }
    }
    return undefined;
  };

  let outcome: SealedExchangeResult | undefined;
  let failure: unknown;
  try {
    const stale = (await channel.listHostItems()).filter((k) => k.startsWith(KEY_PREFIX));
    if (stale.length) {
      debug(`removing ${stale.length} host items left by an earlier run`);
      await removeKeys(stale);
    }
    await newChallenge();
    for (;;) {
      const left = options.timeoutMs - (clock.now() - start);
      const poll = await waitFor(probe, {
        timeoutMs: Math.max(0, left),
        clock,
        initialDelayMs: options.initialDelayMs ?? channel.pollMs?.initial ?? 200,
        maxDelayMs: options.maxDelayMs ?? channel.pollMs?.max ?? 1_000,
        what: 'the guest agent',
        onTimeout: () =>
          new GuestTimeout(
            `no outcome from the guest agent after ${Math.round((clock.now() - start) / 1000)} s (${lastSeen})`,
            {
              details: { attempts: sealedCount },
            },
          ),
      });
      if (poll !== 'progress') {
        outcome = poll;
        break;
      }
    }
  } catch (error) {
    failure = error;
  }
  const count = written.size;
  try {
    await removeKeys([...written].sort((a, b) => (a.endsWith('manifest') ? -1 : b.endsWith('manifest') ? 1 : 0)));
  } catch (cleanupError) {
    if (failure === undefined) failure = cleanupError;
  }
  if (failure !== undefined) throw failure;
  return { ...outcome!, itemsRemoved: count };
}
