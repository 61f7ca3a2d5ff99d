/**
 * Hostile values through every script's parameters, in real PowerShell: over the real SSH path, one pwsh process runs
 * the real runner for each script twice. First with a probe script that has the script's own param() block and
 * returns $PSBoundParameters (so the values as PowerShell bound them come back through the runner's JSON), then the
 * script itself against the fake Hyper-V. Every value arrives intact or is refused in one line naming the parameter;
 * none runs as code (canary payloads would create files on the simulated host); the command line carries none.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { embeddedScripts } from '../../../../src/drivers/hyperv/scripts/scripts.generated';
import { hypervScript, PRELUDE_NAME, type HyperVScriptName } from '../../../../src/drivers/hyperv/scripts';
import type { PsScript } from '../../../../src/transport/powershell-runner';
import { HyperVHypervisor } from '../../../../src/drivers/hyperv/index';
import { ScriptFailed } from '../../../../src/core/errors';
import { bootstrapCommand, PowerShellRunner, type Envelope } from '../../../../src/transport/powershell-runner';
import { SshConnection } from '../../../../src/transport/ssh-connection';
import { findPwsh, PWSH_HINT } from '../../../../src/sim/pwsh';
import { HyperVSimulator } from '../../../../src/sim/server';
import { publishGolden, standardRegistry } from '../../../../src/sim/presets';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

const HOSTILE: readonly string[] = [
  "O'Brien",
  'a b',
  '$(New-Item -ItemType File -Path C:\\pwned-subexpression)',
  '"; New-Item -ItemType File -Path C:\\pwned-quote; "',
  "'; New-Item -ItemType File -Path C:\\pwned-single; '",
  '`whoami`; `$env:PATH` @(New-Item C:\\pwned-backtick)',
  'line1\r\nline2',
  'Привет мир',
  '🚀 emoji ✨',
  '\u2028\u0085\u0000',
  'x'.repeat(5 * 1024),
];

interface ScriptParam {
  name: string;
  type: string;
  validateSet: string[] | null;
}
interface ScriptInfo {
  file: string;
  paramBlock: string;
  params: ScriptParam[];
}

/** The scripts' param() blocks as PowerShell's parser reads them. */
const DESCRIBE = `
$out = foreach ($name in ($env:VS_NAMES -split ',')) {
    $tokens = $null; $errors = $null
    $text = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Environment]::GetEnvironmentVariable('VS_' + $name.Replace('-', '_').Replace('.ps1', ''))))
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$tokens, [ref]$errors)
    [ordered]@{
        file = $name
        paramBlock = $ast.ParamBlock.Extent.Text
        params = @($ast.ParamBlock.Parameters | ForEach-Object {
            $set = @($_.Attributes | Where-Object { $_.TypeName.Name -eq 'ValidateSet' } | ForEach-Object { $_.PositionalArguments | ForEach-Object { $_.Value } })
            [ordered]@{ name = $_.Name.VariablePath.UserPath; type = $_.StaticType.Name; validateSet = $(if ($set.Count -gt 0) { $set } else { $null }) }
        })
    }
}
ConvertTo-Json -InputObject @($out) -Depth 6 -Compress
`;

function hostileArgs(info: ScriptInfo, round: number, vmId: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  info.params.forEach((p, i) => {
    const h = HOSTILE[(round * 3 + i) % HOSTILE.length]!;
    const type = p.type.toLowerCase();
    if (p.validateSet) args[p.name] = round === 0 ? p.validateSet[0] : h;
    else if (p.name === 'Id' && round === 0) args[p.name] = vmId;
    else if (type === 'string') args[p.name] = h;
    else if (type === 'int32' || type === 'int64') args[p.name] = 7;
    else if (type === 'boolean') args[p.name] = true;
    else if (type === 'string[]') args[p.name] = [...HOSTILE];
    else if (type === 'hashtable')
      args[p.name] = { name: h, switchName: h, notes: h, sourcePath: h, fileName: h, nested: { deep: [h] } };
    else args[p.name] = HOSTILE.map((v) => ({ name: v, data: v }));
  });
  return args;
}

