/**
 * The KVP guest channel of one VM: host items (pool 0) written/removed through the VM management service (batches of
 * at most 128 per WMI call, jobs polled on the host), guest items (pool 1) and intrinsic items (pool 2) read back.
 */
import { InvalidArgument } from '../../core/errors';
import type { GuestChannel } from '../types';
import { addressesFromIntrinsic, parseKvpItems } from './kvp-xml';
import { assertVmId, type HyperVSession } from './session';

interface RawKvp {
  readonly host: string[];
  readonly guest: string[];
  readonly intrinsic: string[];
}

/** Hyper-V's practical limits: keys about 255 bytes, host→guest values about 1,023 UTF-8 bytes. */
export const KVP_MAX_KEY_BYTES = 255;
export const KVP_MAX_VALUE_BYTES = 1023;

export class HyperVKvpChannel implements GuestChannel {
  private readonly id: string;

  constructor(
    private readonly session: HyperVSession,
    vmId: string,
  ) {
    this.id = assertVmId(vmId, 'vmId');
  }

  private read(includeHost: boolean): Promise<RawKvp> {
    return this.session.run<RawKvp>('kvp-read', { Id: this.id, IncludeHost: includeHost });
  }

  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    return parseKvpItems((await this.read(false)).guest);
  }

  async readIntrinsicItems(): Promise<ReadonlyMap<string, string>> {
    return parseKvpItems((await this.read(false)).intrinsic);
  }

  async writeHostItems(items: readonly (readonly [key: string, value: string])[]): Promise<void> {
    if (items.length === 0) return;
    for (const [key, value] of items) {
      if (key === '' || Buffer.byteLength(key) > KVP_MAX_KEY_BYTES)
        throw new InvalidArgument(`KVP key must be 1-${KVP_MAX_KEY_BYTES} bytes`, 'kvp.key');
      // Control characters do not survive the guest's pool files (NUL ends a key) or XML line-end normalisation.
      if (/[\u0000-\u001f\u007f]/.test(key))
        throw new InvalidArgument('KVP key must not contain control characters', 'kvp.key');
      if (Buffer.byteLength(value) > KVP_MAX_VALUE_BYTES) {
        throw new InvalidArgument(
          `KVP value of ${key} exceeds ${KVP_MAX_VALUE_BYTES} bytes; split it over indexed keys`,
          'kvp.value',
        );
      }
    }
    await this.session.run(
      'kvp-set',
      { Id: this.id, Action: 'upsert', Items: items.map(([name, data]) => ({ name, data })) },
      { secretArgs: ['Items'] },
    );
  }

  async removeHostItems(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.session.run('kvp-set', {
      Id: this.id,
      Action: 'remove',
      Items: keys.map((name) => ({ name, data: '' })),
    });
  }

  async listHostItems(): Promise<readonly string[]> {
    return [...parseKvpItems((await this.read(true)).host).keys()];
  }
}

export async function guestAddresses(session: HyperVSession, vmId: string): Promise<readonly string[]> {
  const channel = new HyperVKvpChannel(session, vmId);
  return addressesFromIntrinsic(await channel.readIntrinsicItems());
}
