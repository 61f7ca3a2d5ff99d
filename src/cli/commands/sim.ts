/**
 * `virtseal sim`: start the Hyper-V host simulator (or, with --xen, the fake XAPI pool master) on loopback with the
 * standard preset and print how to connect.
 * It runs until interrupted. The README's demo uses it as its default host.
 */
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { InvalidArgument } from '../../core/errors';
import { startStandardSim } from '../../sim/standard-sim';
import { startStandardXenSim } from '../../sim/xapi/standard';
import { cliIo } from '../io';

interface SimArgs {
  readonly 'password-file'?: string;
  readonly port: number;
  readonly json: boolean;
  readonly 'guest-agent'?: boolean;
  readonly 'kvp-job-ms': number;
  readonly agent?: string;
  readonly xen: boolean;
}

const command: CommandModule<object, SimArgs> = {
  command: 'sim',
  describe: 'Start the Hyper-V host simulator on 127.0.0.1 (ephemeral port) and print how to connect',
  builder: (yargs) =>
    yargs
      .option('password-file', {
        type: 'string',
        describe: 'File holding the SSH password to accept (default: a random one, printed)',
      })
      .option('port', { type: 'number', default: 0, describe: 'TCP port on 127.0.0.1 (0 = any free port)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the connection details as one JSON line' })
      .option('guest-agent', {
        type: 'boolean',
        describe: 'Run the Linux guest agent in started VMs (default: when present)',
      })
      .option('kvp-job-ms', { type: 'number', default: 0, describe: 'Simulated duration of each KVP job' })
      .option('agent', {
        type: 'string',
        describe: 'Path of the Linux guest agent to run in started VMs (default: the one in this checkout)',
      })
      .option('xen', {
        type: 'boolean',
        default: false,
        describe: 'Start the fake XAPI pool master (hypervisor xen) instead of the Hyper-V simulator',
      }),
  handler: async (args) => {
    let password: string | undefined;
    if (args['password-file']) {
      try {
        password = readFileSync(args['password-file'], 'utf8').trim();
      } catch (error) {
        throw new InvalidArgument(`password-file cannot be read: ${(error as Error).message}`, 'password-file');
      }
    }
    if (args.xen) {
      await runXen(args, password);
      return;
    }
    const running = await startStandardSim({
      port: args.port,
      ...(password ? { password } : {}),
      ...(args['guest-agent'] !== undefined ? { guestAgent: args['guest-agent'] } : {}),
      ...(args.agent ? { agentCommand: ['sh', args.agent] } : {}),
      timings: { kvpJobMs: args['kvp-job-ms'] },
    });
    const { sim, preset } = running;
    const details = {
      host: sim.host,
      port: sim.port,
      user: sim.user,
      password: sim.password,
      host_key_fingerprint: sim.hostKeyFingerprint,
      switch: preset.switchName,
      image: preset.imageName,
      image_library_path: preset.libraryPath,
      storage_path: preset.storagePath,
    };
    if (args.json) {
      cliIo().out(JSON.stringify(details));
    } else {
      cliIo().out(
        [
          'virtseal Hyper-V simulator is listening (Ctrl-C stops it)',
          `  host:        ${details.host}`,
          `  port:        ${details.port}`,
          `  user:        ${details.user}`,
          `  password:    ${details.password}`,
          `  host key:    ${details.host_key_fingerprint}`,
          `  switch:      ${details.switch}`,
          `  image:       ${details.image} (in ${details.image_library_path})`,
          `  storage:     ${details.storage_path}`,
          '',
          'For the virtseal.core modules:',
          `  export VIRTSEAL_HOST_USER=${details.user}`,
          `  export VIRTSEAL_HOST_PASSWORD='${details.password}'`,
          `  export VIRTSEAL_HOST_KEY_FINGERPRINT='${details.host_key_fingerprint}'`,
          `  # vm_host=${details.host}, port ${details.port}`,
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await running.stop();
  },
};

async function runXen(args: SimArgs, password: string | undefined): Promise<void> {
  const running = await startStandardXenSim({
    ...(args.port ? { port: args.port } : {}),
    ...(password ? { password } : {}),
  });
  const url = new URL(running.fake.url);
  const details = {
    hypervisor: 'xen',
    host: url.hostname,
    port: Number(url.port),
    xapi_url: running.fake.url,
    user: running.user,
    password: running.password,
    xapi_fingerprint: running.fake.tls.fingerprint256,
    network: running.networkName,
    image: running.imageName,
  };
  if (args.json) {
    cliIo().out(JSON.stringify(details));
  } else {
    cliIo().out(
      [
        'virtseal fake XAPI pool master is listening (Ctrl-C stops it)',
        `  xapi_url:    ${details.xapi_url}`,
        `  user:        ${details.user}`,
        `  password:    ${details.password}`,
        `  fingerprint: ${details.xapi_fingerprint}`,
        `  network:     ${details.network}`,
        `  image:       ${details.image}`,
        '',
        'For the virtseal.core modules:',
        '  export VIRTSEAL_HOST_HYPERVISOR=xen',
        `  export VIRTSEAL_HOST_USER=${details.user}`,
        `  export VIRTSEAL_HOST_PASSWORD='${details.password}'`,
        `  export VIRTSEAL_HOST_XAPI_FINGERPRINT='${details.xapi_fingerprint}'`,
        `  # vm_host=${details.host}:${details.port}`,
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.stop();
}

export default command;
