/**
 * Hyper-V driver benchmark, printed as ratios against baselines measured in the same run:
 *  1. SSH connections and PowerShell processes per module run against the simulator (targets: 1 connection and
 *     1 process per run, however many operations);
 *  1b. per-operation cost in real pwsh: one process kept for the whole module run against a fresh process per
 *     operation (the old transport), same script, same run, alternating rounds;
 *  2. image upload and publish throughput against a plain SFTP copy (ssh2 fastPut) of the same file to the same host
 *     (target: >= 90%), with the cost of the host-side SHA256 verification shown separately.
 * Run: npx tsx bench/hyperv.bench.ts [size MiB, default 64]; VIRTSEAL_BENCH_PWSH_OPS (10) and VIRTSEAL_BENCH_PWSH_ROUNDS
 * (3) size part 1b.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HyperVHypervisor } from '../src/drivers/hyperv/index';
import { gibibytes } from '../src/core/units';
import { sha256File } from '../src/transport/file-hash';
import { uploadFile } from '../src/transport/sftp-upload';
import { SshConnection } from '../src/transport/ssh-connection';
import { PowerShellRunner, type PsScript } from '../src/transport/powershell-runner';
import { localLauncher } from '../src/transport/ps-process';
import { findPwsh, PWSH_HINT } from '../test/helpers/pwsh';
import { startStandardSim, type StandardSim } from '../src/sim/standard-sim';

async function operationCosts(s: StandardSim): Promise<void> {
  const ssh = s.sim.sshOptions();
  const hv = await HyperVHypervisor.connect(ssh);
  const rows: [string, number, number][] = [];
  const measure = async (label: string, fn: () => Promise<unknown>): Promise<void> => {
    const before = { ...s.sim.stats };
    await fn();
    rows.push([label, s.sim.stats.requests - before.requests, s.sim.stats.execs - before.execs]);
  };
  let id = '';
  await measure('facts', () => hv.facts());
  await measure('find (absent)', () => hv.vms.findVm({ ref: { name: 'bench-vm' } }));
  await measure('create', async () => {
    id = (
      await hv.vms.createVm({
        spec: {
          name: 'bench-vm',
          generation: 2,
          cpuCount: 2,
          memory: { startupMb: 2048 },
          disks: [{ name: 'os', image: 'debian-12-golden', sizeBytes: gibibytes(20) }],
          nics: [{ name: 'eth0', network: 'LAN' }],
        },
      })
    ).id;
  });
  await measure('reconfigure', () => hv.vms.reconfigureVm({ id, changes: { cpuCount: 4 } }));
  await measure('retag', () => hv.vms.reconfigureVm({ id, changes: { tags: ['bench'], notes: 'bench run' } }));
  await measure('start', () => hv.power.start({ id }));
  await measure('kvp write 200 items', () =>
    hv.guestChannel({ vmId: id }).writeHostItems(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`] as const)),
  );
  await measure('kvp read guest', () => hv.guestChannel({ vmId: id }).readGuestItems());
  await measure('guest addresses', () => hv.guestAddresses({ vmId: id }));
  await measure('shutdown', () => hv.power.shutdown({ id, timeoutMs: 60_000, force: true }));
  await measure('delete', () => hv.vms.deleteVm({ id, removeOwnedDisks: true }));
  const connects = hv.session.connection.stats.connects;
  await hv.close();
  const scripts = rows.reduce((a, [, n]) => a + n, 0);
  const processes = rows.reduce((a, [, , p]) => a + p, 0);
  console.log('Script runs and new PowerShell processes per operation (simulated host):');
  for (const [label, n, p] of rows) console.log(`  ${label.padEnd(22)} scripts ${n}   new processes ${p}`);
  console.log(
    `PowerShell processes per module run (target 1): ${processes} for ${rows.length} operations, ${scripts} script runs`,
  );
  console.log(
    `  processes/operation ratio: ${(processes / rows.length).toFixed(2)} (one process per script run would give ${(scripts / rows.length).toFixed(2)})`,
  );
  console.log(`SSH connections per module run (target 1): ${connects}`);
}

/** One operation in real pwsh: it touches cmdlets of autoloaded modules, as a Hyper-V script touches the Hyper-V
 * module, and returns one small result. */
const OPERATION: PsScript = {
  name: 'bench-op.ps1',
  text: [
    'param([string]$Name, [int]$Round)',
    '$item = Get-Item -LiteralPath ([IO.Path]::GetTempPath())',
    '$hash = (Get-FileHash -InputStream ([IO.MemoryStream]::new([Text.Encoding]::UTF8.GetBytes($Name))) -Algorithm SHA256).Hash',
    '$json = ConvertTo-Json -InputObject @{ name = $Name; round = $Round } -Compress',
    '@{ name = $Name; hash = $hash; dir = $item.FullName; size = $json.Length }',
  ].join('\n'),
};

interface RunCost {
  readonly ms: number;
  /** The operations after the first, which carries the process start in the kept mode. */
  readonly laterMs: number;
  readonly processes: number;
}

async function moduleRun(pwsh: string, processPerOperation: boolean, operations: number): Promise<RunCost> {
  const runner = new PowerShellRunner(localLauncher(pwsh), { executable: 'pwsh.exe', processPerOperation });
  const t = performance.now();
  let first = 0;
  for (let i = 0; i < operations; i += 1) {
    await runner.run(OPERATION, { Name: `vm-${i}`, Round: i });
    if (i === 0) first = performance.now();
  }
  const end = performance.now();
  await runner.close();
  return { ms: end - t, laterMs: end - first, processes: runner.stats.processes };
}

