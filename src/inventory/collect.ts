/** Reads the VMs of every configured host, one connection each; a host that fails is reported, not fatal (unless strict). */
import type { HostConnection, Hypervisor } from '../drivers/types';
import { resolveConnection } from '../services/connection';
import type { InventoryConfig } from './config';
import type { HostVms } from './inventory';

export type HypervisorOpener = (connection: HostConnection) => Promise<Hypervisor>;

export async function collectHosts(
  config: InventoryConfig,
  open: HypervisorOpener,
  warn: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HostVms[]> {
  const results: HostVms[] = [];
  const failures: string[] = [];
  for (const hostOptions of config.hosts) {
    const label = String(hostOptions.host);
    let hv: Hypervisor | undefined;
    try {
      const { connection } = resolveConnection(hostOptions, env);
      hv = await open(connection);
      results.push({ host: label, hypervisor: connection.hypervisor, vms: await hv.vms.listVms() });
    } catch (error) {
      const message = `${label}: ${(error as Error).message}`;
      failures.push(message);
      warn(`virtseal inventory: skipping ${message}`);
    } finally {
      await hv?.close().catch(() => undefined);
    }
  }
  if (failures.length && (config.strict || results.length === 0)) {
    throw new Error(
      `cannot read ${failures.length === config.hosts.length ? 'any' : 'every'} hypervisor host: ${failures.join('; ')}`,
    );
  }
  return results;
}
