import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCli } from '../../../build/build';
import { ROOT } from '../../../build/generate';

describe('cli bundle (dist/virtseal.js)', function () {
  this.timeout(60_000);
  let dir: string;
  let cli: string;
  before(async () => {
    // Inside the repository (.tmp is git-ignored): packages with native addons resolve from its node_modules.
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'cli-'));
    cli = join(dir, 'virtseal.js');
    await bundleCli(cli);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs version, doc and survey as a bundled executable', () => {
    expect(execFileSync(cli, ['version'], { encoding: 'utf8' })).to.match(/^virtseal \d+\.\d+\.\d+/);
    expect(execFileSync(cli, ['doc', 'ping'], { encoding: 'utf8' })).to.include('DOCUMENTATION:');
    expect(JSON.parse(execFileSync(cli, ['survey', 'ping'], { encoding: 'utf8' })).spec).to.be.an('array');
  });

  it('reads flags from VIRTSEAL_* and fails bad input with one line and exit code 2', () => {
    expect(
      JSON.parse(execFileSync(cli, ['version'], { encoding: 'utf8', env: { ...process.env, VIRTSEAL_JSON: 'true' } })),
    ).to.have.property('virtseal');
    try {
      execFileSync(cli, ['doc', 'no_such_module'], { encoding: 'utf8', stdio: 'pipe' });
      expect.fail('accepted an unknown module');
    } catch (err) {
      const e = err as { status: number; stderr: string };
      expect(e.status).to.equal(2);
      expect(e.stderr.trim().split('\n')).to.have.length(1);
    }
  });
});
