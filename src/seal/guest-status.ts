/**
 * What the guest last said about its configuration, read from its items without taking part in an exchange
 * (for `guest_config` idempotence and `vm_info`). Only the applied record counts as "applied": it must name this
 * VM (a clone carries another VM's record) and, when a config is given, carry the digest of that same config
 * (docs/protocol.md §6). Its MAC was checked by the exchange that produced it; here the digest decides.
 */
import type { GuestChannel, GuestConfigStatus } from '../drivers/types';
import { APPLIED_KEY, HELLO_KEY, PROTOCOL_VERSION, STATUS_KEY } from './constants';
import { configDigest, equalsConstantTime } from './crypto';
import { normalizeVmId } from './envelope';
import type { GuestConfig } from './guest-config';
import { parseAppliedRecord } from './hello';
import { buildPayload } from './payload';

export interface GuestStatusQuery {
  readonly vmId: string;
  /** The config about to be sent; without it an applied record of this VM reports `applied: 'unknown'`. */
  readonly config?: GuestConfig;
}

export async function readGuestConfigStatus(
  channel: GuestChannel,
  query?: GuestStatusQuery,
): Promise<GuestConfigStatus> {
  const items = await channel.readGuestItems();
  const status = /^(applying|failed) ([0-9a-f]{32}) ([a-z0-9_.-]{1,64}) /.exec(items.get(STATUS_KEY) ?? '');
  if (status) {
    const [, state, attemptId, reason] = status as unknown as [string, 'applying' | 'failed', string, string];
    return reason === '-' ? { state, attemptId } : { state, attemptId, reason };
  }
  const hello = /^[0-9,]+ \S+ ([0-9a-f]{32}) /.exec(items.get(HELLO_KEY) ?? '');
  if (hello) return { state: 'pending', attemptId: hello[1]! };
  const record = parseAppliedRecord(items.get(APPLIED_KEY) ?? '');
  if (record && record.version === PROTOCOL_VERSION) {
    const base = { state: 'applied' as const, attemptId: record.attempt };
    if (!query) return { ...base, applied: 'unknown' };
    const vmId = normalizeVmId(query.vmId);
    if (record.vmId !== vmId) return { ...base, applied: 'other_vm' };
    if (!query.config) return { ...base, applied: 'unknown' };
    const digest = configDigest(buildPayload(query.config), vmId, Buffer.from(record.salt, 'hex'));
    return {
      ...base,
      applied: equalsConstantTime(digest, Buffer.from(record.digest, 'hex')) ? 'this_config' : 'other_config',
    };
  }
  return { state: 'none' };
}
