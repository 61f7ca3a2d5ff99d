/**
 * The contract every driver is held to, written once against the `Hypervisor` interface. A target file per driver
 * (`*.driver.contract.test.ts`) opens its host and calls `driverContract`; a target that cannot do something names
 * the case in `unsupported` with the reason, and the case is skipped saying so. A Xen target is one more file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Conflict, InvalidArgument, isVirtsealError } from '../../src/core/errors';
import { gibibytes } from '../../src/core/units';
import type { Hypervisor, VmSpec } from '../../src/drivers/types';

export type ContractCase = 'images' | 'lifecycle' | 'reconfigure' | 'fields' | 'cluster';

export interface DriverTarget {
  readonly hv: Hypervisor;
  /** A network (switch, libvirt network) new NICs can be put on. */
  readonly network: string;
  /** The generation the host's images boot with. */
  readonly generation: 1 | 2;
  /** Writes an image file in this driver's format whose content depends on `variant`. */
  makeImage(dir: string, variant: number): Promise<string>;
  /** Cases this target cannot run, with the reason printed when skipped. */
  readonly unsupported?: Partial<Record<ContractCase, string>>;
  close(): Promise<void>;
}

export function driverContract(title: string, open: (suite: Mocha.Context) => Promise<DriverTarget>): void {
  describe(`driver contract: ${title}`, function () {
    this.timeout(900_000);
    let target: DriverTarget | undefined;
    let dir = '';
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const created: string[] = [];

    before(async function () {
      target = await open(this);
      dir = await mkdtemp(join(tmpdir(), 'virtseal-contract-'));
    });
    after(async () => {
      for (const id of created) await target?.hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
      await target?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const it_ = (name: ContractCase, text: string, body: (t: DriverTarget) => Promise<void>): void => {
      it(text, async function () {
        const reason = target!.unsupported?.[name];
        if (reason) {
          console.log(`      skipped on ${title}: ${reason}`);
          this.skip();
        }
        await body(target!);
      });
    };

    const image = `contract-${run}`;
    const spec = (t: DriverTarget, name: string, extra: Partial<VmSpec> = {}): VmSpec => ({
      name: `vs-contract-${run}-${name}`,
      generation: t.generation,
      cpuCount: 1,
      memory: { startupMb: 256 },
      disks: [{ name: 'os', image }],
      nics: [],
      ...extra,
    });

    it_('images', 'publishes an image, skips the same file, and refuses a different file under its name', async (t) => {
      const first = await t.hv.images.publishImage({ localPath: await t.makeImage(dir, 1), name: image });
      expect(first.skipped).to.equal(false);
      expect((await t.hv.images.findImage({ name: image }))?.sha256).to.equal(first.image.sha256);
      const again = await t.hv.images.publishImage({ localPath: await t.makeImage(dir, 1), name: image });
      expect(again).to.include({ skipped: true, sentBytes: 0 });
      const other = await t.hv.images
        .publishImage({ localPath: await t.makeImage(dir, 2), name: image })
        .catch((e: unknown) => e);
      expect(other).to.be.instanceOf(Conflict);
      expect((await t.hv.images.findImage({ name: image }))?.sha256).to.equal(first.image.sha256);
    });

    it_(
      'lifecycle',
      'creates a VM with a data.1 disk and a NIC, finds it by name and id, and deletes it with its disks',
      async (t) => {
        const vm = await t.hv.vms.createVm({
          spec: spec(t, 'life', {
            disks: [
              { name: 'os', image },
              { name: 'data.1', sizeBytes: gibibytes(1) },
            ],
            nics: [{ name: 'lan', network: t.network }],
            tags: ['contract'],
          }),
        });
        created.push(vm.id);
        expect(vm.state).to.equal('off');
        expect(vm.disks.map((d) => d.name)).to.deep.equal(['os', 'data.1']);
        expect(vm.disks.every((d) => d.owned)).to.equal(true);
        expect(vm.nics.map((n) => n.name)).to.deep.equal(['lan']);
        expect(vm.tags).to.deep.equal(['contract']);
        expect((await t.hv.vms.findVm({ ref: { name: vm.name } }))?.id).to.equal(vm.id);
        expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))?.name).to.equal(vm.name);
        expect((await t.hv.vms.listVms()).map((v) => v.id)).to.include(vm.id);
        await t.hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
        expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.equal(undefined);
      },
    );

    it_('reconfigure', 'changes CPU count, memory and notes of a VM that is off, and reads them back', async (t) => {
      const vm = await t.hv.vms.createVm({ spec: spec(t, 'conf') });
      created.push(vm.id);
      const after = await t.hv.vms.reconfigureVm({
        id: vm.id,
        changes: { cpuCount: 2, memory: { startupMb: 512 }, notes: 'contract' },
      });
      expect(after).to.deep.include({ cpuCount: 2, notes: 'contract' });
      expect(after.memory.startupMb).to.equal(512);
      expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))?.cpuCount).to.equal(2);
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
      const vm = await t.hv.vms.createVm({ spec: spec(t, 'cluster') });
      created.push(vm.id);
      expect(await t.hv.cluster.hasRole({ vmId: vm.id })).to.equal(false);
      const error = await t.hv.cluster.addRole({ vmId: vm.id }).catch((e: unknown) => e);
      expect(isVirtsealError(error) && error.reason).to.equal('unsupported');
    });
  });
}
