/** Failover cluster VM role via CIM (root\MSCluster) on the node the SSH session runs on. */
import type { ClusterDriver } from '../types';
import { assertVmId, type HyperVSession } from './session';

export class HyperVClusterDriver implements ClusterDriver {
  constructor(private readonly session: HyperVSession) {}

  private async role(vmId: string, action: 'get' | 'add' | 'remove'): Promise<boolean> {
    const r = await this.session.run<{ clustered: boolean }>('cluster-role', {
      Id: assertVmId(vmId, 'vmId'),
      Action: action,
    });
    return r.clustered;
  }

  hasRole(options: { readonly vmId: string }): Promise<boolean> {
    return this.role(options.vmId, 'get');
  }

  async addRole(options: { readonly vmId: string }): Promise<void> {
    await this.role(options.vmId, 'add');
  }

  async removeRole(options: { readonly vmId: string }): Promise<void> {
    await this.role(options.vmId, 'remove');
  }
}
