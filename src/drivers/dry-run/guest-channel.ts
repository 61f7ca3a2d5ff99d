/** Check mode for the guest channel: reads pass through; a dry run writes and removes nothing. */
import type { GuestChannel, Hypervisor } from '../types';
import type { Recorder } from './recorder';

export function guestChannelOverlay(r: Recorder): Hypervisor['guestChannel'] {
  const { inner, live, simulatedOnly } = r;
  return ({ vmId }: { readonly vmId: string }): GuestChannel => {
    const real = simulatedOnly(vmId) ? undefined : inner.guestChannel({ vmId });
    // Channel traffic is part of one exchange, which the guest-config service records as a single change.
    return {
      readGuestItems: async () => (real ? real.readGuestItems() : new Map()),
      listHostItems: async () => (real ? real.listHostItems() : []),
      writeHostItems: async (items) => (live && real ? real.writeHostItems(items) : undefined),
      removeHostItems: async (keys) => (live && real ? real.removeHostItems(keys) : undefined),
    };
  };
}
