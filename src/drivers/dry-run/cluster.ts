/** Check mode for cluster roles: a dry run remembers roles it added or removed. */
import type { Hypervisor } from '../types';
import type { Recorder } from './recorder';

export function clusterOverlay(r: Recorder): Hypervisor['cluster'] {
  const { inner, act, nameOf, simulatedOnly, roles } = r;
  return {
    hasRole: async ({ vmId }) => roles.get(vmId) ?? (simulatedOnly(vmId) ? false : inner.cluster.hasRole({ vmId })),
    addRole: ({ vmId }) =>
      act(
        async () => `make VM '${await nameOf(vmId)}' a failover cluster role`,
        () => inner.cluster.addRole({ vmId }),
        async () => {
          roles.set(vmId, true);
        },
      ),
    removeRole: ({ vmId }) =>
      act(
        async () => `remove the failover cluster role of VM '${await nameOf(vmId)}'`,
        () => inner.cluster.removeRole({ vmId }),
        async () => {
          roles.set(vmId, false);
        },
      ),
  };
}