async function realPwshCosts(operations: number, rounds: number): Promise<void> {
  const pwsh = findPwsh();
  if (!pwsh) {
    console.log(`Real pwsh per-operation cost: skipped: ${PWSH_HINT}`);
    return;
  }
  const kept: RunCost[] = [];
  const fresh: RunCost[] = [];
  // Rounds alternate the two modes so machine load hits them alike.
  for (let round = 0; round < rounds; round += 1) {
    kept.push(await moduleRun(pwsh, false, operations));
    fresh.push(await moduleRun(pwsh, true, operations));
  }
  const perOp = (runs: { ms: number }[]): number => median(runs.map((r) => r.ms / operations));
  const [k, f] = [perOp(kept), perOp(fresh)];
  console.log(`Real pwsh (${pwsh}): module runs of ${operations} operations, median of ${rounds} alternating rounds:`);
  console.log(
    `  one process per module run    processes/run ${median(kept.map((r) => r.processes))}   ${k.toFixed(0)} ms/operation (process start included)`,
  );
  console.log(
    `  fresh process per operation   processes/run ${median(fresh.map((r) => r.processes))}   ${f.toFixed(0)} ms/operation (baseline)`,
  );
  console.log(
    `  per-operation cost ratio kept/fresh: ${(k / f).toFixed(3)} (fresh costs ${(f / k).toFixed(1)}x as much)`,
  );
  const later = median(kept.map((r) => r.laterMs / (operations - 1)));
  console.log(
    `  an operation after the first in a kept process: ratio ${(later / f).toFixed(4)} of a fresh-process operation`,
  );
  console.log('  (a Windows host also loads the Hyper-V module in every fresh process, so there the gap is wider)');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function publishThroughput(s: StandardSim, sizeMiB: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-bench-'));
  try {
    const file = join(dir, 'image.vhdx');
    writeFileSync(file, randomBytes(sizeMiB * 1024 * 1024));
    const ssh = s.sim.sshOptions();
    const plain = await SshConnection.connect(ssh);
    const hv = await HyperVHypervisor.connect(ssh);
    const times = { plain: [] as number[], upload: [] as number[], publish: [] as number[], hash: [] as number[] };
    const library = '/C:/ProgramData/virtseal/images';
    // Rounds alternate the three transfers so machine load hits them alike.
    for (let round = 0; round < 5; round += 1) {
      const sftp = await plain.sftp();
      let t = performance.now();
      await new Promise<void>((resolve, reject) =>
        sftp.fastPut(file, `${library}/plain-${round}.vhdx`, (e) => (e ? reject(e) : resolve())),
      );
      times.plain.push(performance.now() - t);
      t = performance.now();
      await uploadFile(await hv.session.connection.sftp(), {
        localPath: file,
        remotePath: `${library}/upload-${round}.vhdx`,
      });
      times.upload.push(performance.now() - t);
      t = performance.now();
      await hv.images.publishImage({ localPath: file, name: `bench-${round}` });
      times.publish.push(performance.now() - t);
      t = performance.now();
      await sha256File(file);
      times.hash.push(performance.now() - t);
    }
    await plain.close();
    await hv.close();
    const mb = sizeMiB * 1.048576;
    const rate = (ms: number): number => mb / (ms / 1000);
    const [plainMs, uploadMs, publishMs, hashMs] = [
      median(times.plain),
      median(times.upload),
      median(times.publish),
      median(times.hash),
    ];
    console.log(
      `Image publish of ${sizeMiB} MiB over loopback (median of 5 alternating rounds, same run, same simulated host):`,
    );
    console.log(`  plain SFTP copy (ssh2 fastPut)        ${rate(plainMs).toFixed(1)} MB/s`);
    console.log(
      `  virtseal upload (resumable writes)    ${rate(uploadMs).toFixed(1)} MB/s   ratio ${(plainMs / uploadMs).toFixed(2)} (target >= 0.90)`,
    );
    console.log(
      `  full publish (+ SHA256 on the host)   ${rate(publishMs).toFixed(1)} MB/s   ratio ${(plainMs / publishMs).toFixed(2)}`,
    );
    // The host must read the whole file once more to verify it (Get-FileHash after the upload closes the file), so on
    // loopback, where the copy is nearly as fast as hashing, verification dominates. At a 1 GbE link (~40 MB/s to
    // Windows OpenSSH, W#697) the same verification cost gives:
    const link = 40;
    const projected = mb / link / (mb / link + mb / rate(hashMs));
    console.log(
      `  SHA256 rate here ${rate(hashMs).toFixed(0)} MB/s -> projected publish/plain ratio at ${link} MB/s: ${projected.toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(sizeMiB = 64): Promise<void> {
  const s = await startStandardSim({ guestAgent: false });
  try {
    await operationCosts(s);
    await realPwshCosts(
      Number(process.env.VIRTSEAL_BENCH_PWSH_OPS ?? 10),
      Number(process.env.VIRTSEAL_BENCH_PWSH_ROUNDS ?? 3),
    );
    await publishThroughput(s, sizeMiB);
  } finally {
    await s.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run(Number(process.argv[2] ?? 64));
}
