/**
 * `virtseal image` copies an image to the Hyper-V host simulator and shows its progress: a bar redrawn in place on a
 * terminal, a line per 10 % elsewhere; the JSON result matches the module's. A second run sends nothing and shows
 * no bar. The bar itself is checked on its own for both modes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli } from '../../../src/cli/app';
import { formatProgress, ProgressBar } from '../../../src/cli/progress';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';

describe('cli: virtseal image shows progress while it copies', function () {
  this.timeout(120_000);
  let world: StandardSim;
  let dir: string;
  const password = randomBytes(12).toString('base64url');

  before(async () => {
    world = await startStandardSim({ password, guestAgent: false });
    dir = mkdtempSync(join(tmpdir(), 'virtseal-cli-image-'));
  });
  after(async () => {
    await world?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
    const vars = {
      VIRTSEAL_HOST_USER: world.sim.user,
      VIRTSEAL_HOST_PASSWORD: password,
      VIRTSEAL_HOST_KEY_FINGERPRINT: world.sim.hostKeyFingerprint,
    };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
      return { code, out: out.join(''), err };
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  }

  it("prints progress lines up to 100 % and the module's result; a second run sends nothing", async () => {
    const src = join(dir, 'golden.vhdx');
    const size = 24 * 1024 * 1024;
    writeFileSync(src, randomBytes(size));
    const host = `${world.sim.host}:${world.sim.port}`;
    const first = await cli(['image', '--name', 'golden-cli', '--src', src, '--to', host]);
    expect(first.code, first.err.join('\n')).to.equal(0);
    const bars = first.err.filter((l) => l.startsWith(`${host} [`));
    expect(bars.length, first.err.join('\n')).to.be.within(3, 11);
    // The raw file is converted to the library's format (VHDX) first, so the bar counts the converted file.
    const last = /\] 100% (\d+\.\d)\/(\d+\.\d) MiB /.exec(bars.at(-1) ?? '');
    expect(last, bars.at(-1)).to.not.equal(null);
    expect(last![1]).to.equal(last![2]);
    const percents = bars.map((l) => Number(/\]\s+(\d+)%/.exec(l)![1]));
    expect(percents).to.deep.equal([...percents].sort((a, b) => a - b));
    const result = JSON.parse(first.out) as {
      changed: boolean;
      hosts: { sent_bytes: number; skipped: boolean; progress: number[] }[];
    };
    expect(result.changed).to.equal(true);
    expect(result.hosts[0]).to.deep.include({ skipped: false });
    expect(result.hosts[0]!.sent_bytes).to.be.at.least(size);
    expect((result.hosts[0]!.sent_bytes / (1024 * 1024)).toFixed(1)).to.equal(last![2]);
    expect(result.hosts[0]!.progress.at(-1)).to.equal(100);

    const second = await cli(['image', '--name', 'golden-cli', '--src', src, '--to', host]);
    expect(second.code).to.equal(0);
    expect(second.err.filter((l) => l.includes('MiB/s'))).to.deep.equal([]);
    expect((JSON.parse(second.out) as { hosts: { skipped: boolean }[] }).hosts[0]!.skipped).to.equal(true);
  });

  it('the bar redraws one line in place on a terminal and steps by 10 % elsewhere', () => {
    let t = 0;
    const tty: string[] = [];
    const onTty = new ProgressBar({ tty: true, write: (s) => void tty.push(s) }, () => t);
    for (let sent = 0; sent <= 100; sent += 5) {
      t += 100;
      onTty.update('hv01', sent * 1024 * 1024, 100 * 1024 * 1024);
    }
    onTty.done();
    expect(tty.slice(0, -1).every((s) => s.startsWith('\r') && !s.includes('\n'))).to.equal(true);
    expect(tty.at(-1)).to.equal('\n');
    const log: string[] = [];
    const inLog = new ProgressBar({ tty: false, write: (s) => void log.push(s) }, () => t);
    for (let sent = 0; sent <= 100; sent += 1) inLog.update('hv01', sent, 100);
    expect(log).to.have.length(11);
    expect(formatProgress('hv01', 50 * 1024 * 1024, 100 * 1024 * 1024, 10_000)).to.equal(
      'hv01 [###############...............]  50% 50.0/100.0 MiB 5.0 MiB/s',
    );
  });
});