describe('hostile values through every Hyper-V script, in real PowerShell', () => {
  let sim: HyperVSimulator;
  let conn: SshConnection;
  let infos: ScriptInfo[] = [];
  let vmId = '';
  const scripts = Object.keys(embeddedScripts)
    .filter((f) => f !== PRELUDE_NAME)
    .sort((a, b) => Number(a === 'vm-delete.ps1') - Number(b === 'vm-delete.ps1') || a.localeCompare(b));
  const results = new Map<string, { round: number; args: Record<string, unknown>; probe: Envelope; run: Envelope }[]>();

  before(async function () {
    const pwsh = findPwsh();
    if (!pwsh) {
      if (process.env.CI === 'true') throw new Error(PWSH_HINT);
      console.log(`      skipped: ${PWSH_HINT}`);
      this.skip();
    }
    this.timeout(600_000);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), VS_NAMES: scripts.join(',') };
    for (const f of scripts)
      env[`VS_${f.replace(/-/g, '_').replace('.ps1', '')}`] = Buffer.from(embeddedScripts[f]!, 'utf8').toString(
        'base64',
      );
    infos = JSON.parse(
      await new Promise<string>((resolve, reject) =>
        execFile(
          pwsh!,
          ['-NoProfile', '-NonInteractive', '-Command', DESCRIBE],
          { env, maxBuffer: 8 * 1024 * 1024 },
          (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out)),
        ),
      ),
    ) as ScriptInfo[];
    const registry = standardRegistry();
    sim = await HyperVSimulator.start({ registry, recordCalls: true });
    publishGolden(registry, sim.files);
    const ssh = sim.sshOptions();
    const hv = await HyperVHypervisor.connect(ssh);
    vmId = (await hv.vms.createVm({ spec: basicSpec('target') })).id;
    await hv.close();
    conn = await SshConnection.connect(ssh);
    // Every request of both rounds in one PowerShell process: probe, then the script.
    const plan: { file: string; round: number; args: Record<string, unknown> }[] = [];
    for (const round of [0, 1])
      for (const info of infos) plan.push({ file: info.file, round, args: hostileArgs(info, round, vmId) });
    // The transport keeps one PowerShell process per connection: every request below goes to the same process.
    const runner = new PowerShellRunner(conn, { timeoutMs: 120_000 });
    const before = sim.pwshProcesses;
    const ask = async (script: PsScript, args: Record<string, unknown>): Promise<Envelope> => {
      try {
        return { ok: true, result: await runner.run(script, args) };
      } catch (error) {
        if (!(error instanceof ScriptFailed)) throw error;
        return { ok: false, error: { message: String(error.details.scriptMessage ?? error.message) } };
      }
    };
    for (const item of plan) {
      const info = infos.find((i) => i.file === item.file)!;
      const probe = { name: item.file, text: `${info.paramBlock}\n[ordered]@{ bound = $PSBoundParameters }\n` };
      const probed = await ask(probe, item.args);
      const run = await ask(hypervScript(item.file.replace(/\.ps1$/, '') as HyperVScriptName), item.args);
      const list = results.get(item.file) ?? [];
      list.push({ round: item.round, args: item.args, probe: probed, run });
      results.set(item.file, list);
    }
    expect(sim.pwshProcesses - before, 'one PowerShell process').to.equal(1);
    console.log(`      ${plan.length} script runs and ${plan.length} binding probes in one pwsh process over SSH`);
  });
  after(async () => {
    await conn?.close();
    await sim?.stop();
  });

  it('covers every script', () => expect(scripts.length).to.be.greaterThan(20));

  it('the command line carries no value', () => {
    for (const c of sim.commands) for (const h of HOSTILE) if (h.length > 3) expect(c).to.not.include(h);
    expect(bootstrapCommand()).to.not.include(HOSTILE[0]);
  });

  for (const file of scripts) {
    it(`${file}: every value arrives intact or is refused in one line naming the parameter`, () => {
      for (const { round, args, probe, run } of results.get(file) ?? []) {
        expect(run, `${file} round ${round}: a result envelope`).to.not.equal(undefined);
        if (probe.ok) {
          const bound = (probe.result as { bound: Record<string, unknown> }).bound;
          for (const [k, v] of Object.entries(args)) expect(bound[k], `${file} round ${round} -${k}`).to.deep.equal(v);
        } else {
          const message = probe.error.message;
          expect(message).to.not.match(/[\r\n]/);
          const named = /parameter '([A-Za-z]+)'/.exec(message)?.[1];
          expect(named, `${file} round ${round}: refusal names a parameter: ${message}`).to.be.a('string');
          const info = infos.find((i) => i.file === file)!;
          expect(
            info.params.find((p) => p.name === named)?.validateSet,
            `${named} is a ValidateSet parameter`,
          ).to.be.an('array');
          expect(run.ok).to.equal(false);
        }
      }
    });
  }

  it('ran every host-side .ps1 under src/ in real pwsh', () => {
    const all = (readdirSync('src', { recursive: true }) as string[])
      .filter((p) => p.endsWith('.ps1'))
      .map((p) => `src/${p}`);
    const ran = new Set([
      ...[...results.entries()]
        .filter(([, runs]) => runs.every((r) => r.run !== undefined))
        .map(([f]) => `src/drivers/hyperv/scripts/${f}`),
      `src/drivers/hyperv/scripts/${PRELUDE_NAME}`,
      'src/transport/powershell/runner.ps1',
    ]);
    const host = all.filter((p) => !p.startsWith('src/guest/'));
    console.log(
      `      ${host.filter((p) => ran.has(p)).length} of ${host.length} host-side .ps1 files under src/ ran in real pwsh here; the ${all.length - host.length} of the Windows guest agent run under Pester (test/component/guest/windows-pester.test.ts)`,
    );
    expect(host.filter((p) => !ran.has(p))).to.deep.equal([]);
  });

  it('no value ran as code on the host', () => {
    const c = sim.files.local('C:\\');
    const planted = existsSync(c) ? readdirSync(c).filter((n) => n.startsWith('pwned')) : [];
    expect(planted).to.deep.equal([]);
    expect(sim.calls.filter((call) => call.cmdlet === 'New-Item')).to.deep.equal([]);
  });
});

