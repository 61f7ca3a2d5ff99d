/**
 * Host side of HLVMM v1 (opt-in compatibility). Same runner contract as protocol v2: waits with backoff, batches
 * of at most 128 items, and removes every host item it wrote whatever the outcome (v1 hosts never did).
 *
 * HLVMM's agents (v1.5.400, Linux and Windows) write one state, `waitingforaeskey`, and never an outcome: once the
 * data is published they decrypt it, check the clear checksum, apply, and reboot; on any failure they stop without
 * a word. HLVMM's own host publishes and ends. This host goes one step further with what a v1 guest really shows:
 * its own intrinsic FQDN (Hyper-V pool 2), which becomes the configured hostname once the guest has read and
 * applied the data. That is the end of the exchange; the rest of the configuration cannot be seen and is reported
 * as unobserved.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/clock';
import { GuestTimeout, InvalidArgument } from '../../core/errors';
import { waitFor } from '../../core/wait';
import { assertGuestConfig } from '../guest-config-validate';
import type { SealedExchangeOptions, SealedExchangeResult } from '../host-exchange';
import { hlvmmV1Data } from './data';
import {
  parseV1PublicKey,
  readV1Value,
  V1,
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

/** The intrinsic item a guest's integration services fill with its name (Hyper-V pool 2). */
export const FQDN_ITEM = 'FullyQualifiedDomainName';

/** The guest reports `hostname` or `hostname.<suffix>` (case as the guest spells it). */
export function namesHost(fqdn: string | undefined, hostname: string): boolean {
  if (!fqdn) return false;
  const f = fqdn.toLowerCase();
  const h = hostname.toLowerCase();
  return f === h || f.startsWith(`${h}.`);
}

export const V1_UNOBSERVED =
  'network, local administrator, domain join and Ansible user settings: HLVMM v1 agents report no outcome, and one that fails stops silently';

export async function runHlvmmV1Exchange(options: SealedExchangeOptions): Promise<SealedExchangeResult> {
  const { protocol: _protocol, ...rest } = options.config;
  assertGuestConfig(rest);
  const data = hlvmmV1Data(options.config);
  const hostname = options.config.hostname!;
  if (!options.hlvmmVersion)
    throw new InvalidArgument(
      'hlvmm_version: the version of the HLVMM guest ISO is required for protocol hlvmm-v1',
      'hlvmm_version',
    );
  const { channel } = options;
  const readIntrinsic = channel.readIntrinsicItems?.bind(channel);
  if (!readIntrinsic) {
    throw new InvalidArgument(
      "protocol: hlvmm-v1 needs the guest's intrinsic KVP items (Hyper-V) to see a v1 guest finish; this hypervisor has none (use protocol v2)",
      'protocol',
    );
  }
  const before = (await readIntrinsic()).get(FQDN_ITEM);
  if (namesHost(before, hostname)) {
    throw new InvalidArgument(
      `guest_config.hostname: VM already reports FQDN '${before}'; a hlvmm-v1 guest reports nothing but its new name, so the host could not tell when it finished (use protocol v2)`,
      'guest_config.hostname',
    );
  }
  options.warn?.(HLVMM_V1_WARNING);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? ((n: number) => randomBytes(n));
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
      onTimeout: () =>
        new GuestTimeout(
          `no answer from the hlvmm-v1 guest agent after ${Math.round((clock.now() - start) / 1000)} s (${phase})`,
        ),
    });

  let chunks = 0;
  let failure: unknown;
  let fqdn = '';
  let keyBits = 0;
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
    keyBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    const aesKey = random(32);
    const items: [string, string][] = [
      [V1.checksum, v1Checksum(data)],
      [V1.sharedKey, wrapV1Key(key, aesKey).toString('base64')],
    ];
    for (const [k, v] of data) items.push(...v1DataItems(k, v, aesKey, random));
    chunks = items.length;
    await write(items);
    await write([[V1.hostState, V1_HOST_PUBLISHED]]);
    phase = `data published; a v1 guest reports no outcome, and this one never reported its new name '${hostname}' (last FQDN '${before ?? 'none'}'): it may have failed its checksum or a step, or not rebooted yet`;
    fqdn = await wait(async () => {
      const now = (await readIntrinsic()).get(FQDN_ITEM);
      return namesHost(now, hostname) ? now : undefined;
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
  const observed = [
    `guest published an RSA-${keyBits} key and ${V1_GUEST_READY}`,
    `guest reports FQDN '${fqdn}' (was '${before ?? 'none'}'): it read the data and applied its hostname`,
  ];
  options.warn?.(`hlvmm-v1: observed ${observed.join('; ')}. Not observed: ${V1_UNOBSERVED}.`);
  return {
    protocol: 'hlvmm-v1',
    state: 'published',
    observed,
    unobserved: [V1_UNOBSERVED],
    attempt: '-',
    attempts: 1,
    chunks,
    elapsedMs: clock.now() - start,
    itemsRemoved: count,
  };
}
