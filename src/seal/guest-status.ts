/**
 * What the guest last said about its configuration, read from its items without taking part in an exchange
 * (for `guest_config` idempotence and `vm_info`). Informational: only the exchange itself authenticates outcomes.
 */
import type { GuestChannel, GuestConfigStatus } from '../drivers/types';
import { APPLIED_KEY, HELLO_KEY, STATUS_KEY } from './constants';

export async function readGuestConfigStatus(channel: GuestChannel): Promise<GuestConfigStatus> {
  const items = await channel.readGuestItems();
  const status = /^(applying|applied|failed) ([0-9a-f]{32}) ([a-z0-9_.-]{1,64}) /.exec(items.get(STATUS_KEY) ?? '');
  if (status) {
    const [, state, attemptId, reason] = status as unknown as [string, 'applying' | 'applied' | 'failed', string, string];
    return reason === '-' ? { state, attemptId } : { state, attemptId, reason };
  }
  const hello = /^[0-9,]+ \S+ ([0-9a-f]{32}) /.exec(items.get(HELLO_KEY) ?? '');
  if (hello) return { state: 'pending', attemptId: hello[1]! };
  const applied = /^([0-9a-f]{32})$/.exec(items.get(APPLIED_KEY) ?? '');
  if (applied) return { state: 'applied', attemptId: applied[1]! };
  return { state: 'none' };
}
