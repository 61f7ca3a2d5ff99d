import { Unsupported } from '../../core/errors';
import type { ClusterDriver } from '../types';

/** libvirt has no failover-cluster role of its own (Pacemaker and oVirt manage that outside libvirt). */
export class LibvirtClusterDriver implements ClusterDriver {
  async hasRole(): Promise<boolean> {
    return false;
  }

  async addRole(): Promise<void> {
    throw new Unsupported('cluster roles are a Hyper-V failover cluster feature; libvirt hosts have none', {
      details: { option: 'cluster_role' },
    });
  }

  async removeRole(): Promise<void> {}
}
