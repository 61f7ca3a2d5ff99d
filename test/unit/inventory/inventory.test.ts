import { expect } from 'chai';
import type { VmInfo } from '../../../src/drivers/types';
import { buildInventory, connectAddress, groupName } from '../../../src/inventory/inventory';

const vm = (name: string, state: VmInfo['state'], tags: string[], ips: string[]): VmInfo => ({
  id: `id-${name}`,
  name,
  state,
  cpuCount: 2,
  memory: { startupMb: 2048 },
  tags,
  disks: [],
  nics: [],
  ipAddresses: ips,
});

describe('inventory', () => {
  it('groups VMs by host, power state and tag, with host vars', () => {
    const inv = buildInventory([
      {
        host: 'hv01.example.com',
        hypervisor: 'hyperv',
        vms: [vm('web01', 'running', ['web', 'prod'], ['fe80::1', '192.0.2.10']), vm('db01', 'off', ['prod'], [])],
      },
      { host: 'hv02', hypervisor: 'hyperv', vms: [vm('web02', 'running', ['Web Servers'], ['2001:db8::2'])] },
    ]);
    expect(inv.host_hv01_example_com).to.deep.equal({ hosts: ['db01', 'web01'] });
    expect(inv.power_running).to.deep.equal({ hosts: ['web01', 'web02'] });
    expect(inv.power_off).to.deep.equal({ hosts: ['db01'] });
    expect(inv.tag_prod).to.deep.equal({ hosts: ['db01', 'web01'] });
    expect(inv.tag_web_servers).to.deep.equal({ hosts: ['web02'] });
    expect(inv._meta.hostvars.web01).to.deep.include({
      ansible_host: '192.0.2.10',
      virtseal_hypervisor_host: 'hv01.example.com',
      virtseal_power_state: 'running',
    });
    expect(inv._meta.hostvars.web02!.ansible_host).to.equal('2001:db8::2');
    expect(inv._meta.hostvars.db01).to.not.have.property('ansible_host');
  });

  it("shows a VM's NetBox owner as virtseal_owner, not as a tag group", () => {
    const inv = buildInventory([
      { host: 'hv01', hypervisor: 'hyperv', vms: [vm('web01', 'running', ['web', 'virtseal-owner:netbox/vm/42'], [])] },
    ]);
    expect(inv._meta.hostvars.web01).to.deep.include({ virtseal_tags: ['web'], virtseal_owner: 'netbox/vm/42' });
    expect(Object.keys(inv).filter((g) => g.startsWith('tag_'))).to.deep.equal(['tag_web']);
  });

  it('keeps same-named VMs of two hosts apart', () => {
    const inv = buildInventory([
      { host: 'hv01', hypervisor: 'hyperv', vms: [vm('app', 'running', [], [])] },
      { host: 'hv02', hypervisor: 'libvirt', vms: [vm('app', 'off', [], [])] },
    ]);
    expect(Object.keys(inv._meta.hostvars).sort()).to.deep.equal(['app@hv01', 'app@hv02']);
  });

  it('makes group names ansible identifiers and picks a connect address', () => {
    expect(groupName('tag', 'Prod / EU-West')).to.equal('tag_prod_eu_west');
    expect(groupName('tag', '###')).to.equal('tag_unnamed');
    expect(connectAddress(['169.254.1.1', '10.0.0.5/24'])).to.equal('10.0.0.5');
    expect(connectAddress([])).to.equal(undefined);
  });
});
