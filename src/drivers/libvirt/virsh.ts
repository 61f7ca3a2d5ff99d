/**
 * The libvirt host's command line, as argument vectors: `virsh` (with a fixed connection URI) and `qemu-img`.
 * Values are passed as `--option=value` words so that a name starting with `-` is never read as an option, and
 * nothing is ever joined into a command string. Failures become VirtsealErrors carrying virsh's own message.
 */
import { NotFound, ScriptFailed, VirtsealError } from '../../core/errors';
import type { CommandResult, CommandRunner, RunOptions } from '../../transport/local-exec';

export interface HostCommandsOptions {
  readonly runner: CommandRunner;
  /** libvirt connection URI on the host. Default qemu:///system. */
  readonly uri?: string;
}

/** Thrown when the guest agent is absent or does not answer (the guest is booting, or has no qemu-ga). */
export class GuestAgentUnavailable extends VirtsealError {
  constructor(message: string) {
    super('guest_agent_unavailable', message);
  }
}

export class HostCommands {
  readonly runner: CommandRunner;
  readonly uri: string;

  constructor(options: HostCommandsOptions) {
    this.runner = options.runner;
    this.uri = options.uri ?? 'qemu:///system';
  }

  /** Runs `virsh -c URI <args>`; throws on a non-zero exit, classifying the common failures. */
  async virsh(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.runner.run(['virsh', '-q', '-c', this.uri, ...args], options);
    if (result.code !== 0) throw classify(args[0] ?? 'virsh', result);
    return result.stdout;
  }

  /**
   * Runs a virsh command that reads an XML document from a file (`define --file=...`): the XML goes to a fresh
   * host temporary file through dd's stdin (virsh cannot open a socket stdin as /dev/stdin), removed afterwards.
   */
  async virshWithXml(
    args: readonly string[],
    fileOption: string,
    xml: string,
    options: RunOptions = {},
  ): Promise<string> {
    const path = (await this.exec(['mktemp', '--tmpdir', 'virtseal-XXXXXXXXXX.xml'])).trim();
    try {
      await this.exec(['dd', `of=${path}`, 'status=none'], { stdin: xml });
      return await this.virsh([...args, `${fileOption}=${path}`], options);
    } finally {
      await this.runner.run(['rm', '-f', '--', path]);
    }
  }

  /** Like `virsh`, but returns the raw result for callers that expect failures. */
  virshResult(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return this.runner.run(['virsh', '-q', '-c', this.uri, ...args], options);
  }

  /** Runs any other host program (qemu-img, stat, mkdir...) and throws ScriptFailed on a non-zero exit. */
  async exec(argv: readonly string[], options: RunOptions = {}): Promise<string> {
    const result = await this.runner.run(argv, options);
    if (result.code !== 0) {
      throw new ScriptFailed(
        `${argv[0]} ${argv[1] ?? ''} failed: ${firstLine(result.stderr) || `exit ${result.code}`}`,
        {
          details: { program: argv[0], exitCode: result.code },
        },
      );
    }
    return result.stdout;
  }

  /** Sends one QEMU guest agent command (a JSON object) and returns its `return` member. */
  async agent<T = unknown>(
    domain: string,
    command: Readonly<Record<string, unknown>>,
    timeoutSeconds = 10,
  ): Promise<T> {
    const result = await this.virshResult(
      ['qemu-agent-command', `--domain=${domain}`, `--timeout=${timeoutSeconds}`, JSON.stringify(command)],
      { timeoutMs: (timeoutSeconds + 30) * 1000 },
    );
    if (result.code !== 0) {
      const message = firstLine(result.stderr);
      // A domain that is off has no agent either: callers treat both as "the guest has said nothing yet".
      if (
        /agent is not (responding|connected|available)|not configured|Guest agent|domain is not running/i.test(message)
      ) {
        throw new GuestAgentUnavailable(`guest agent of ${domain} is not answering: ${message}`);
      }
      throw classify('qemu-agent-command', result);
    }
    const parsed = JSON.parse(result.stdout) as { return: T };
    return parsed.return;
  }
}

function firstLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.replace(/^error:\s*/, ''))
    .join('; ');
}

function classify(command: string, result: CommandResult): VirtsealError {
  const message = firstLine(result.stderr) || `exit ${result.code}`;
  if (/Domain not found|failed to get domain|no domain with matching/i.test(message)) {
    return new NotFound(`virsh ${command}: ${message}`);
  }
  if (/snapshot not found|no domain snapshot with matching name|Domain snapshot not found/i.test(message)) {
    return new NotFound(`virsh ${command}: ${message}`);
  }
  // libvirtd runs swtpm_setup as its swtpm_user (tss when that user exists), which must be able to write the TPM CA.
  const hint = /swtpm_setup/.test(message)
    ? " (a VM TPM could not be set up: the swtpm CA state in /var/lib/swtpm-localca must be writable by libvirt's swtpm_user, tss by default; the named swtpm log says more)"
    : '';
  return new ScriptFailed(`virsh ${command} failed: ${message}${hint}`, {
    details: { program: 'virsh', exitCode: result.code },
  });
}
