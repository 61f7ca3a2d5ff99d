/**
 * `virtseal console VM`: opens a VM's screen in the browser. noVNC is served on 127.0.0.1 behind a one-time token,
 * and its WebSocket is carried to the VM's VNC server through the driver's own connection (SSH to a remote libvirt
 * host), so the VNC port never leaves the hypervisor host. The host connection comes from the same options and
 * VIRTSEAL_HOST_* variables as the modules (`--host`, `--user`, `--hypervisor`, ...). Runs until interrupted.
 */
import { spawn } from 'node:child_process';
import type { CommandModule } from 'yargs';
import { VirtsealError } from '../../core/errors';
import { openHypervisor } from '../../drivers/registry';
import { startConsoleServer } from '../../console/server';
import type { ConnectionOptions } from '../../generated/fragment-connection';
import { resolveConnection } from '../../services/connection';
import { requireVm } from '../../services/vm-lookup';
import { cliIo } from '../io';

interface ConsoleArgs {
  readonly vm: string;
  readonly host?: string;
  readonly user?: string;
  readonly hypervisor?: string;
  readonly 'libvirt-uri'?: string;
  readonly 'host-key-fingerprint'?: string;
  readonly port: number;
  readonly open: boolean;
  readonly json: boolean;
}

const command: CommandModule<object, ConsoleArgs> = {
  command: 'console <vm>',
  describe:
    "Open a VM's console in the browser (libvirt: noVNC on 127.0.0.1 behind a one-time token, tunnelled over SSH)",
  builder: (yargs) =>
    yargs
      // The connection's secrets arrive as VIRTSEAL_HOST_* variables, as for the modules.
      .strict(false)
      .positional('vm', { type: 'string', demandOption: true, describe: 'VM name' })
      .option('host', {
        type: 'string',
        describe: "Hypervisor host ('local' for libvirt on this machine); default VIRTSEAL_HOST",
      })
      .option('user', { type: 'string', describe: 'SSH user; default VIRTSEAL_HOST_USER' })
      .option('hypervisor', { type: 'string', describe: 'hyperv or libvirt; default VIRTSEAL_HOST_HYPERVISOR' })
      .option('libvirt-uri', {
        type: 'string',
        describe: 'libvirt connection URI on the host (default qemu:///system)',
      })
      .option('host-key-fingerprint', {
        type: 'string',
        describe: 'Pinned SSH host key; default VIRTSEAL_HOST_KEY_FINGERPRINT',
      })
      .option('port', {
        type: 'number',
        default: 0,
        describe: 'Local port on 127.0.0.1 for the console page (0 = any free port)',
      })
      .option('open', { type: 'boolean', default: false, describe: 'Open the page with xdg-open' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the page URL as one JSON line' }),
  handler: async (args) => {
    const { connection } = resolveConnection({
      ...(args.host !== undefined && { host: args.host }),
      // `host: local` needs no SSH user; resolveConnection still asks for one.
      user: args.user ?? process.env.VIRTSEAL_HOST_USER ?? (args.host === 'local' ? 'local' : undefined),
      ...(args.hypervisor !== undefined && { hypervisor: args.hypervisor as ConnectionOptions['hypervisor'] }),
      ...(args['libvirt-uri'] !== undefined && { libvirt_uri: args['libvirt-uri'] }),
      ...(args['host-key-fingerprint'] !== undefined && { host_key_fingerprint: args['host-key-fingerprint'] }),
    });
    const hv = await openHypervisor(connection);
    try {
      const vm = await requireVm(hv, args.vm);
      const info = await hv.console?.describe({ vmId: vm.id });
      if (info === undefined) throw new VirtsealError('unsupported', `the ${hv.type} driver has no console`);
      if (info.kind !== 'vnc' || hv.console?.openVnc === undefined) {
        throw new VirtsealError('unsupported', `'${args.vm}' is on ${hv.type}: open its console with: ${info.command}`);
      }
      if (!info.available)
        throw new VirtsealError('console_unavailable', `no console for '${args.vm}': ${info.reason ?? 'no display'}`);
      const console = hv.console;
      const server = await startConsoleServer({
        title: vm.name,
        port: args.port,
        openStream: () => console.openVnc!({ vmId: vm.id }),
        log: (line) => cliIo().err(line),
      });
      const url = server.url();
      if (args.json) cliIo().out(JSON.stringify({ url, vm: vm.name, vm_id: vm.id }));
      else cliIo().out(`console of '${vm.name}': ${url}\n(the link works once; Ctrl-C stops the console)`);
      if (args.open)
        spawn('xdg-open', [url], { stdio: 'ignore', detached: true })
          .on('error', () => cliIo().err('xdg-open is not available: open the link by hand'))
          .unref();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await server.close();
    } finally {
      await hv.close().catch(() => undefined);
    }
  },
};

export default command;
