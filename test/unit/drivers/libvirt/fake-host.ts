/**
 * A scripted libvirt host for unit tests: records every argument vector and answers from handlers. It also
 * keeps an in-memory guest filesystem behind the QEMU guest agent commands (guest-file-*, guest-exec mv/chmod/mkdir).
 */
import type { CommandResult, CommandRunner, RunOptions } from '../../../../src/transport/local-exec';

export interface Call {
  readonly argv: readonly string[];
  readonly stdin?: string;
}

type Handler = (argv: readonly string[], stdin: string | undefined) => CommandResult | undefined;

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });

export class FakeHost implements CommandRunner {
  readonly calls: Call[] = [];
  readonly guestFiles = new Map<string, Buffer>();
  readonly hostFiles = new Map<string, string>();
  readonly execs: string[][] = [];
  /** Every guest-agent command executed, in order (`guest-file-read`, ...). */
  readonly agentCalls: string[] = [];
  private handlers: Handler[] = [];
  private handles = new Map<number, { path: string; pos: number }>();
  private nextHandle = 1000;
  agentUp = true;

  on(handler: Handler): this {
    this.handlers.unshift(handler);
    return this;
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const stdin =
      typeof options.stdin === 'string'
        ? options.stdin
        : Buffer.isBuffer(options.stdin)
          ? options.stdin.toString('utf8')
          : undefined;
    this.calls.push({ argv: [...argv], ...(stdin !== undefined ? { stdin } : {}) });
    for (const h of this.handlers) {
      const r = h(argv, stdin);
      if (r) return r;
    }
    return this.builtin(argv, stdin);
  }

  async close(): Promise<void> {}

  /** virsh calls without the `virsh -q -c URI` prefix. */
  virshCalls(): string[][] {
    return this.calls.filter((c) => c.argv[0] === 'virsh').map((c) => c.argv.slice(4));
  }

  private builtin(argv: readonly string[], stdin: string | undefined): CommandResult {
    const [prog] = argv;
    if (prog === 'mktemp') return ok('/tmp/virtseal-test.xml\n');
    if (prog === 'dd') {
      const of = argv.find((a) => a.startsWith('of='))?.slice(3) ?? '';
      this.hostFiles.set(of, stdin ?? '');
      return ok();
    }
    if (prog === 'rm' || prog === 'mkdir' || prog === 'rmdir' || prog === 'test') return ok();
    if (prog === 'virsh') return this.virsh(argv.slice(4));
    return { code: 127, stdout: '', stderr: `fake host: no handler for ${prog}` };
  }

  private virsh(args: readonly string[]): CommandResult {
    const [cmd] = args;
    if (cmd === 'qemu-agent-command') return this.agent(JSON.parse(args[args.length - 1] ?? '{}'));
    if (cmd === 'hostname') return ok('kvm-host-1\n');
    return { code: 1, stdout: '', stderr: `error: fake virsh has no answer for ${cmd}` };
  }

  private agent(cmd: { execute: string; arguments?: Record<string, unknown> }): CommandResult {
    if (!this.agentUp)
      return { code: 1, stdout: '', stderr: 'error: Guest agent is not responding: QEMU guest agent is not connected' };
    this.agentCalls.push(cmd.execute);
    const a = cmd.arguments ?? {};
    const reply = (value: unknown): CommandResult => ok(JSON.stringify({ return: value }));
    switch (cmd.execute) {
      case 'guest-file-open': {
        const path = String(a.path);
        if (a.mode === 'r' && !this.guestFiles.has(path)) {
          return {
            code: 1,
            stdout: '',
            stderr: `error: internal error: unable to execute QEMU agent command 'guest-file-open': failed to open file '${path}' (mode: 'r'): No such file or directory`,
          };
        }
        if (a.mode === 'w') this.guestFiles.set(path, Buffer.alloc(0));
        const h = this.nextHandle++;
        this.handles.set(h, { path, pos: 0 });
        return reply(h);
      }
      case 'guest-file-read': {
        const h = this.handles.get(Number(a.handle));
        if (!h) return { code: 1, stdout: '', stderr: 'error: bad handle' };
        const data = this.guestFiles.get(h.path) ?? Buffer.alloc(0);
        const chunk = data.subarray(h.pos, h.pos + Number(a.count ?? 4096));
        h.pos += chunk.length;
        return reply({ count: chunk.length, 'buf-b64': chunk.toString('base64'), eof: h.pos >= data.length });
      }
      case 'guest-file-write': {
        const h = this.handles.get(Number(a.handle));
        if (!h) return { code: 1, stdout: '', stderr: 'error: bad handle' };
        const chunk = Buffer.from(String(a['buf-b64']), 'base64');
        this.guestFiles.set(h.path, Buffer.concat([this.guestFiles.get(h.path) ?? Buffer.alloc(0), chunk]));
        return reply({ count: chunk.length, eof: false });
      }
      case 'guest-file-flush':
        return reply({});
      case 'guest-file-close':
        this.handles.delete(Number(a.handle));
        return reply({});
      case 'guest-exec': {
        const argv = [String(a.path), ...((a.arg as string[]) ?? [])];
        this.execs.push(argv);
        if (argv[0] === '/bin/mv') {
          const [, , from, to] = argv as [string, string, string, string];
          this.guestFiles.set(to, this.guestFiles.get(from) ?? Buffer.alloc(0));
          this.guestFiles.delete(from);
        }
        return reply({ pid: 42 });
      }
      case 'guest-exec-status':
        return reply({ exited: true, exitcode: 0, 'out-data': '', 'err-data': '' });
      case 'guest-network-get-interfaces':
        return reply([
          { name: 'lo', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
          {
            name: 'eth0',
            'ip-addresses': [
              { 'ip-address-type': 'ipv4', 'ip-address': '192.0.2.10', prefix: 24 },
              { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::1', prefix: 64 },
            ],
          },
        ]);
      default:
        return { code: 1, stdout: '', stderr: `error: unsupported agent command ${cmd.execute}` };
    }
  }
}

/** Values the style guide says every script must survive. */
export const HOSTILE = [
  "O'Brien",
  'a b',
  '$(Remove-Item C:\\)',
  '"; rm -rf ~',
  '`id`',
  'Привет мир',
  'emoji 🙂🚀',
  '<tag attr="x">&amp;</tag>',
  'x'.repeat(5 * 1024),
];
