/** Runs the real Linux guest agent (sh + openssl) on pool files in a temporary directory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeHostFacts } from '../../../src/seal/kvp-pool-file';

export const AGENT = resolve('src/guest/linux/virtseal-agent');

export interface AgentWorld {
  readonly base: string;
  readonly kvpDir: string;
  readonly root: string;
  readonly stateDir: string;
  readonly runtimeDir: string;
  readonly vmId: string;
  cleanup(): void;
}

export function makeWorld(
  vmId = '5C0FFEE0-1234-4321-ABCD-00155D010203',
  options: { bareRoot?: boolean } = {},
): AgentWorld {
  const base = mkdtempSync(join(tmpdir(), 'virtseal-agent-'));
  const world = {
    base,
    kvpDir: join(base, 'kvp'),
    root: join(base, 'root'),
    stateDir: join(base, 'state'),
    runtimeDir: join(base, 'run'),
    vmId,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  for (const d of [world.kvpDir, world.root, world.runtimeDir]) mkdirSync(d, { recursive: true });
  writeHostFacts(world.kvpDir, { VirtualMachineId: vmId, VirtualMachineName: 'vm1', HostName: 'hv1' });
  if (options.bareRoot) return world;
  mkdirSync(join(world.root, 'etc'));
  writeFileSync(join(world.root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(world.root, 'etc/group'), 'root:x:0:\nsudo:x:27:\n');
  writeFileSync(join(world.root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
  writeFileSync(join(world.root, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 template\n');
  return world;
}

export interface AgentRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stderr: string }>;
}

/** Starts the agent; `contractOnly` passes exactly the flags of the cross-team contract (as the simulator does). */
export function startAgent(world: AgentWorld, extra: readonly string[] = [], contractOnly = false): AgentRun {
  const args = contractOnly
    ? [
        AGENT,
        'run',
        '--kvp-dir',
        world.kvpDir,
        '--root',
        world.root,
        '--state-dir',
        world.stateDir,
        '--timeout',
        '60',
        ...extra,
      ]
    : [
        AGENT,
        'run',
        '--kvp-dir',
        world.kvpDir,
        '--root',
        world.root,
        '--state-dir',
        world.stateDir,
        '--runtime-dir',
        world.runtimeDir,
        '--timeout',
        '60',
        '--ack-timeout',
        '20',
        ...extra,
      ];
  const child = spawn(process.env.VIRTSEAL_AGENT_SHELL ?? 'sh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((res) =>
    child.on('close', (code) => res({ code, stderr })),
  );
  return { child, done };
}
