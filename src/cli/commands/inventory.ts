/**
 * `virtseal inventory --list | --host NAME`: the dynamic inventory (same as collection/scripts/virtseal_inventory),
 * reading hosts from VIRTSEAL_INVENTORY_HOSTS or VIRTSEAL_INVENTORY_CONFIG and credentials from VIRTSEAL_HOST_*.
 * Its flags are not read from VIRTSEAL_* variables: `--host` would collide with VIRTSEAL_HOST, the hypervisor host.
 */
import type { CommandModule } from 'yargs';
import { runInventory } from '../../inventory/main';
import { cliIo } from '../io';

interface InventoryArgs {
  readonly list: boolean;
  readonly host?: string;
}

const command: CommandModule<object, InventoryArgs> = {
  command: 'inventory',
  describe:
    'Print the dynamic inventory of the VMs on the configured hypervisor hosts (ansible inventory script protocol)',
  builder: (yargs) =>
    yargs
      // The credentials and host list arrive as VIRTSEAL_HOST_* / VIRTSEAL_INVENTORY_* variables, which the global
      // VIRTSEAL_ env parsing would otherwise reject as unknown flags.
      .strict(false)
      .option('list', { type: 'boolean', default: false, describe: 'All VMs, grouped by host, power state and tag' })
      .option('host', { type: 'string', describe: 'Host variables of one VM' })
      .check((args) => (args.list || args.host !== undefined ? true : 'give --list or --host NAME')),
  handler: async (args) => {
    cliIo().out(await runInventory(args.host !== undefined ? ['--host', args.host] : ['--list']));
  },
};

export default command;
