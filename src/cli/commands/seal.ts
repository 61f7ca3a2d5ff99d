import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { parse as parseYaml } from 'yaml';
import type { GuestConfig } from '../../seal/guest-config';
import { runSealedExchange } from '../../seal/host-exchange';
import { poolFileChannel } from '../../seal/kvp-pool-file';
import { parseSenderKey } from '../../seal/sender';
import { UsageError } from '../app';
import { cliIo } from '../io';

interface SealArgs {
  'kvp-dir': string;
  'vm-id': string;
  config: string;
  timeout: number;
  'hlvmm-version'?: string;
  'sender-key'?: string;
}

/** Host side of the sealed exchange over KVP pool files; the config (with its secrets) comes from a file only. */
const command: CommandModule<object, SealArgs> = {
  command: 'seal',
  describe:
    'Seal a guest_config to a guest agent over KVP pool files (.kvp_pool_0 written, .kvp_pool_1 read) and wait for its outcome',
  builder: (y) =>
    y
      .option('kvp-dir', {
        type: 'string',
        demandOption: true,
        describe: 'Directory of the pool files the guest agent uses',
      })
      .option('vm-id', {
        type: 'string',
        demandOption: true,
        describe: 'VM id the guest reports (pool 3 VirtualMachineId)',
      })
      .option('config', {
        type: 'string',
        demandOption: true,
        describe: 'YAML or JSON file holding the guest_config (secrets stay in the file)',
      })
      .option('timeout', { type: 'number', default: 600, describe: 'Seconds to wait for the outcome' })
      .option('sender-key', {
        type: 'string',
        describe: "PEM file of the controller's ECDSA P-256 sender key: envelopes are signed for agents that pin it",
      })
      .option('hlvmm-version', { type: 'string', describe: 'protocol hlvmm-v1 only: version of the HLVMM guest ISO' })
      .example(
        '$0 seal --kvp-dir /var/lib/hyperv --vm-id 5c0ffee0-... --config vm.yaml',
        'provision the guest whose agent uses that directory',
      ),
  handler: async (argv) => {
    let config: GuestConfig;
    try {
      config = parseYaml(readFileSync(argv.config, 'utf8')) as GuestConfig;
    } catch (error) {
      throw new UsageError(`--config: cannot read ${argv.config}: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!config || typeof config !== 'object' || Array.isArray(config))
      throw new UsageError('--config: the file must hold one guest_config mapping');
    let senderKey: KeyObject | undefined;
    if (argv['sender-key'] !== undefined) {
      let pem: string;
      try {
        pem = readFileSync(argv['sender-key'], 'utf8');
      } catch (error) {
        throw new UsageError(
          `--sender-key: cannot read ${argv['sender-key']}: ${(error as Error).message.split('\n')[0]}`,
        );
      }
      try {
        senderKey = parseSenderKey(pem, '--sender-key');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    const io = cliIo();
    const result = await runSealedExchange({
      channel: poolFileChannel(argv['kvp-dir']),
      vmId: argv['vm-id'],
      config,
      timeoutMs: argv.timeout * 1000,
      hlvmmVersion: argv['hlvmm-version'],
      senderKey,
      warn: (m) => io.err(`warning: ${m}`),
    });
    io.out(JSON.stringify(result));
  },
};

export default command;