describe('hostile values through the driver', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('VM names, notes, tags, NIC and checkpoint names and KVP items round-trip intact', async function () {
    this.timeout(1_200_000);
    for (const [i, value] of HOSTILE.filter((h) => !h.includes('\u0000') && [...h].length <= 100).entries()) {
      const vm = await f.hv.vms.createVm({
        spec: basicSpec(value, { notes: value, tags: [value, 'ok'], nics: [{ name: value, network: 'LAN' }] }),
      });
      expect(vm.name).to.equal(value);
      expect(vm.notes).to.equal(value);
      expect(vm.tags).to.deep.equal([value, 'ok']);
      expect(vm.nics[0]!.name).to.equal(value);
      expect((await f.hv.vms.findVm({ ref: { name: value } }))!.id).to.equal(vm.id);
      const cp = await f.hv.checkpoints.createCheckpoint({ vmId: vm.id, name: value });
      expect(cp.name).to.equal(value);
      const channel = f.hv.guestChannel({ vmId: vm.id });
      const key = `k${i}-${value.replace(/[\r\n]/g, ' ')}`.slice(0, 200);
      await channel.writeHostItems([[key, value.slice(0, 1000)]]);
      expect(f.running.sim.registry.vm(vm.id)!.kvpHost.get(key)).to.equal(value.slice(0, 1000));
      expect(await channel.listHostItems()).to.deep.equal([key]);
      f.running.sim.registry.vm(vm.id)!.kvpGuest.set(key, value.slice(0, 1000));
      await f.hv.power.start({ id: vm.id });
      expect((await channel.readGuestItems()).get(key)).to.equal(value.slice(0, 1000));
    }
  });

  it('a 5 KB note survives the round trip', async () => {
    const big = 'ü'.repeat(5 * 1024);
    const vm = await f.hv.vms.createVm({ spec: basicSpec('big-notes', { notes: big }) });
    expect((await f.hv.vms.findVm({ ref: { id: vm.id } }))!.notes).to.equal(big);
  });
});
