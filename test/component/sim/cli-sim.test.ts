/** `virtseal sim` through the real CLI entry: prints how to connect, serves the preset model, stops on SIGTERM. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHypervisor } from '../../../src/drivers/registry';

function runSim(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`virtseal sim exited with ${code}: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLine, exited };
}

describe('virtseal sim', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'virtseal-cli-sim-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints connection details as JSON, serves the preset host, and stops cleanly', async () => {
    const passwordFile = join(dir, 'pw');
    writeFileSync(passwordFile, 'Sim-Pass-123\n');
    const run = runSim(['--json'], { VIRTSEAL_PASSWORD_FILE: passwordFile });
    try {
      const details = JSON.parse((await run.firstLine).split('\n')[0]!) as Record<string, string | number>;
      expect(details).to.include({
        host: '127.0.0.1',
        user: 'virtseal',
        password: 'Sim-Pass-123',
        switch: 'LAN',
        image: 'debian-12-golden',
      });
      expect(details.port).to.be.a('number').and.above(0);
      expect(details.host_key_fingerprint).to.match(/^SHA256:/);
      const hv = await openHypervisor({
        hypervisor: 'hyperv',
        ssh: {
          host: String(details.host),
          port: Number(details.port),
          user: String(details.user),
          password: String(details.password),
          hostKeyFingerprint: String(details.host_key_fingerprint),
        },
        settings: {},
      });
      const facts = await hv.facts();
      expect(facts.switches.map((s) => s.name)).to.deep.equal(['LAN']);
      expect((await hv.images.findImage({ name: 'debian-12-golden' }))?.sha256).to.match(/^[0-9a-f]{64}$/);
      await hv.close();
    } finally {
      if (run.child.pid !== undefined) process.kill(run.child.pid, 'SIGTERM');
    }
    expect(await run.exited).to.equal(0);
  });

  it('prints human-readable instructions by default', async () => {
    const run = runSim([]);
    try {
      const text = await run.firstLine;
      await new Promise((r) => setTimeout(r, 200));
      expect(text).to.match(/virtseal Hyper-V simulator is listening/);
    } finally {
      if (run.child.pid !== undefined) process.kill(run.child.pid, 'SIGTERM');
    }
    await run.exited;
  });
});
