/**
 * Start-up cost of a module call: each module bundle (built fresh from src/ into a temp dir, the shipping form) run as
 * `node <bundle> <args file>` processes that return without a working host, in two scenarios:
 *   bad-args: arguments missing a required option (the call must fail fast, naming the option);
 *   connect:  valid arguments for a Hyper-V host on a loopback port whose server closes every connection at once
 *             (the driver and its SSH transport load, connect, and fail with a host error).
 * ping (`{}`, succeeds) is the baseline in both. Modules alternate in rounds so load drift hits all of them alike; the
 * figures are the median wall time per process over N runs and the median CPU time (user + system) the process
 * reported at exit through a --require preload (less sensitive than wall time to a machine busy with other work).
 * Prints bundle sizes, ms and the ratios to ping.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleModule, moduleEntries } from '../build/build';

const N = Number(process.env.VIRTSEAL_BENCH_RUNS ?? 15);

/** Valid arguments per lifecycle module (connection options are added per scenario). */
const VALID: Record<string, Record<string, unknown>> = {
  vm: { name: 'bench-vm' },
  vm_info: {},
  host_info: {},
  disk: { vm: 'bench-vm', name: 'data' },
  nic: { vm: 'bench-vm', name: 'lan' },
  checkpoint: { vm: 'bench-vm', name: 'cp1' },
  image: { name: 'golden', src: '/nonexistent/golden.vhdx' },
  guest_config: { vm: 'bench-vm', config: { hostname: 'bench-vm' } },
};

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A loopback TCP server that closes every connection immediately (an SSH host that is there but answers nothing). */
async function closingServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

interface Case {
  readonly module: string;
  readonly argsFile: string;
  /** Checks the module's JSON result; returns an error text when it is not the expected outcome. */
  readonly expect: (result: Record<string, unknown>) => string | undefined;
}

// Asynchronous on purpose: the loopback server of the connect scenario runs on this process's event loop.
interface Run {
  readonly ms: number;
  readonly cpuMs: number;
  readonly result: Record<string, unknown>;
}

const CPU_PRELOAD =
  "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nVIRTSEAL_BENCH_CPU_US ' + (u.user + u.system) + '\\n'); });\n";

function runOnce(bundle: string, argsFile: string, env: NodeJS.ProcessEnv, preload: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    execFile(
      process.execPath,
      ['--require', preload, bundle, argsFile],
      { env, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        const line = stdout.trim().split('\n').pop() ?? '';
        const cpu = /VIRTSEAL_BENCH_CPU_US (\d+)/.exec(stderr);
        try {
          if (!cpu) throw new Error('no CPU figure');
          resolve({ ms, cpuMs: Number(cpu[1]) / 1000, result: JSON.parse(line) as Record<string, unknown> });
        } catch {
          reject(
            new Error(
              `${bundle}: no JSON result (${error?.message ?? 'exit 0'}): ${stdout.slice(-500)} ${stderr.slice(-500)}`,
            ),
          );
        }
      },
    );
  });
}

export default async function startupBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-startup-bench-'));
  const { server, port } = await closingServer();
  try {
    const modules = moduleEntries().filter((m) => m === 'ping' || m in VALID);
    const missing = moduleEntries().filter((m) => !modules.includes(m));
    if (missing.length > 0) console.log(`   note: no benchmark arguments for ${missing.join(', ')} (skipped)`);
    const preload = join(dir, 'cpu-preload.cjs');
    writeFileSync(preload, CPU_PRELOAD);
    const sizes: Record<string, number> = {};
    for (const m of modules) {
      await bundleModule(m, join(dir, m), 'embedded');
      sizes[m] = statSync(join(dir, m)).size;
    }
    // No VIRTSEAL_* variables from the caller's shell: the scenarios must not find a host there.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIRTSEAL_')));
    const write = (name: string, args: object): string => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify({ ANSIBLE_MODULE_ARGS: args }));
      return file;
    };
    const pingOk = (r: Record<string, unknown>) =>
      r.ping === 'pong' && !r.failed ? undefined : `ping did not pong: ${JSON.stringify(r)}`;
    const connection = {
      host: '127.0.0.1',
      port,
      user: 'bench',
      password: 'bench-password',
      accept_unknown_host_key: true,
      connect_timeout: 10,
      hypervisor: 'hyperv',
    };
    const scenarios: { name: string; cases: Case[] }[] = [
      {
        name: 'bad-args (missing required option, fails before any connection)',
        cases: modules.map((m) => ({
          module: m,
          argsFile: write(`${m}-bad`, {}),
          expect:
            m === 'ping'
              ? pingOk
              : (r) =>
                  r.failed && r.reason === 'invalid_argument' && typeof r.option === 'string'
                    ? undefined
                    : `expected invalid_argument: ${JSON.stringify(r)}`,
        })),
      },
      {
        name: 'connect (valid args, Hyper-V host on loopback that drops the connection)',
        cases: modules.map((m) => ({
          module: m,
          argsFile: write(`${m}-connect`, m === 'ping' ? {} : { ...VALID[m], ...connection }),
          expect:
            m === 'ping'
              ? pingOk
              : (r) =>
                  r.failed && r.reason !== 'invalid_argument' && r.reason !== 'internal_error'
                    ? undefined
                    : `expected a host failure: ${JSON.stringify(r)}`,
        })),
      },
    ];
    console.log(
      `   node ${process.version}, ${N} runs per module and scenario in alternating rounds, median wall time per process (load average ${loadavg()[0]!.toFixed(1)})`,
    );
    for (const scenario of scenarios) {
      const times: Record<string, number[]> = {};
      const cpu: Record<string, number[]> = {};
      for (const c of scenario.cases) {
        const warm = await runOnce(join(dir, c.module), c.argsFile, env, preload);
        const problem = c.expect(warm.result);
        if (problem) throw new Error(`${c.module}: ${problem}`);
        times[c.module] = [];
        cpu[c.module] = [];
      }
      for (let round = 0; round < N; round++) {
        for (const c of scenario.cases) {
          const run = await runOnce(join(dir, c.module), c.argsFile, env, preload);
          times[c.module]!.push(run.ms);
          cpu[c.module]!.push(run.cpuMs);
        }
      }
      const ping = median(times.ping!);
      const pingCpu = median(cpu.ping!);
      console.log(`   ${scenario.name}:`);
      console.log(
        `     ${'module'.padEnd(14)} ${'size'.padStart(10)} ${'wall'.padStart(8)} ${'/ping'.padStart(6)} ${'cpu'.padStart(8)} ${'/ping'.padStart(6)}`,
      );
      const ratios: number[] = [];
      const cpuRatios: number[] = [];
      for (const c of scenario.cases) {
        const ms = median(times[c.module]!);
        const cpuMs = median(cpu[c.module]!);
        if (c.module !== 'ping') {
          ratios.push(ms / ping);
          cpuRatios.push(cpuMs / pingCpu);
        }
        console.log(
          `     ${c.module.padEnd(14)} ${(sizes[c.module]! / 1024).toFixed(0).padStart(6)} KiB ${ms.toFixed(0).padStart(5)} ms ${(ms / ping).toFixed(2).padStart(6)} ${cpuMs.toFixed(0).padStart(5)} ms ${(cpuMs / pingCpu).toFixed(2).padStart(6)}`,
        );
      }
      console.log(
        `     lifecycle modules, median ratio to ping: wall ${median(ratios).toFixed(2)}, cpu ${median(cpuRatios).toFixed(2)}`,
      );
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
