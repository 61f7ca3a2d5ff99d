/**
 * The contract every driver is held to, written once against the `Hypervisor` interface. A target file per driver
 * (`*.driver.contract.test.ts`) opens its host and calls `driverContract`; a target that cannot do something names
 * the case in `unsupported` with the reason, and the case is skipped saying so. Checks that only one driver can make
 * (its own settings, simulator or fake controls) live in `<driver>.contract.test.ts` beside it.
 *
 * The cases share one VM (`main`), made by `lifecycle` and used by the cases after it, so a target that boots a real
 * guest boots it once per file.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Conflict, InvalidArgument, isVirtsealError, NotFound } from '../../src/core/errors';
import { gibibytes } from '../../src/core/units';
import type { Hypervisor, VmInfo, VmSpec } from '../../src/drivers/types';

export type ContractCase =
  | 'facts'
  | 'images'
  | 'lifecycle'
  | 'reconfigure'
  | 'devices'
  | 'checkpoints'
  | 'power'
  | 'hostItems'
  | 'sharedDisk'
  | 'fields'
  | 'cluster';

export interface DriverTarget {
  readonly hv: Hypervisor;
  /** What `facts().hypervisor` says. */
  readonly hypervisor: string;
  /** A network (switch, libvirt network) new NICs can be put on. */
  readonly network: string;
  /** The generation the host's images boot with. */
  readonly generation: 1 | 2;
  /** Writes an image file in this driver's format whose content depends on `variant`. */
  makeImage(dir: string, variant: number): Promise<string>;
  /**
   * The image the suite's VMs are made from: a file the suite publishes (default: `makeImage(dir, 0)`), or the name
   * of an image already in the host's library (a real host the suite may not publish to).
   */
  baseImage?(dir: string): Promise<{ readonly file: string } | { readonly name: string }>;
  /** Resolves once a started VM's guest answers on the guest channel (targets whose channel needs a running guest). */
  guestReady?(vmId: string): Promise<void>;
  /** Cases this target cannot run, with the reason printed when skipped. */
  readonly unsupported?: Partial<Record<ContractCase, string>>;
  close(): Promise<void>;
}

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

