import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import {
  buildDiskXml,
  buildDomainXml,
  buildMetadataXml,
  buildNicXml,
} from '../../../../src/drivers/libvirt/domain-xml';
import { parseDomainXml } from '../../../../src/drivers/libvirt/domain-parse';
import {
  diskTarget,
  firstFreeTarget,
  parseNetworkRef,
  type DomainModel,
} from '../../../../src/drivers/libvirt/domain-model';
import { HOSTILE } from './fake-host';

const base: DomainModel = {
  uuid: '0b7c9c36-3f21-4d7e-9b8e-1f2a3b4c5d6e',
  name: 'web-01',
  type: 'qemu',
  cpuCount: 2,
  memory: { startupMb: 1024, dynamic: false },
  generation: 1,
  secureBoot: 'off',
  tpm: false,
  bootOrder: ['disk', 'dvd'],
  tags: ['prod'],
  disks: [
    { name: 'os', dev: 'vda', path: '/pool/vms/x/vda.qcow2', format: 'qcow2', owned: true },
    { name: 'data', dev: 'vdb', path: '/srv/shared.raw', format: 'raw', owned: false },
  ],
  nics: [
    { name: 'lan', kind: 'network', source: 'default', mac: '52:54:00:aa:bb:cc', staticMac: true },
    { name: 'dmz', kind: 'bridge', source: 'br0', mac: '52:54:00:00:00:01', staticMac: false, vlanId: 42 },
  ],
};

