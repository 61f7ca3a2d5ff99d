/**
 * Scale: create and seal N VMs across H simulated Hyper-V hosts with ansible-playbook at F forks, and one VM alone
 * in the same run (the baseline). Each VM is one inventory host (connection local) running virtseal.core.vm
 * (state present) and virtseal.core.guest_config (start, sealed exchange until the real Linux agent in the simulated
 * guest reports the configuration applied). Prints wall time and controller CPU (ansible-playbook and every module
 * process it ran; the simulators and their guests are not the controller) per VM, and the ratios of the scaled run
 * against the VM alone (target <= 1 at 50 VMs / 5 hosts / forks 10: VIRTSEAL_SCALE_VMS=50).
 *
 * Environment: VIRTSEAL_SCALE_VMS (default 20, so a default run ends within minutes on a small machine, where every
 * simulated module run starts a real pwsh), VIRTSEAL_SCALE_HOSTS (5), VIRTSEAL_SCALE_FORKS (10);
 * VIRTSEAL_SCALE_LARGE=1 runs 1,000 VMs across 50 hosts at forks 50 instead (opt-in, not for CI: it takes long on a
 * small machine). The simulators run inside this process, as `virtseal sim` would run them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startStandardSim, type StandardSim } from '../src/sim/standard-sim';
import { AnsibleWorkspace, taskResult, type PlaybookReport } from '../test/helpers/ansible';

interface Measured {
  readonly vms: number;
  readonly wallMs: number;
  /** CPU seconds of ansible-playbook and all its descendants (user + system). */
  readonly cpuS: number;
  readonly failed: readonly string[];
  /** Summed over the simulated hosts: SSH connections, PowerShell processes, framed script requests, platform calls. */
  readonly host: { connections: number; execs: number; requests: number; calls: number };
  /** Platform calls by calling script (or cmdlet), most first. */
  readonly byScript: readonly [string, number][];
}

function hostCounters(sims: readonly StandardSim[]): Measured['host'] & { logAt: number[] } {
  return {
    connections: sims.reduce((n, s) => n + s.sim.stats.connections, 0),
    execs: sims.reduce((n, s) => n + s.sim.stats.execs, 0),
    requests: sims.reduce((n, s) => n + s.sim.stats.requests, 0),
    calls: sims.reduce((n, s) => n + s.sim.log.entries.length, 0),
    logAt: sims.map((s) => s.sim.log.entries.length),
  };
}

/** Runs a command under python's resource accounting: CPU of the command and every descendant it waited for. */
const RUSAGE = [
  'import resource, subprocess, sys',
  'code = subprocess.call(sys.argv[2:])',
  'r = resource.getrusage(resource.RUSAGE_CHILDREN)',
  "open(sys.argv[1], 'w').write('%f %f' % (r.ru_utime, r.ru_stime))",
  'sys.exit(code)',
].join('\n');

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

