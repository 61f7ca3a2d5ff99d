import { expect } from 'chai';
import { gibibytes } from '../../../src/core/units';
import type { VmInfo } from '../../../src/drivers/types';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { planIsEmpty, planVm } from '../../../src/services/vm-plan';

const actual: VmInfo = {
  id: 'id-1',
  name: 'web01',
  state: 'running',
  generation: 2,
  cpuCount: 2,
  memory: { startupMb: 4096, dynamic: false },
  secureBoot: 'MicrosoftUEFICertificateAuthority',
  tags: ['web', 'prod'],
  notes: '',
  disks: [
    {
      name: 'os',
      path: 'C:\\VMs\\web01\\os.vhdx',
      sizeBytes: gibibytes(40),
      parentPath: 'C:\\images\\deb.vhdx',
      owned: true,
    },
  ],
  nics: [
    {
      name: 'nic0',
      network: 'LAN',
      vlanId: 120,
      mac: '00-15-5D-01-02-03',
      staticMac: false,
      ipAddresses: ['192.0.2.10'],
    },
  ],
  ipAddresses: ['192.0.2.10'],
};

describe('services/vm-plan', () => {
  it('finds nothing to do when the options match (tags in another order, VLAN as given)', () => {
    const desired = vmDesiredFromOptions({
      name: 'web01',
      image: 'deb',
      os_disk_size_gb: 40,
      cpu_count: 2,
      memory_mb: 4096,
      tags: ['prod', 'web'],
      nics: [{ network: 'LAN', vlan_id: 120 }],
    });
    const plan = planVm(actual, desired);
    expect(planIsEmpty(plan), JSON.stringify(plan)).to.equal(true);
    expect(plan.warnings).to.deep.equal([]);
  });

  it('takes secure boot "on" as met by any template, and a template as met by a host without templates', () => {
    const plan = (want: string, have: string) =>
      planVm({ ...actual, secureBoot: have }, vmDesiredFromOptions({ name: 'web01', secure_boot: want as 'on' }))
        .coldOptions;
    // Hyper-V reports the template when secure boot is on.
    expect(plan('on', 'MicrosoftWindows')).to.deep.equal([]);
    expect(plan('MicrosoftUEFICertificateAuthority', 'MicrosoftUEFICertificateAuthority')).to.deep.equal([]);
    expect(plan('MicrosoftUEFICertificateAuthority', 'MicrosoftWindows')).to.deep.equal(['secure_boot']);
    // libvirt reports "on": its enrolled keys carry both Microsoft certificates.
    expect(plan('MicrosoftUEFICertificateAuthority', 'on')).to.deep.equal([]);
    expect(plan('off', 'on')).to.deep.equal(['secure_boot']);
    expect(plan('on', 'off')).to.deep.equal(['secure_boot']);
    expect(plan('MicrosoftWindows', 'off')).to.deep.equal(['secure_boot']);
  });

  it('leaves out what was not asked for', () => {
    expect(planIsEmpty(planVm(actual, vmDesiredFromOptions({ name: 'web01', state: 'stopped' })))).to.equal(true);
  });

  it('separates changes that need the VM off from those that apply at once', () => {
    const plan = planVm(
      actual,
      vmDesiredFromOptions({ name: 'web01', cpu_count: 4, memory_mb: 8192, notes: 'n', tpm: true }),
    );
    expect(plan.coldOptions).to.deep.equal(['cpu_count', 'memory_mb', 'tpm']);
    expect(plan.cold).to.deep.include({ cpuCount: 4, tpm: true });
    expect(plan.hot).to.deep.equal({ notes: 'n' });
  });

  it("moves what the driver changes only with the VM off to the cold changes, named by the module's options", () => {
    const desired = vmDesiredFromOptions({
      name: 'web01',
      image: 'deb',
      os_disk_size_gb: 50,
      automatic_stop_action: 'shutdown',
      notes: 'n',
      disks: [{ name: 'data1', size_gb: 10 }],
      nics: [
        { network: 'LAN', vlan_id: 120 },
        { name: 'backup', network: 'Backup' },
      ],
    });
    // Without the driver's rules automatic actions and device additions apply at once (libvirt, Xen).
    const live = planVm(actual, desired);
    expect(live.hot).to.deep.equal({ automaticStopAction: 'shutdown', notes: 'n' });
    expect([live.addDisks.length, live.growDisks.length, live.addNics.length, live.coldOptions]).to.deep.equal([
      1,
      1,
      1,
      [],
    ]);
    const off = planVm(actual, desired, {
      fields: ['automaticStartAction', 'automaticStopAction'],
      addDisk: true,
      growDisk: true,
      addNic: true,
    });
    expect(off.hot).to.deep.equal({ notes: 'n' });
    expect(off.cold).to.deep.equal({ automaticStopAction: 'shutdown' });
    expect(off.coldOptions).to.deep.equal(['automatic_stop_action', 'disks.data1', 'os_disk_size_gb', 'nics.backup']);
    expect([off.addDisks, off.growDisks, off.addNics]).to.deep.equal([[], [], []]);
    expect(off.coldAddDisks.map((d) => d.name)).to.deep.equal(['data1']);
    expect(off.coldGrowDisks).to.deep.equal([{ name: 'os', sizeBytes: gibibytes(50) }]);
    expect(off.coldAddNics.map((n) => n.name)).to.deep.equal(['backup']);
    expect(planIsEmpty(off)).to.equal(false);
  });

  it('adds and grows disks, never shrinks them, adds and changes NICs', () => {
    const plan = planVm(
      actual,
      vmDesiredFromOptions({
        name: 'web01',
        image: 'deb',
        os_disk_size_gb: 20,
        disks: [{ name: 'data1', size_gb: 100 }],
        nics: [
          { network: 'LAN', vlan_id: 130 },
          { name: 'backup', network: 'Backup' },
        ],
      }),
    );
    expect(plan.addDisks.map((d) => d.name)).to.deep.equal(['data1']);
    expect(plan.growDisks).to.deep.equal([]);
    expect(plan.warnings.join()).to.include('never shrink');
    expect(plan.setNics.map((n) => [n.name, n.vlanId])).to.deep.equal([['nic0', 130]]);
    expect(plan.addNics.map((n) => n.name)).to.deep.equal(['backup']);
  });

  it('leaves the VLAN of an existing NIC alone when vlan_id is left out; 0 removes it; a new NIC with 0 is untagged', () => {
    expect(planIsEmpty(planVm(actual, vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN' }] })))).to.equal(
      true,
    );
    const moved = planVm(actual, vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'DMZ' }] }));
    expect(moved.setNics).to.deep.equal([{ name: 'nic0', network: 'DMZ', vlanId: 120 }]);
    const removed = planVm(actual, vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', vlan_id: 0 }] }));
    expect(removed.setNics).to.deep.equal([{ name: 'nic0', network: 'LAN' }]);
    const mac = planVm(
      actual,
      vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', mac: '00:15:5d:0a:0b:0c' }] }),
    );
    expect(mac.coldNics).to.deep.equal([{ name: 'nic0', network: 'LAN', vlanId: 120, mac: '00:15:5d:0a:0b:0c' }]);
    const added = planVm(
      actual,
      vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN' }, { name: 'b', network: 'Backup', vlan_id: 0 }] }),
    );
    expect(added.addNics).to.deep.equal([{ name: 'b', network: 'Backup' }]);
  });

  it('warns that the generation cannot change', () => {
    const plan = planVm(actual, vmDesiredFromOptions({ name: 'web01', generation: 1 }));
    expect(planIsEmpty(plan)).to.equal(true);
    expect(plan.warnings[0]).to.include('generation');
  });

  it('classes a new MAC as a change that needs the VM off, and keeps a static MAC on a VLAN change', () => {
    const mac = planVm(
      actual,
      vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', vlan_id: 130, mac: '00:15:5d:0a:0b:0c' }] }),
    );
    expect(mac.coldOptions).to.deep.equal(['nics.nic0.mac']);
    expect(mac.coldNics).to.deep.equal([{ name: 'nic0', network: 'LAN', vlanId: 130, mac: '00:15:5d:0a:0b:0c' }]);
    expect(mac.setNics, 'the VLAN applies at once, without the MAC').to.deep.equal([
      { name: 'nic0', network: 'LAN', vlanId: 130 },
    ]);
    expect(mac.cold).to.deep.equal({});

    const staticNic = { ...actual, nics: [{ ...actual.nics[0]!, staticMac: true }] };
    const vlan = planVm(staticNic, vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', vlan_id: 140 }] }));
    expect(vlan.coldOptions).to.deep.equal([]);
    expect(vlan.setNics).to.deep.equal([{ name: 'nic0', network: 'LAN', vlanId: 140, mac: '00:15:5d:01:02:03' }]);

    const unset = { ...actual, nics: [{ ...actual.nics[0]!, mac: '00:00:00:00:00:00' }] };
    expect(
      planIsEmpty(planVm(unset, vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', vlan_id: 120 }] }))),
      'an unassigned dynamic MAC is no difference',
    ).to.equal(true);
  });

  it('compares MAC addresses in any notation', () => {
    const withMac = { ...actual, nics: [{ ...actual.nics[0]!, staticMac: true }] };
    const same = planVm(
      withMac,
      vmDesiredFromOptions({ name: 'web01', nics: [{ network: 'LAN', vlan_id: 120, mac: '00155d010203' }] }),
    );
    expect(same.setNics).to.deep.equal([]);
    expect(same.coldNics).to.deep.equal([]);
  });
});

describe('services/vm-plan boot order read-back', () => {
  it('is met when the kinds the VM has lead the list in the asked order, whatever else the hypervisor lists', async () => {
    const { bootOrderSatisfied } = await import('../../../src/services/vm-plan');
    // Hyper-V Generation 1 always reads back all four BIOS devices.
    expect(bootOrderSatisfied(['disk', 'network'], ['disk', 'network', 'dvd', 'floppy'])).to.equal(true);
    expect(bootOrderSatisfied(['disk', 'network'], ['dvd', 'disk', 'network', 'floppy'])).to.equal(false);
    // Generation 2 lists one entry per device, none for a DVD the VM lacks, and one per disk.
    expect(bootOrderSatisfied(['dvd', 'disk', 'network'], ['disk', 'network'])).to.equal(true);
    expect(bootOrderSatisfied(['disk', 'network'], ['disk', 'disk', 'network'])).to.equal(true);
    expect(bootOrderSatisfied(['network', 'disk'], ['disk', 'disk', 'network'])).to.equal(false);
    const plan = planVm(
      { ...actual, bootOrder: ['disk', 'network'] },
      vmDesiredFromOptions({ name: 'web01', boot_order: ['dvd', 'disk', 'network'] }),
    );
    expect(plan.coldOptions).to.deep.equal([]);
  });
});
