/**
 * Host side of HLVMM v1 (opt-in compatibility). Same runner contract as protocol v2: waits with backoff, batches
 * of at most 128 items, and removes every host item it wrote whatever the outcome (v1 hosts never did).
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/clock';
import { GuestFailed, GuestTimeout, InvalidArgument } from '../../core/errors';
import { waitFor } from '../../core/wait';
import { assertGuestConfig } from '../guest-config-validate';
import type { SealedExchangeOptions, SealedExchangeResult } from '../host-exchange';
import { hlvmmV1Data } from './data';
import {
  parseV1PublicKey,
  readV1Value,
  V1,
  V1_GUEST_APPLIED,
  V1_GUEST_FAILED,
  V1_GUEST_READY,
  V1_HOST_PUBLISHED,
  V1_HOST_WAITING,
  v1Checksum,
  v1DataItems,
  wrapV1Key,
} from './wire';

export const HLVMM_V1_WARNING =
  'protocol hlvmm-v1 is weaker than v2: no authentication of the data, RSA PKCS#1 v1.5, no binding to this VM or ' +
  'attempt, and an unkeyed checksum of the secrets is published in clear. Use it only for existing HLVMM images.';

export async function runHlvmmV1Exchange(options: SealedExchangeOptions): Promise<SealedExchangeResult> {
  const { protocol: _protocol, ...rest } = options.config;
  assertGuestConfig(rest);
  const data = hlvmmV1Data(options.config);
  if (!options.hlvmmVersion) throw new InvalidArgument('hlvmm_version: the version of the HLVMM guest ISO is required for protocol hlvmm-v1', 'hlvmm_version');
  options.warn?.(HLVMM_V1_WARNING);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? ((n: number) => randomBytes(n));
  const { channel } = options;
  const written = new Set<string>();
  const start = clock.now();
  let phase = 'waiting for the guest public key';

  const write = async (items: [string, string][]): Promise<void> => {
    for (let i = 0; i < items.length; i += 128) {
      const batch = items.slice(i, i + 128);
      for (const [k] of batch) written.add(k);
      await channel.writeHostItems(batch);
    }
  };
  const wait = <T>(probe: () => Promise<T | undefined>): Promise<T> =>
    waitFor(probe, {
      timeoutMs: Math.max(0, options.timeoutMs - (clock.now() - start)),
      clock,
      initialDelayMs: options.initialDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 2_000,
      what: 'the hlvmm-v1 guest agent',
      onTimeout: () => new GuestTimeout(`no answer from the hlvmm-v1 guest agent after ${Math.round((clock.now() - start) / 1000)} s (${phase})`),
    });

  let chunks = 0;
  let failure: unknown;
  try {
    // Version first: v1 guests read the state, then compare the version.
    await write([[V1.version, options.hlvmmVersion]]);
    await write([[V1.hostState, V1_HOST_WAITING]]);
    const publicKey = await wait(async () => {
      const items = await channel.readGuestItems();
      if (readV1Value(items, V1.guestState) !== V1_GUEST_READY) return undefined;
      return readV1Value(items, V1.publicKey);
    });
    const key = parseV1PublicKey(publicKey);
    const aesKey = random(32);
    const items: [string, string][] = [[V1.checksum, v1Checksum(data)], [V1.sharedKey, wrapV1Key(key, aesKey).toString('base64')]];
    for (const [k, v] of data) items.push(...v1DataItems(k, v, aesKey, random));
    chunks = items.length;
    await write(items);
    await write([[V1.hostState, V1_HOST_PUBLISHED]]);
    phase = 'data published, waiting for provisioningapplied';
    await wait(async () => {
      const got = await channel.readGuestItems();
      const state = readV1Value(got, V1.guestState);
      if (state === V1_GUEST_FAILED) {
        throw new GuestFailed('hlvmm_v1_failed', `the hlvmm-v1 guest agent reported failure: ${(readV1Value(got, V1.guestError) ?? 'no detail').slice(0, 200)}`);
      }
      return state === V1_GUEST_APPLIED ? true : undefined;
    });
  } catch (error) {
    failure = error;
  }
  const count = written.size;
  try {
    const keys = [...written];
    for (let i = 0; i < keys.length; i += 128) await channel.removeHostItems(keys.slice(i, i + 128));
  } catch (cleanupError) {
    failure ??= cleanupError;
  }
  if (failure !== undefined) throw failure;
  return { protocol: 'hlvmm-v1', state: 'applied', attempt: '-', attempts: 1, chunks, elapsedMs: clock.now() - start, itemsRemoved: count };
}
