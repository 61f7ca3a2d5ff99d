/**
 * Guests of the fake pool that run the real Linux guest agent (src/guest/linux/virtseal-agent) with its xenstore
 * transport, through the xenstore-* tools wired to the fake's xenstore. They also behave as plain guests (IP,
 * feature-shutdown, control/shutdown). Each VM keeps its guest root and agent state across reboots.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_AGENT } from '../guest-bridge';
import { PlainGuests } from './guests';
import { serveGuestXenstore } from './guest-xenstore';
import type { XapiState } from './state';

export class AgentGuests extends PlainGuests {
  readonly workDir = mkdtempSync(join(tmpdir(), 'virtseal-xen-guests-'));
  private tools: Awaited<ReturnType<typeof serveGuestXenstore>> | undefined;
  private readonly agents = new Map<number, ChildProcess>();

  constructor(private readonly extraArgs: readonly string[] = ['--timeout', '120', '--ack-timeout', '30']) {
    super();
  }

  async prepare(s: XapiState): Promise<void> {
    this.tools = await serveGuestXenstore(s.xs, this.workDir);
  }

  /** The guest's files (root, agent state and log) by VM uuid. */
  dirs(uuid: string): { root: string; state: string; runtime: string; log: string } {
    const base = join(this.workDir, uuid);
    return {
      root: join(base, 'root'),
      state: join(base, 'state'),
      runtime: join(base, 'run'),
      log: join(base, 'agent.log'),
    };
  }

  override started(s: XapiState, vm: string, domid: number, halt: () => void): void {
    super.started(s, vm, domid, halt);
    if (!this.tools) return;
    const d = this.dirs(String(s.rec('VM', vm).uuid));
    for (const dir of [d.root, d.state, d.runtime]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(join(d.root, 'etc/passwd'))) {
      mkdirSync(join(d.root, 'etc'), { recursive: true });
      writeFileSync(join(d.root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      writeFileSync(join(d.root, 'etc/group'), 'root:x:0:\nsudo:x:27:\n');
      writeFileSync(join(d.root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
      writeFileSync(join(d.root, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 template\n');
      writeFileSync(join(d.root, 'etc/hostname'), 'template\n');
    }
    const child = spawn(
      'sh',
      [
        DEFAULT_AGENT,
        'run',
        '--kvp-dir',
        'auto',
        '--root',
        d.root,
        '--state-dir',
        d.state,
        '--runtime-dir',
        d.runtime,
        ...this.extraArgs,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PATH: `${this.tools.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          VIRTSEAL_XS_SOCKET: this.tools.socket,
          VIRTSEAL_XS_DOMID: String(domid),
        },
      },
    );
    const log = createWriteStream(d.log, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    child.on('exit', () => this.agents.delete(domid));
    this.agents.set(domid, child);
  }

  override stopped(s: XapiState, vm: string, domid: number): void {
    super.stopped(s, vm, domid);
    const child = this.agents.get(domid);
    if (child?.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
    this.agents.delete(domid);
  }

  override stopAll(): void {
    super.stopAll();
    for (const child of this.agents.values()) if (child.exitCode === null) child.kill('SIGTERM');
    this.agents.clear();
    void this.tools?.close();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
