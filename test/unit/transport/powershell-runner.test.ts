/** The bootstrap/stdin contract and how results and errors come back. */
import { expect } from 'chai';
import { ScriptFailed } from '../../../src/core/errors';
import { decodeClixmlErrors, unescapeClixml } from '../../../src/transport/clixml';
import { asciiJson, BOOTSTRAP_TEXT, bootstrapCommand, displayCall, encodeStdin, parseEnvelope, PowerShellRunner, RESULT_SENTINEL } from '../../../src/transport/powershell-runner';
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
    expect(BOOTSTRAP_TEXT).to.include('$input');
    expect(Buffer.from(bootstrapCommand().split(' ').pop()!, 'base64').toString('utf16le')).to.equal(BOOTSTRAP_TEXT);
  });

  it('sends stdin as 7-bit ASCII lines: runner, name, script, JSON arguments, prelude', () => {
    const hostile = { Name: "O'Brien 🚀 Привет \u2028 `$(x)`", Items: [{ name: 'k', data: '"; rm -rf /' }] };
    const stdin = encodeStdin(hypervScript('vm-get'), hostile);
    expect(stdin).to.match(/^[\x00-\x7f]*$/);
    const lines = stdin.split('\n');
    expect(lines[1]).to.equal('vm-get.ps1');
    expect(Buffer.from(lines[2]!, 'base64').toString('utf8')).to.equal(hypervScript('vm-get').text);
    expect(JSON.parse(lines[3]!)).to.deep.equal(hostile);
    expect(lines[4]).to.equal('hyperv-common.ps1');
    expect(asciiJson({ a: '\u00e9' })).to.equal('{"a":"\\u00e9"}');
  });

  it('finds the result after profile noise and ignores sentinel-like text inside values', () => {
    const noisy = `Welcome!\r\n${RESULT_SENTINEL} is my favourite string\r\n\n${RESULT_SENTINEL}\n{"ok":true,"result":{"x":1}}\n`;
    expect(parseEnvelope(noisy)).to.deep.equal({ ok: true, result: { x: 1 } });
    expect(parseEnvelope('no result here')).to.equal(undefined);
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
    expect(displayCall('kvp-set.ps1', { Id: 'x', Items: [{ data: 'canary-secret' }] }, ['Items'])).to.equal('kvp-set.ps1 -Id x -Items ********');
  });

  describe('against the simulator', () => {
    let s: StandardSim;
    let conn: SshConnection;
    let runner: PowerShellRunner;
    before(async () => {
      s = await startStandardSim({ guestAgent: false, profileNoise: 'Loading personal and system profiles took 812ms.\r\n' });
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
      expect((error as Error).message).to.equal('vm-list.ps1: The Hyper-V service is not running. At line:3 char:1');
      expect((error as Error).message).to.not.include('\n');
    });

    it('decodes the CLIXML error when PowerShell dies without a result', async () => {
      s.sim.faults.add({ operation: 'vm-list', kind: 'crash', error: 'Program \'powershell.exe\' failed to run: Access is denied' });
      const error = await runner.run(hypervScript('vm-list'), {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ScriptFailed);
      expect((error as Error).message).to.equal("vm-list.ps1: Program 'powershell.exe' failed to run: Access is denied");
    });

    it('reports parameters the script does not declare with PowerShell\'s wording', async () => {
      const error = await runner.run(hypervScript('vm-get'), { Nmae: 'typo' }).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/vm-get\.ps1: A parameter cannot be found that matches parameter name 'Nmae'/);
    });

    it('is refused by the host when the script text differs from the static file', async () => {
      const tampered = { ...hypervScript('vm-list'), text: `${hypervScript('vm-list').text}\nRemove-Item C:\\` };
      const error = await runner.run(tampered, {}).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/differs from the static script/);
    });
  });
});