export function driverContract(title: string, open: (suite: Mocha.Context) => Promise<DriverTarget>): void {
  describe(`driver contract: ${title}`, function () {
    this.timeout(900_000);
    let target: DriverTarget | undefined;
    let dir = '';
    let image = `contract-${process.pid}-${Date.now().toString(36)}`;
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const created: string[] = [];
    const vmName = (label: string): string => `vs-contract-${run}-${label}`;
    let main: VmInfo | undefined;

    before(async function () {
      target = await open(this);
      dir = await mkdtemp(join(tmpdir(), 'virtseal-contract-'));
      const base = target.baseImage ? await target.baseImage(dir) : { file: await target.makeImage(dir, 0) };
      if ('name' in base) image = base.name;
      else await target.hv.images.publishImage({ localPath: base.file, name: image });
    });
    after(async () => {
      for (const id of created) await target?.hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
      await target?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const it_ = (
      name: ContractCase,
      text: string,
      body: (t: DriverTarget, ctx: Mocha.Context) => Promise<void>,
    ): void => {
      it(text, async function () {
        const reason = target!.unsupported?.[name];
        if (reason) {
          console.log(`      skipped on ${title}: ${reason}`);
          this.skip();
        }
        await body(target!, this);
      });
    };
    /** The VM `lifecycle` made; cases after it skip when it is missing rather than fail for the wrong reason. */
    const mainVm = (ctx: Mocha.Context): VmInfo => {
      if (!main) ctx.skip();
      return main!;
    };

    const spec = (t: DriverTarget, label: string, extra: Partial<VmSpec> = {}): VmSpec => ({
      name: vmName(label),
      generation: t.generation,
      cpuCount: 1,
      memory: { startupMb: 256 },
      disks: [{ name: 'os', image }],
      nics: [],
      ...extra,
    });
    const create = async (t: DriverTarget, label: string, extra: Partial<VmSpec> = {}): Promise<VmInfo> => {
      const vm = await t.hv.vms.createVm({ spec: spec(t, label, extra) });
      created.push(vm.id);
      return vm;
    };
    const stateOf = async (t: DriverTarget, id: string) => (await t.hv.vms.findVm({ ref: { id } }))?.state;

    it_('facts', 'reports host facts: its kind, the network and some storage', async (t) => {
      const facts = await t.hv.facts();
      expect(facts.hypervisor).to.equal(t.hypervisor);
      expect(facts.switches.map((s) => s.name)).to.include(t.network);
      expect(facts.storage.length).to.be.greaterThan(0);
    });

    it_('images', 'publishes an image, skips the same file, and refuses a different file under its name', async (t) => {
      const name = `${image}-pub`;
      const file = await t.makeImage(dir, 1);
      const first = await t.hv.images.publishImage({ localPath: file, name });
      expect(first.skipped).to.equal(false);
      expect(first.image.sha256).to.equal(await sha256(file));
      expect((await t.hv.images.findImage({ name }))?.sha256).to.equal(first.image.sha256);
      expect((await t.hv.images.listImages()).map((i) => i.name)).to.include(name);
      const again = await t.hv.images.publishImage({ localPath: await t.makeImage(dir, 1), name });
      expect(again).to.include({ skipped: true, sentBytes: 0 });
      expect(again.image.sha256).to.equal(first.image.sha256);
      const other = await t.hv.images
        .publishImage({ localPath: await t.makeImage(dir, 2), name })
        .catch((e: unknown) => e);
      expect(other).to.be.instanceOf(Conflict);
      expect((await t.hv.images.findImage({ name }))?.sha256).to.equal(first.image.sha256);
    });

    it_(
      'lifecycle',
      'creates a VM from the image and reads back what it got; finds it by name and id; refuses its name again',
      async (t) => {
        const vm = await create(t, 'main', {
          disks: [{ name: 'os', image, sizeBytes: gibibytes(16) }],
          nics: [{ name: 'lan', network: t.network }],
          tags: ['contract'],
          notes: "O'Brien $(x) <&> 🚀",
        });
        main = vm;
        expect(vm).to.deep.include({ name: vmName('main'), state: 'off', cpuCount: 1, generation: t.generation });
        expect(vm.memory.startupMb).to.equal(256);
        expect(vm.tags).to.deep.equal(['contract']);
        expect(vm.notes).to.equal("O'Brien $(x) <&> 🚀");
        expect(vm.disks.map((d) => d.name)).to.deep.equal(['os']);
        expect(vm.disks[0]).to.deep.include({ owned: true, sizeBytes: gibibytes(16) });
        expect(vm.nics.map((n) => [n.name, n.network])).to.deep.equal([['lan', t.network]]);
        expect(vm.nics[0]!.mac).to.match(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.deep.equal(vm);
        expect((await t.hv.vms.findVm({ ref: { name: vm.name } }))?.id).to.equal(vm.id);
        expect((await t.hv.vms.listVms()).map((v) => v.id)).to.include(vm.id);
        const before = (await t.hv.vms.listVms()).length;
        const again = await t.hv.vms.createVm({ spec: spec(t, 'main') }).catch((e: unknown) => e);
        expect(again).to.be.instanceOf(Conflict);
        expect((await t.hv.vms.listVms()).length).to.equal(before);
      },
    );

    it_(
      'reconfigure',
      'changes CPU count, memory, notes and tags of a VM that is off, and reads them back',
      async (t, ctx) => {
        const vm = mainVm(ctx);
        const after = await t.hv.vms.reconfigureVm({
          id: vm.id,
          changes: { cpuCount: 2, memory: { startupMb: 512 }, notes: 'contract', tags: ['x', 'y'] },
        });
        expect(after).to.deep.include({ cpuCount: 2, notes: 'contract' });
        expect(after.memory.startupMb).to.equal(512);
        expect(after.tags).to.deep.equal(['x', 'y']);
        expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.deep.equal(after);
        const back = await t.hv.vms.reconfigureVm({ id: vm.id, changes: { cpuCount: 1, memory: { startupMb: 256 } } });
        expect(back.cpuCount).to.equal(1);
      },
    );

    it_('devices', 'adds, grows and removes a data.1 disk; adds a second NIC and removes both', async (t, ctx) => {
      const vm = mainVm(ctx);
      const disk = await t.hv.disks.addDisk({ vmId: vm.id, disk: { name: 'data.1', sizeBytes: gibibytes(1) } });
      expect(disk).to.deep.include({ name: 'data.1', owned: true, sizeBytes: gibibytes(1) });
      const grown = await t.hv.disks.resizeDisk({ vmId: vm.id, name: 'data.1', sizeBytes: gibibytes(2) });
      expect(grown.sizeBytes).to.equal(gibibytes(2));
      const nic = await t.hv.nics.addNic({ vmId: vm.id, nic: { name: 'backup', network: t.network } });
      expect(nic).to.deep.include({ name: 'backup', network: t.network });
      const both = (await t.hv.vms.findVm({ ref: { id: vm.id } }))!;
      expect(both.disks.map((d) => d.name)).to.deep.equal(['os', 'data.1']);
      expect(both.nics.map((n) => n.name)).to.deep.equal(['lan', 'backup']);
      await t.hv.disks.removeDisk({ vmId: vm.id, name: 'data.1', deleteFile: true });
      await t.hv.nics.removeNic({ vmId: vm.id, name: 'backup' });
      const after = (await t.hv.vms.findVm({ ref: { id: vm.id } }))!;
      expect(after.disks.map((d) => d.name)).to.deep.equal(['os']);
      expect(after.nics.map((n) => n.name)).to.deep.equal(['lan']);
      // The VM boots without a NIC from here on: a test host need not have a network it may start.
      await t.hv.nics.removeNic({ vmId: vm.id, name: 'lan' });
      expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.nics).to.deep.equal([]);
    });

    it_('checkpoints', 'creates, lists, applies and removes a checkpoint of a VM that is off', async (t, ctx) => {
      const vm = mainVm(ctx);
      const made = await t.hv.checkpoints.createCheckpoint({ vmId: vm.id, name: 'cp one' });
      expect(made.name).to.equal('cp one');
      expect((await t.hv.checkpoints.listCheckpoints({ vmId: vm.id })).map((c) => c.name)).to.deep.equal(['cp one']);
      await t.hv.vms.reconfigureVm({ id: vm.id, changes: { cpuCount: 2 } });
      await t.hv.checkpoints.applyCheckpoint({ vmId: vm.id, name: 'cp one' });
      expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))?.cpuCount).to.equal(1);
      await t.hv.checkpoints.removeCheckpoint({ vmId: vm.id, name: 'cp one' });
      expect(await t.hv.checkpoints.listCheckpoints({ vmId: vm.id })).to.deep.equal([]);
      expect(await stateOf(t, vm.id)).to.equal('off');
    });

    it_('power', 'starts the VM and reads it back running (it stays up for the host items)', async (t, ctx) => {
      const vm = mainVm(ctx);
      await t.hv.power.start({ id: vm.id });
      expect(await stateOf(t, vm.id)).to.equal('running');
    });

    it_('hostItems', 'writes, overwrites, lists and removes host items on the guest channel', async (t, ctx) => {
      const vm = mainVm(ctx);
      await t.guestReady?.(vm.id);
      const channel = t.hv.guestChannel({ vmId: vm.id });
      await channel.writeHostItems([
        ['virtseal.contract.a', '1'],
        ['virtseal.contract.b', "O'Brien 🚀"],
      ]);
      await channel.writeHostItems([['virtseal.contract.a', '2']]);
      expect([...(await channel.listHostItems())].sort()).to.deep.equal(['virtseal.contract.a', 'virtseal.contract.b']);
      await channel.removeHostItems(['virtseal.contract.a', 'virtseal.contract.b']);
      expect(await channel.listHostItems()).to.deep.equal([]);
    });

    it_('power', 'turns the running VM off, and deletes it with its disks (then NotFound)', async (t, ctx) => {
      const vm = mainVm(ctx);
      if ((await stateOf(t, vm.id)) !== 'off') await t.hv.power.turnOff({ id: vm.id });
      expect(await stateOf(t, vm.id)).to.equal('off');
      await t.hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
      expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.equal(undefined);
      expect(await t.hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true }).catch((e: unknown) => e)).to.be.instanceOf(
        NotFound,
      );
      main = undefined;
    });

    it_('sharedDisk', 'refuses to delete a disk another VM uses, then deletes both VMs', async (t) => {
      const base = await create(t, 'base', { disks: [{ name: 'os', image, clone: 'copy' }] });
      const user = await create(t, 'user', { disks: [{ name: 'shared', path: base.disks[0]!.path }] });
      expect(
        await t.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true }).catch((e: unknown) => e),
      ).to.be.instanceOf(Conflict);
      expect(await t.hv.vms.findVm({ ref: { id: base.id } })).to.not.equal(undefined);
      await t.hv.vms.deleteVm({ id: user.id, removeOwnedDisks: true });
      await t.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true });
      expect(await t.hv.vms.findVm({ ref: { id: base.id } })).to.equal(undefined);
    });

    it_('fields', 'refuses what the host cannot take before changing anything, naming the spec field', async (t) => {
      const before = (await t.hv.vms.listVms()).length;
      const error = await t.hv.vms
        .createVm({ spec: spec(t, 'bad', { nics: [{ name: 'lan', network: t.network, mac: 'not-a-mac' }] }) })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidArgument).with.property('option', 'nics[0].mac');
      expect((await t.hv.vms.listVms()).length).to.equal(before);
    });

    it_('cluster', 'says "unsupported" for a cluster role on a host that is not in a cluster', async (t) => {
      const vm = await create(t, 'cluster');
      expect(await t.hv.cluster.hasRole({ vmId: vm.id })).to.equal(false);
      const error = await t.hv.cluster.addRole({ vmId: vm.id }).catch((e: unknown) => e);
      expect(isVirtsealError(error) && error.reason).to.equal('unsupported');
    });
  });
}
