/** The bootstrap/stdin contract and how results and errors come back. */
import { expect } from 'chai';
import { ScriptFailed } from '../../../src/core/errors';
import { decodeClixmlErrors, unescapeClixml } from '../../../src/transport/clixml';
import {
  asciiJson,
  BOOTSTRAP_TEXT,
  bootstrapCommand,
  displayCall,
  encodeRequest,
  encodeStdin,
  parseEnvelope,
  PowerShellRunner,
  RESULT_SENTINEL,
  RUNNER_TEXT,
  type RequestPayload,
} from '../../../src/transport/powershell-runner';
import { FrameScanner } from '../../../src/transport/ps-frames';
import { SshConnection } from '../../../src/transport/ssh-connection';
import { hypervScript } from '../../../src/drivers/hyperv/scripts';
import { clixmlError } from '../../../src/sim/clixml-error';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';

describe('transport/powershell-runner', () => {
  it('keeps the exec command to characters every Windows DefaultShell passes through, under cmd limits', () => {
    for (const exe of ['powershell.exe', 'pwsh.exe'] as const) {
      const command = bootstrapCommand(exe);
      expect(command).to.match(/^[A-Za-z0-9+/=. -]+$/);
      expect(command.length).to.be.below(8191);
      expect(command).to.match(new RegExp(`^${exe.replace('.', '\\.')} -NoProfile -NonInteractive -EncodedCommand `));
    }
    // stdin is read through a raw-handle reader, never `$input` (the host would read it line by line itself).
    expect(BOOTSTRAP_TEXT).to.include('[Console]::OpenStandardInput()');
    expect(BOOTSTRAP_TEXT).to.not.include('$input');
    expect(Buffer.from(bootstrapCommand().split(' ').pop()!, 'base64').toString('utf16le')).to.equal(BOOTSTRAP_TEXT);
  });

  it('sends stdin as 7-bit ASCII: the runner line, then one length-prefixed frame per request', () => {
    const hostile = {
      Name: "O'Brien 🚀 Привет \u2028 `$(x)`",
      Items: [{ name: 'k', data: '"; rm -rf /\nVSREQ 1 2\n' }],
    };
    const stdin = encodeStdin(hypervScript('vm-get'), hostile, 7);
    expect(stdin).to.match(/^[\x00-\x7f]*$/);
    const [runner, header, ...rest] = stdin.split('\n');
    expect(Buffer.from(runner!, 'base64').toString('utf8')).to.equal(RUNNER_TEXT);
    const length = Number(/^VSREQ 7 (\d+)$/.exec(header!)![1]);
    const payload = rest.join('\n');
    expect(payload.length).to.equal(length + 1);
    const request = JSON.parse(payload.slice(0, length)) as RequestPayload;
    expect(request.name).to.equal('vm-get.ps1');
    expect(Buffer.from(request.script, 'base64').toString('utf8')).to.equal(hypervScript('vm-get').text);
    expect(request.args).to.deep.equal(hostile);
    expect(request.prelude!.name).to.equal('hyperv-common.ps1');
    expect(asciiJson({ a: '\u00e9' })).to.equal('{"a":"\\u00e9"}');
    expect(() => encodeRequest(1, { name: 'a b.ps1', text: '' }, {})).to.throw(/not a plain file name/);
  });

  it('finds response frames after profile noise, across chunk boundaries, and ignores sentinel-like text', () => {
    const body = Buffer.from('{"ok":true,"result":{"x":"\u00e9"}}').toString('base64');
    const noisy = `Welcome!\r\n${RESULT_SENTINEL} is my favourite string\r\n\n${RESULT_SENTINEL} 3 ${body.length}\n${body}\n`;
    expect(parseEnvelope(noisy)).to.deep.equal({ ok: true, result: { x: '\u00e9' } });
    expect(parseEnvelope('no result here')).to.equal(undefined);
    const scanner = new FrameScanner(RESULT_SENTINEL);
    const text = `noise\n${RESULT_SENTINEL} 1 5\nab\ncd\n\n${RESULT_SENTINEL} 2 3\nxyz\n`;
    const frames = [...text].flatMap((c) => scanner.push(c));
    expect(frames).to.deep.equal([
      { fields: ['1'], payload: 'ab\ncd' },
      { fields: ['2'], payload: 'xyz' },
    ]);
  });

  it('decodes CLIXML error records, keeping surrogate pairs and dropping progress', () => {
    const text = clixmlError('Cannot find VM "a<b>" 🚀\nsecond line');
    const decoded = decodeClixmlErrors(text);
    expect(decoded).to.include('Cannot find VM "a<b>" 🚀');
    expect(decoded).to.not.include('Preparing modules');
    expect(unescapeClixml('_xD83D__xDE80_')).to.equal('🚀');
    expect(decodeClixmlErrors('plain error')).to.equal('plain error');
  });

  it('redacts secret arguments in the display of what ran', () => {
    expect(displayCall('kvp-set.ps1', { Id: 'x', Items: [{ data: 'canary-secret' }] }, ['Items'])).to.equal(
      'kvp-set.ps1 -Id x -Items ********',
    );
  });

  describe('against the simulator', () => {
    let s: StandardSim;
    let conn: SshConnection;
    let runner: PowerShellRunner;
    before(async () => {
      s = await startStandardSim({
        guestAgent: false,
        profileNoise: 'Loading personal and system profiles took 812ms.\r\n',
      });
      const ssh = s.sim.sshOptions();
      conn = await SshConnection.connect(ssh);
      runner = new PowerShellRunner(conn);
    });
    after(async () => {
      await conn.close();
      await s.stop();
    });
    afterEach(() => s.sim.faults.clear());

    it('returns the one result object despite profile output', async () => {
      const r = await runner.run<{ vms: unknown[] }>(hypervScript('vm-list'), {});
      expect(r.vms).to.deep.equal([]);
    });

    it('surfaces a script error as one clear line naming the script', async () => {
      s.sim.faults.add({ operation: 'vm-list', error: 'The Hyper-V service is not running.\r\nAt line:3 char:1' });
      const error = await runner.run(hypervScript('vm-list'), {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ScriptFailed);
      // The position is where the failing cmdlet call sits in the real vm-list.ps1.
      expect((error as Error).message).to.match(
        /^vm-list\.ps1: The Hyper-V service is not running\. At line:3 char:1 \(line \d+\)$/,
      );
    });

    it('decodes the CLIXML error when PowerShell dies without a result', async () => {
      s.sim.faults.add({
        operation: 'vm-list',
        kind: 'crash',
        error: "Program 'powershell.exe' failed to run: Access is denied",
      });
      const error = await runner.run(hypervScript('vm-list'), {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ScriptFailed);
      expect((error as Error).message).to.equal(
        "vm-list.ps1: the powershell.exe process exited with code 1 before answering: Program 'powershell.exe' failed to run: Access is denied",
      );
      // The next operation gets a fresh process.
      s.sim.faults.clear();
      const execs = conn.stats.execs;
      expect((await runner.run<{ vms: unknown[] }>(hypervScript('vm-list'), {})).vms).to.deep.equal([]);
      expect(conn.stats.execs).to.equal(execs + 1);
    });

    it("reports parameters the script does not declare with PowerShell's wording", async () => {
      const error = await runner.run(hypervScript('vm-get'), { Nmae: 'typo' }).catch((e: unknown) => e);
      expect((error as Error).message).to.match(
        /vm-get\.ps1: A parameter cannot be found that matches parameter name 'Nmae'/,
      );
    });

    it('runs exactly the text it was sent (the host runs any script): a second output is refused by the runner', async () => {
      const changed = { ...hypervScript('vm-list'), text: `${hypervScript('vm-list').text}\n'a second result'\n` };
      const error = await runner.run(changed, {}).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/vm-list\.ps1 produced 2 results instead of exactly one/);
    });
  });
});
