/**
 * `virtseal image`: publish a golden image or an ISO (the guest-agent media) to hypervisor hosts, with a progress
 * bar on stderr and the same JSON result as the virtseal.core.image module on stdout. Credentials come from the
 * VIRTSEAL_HOST_* variables, as for the modules and the inventory.
 */
import type { CommandModule } from 'yargs';
import { openHypervisor } from '../../drivers/registry';
import type { ImageKind } from '../../drivers/types';
import { resolveConnection } from '../../services/connection';
import { publishImage } from '../../services/image';
import { createSession, type Session } from '../../services/session';
import { cliIo, processIo } from '../io';
import { ProgressBar } from '../progress';

interface ImageArgs {
  readonly name: string;
  readonly src: string;
  readonly kind: ImageKind;
  readonly sha256?: string;
  readonly to?: string[];
}

const command: CommandModule<object, ImageArgs> = {
  command: 'image',
  describe: 'Publish a golden image (or an ISO with --kind iso) to hypervisor hosts, showing progress',
  builder: (yargs) =>
    yargs
      .option('name', { type: 'string', demandOption: true, describe: 'Name in the host library' })
      .option('src', {
        type: 'string',
        demandOption: true,
        describe: 'Local file: VHDX (Hyper-V) or qcow2 (libvirt), or an ISO with --kind iso',
      })
      .option('kind', {
        choices: ['disk', 'iso'] as const,
        default: 'disk' as ImageKind,
        describe: 'disk: a golden disk; iso: e.g. virtseal-linux-<version>.iso',
      })
      .option('sha256', { type: 'string', describe: 'Expected SHA-256 of --src' })
      .option('to', { type: 'string', array: true, describe: 'Hosts (host or host:port); default VIRTSEAL_HOST' })
      .example(
        '$0 image --kind iso --name virtseal-linux-0.1.0 --src dist/virtseal-linux-0.1.0.iso --to hv01 --to hv02',
        'publish the agent ISO to two hosts',
      ),
  handler: async (args) => {
    const io = cliIo();
    const hosts = args.to?.length ? args.to : [undefined];
    const targets: { host: string; session: Session }[] = [];
    // A live bar when the CLI writes to a terminal; otherwise a line per 10 %.
    const tty = io === processIo && process.stderr.isTTY === true;
    const bar = new ProgressBar({
      tty,
      write: (t) => (tty ? void process.stderr.write(t) : io.err(t.replace(/\n$/, ''))),
    });
    try {
      for (const host of hosts) {
        const { connection } = resolveConnection({}, process.env, host);
        const hv = await openHypervisor(connection);
        targets.push({
          host: host ?? String(process.env.VIRTSEAL_HOST),
          session: createSession(hv, {
            check: false,
            runExchange: () => Promise.reject(new Error('no exchange in image publishing')),
          }),
        });
      }
      const result = await publishImage(
        targets,
        { name: args.name, src: args.src, kind: args.kind, ...(args.sha256 ? { sha256: args.sha256 } : {}) },
        (host, sent, total) => bar.update(host, sent, total),
      );
      bar.done();
      io.out(JSON.stringify(result));
    } finally {
      bar.done();
      await Promise.all(targets.map((t) => t.session.close().catch(() => undefined)));
    }
  },
};

export default command;