async function createAndSeal(
  ws: AnsibleWorkspace,
  sims: readonly StandardSim[],
  password: string,
  count: number,
  forks: number,
  label: string,
): Promise<Measured> {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < count; i += 1) {
    const sim = sims[i % sims.length]!.sim;
    const name = `${label}-${String(i + 1).padStart(4, '0')}`;
    hosts[name] = { vm_name: name, vm_host: `${sim.host}:${sim.port}`, vm_host_key: sim.hostKeyFingerprint };
  }
  const inventory = join(ws.dir, `inventory-${label}.yml`);
  writeFileSync(
    inventory,
    stringify({
      all: { hosts, vars: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' } },
    }),
  );
  const preset = sims[0]!.preset;
  const play = {
    hosts: 'all',
    gather_facts: false,
    module_defaults: {
      'group/virtseal.core.all': {
        host: '{{ vm_host }}',
        hypervisor: 'hyperv',
        host_key_fingerprint: '{{ vm_host_key }}',
      },
    },
    tasks: [
      {
        name: 'create',
        'virtseal.core.vm': {
          name: '{{ vm_name }}',
          image: preset.imageName,
          os_disk_size_gb: 20,
          cpu_count: 2,
          memory_mb: 2048,
          nics: [{ name: 'nic0', network: preset.switchName }],
          state: 'present',
        },
      },
      {
        name: 'seal',
        'virtseal.core.guest_config': {
          vm: '{{ vm_name }}',
          start: true,
          timeout: 600,
          config: {
            hostname: '{{ vm_name }}',
            domain: 'scale.example',
            nics: [{ dhcp4: true, dns_servers: ['192.0.2.53'] }],
          },
        },
      },
    ],
  };
  const playbook = join(ws.dir, `scale-${label}.yml`);
  const report = join(ws.dir, `scale-${label}-report.json`);
  const usage = join(ws.dir, `scale-${label}-rusage`);
  writeFileSync(playbook, stringify([play]));
  const env = ws.env({
    VIRTSEAL_CALLBACK_OUT: report,
    VIRTSEAL_HOST_USER: sims[0]!.sim.user,
    VIRTSEAL_HOST_PASSWORD: password,
  });
  const before = hostCounters(sims);
  const t = performance.now();
  const code = await new Promise<number>((resolve) => {
    execFile(
      'python3',
      ['-c', RUSAGE, usage, 'ansible-playbook', '-i', inventory, '--forks', String(forks), playbook],
      { cwd: ws.dir, env, maxBuffer: 256 * 1024 * 1024 },
      (error) => resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
  });
  const wallMs = performance.now() - t;
  const after = hostCounters(sims);
  const byScript = new Map<string, number>();
  sims.forEach((s, i) => {
    for (const e of s.sim.log.entries.slice(before.logAt[i])) byScript.set(e.op, (byScript.get(e.op) ?? 0) + 1);
  });
  const [user, system] = readFileSync(usage, 'utf8').split(' ').map(Number) as [number, number];
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as PlaybookReport;
  const failed: string[] = [];
  for (const host of Object.keys(hosts)) {
    for (const task of ['create', 'seal']) {
      try {
        const r = taskResult(parsed, task, host);
        if (r.status === 'failed' || r.status === 'unreachable')
          failed.push(`${host} ${task}: ${String((r.result as { msg?: unknown }).msg ?? r.status)}`);
        else if (task === 'seal' && r.result.outcome !== 'applied')
          failed.push(`${host} seal: outcome ${String(r.result.outcome)}, expected applied`);
      } catch {
        failed.push(`${host} ${task}: no result`);
      }
    }
  }
  if (code !== 0 && failed.length === 0) failed.push(`ansible-playbook exited with ${code}`);
  return {
    vms: count,
    wallMs,
    cpuS: user + system,
    failed,
    host: {
      connections: after.connections - before.connections,
      execs: after.execs - before.execs,
      requests: after.requests - before.requests,
      calls: after.calls - before.calls,
    },
    byScript: [...byScript].sort((a, b) => b[1] - a[1]),
  };
}

export default async function scaleBench(): Promise<void> {
  const large = process.env.VIRTSEAL_SCALE_LARGE === '1';
  const vms = envInt('VIRTSEAL_SCALE_VMS', large ? 1000 : 20);
  const hostCount = envInt('VIRTSEAL_SCALE_HOSTS', large ? 50 : 5);
  const forks = envInt('VIRTSEAL_SCALE_FORKS', large ? 50 : 10);
  const password = randomBytes(18).toString('base64url');
  const ws = new AnsibleWorkspace();
  const sims: StandardSim[] = [];
  try {
    ws.install(await ws.buildCollection('embedded'));
    for (let i = 0; i < hostCount; i += 1) sims.push(await startStandardSim({ password, guestAgent: true }));
    // Warm-up (first ansible run, file caches), then the VM alone, then the scaled run.
    await createAndSeal(ws, sims.slice(0, 1), password, 1, 1, 'warm');
    const alone = await createAndSeal(ws, sims.slice(0, 1), password, 1, 1, 'alone');
    const scaled = await createAndSeal(ws, sims, password, vms, forks, 'scale');
    const perVm = (m: Measured): { wall: number; cpu: number } => ({
      wall: m.wallMs / 1000 / m.vms,
      cpu: m.cpuS / m.vms,
    });
    const [a, s] = [perVm(alone), perVm(scaled)];
    console.log(
      `   create + seal (sealed exchange to 'applied' with the real Linux agent), ansible-playbook, connection local`,
    );
    console.log(
      `   1 VM alone (forks 1)                  wall ${a.wall.toFixed(2)} s/VM   controller CPU ${a.cpu.toFixed(2)} s/VM   failures ${alone.failed.length}`,
    );
    console.log(
      `   ${vms} VMs / ${hostCount} hosts / forks ${forks}`.padEnd(41) +
        `wall ${s.wall.toFixed(2)} s/VM   controller CPU ${s.cpu.toFixed(2)} s/VM   failures ${scaled.failed.length}`,
    );
    console.log(
      `   per-VM ratio scaled/alone: wall ${(s.wall / a.wall).toFixed(2)} (target <= 1), controller CPU ${(s.cpu / a.cpu).toFixed(2)}`,
    );
    console.log(
      `   whole scaled run: ${(scaled.wallMs / 1000).toFixed(1)} s wall, ${scaled.cpuS.toFixed(1)} s controller CPU`,
    );
    const perVmHost = (m: Measured): string =>
      `${(m.host.connections / m.vms).toFixed(1)} SSH connections, ${(m.host.execs / m.vms).toFixed(1)} PowerShell processes, ` +
      `${(m.host.requests / m.vms).toFixed(1)} script requests, ${(m.host.calls / m.vms).toFixed(0)} Hyper-V calls`;
    console.log(`   per VM on the hosts, alone:  ${perVmHost(alone)}`);
    console.log(`   per VM on the hosts, scaled: ${perVmHost(scaled)}`);
    console.log(
      `   Hyper-V calls per VM by script (scaled): ${scaled.byScript
        .slice(0, 8)
        .map(([op, n]) => `${op} ${(n / scaled.vms).toFixed(1)}`)
        .join(', ')}`,
    );
    for (const line of [...alone.failed, ...scaled.failed].slice(0, 10)) console.log(`   FAILED ${line}`);
    if (alone.failed.length + scaled.failed.length > 0)
      throw new Error(`${alone.failed.length + scaled.failed.length} VM task(s) failed`);
    const left = sims.reduce(
      (n, x) => n + [...x.sim.registry.vms.values()].filter((vm) => vm.kvpHost.size > 0).length,
      0,
    );
    console.log(`   VMs with host KVP items left after sealing: ${left} (expected 0)`);
  } finally {
    for (const s of sims) await s.stop();
    ws.close();
  }
}
