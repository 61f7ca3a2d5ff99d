/**
 * Simulated guests that run the real Linux guest agent: when a VM with guest kind `linux-agent` starts, its KVP pools
 * become files in a per-VM temp directory (pool 0 = host items, pool 3 = VirtualMachineId/VirtualMachineName/
 * HostName) and the agent is started as `sh <agent> run --kvp-dir DIR --root ROOT --state-dir DIR`. Host item changes
 * rewrite pool 0; guest items are read back from pool 1 before every host read. The state dir survives reboots.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GuestHooks } from './context';
import { readPool, writePool } from './kvp-pool-file';
import type { SimRegistry, SimVm } from './registry';

/** The Linux agent in this checkout: beside the sources, or next to a bundled dist/ build, or under the cwd. */
export const DEFAULT_AGENT =
  [
    fileURLToPath(new URL('../guest/linux/virtseal-agent', import.meta.url)),
    fileURLToPath(new URL('../src/guest/linux/virtseal-agent', import.meta.url)),
    join(process.cwd(), 'src/guest/linux/virtseal-agent'),
  ].find((p) => existsSync(p)) ?? fileURLToPath(new URL('../guest/linux/virtseal-agent', import.meta.url));

export interface GuestBridgeOptions {
  readonly registry: SimRegistry;
  /** Program and leading arguments; default `sh <DEFAULT_AGENT>`. `run --kvp-dir ...` is appended. */
  readonly command?: readonly string[];
  /** Parent of the per-VM directories; default a new temp dir removed by dispose(). */
  readonly workDir?: string;
  /** Extra arguments after the contract's, e.g. ['--timeout', '60']. */
  readonly extraArgs?: readonly string[];
}

export interface GuestRun {
  readonly vmId: string;
  readonly process: ChildProcess;
  exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;
}

export class GuestBridge implements GuestHooks {
  readonly runs = new Map<string, GuestRun>();
  readonly workDir: string;
  private readonly ownWorkDir: boolean;

  constructor(private readonly options: GuestBridgeOptions) {
    this.ownWorkDir = options.workDir === undefined;
    this.workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'virtseal-guests-'));
  }

  /** Is the default agent present in this checkout? */
  static agentAvailable(): boolean {
    return existsSync(DEFAULT_AGENT);
  }

  dirs(vm: SimVm): { kvp: string; root: string; state: string; runtime: string; log: string } {
    const base = join(this.workDir, vm.id);
    return {
      kvp: join(base, 'kvp'),
      root: join(base, 'root'),
      state: join(base, 'state'),
      runtime: join(base, 'run'),
      log: join(base, 'agent.log'),
    };
  }

  /** A minimal guest filesystem for the agent to configure (users, hosts, hostname), made on first boot. */
  private seedRoot(root: string, hostname: string): void {
    if (existsSync(join(root, 'etc', 'passwd'))) return;
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nsudo:x:27:\n');
    writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
    writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 template\n');
    writeFileSync(join(root, 'etc/hostname'), `${hostname}\n`);
  }

  boot(vm: SimVm): void {
    if (vm.guest !== 'linux-agent') return;
    const previous = this.runs.get(vm.id);
    if (previous && previous.exitCode === undefined) return; // already running
    const d = this.dirs(vm);
    for (const dir of [d.kvp, d.root, d.state, d.runtime]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.seedRoot(d.root, 'template');
    writePool(join(d.kvp, '.kvp_pool_0'), vm.kvpHost);
    writePool(join(d.kvp, '.kvp_pool_3'), [
      ['VirtualMachineId', vm.id.toUpperCase()],
      ['VirtualMachineName', vm.name],
      ['HostName', this.options.registry.host.name],
    ]);
    writePool(join(d.kvp, '.kvp_pool_1'), vm.kvpGuest);
    const [program, ...lead] = this.options.command ?? ['sh', DEFAULT_AGENT];
    const args = [
      ...lead,
      'run',
      '--kvp-dir',
      d.kvp,
      '--root',
      d.root,
      '--state-dir',
      d.state,
      '--runtime-dir',
      d.runtime,
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(d.log, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    let settle: (code: number | null) => void = () => undefined;
    const run: GuestRun = {
      vmId: vm.id,
      process: child,
      exitCode: undefined,
      exited: new Promise((r) => (settle = r)),
    };
    child.on('exit', (code) => {
      run.exitCode = code;
      this.refresh(vm);
      settle(code);
    });
    child.on('error', () => {
      run.exitCode = -1;
      settle(-1);
    });
    this.runs.set(vm.id, run);
  }

  halt(vm: SimVm): void {
    const run = this.runs.get(vm.id);
    if (run && run.exitCode === undefined && run.process.pid !== undefined) run.process.kill('SIGTERM');
    this.runs.delete(vm.id);
  }

  hostItemsChanged(vm: SimVm): void {
    const d = this.dirs(vm);
    if (existsSync(d.kvp)) writePool(join(d.kvp, '.kvp_pool_0'), vm.kvpHost);
  }

  refresh(vm: SimVm): void {
    const d = this.dirs(vm);
    if (!existsSync(d.kvp)) return;
    vm.kvpGuest = new Map(readPool(join(d.kvp, '.kvp_pool_1')));
  }

  /** Stops every agent this bridge started and removes its work dir (when it made it). */
  dispose(): void {
    for (const run of this.runs.values()) if (run.exitCode === undefined) run.process.kill('SIGTERM');
    this.runs.clear();
    if (this.ownWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
