/**
 * `virtseal_inventory --list | --host NAME`: the dynamic inventory executable (bundled by the build into
 * collection/scripts/virtseal_inventory). Prints JSON on stdout; problems go to stderr with exit code 1.
 */
import { openHypervisor } from '../drivers/registry';
import { collectHosts } from './collect';
import { loadInventoryConfig } from './config';
import { buildInventory } from './inventory';

export async function runInventory(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const hostIndex = argv.indexOf('--host');
  if (!argv.includes('--list') && hostIndex < 0) {
    throw new Error('usage: virtseal_inventory --list | --host NAME');
  }
  const config = loadInventoryConfig(env);
  const hosts = await collectHosts(config, openHypervisor, (m) => process.stderr.write(`${m}\n`), env);
  const inventory = buildInventory(hosts);
  if (hostIndex >= 0) {
    const name = argv[hostIndex + 1] ?? '';
    return JSON.stringify(inventory._meta.hostvars[name] ?? {});
  }
  return JSON.stringify(inventory, null, 2);
}

export async function inventoryMain(): Promise<void> {
  try {
    const out = await runInventory(process.argv.slice(2));
    process.stdout.write(`${out}\n`, () => process.exit(0));
  } catch (error) {
    process.stderr.write(`virtseal inventory: ${(error as Error).message}\n`, () => process.exit(1));
  }
}