describe('libvirt domain XML', () => {
  it('round-trips a domain through the builder and the parser', () => {
    const parsed = parseDomainXml(buildDomainXml(base));
    expect(parsed.name).to.equal('web-01');
    expect(parsed.uuid).to.equal(base.uuid);
    expect(parsed.type).to.equal('qemu');
    expect(parsed.cpuCount).to.equal(2);
    expect(parsed.memory).to.deep.equal({ startupMb: 1024, dynamic: false });
    expect(parsed.bootOrder).to.deep.equal(['disk', 'dvd']);
    expect(parsed.disks).to.deep.equal(base.disks);
    expect(parsed.nics).to.deep.equal(base.nics);
    expect(parsed.tags).to.deep.equal(['prod']);
    expect(parsed.dvd).to.equal(undefined);
    expect(parsed.dvdBus).to.equal('ide');
  });

  it('carries every hostile value as data in names, notes and tags', () => {
    for (const value of HOSTILE) {
      const xml = buildDomainXml({ ...base, name: value, notes: value, tags: [value, 'plain'] });
      expect(XMLValidator.validate(xml), value.slice(0, 20)).to.equal(true);
      const parsed = parseDomainXml(xml);
      expect(parsed.name).to.equal(value);
      expect(parsed.notes).to.equal(value);
      expect(parsed.tags).to.deep.equal([value, 'plain']);
    }
  });

  it('keeps hostile paths and network names inside attributes', () => {
    const evil = `/pool/a'b"c<d>&e $(x).qcow2`;
    const xml = buildDomainXml({
      ...base,
      disks: [{ ...base.disks[0]!, path: evil }],
      nics: [{ ...base.nics[0]!, source: `net"'<>&` }],
    });
    const parsed = parseDomainXml(xml);
    expect(parsed.disks[0]!.path).to.equal(evil);
    expect(parsed.nics[0]!.source).to.equal(`net"'<>&`);
  });

  it('writes UEFI with secure boot, TPM and q35 for generation 2', () => {
    const xml = buildDomainXml({ ...base, generation: 2, secureBoot: 'on', tpm: true });
    expect(xml).to.contain('firmware="efi"').and.contain('q35').and.contain('secure-boot').and.contain('tpm-crb');
    const parsed = parseDomainXml(xml);
    expect(parsed.generation).to.equal(2);
    expect(parsed.secureBoot).to.equal('on');
    expect(parsed.tpm).to.equal(true);
    expect(parsed.dvdBus).to.equal('sata');
  });

  it('writes dynamic memory as a maximum with a balloon and reads it back', () => {
    const parsed = parseDomainXml(
      buildDomainXml({ ...base, memory: { startupMb: 512, dynamic: true, maximumMb: 2048 } }),
    );
    expect(parsed.memory).to.deep.equal({ startupMb: 512, dynamic: true, maximumMb: 2048 });
  });

  it('boots a kernel directly and has the guest agent channel and ACPI', () => {
    const xml = buildDomainXml({
      ...base,
      directBoot: { kernel: '/pool/k', initrd: '/pool/i', cmdline: 'console=ttyS0 virtseal.root=/dev/vda' },
      consoleLog: '/pool/c.log',
    });
    expect(xml).to.contain('org.qemu.guest_agent.0').and.contain('<acpi/>');
    const parsed = parseDomainXml(xml);
    expect(parsed.directBoot).to.deep.equal({
      kernel: '/pool/k',
      initrd: '/pool/i',
      cmdline: 'console=ttyS0 virtseal.root=/dev/vda',
    });
    expect(parsed.consoleLog).to.equal('/pool/c.log');
  });

  it('reads a domain libvirt wrote, including devices virtseal did not create', () => {
    const xml = `<domain type='kvm' id='3'><name>legacy</name><uuid>u-1</uuid>
      <memory unit='KiB'>2097152</memory><currentMemory unit='KiB'>2097152</currentMemory><vcpu placement='static'>4</vcpu>
      <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><boot dev='network'/><boot dev='hd'/></os>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/legacy.qcow2'/><target dev='sda' bus='sata'/></disk>
      <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/iso/debian.iso'/><target dev='sdb' bus='sata'/><readonly/></disk>
      <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/><model type='virtio'/></interface></devices></domain>`;
    const parsed = parseDomainXml(xml);
    expect(parsed.type).to.equal('kvm');
    expect(parsed.cpuCount).to.equal(4);
    expect(parsed.memory.startupMb).to.equal(2048);
    expect(parsed.bootOrder).to.deep.equal(['network', 'disk']);
    expect(parsed.disks).to.deep.equal([
      { name: 'sda', dev: 'sda', path: '/var/lib/libvirt/images/legacy.qcow2', format: 'qcow2', owned: false },
    ]);
    expect(parsed.dvd).to.equal('/iso/debian.iso');
    expect(parsed.nics).to.deep.equal([
      { name: 'nic0', kind: 'network', source: 'default', mac: '52:54:00:12:34:56', staticMac: false },
    ]);
    expect(parsed.tags).to.deep.equal([]);
  });

  it('builds single device XML for hotplug and the metadata element', () => {
    expect(buildDiskXml(base.disks[0]!))
      .to.match(/^<disk type="file" device="disk">/)
      .and.contain('vda');
    expect(buildNicXml(base.nics[1]!)).to.contain('<tag id="42"/>').and.contain('bridge="br0"');
    const meta = buildMetadataXml({ ...base, tags: ['a<b'] });
    expect(meta).to.match(/^<vm>/).and.contain('<tag>a&lt;b</tag>').and.contain('owned="yes"');
  });

  it('names disk targets and network references', () => {
    expect([0, 1, 25, 26, 27].map(diskTarget)).to.deep.equal(['vda', 'vdb', 'vdz', 'vdaa', 'vdab']);
    expect(firstFreeTarget(['vda', 'vdc'])).to.equal('vdb');
    expect(parseNetworkRef('bridge:br0')).to.deep.equal({ kind: 'bridge', source: 'br0' });
    expect(parseNetworkRef('network:lan')).to.deep.equal({ kind: 'network', source: 'lan' });
    expect(parseNetworkRef('default')).to.deep.equal({ kind: 'network', source: 'default' });
  });
});

describe('libvirt domain XML: generation 2 with a directly booted kernel', () => {
  it('uses q35 without firmware, keeps the TPM, and still reads back as generation 2', () => {
    const xml = buildDomainXml({ ...base, generation: 2, tpm: true, directBoot: { kernel: '/pool/k' } });
    expect(xml).to.contain('q35').and.contain('<kernel>/pool/k</kernel>').and.contain('tpm-crb').and.not.contain('efi');
    const parsed = parseDomainXml(xml);
    expect(parsed.generation).to.equal(2);
    expect(parsed.dvdBus).to.equal('sata');
  });
});
