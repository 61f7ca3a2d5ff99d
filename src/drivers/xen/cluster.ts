/** The failover role is XAPI's HA restart priority (`restart` protects the VM; HA must be enabled on the pool). */
import { Unsupported } from '../../core/errors';
import type { ClusterDriver } from '../types';
import { type XenContext, vmRef } from './context';

export class XenClusterDriver implements ClusterDriver {
  constructor(private readonly ctx: XenContext) {}

  async hasRole(options: { readonly vmId: string }): Promise<boolean> {
    return (
      (await this.ctx.client.call('VM.get_ha_restart_priority', await vmRef(this.ctx, options.vmId))) === 'restart'
    );
  }

  async addRole(options: { readonly vmId: string }): Promise<void> {
    const pools = Object.values(await this.ctx.client.call('pool.get_all_records'));
    if (!pools[0]?.ha_enabled)
      throw new Unsupported('cluster_role: HA is not enabled on this Xen pool (enable it with pool.enable_ha first)');
    await this.ctx.client.call('VM.set_ha_restart_priority', await vmRef(this.ctx, options.vmId), 'restart');
  }

  async removeRole(options: { readonly vmId: string }): Promise<void> {
    await this.ctx.client.call('VM.set_ha_restart_priority', await vmRef(this.ctx, options.vmId), '');
  }
}
