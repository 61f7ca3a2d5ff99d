/**
 * Hostile values through every script's parameters: they reach the simulated host exactly as sent, as bound
 * parameter values, while the program text that ran is byte-for-byte the static script (the simulator refuses any
 * other text) and the exec command line carries none of them.
 */
import { expect } from 'chai';
import { embeddedScripts } from '../../../../src/drivers/hyperv/scripts/scripts.generated';
import { hypervScript, PRELUDE_NAME, type HyperVScriptName } from '../../../../src/drivers/hyperv/scripts';
import { bootstrapCommand, encodeStdin, PowerShellRunner } from '../../../../src/transport/powershell-runner';
import { SshConnection } from '../../../../src/transport/ssh-connection';
import { parseParamBlock } from '../../../../src/sim/script-params';
import { HyperVSimulator } from '../../../../src/sim/server';
import { standardRegistry } from '../../../../src/sim/presets';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

export const HOSTILE: readonly string[] = [
  "O'Brien",
  'a b',
  '$(Remove-Item C:\\)',
  '"; rm -rf /',
  '`whoami`; `$env:PATH`',
  'line1\r\nline2',
  'Привет мир',
  '🚀 emoji ✨',
  '\u2028\u0085\u0000',
  'x'.repeat(5 * 1024),
];

function hostileArgs(file: string, round: number): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  parseParamBlock(embeddedScripts[file]!).forEach((p, i) => {
    const h = HOSTILE[(round + i) % HOSTILE.length]!;
    if (p.validateSet) args[p.name] = p.validateSet[0];
    else if (p.type === 'string') args[p.name] = h;
    else if (p.type === 'int' || p.type === 'long') args[p.name] = 7;
    else if (p.type === 'bool') args[p.name] = true;
    else if (p.type === 'string[]') args[p.name] = [...HOSTILE];
    else if (p.type === 'hashtable') args[p.name] = { name: h, switchName: h, notes: h, sourcePath: h, fileName: h, nested: { deep: [h] } };
    else args[p.name] = HOSTILE.map((v) => ({ name: v, data: v }));
  });
  return args;
}

describe('hostile values through every Hyper-V script', () => {
  let sim: HyperVSimulator;
  let conn: SshConnection;
  before(async () => {
    sim = await HyperVSimulator.start({ registry: standardRegistry(), recordInvocations: true });
    const ssh = sim.sshOptions();
    conn = await SshConnection.connect(ssh);
  });
  after(async () => {
    await conn.close();
    await sim.stop();
  });

  const scripts = Object.keys(embeddedScripts).filter((f) => f !== PRELUDE_NAME).sort();

  it('covers every script', () => expect(scripts.length).to.be.greaterThan(20));

  for (const file of scripts) {
    it(`${file}: arguments arrive intact and never as code`, async () => {
      const runner = new PowerShellRunner(conn);
      const script = hypervScript(file.replace(/\.ps1$/, '') as HyperVScriptName);
      for (let round = 0; round < 2; round += 1) {
        const args = hostileArgs(file, round);
        const stdin = encodeStdin(script, args);
        expect(stdin).to.match(/^[\x00-\x7f]*$/);
        expect(bootstrapCommand()).to.not.include(HOSTILE[0]);
        const before = sim.invocations.length;
        await runner.run(script, args).catch(() => undefined); // handlers may refuse the values; binding is what counts
        const inv = sim.invocations[before];
        expect(inv, 'the host parsed the call').to.not.equal(undefined);
        expect(inv!.script).to.equal(file);
        expect(inv!.args).to.deep.equal(JSON.parse(JSON.stringify(args)));
        for (const [k, v] of Object.entries(args)) expect(inv!.bound[k]).to.deep.equal(v);
      }
    });
  }
});

describe('hostile values through the driver', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('VM names, notes, tags, NIC and checkpoint names and KVP items round-trip intact', async () => {
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
