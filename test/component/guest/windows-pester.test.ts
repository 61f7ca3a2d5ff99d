/**
 * The Windows agent's Pester suite (test/component/guest/windows/agent.Tests.ps1) under real pwsh: its crypto against
 * the committed vectors and live envelopes sealed by the Node host, its state machine behind the transport seam,
 * its apply steps as recorded cmdlet calls. Fails on any Pester failure and prints the counts. Without pwsh (no
 * .NET SDK) it skips with how to get it; under CI a missing pwsh fails.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';

const PESTER_VERSION = '5.7.1';

function pwshAvailable(): boolean {
  return spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', 'exit 0'], { stdio: 'ignore' }).status === 0;
}

describe('guest/windows agent under Pester (pwsh)', function () {
  this.timeout(900_000);
  before(function () {
    if (!pwshAvailable()) {
      if (process.env.CI === 'true')
        throw new Error('pwsh is missing: build/install-deps.sh installs it when the .NET SDK is present');
      console.log('    (skipped: no pwsh; install the .NET SDK and run build/install-deps.sh)');
      this.skip();
    }
  });

  it('Invoke-Pester passes every test of the Windows agent suite', async () => {
    const script = [
      `Import-Module Pester -RequiredVersion ${PESTER_VERSION}`,
      '$c = New-PesterConfiguration',
      "$c.Run.Path = 'test/component/guest/windows'",
      '$c.Run.PassThru = $true',
      "$c.Output.Verbosity = 'Normal'",
      '$r = Invoke-Pester -Configuration $c',
      '"PESTER passed=$($r.PassedCount) failed=$($r.FailedCount) skipped=$($r.SkippedCount) notrun=$($r.NotRunCount)"',
      'if ($r.FailedCount -gt 0 -or $r.Result -ne "Passed") { exit 1 }',
    ].join('\n');
    const child = spawn('pwsh', ['-NoProfile', '-NonInteractive', '-Command', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(script);
    const code = await new Promise<number | null>((res) => child.on('close', res));
    const counts = /PESTER passed=(\d+) failed=(\d+) skipped=(\d+)/.exec(out);
    console.log(
      `    Pester: ${counts ? `${counts[1]} passed, ${counts[2]} failed, ${counts[3]} skipped` : 'no result line'}`,
    );
    const failures = out
      .split('\n')
      .filter((l) => /\[-\]|Expected|Exception/.test(l))
      .slice(0, 40)
      .join('\n');
    expect(code, failures || out.slice(-4000)).to.equal(0);
    expect(counts, out.slice(-2000)).to.not.equal(null);
    expect(Number(counts![2])).to.equal(0);
    expect(Number(counts![1])).to.be.at.least(15);
  });
});
