/**
 * The virtseal CLI: yargs with one command per file (src/cli/commands, listed in commands/index.ts). Every flag is
 * also read from VIRTSEAL_<FLAG> (e.g. VIRTSEAL_FORMAT=json); VIRTSEAL_* variables that are no flag of the command
 * are ignored. Errors print one line; a stack trace only with VIRTSEAL_DEBUG=1.
 */
import yargs, { type CommandModule, type MiddlewareFunction } from 'yargs';
import { isVirtsealError } from '../core/errors';
import * as commands from './commands/index';
import { withIo, type CliIo } from './io';

export class UsageError extends Error {}

/**
 * VIRTSEAL_* variables that configure the modules and the runtime rather than a CLI flag (the AWX credential
 * injects VIRTSEAL_HOST_*; VIRTSEAL_DEBUG turns on stack traces). Strict flag checking must not see them as flags.
 */
const NOT_FLAGS = /^VIRTSEAL_(HOST(_|$)|HYPERV_|DEBUG$|CALLBACK_)/;

/** Hides the non-flag VIRTSEAL_* variables from yargs' env parsing; returns a function that puts them back. */
function hideNonFlagEnv(): () => void {
  const hidden = Object.entries(process.env).filter(([k]) => NOT_FLAGS.test(k));
  for (const [k] of hidden) delete process.env[k];
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const [k, v] of hidden) if (process.env[k] === undefined) process.env[k] = v;
  };
}

const camel = (text: string) => text.toLowerCase().replace(/[-_]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * Before strict validation: drops the arguments yargs made from VIRTSEAL_* variables that name no flag of the
 * command being run (the bridge's webhook secret, a credential's variables, a typo), so they cannot make a command
 * fail with "Unknown argument". Flags given on the command line are untouched.
 */
function ignoreForeignEnv(
  argv: Record<string, unknown>,
  y: { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } },
): void {
  const options = y.getOptions();
  const known = new Set<string>();
  for (const key of Object.keys(options.key)) known.add(camel(key));
  for (const [key, aliases] of Object.entries(options.alias)) {
    known.add(camel(key));
    for (const a of aliases) known.add(camel(a));
  }
  for (const name of Object.keys(process.env)) {
    if (!name.startsWith('VIRTSEAL_')) continue;
    const flag = name.slice('VIRTSEAL_'.length);
    const key = camel(flag);
    if (known.has(key)) continue;
    for (const k of [key, flag.toLowerCase(), flag.toLowerCase().replace(/_/g, '-')]) delete argv[k];
  }
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return withIo(io, async () => {
    let failure: string | undefined;
    const parser = yargs([...argv])
      .scriptName('virtseal')
      .usage('$0 <command> [options]\n\nProvision Hyper-V and libvirt VMs with a sealed per-VM configuration exchange.')
      .env('VIRTSEAL')
      .strict()
      .demandCommand(1, 'Give a command; see virtseal --help.')
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .wrap(Math.min(120, process.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((msg, err) => {
        failure = msg ?? (err ? String(err.message) : 'error');
        if (err && !isVirtsealError(err) && !(err instanceof UsageError) && process.env.VIRTSEAL_DEBUG)
          failure = err.stack ?? failure;
      });
    for (const command of Object.values(commands) as CommandModule[]) parser.command(command);
    // Env parsing and strict validation happen before this middleware; command handlers see the full environment.
    const restoreEnv = hideNonFlagEnv();
    // yargs passes the command's yargs instance as a second argument, which its types leave out.
    const dropForeign = (args: Record<string, unknown>, y: Parameters<typeof ignoreForeignEnv>[1]) =>
      ignoreForeignEnv(args, y);
    parser.middleware(dropForeign as unknown as MiddlewareFunction, true);
    parser.middleware(() => restoreEnv());
    let helpText: string | undefined;
    try {
      await parser.parseAsync([...argv], {}, (_err, _argv, output) => {
        if (output) helpText = output;
      });
    } catch (err) {
      failure ??= err instanceof Error ? err.message : String(err);
    } finally {
      restoreEnv();
    }
    if (failure !== undefined) {
      io.err(`virtseal: ${failure}`);
      return 2;
    }
    if (helpText) io.out(helpText);
    return 0;
  });
}
