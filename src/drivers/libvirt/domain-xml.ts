/**
 * Builds libvirt domain and device XML with xmlbuilder2: every value goes through the library's escaping, never
 * through string concatenation.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { type DomainDisk, type DomainModel, type DomainNic, GUEST_AGENT_CHANNEL, VIRTSEAL_NS } from './domain-model';

const BOOT_DEV = { disk: 'hd', dvd: 'cdrom', network: 'network' } as const;
/** The DVD drive sits on SATA (q35) or IDE (pc); it is always present so ISOs can be swapped without redefining. */
const DVD_DEV = 'sda';

export function buildDomainXml(model: DomainModel): string {
  const root = create({ version: '1.0' }).ele('domain', { type: model.type });
  root.ele('name').txt(model.name);
  root.ele('uuid').txt(model.uuid);
  if (model.notes !== undefined) root.ele('description').txt(model.notes);
  addMetadata(root, model);

  const mem = model.memory;
  const maxMb = mem.dynamic ? Math.max(mem.maximumMb ?? mem.startupMb, mem.startupMb) : mem.startupMb;
  root.ele('memory', { unit: 'MiB' }).txt(String(maxMb));
  root.ele('currentMemory', { unit: 'MiB' }).txt(String(mem.startupMb));
  root.ele('vcpu', { placement: 'static' }).txt(String(model.cpuCount));

  const efi = model.generation === 2;
  const os = root.ele('os', efi ? { firmware: 'efi' } : {});
  os.ele('type', { arch: 'x86_64', machine: efi ? 'q35' : 'pc' }).txt('hvm');
  if (efi) {
    os.ele('firmware')
      .ele('feature', { enabled: model.secureBoot === 'on' ? 'yes' : 'no', name: 'secure-boot' }).up()
      .ele('feature', { enabled: model.secureBoot === 'on' ? 'yes' : 'no', name: 'enrolled-keys' });
  }
  if (model.directBoot) {
    os.ele('kernel').txt(model.directBoot.kernel);
    if (model.directBoot.initrd !== undefined) os.ele('initrd').txt(model.directBoot.initrd);
    if (model.directBoot.cmdline !== undefined) os.ele('cmdline').txt(model.directBoot.cmdline);
  } else {
    for (const dev of model.bootOrder) os.ele('boot', { dev: BOOT_DEV[dev] });
  }
  // ACPI: graceful shutdown, and the guest's fw_cfg driver finds no device without it.
  const features = root.ele('features');
  features.ele('acpi');
  features.ele('apic');
  if (efi && model.secureBoot === 'on') features.ele('smm', { state: 'on' });
  root.ele('on_poweroff').txt('destroy');
  root.ele('on_reboot').txt('restart');
  root.ele('on_crash').txt('destroy');

  const devices = root.ele('devices');
  for (const disk of model.disks) appendDisk(devices, disk);
  appendDvd(devices, model.dvd, efi ? 'sata' : 'ide');
  for (const nic of model.nics) appendNic(devices, nic);
  if (model.consoleLog !== undefined) {
    devices.ele('serial', { type: 'file' }).ele('source', { path: model.consoleLog }).up().ele('target', { port: '0' });
  } else {
    devices.ele('serial', { type: 'pty' }).ele('target', { port: '0' });
  }
  devices.ele('console', { type: 'pty' }).ele('target', { type: 'serial', port: '0' });
  devices.ele('channel', { type: 'unix' }).ele('target', { type: 'virtio', name: GUEST_AGENT_CHANNEL });
  devices.ele('rng', { model: 'virtio' }).ele('backend', { model: 'random' }).txt('/dev/urandom');
  if (model.tpm) devices.ele('tpm', { model: 'tpm-crb' }).ele('backend', { type: 'emulator', version: '2.0' });
  devices.ele('memballoon', { model: mem.dynamic ? 'virtio' : 'none' });
  return root.end({ prettyPrint: true, headless: true });
}

function addMetadata(root: XMLBuilder, model: DomainModel): void {
  const vm = root.ele('metadata').ele(VIRTSEAL_NS, 'virtseal:vm');
  for (const tag of model.tags) vm.ele(VIRTSEAL_NS, 'virtseal:tag').txt(tag);
  for (const disk of model.disks) {
    vm.ele(VIRTSEAL_NS, 'virtseal:disk', { name: disk.name, dev: disk.dev, owned: disk.owned ? 'yes' : 'no' });
  }
  for (const nic of model.nics) {
    vm.ele(VIRTSEAL_NS, 'virtseal:nic', { name: nic.name, static: nic.staticMac ? 'yes' : 'no', ...(nic.mac ? { mac: nic.mac } : {}) });
  }
  if (model.automaticStopAction !== undefined) vm.ele(VIRTSEAL_NS, 'virtseal:stop', { action: model.automaticStopAction });
  vm.ele(VIRTSEAL_NS, 'virtseal:generation').txt(String(model.generation));
}

function appendDisk(devices: XMLBuilder, disk: DomainDisk): void {
  const d = devices.ele('disk', { type: 'file', device: 'disk' });
  d.ele('driver', { name: 'qemu', type: disk.format, discard: 'unmap' });
  d.ele('source', { file: disk.path });
  d.ele('target', { dev: disk.dev, bus: 'virtio' });
  d.ele('serial').txt(disk.name.slice(0, 20));
}

function appendDvd(devices: XMLBuilder, iso: string | undefined, bus: 'ide' | 'sata'): void {
  const d = devices.ele('disk', { type: 'file', device: 'cdrom' });
  d.ele('driver', { name: 'qemu', type: 'raw' });
  if (iso !== undefined) d.ele('source', { file: iso });
  d.ele('target', { dev: DVD_DEV, bus });
  d.ele('readonly');
}

function appendNic(devices: XMLBuilder, nic: DomainNic): void {
  const i = devices.ele('interface', { type: nic.kind });
  i.ele('source', nic.kind === 'bridge' ? { bridge: nic.source } : { network: nic.source });
  if (nic.mac !== undefined) i.ele('mac', { address: nic.mac });
  i.ele('model', { type: 'virtio' });
  // libvirt applies VLAN tags on Open vSwitch bridges and on networks that support them; elsewhere it refuses.
  if (nic.vlanId !== undefined) i.ele('vlan').ele('tag', { id: String(nic.vlanId) });
}

/** One <disk> element for attach-device/detach-device. */
export function buildDiskXml(disk: DomainDisk): string {
  const doc = create({ version: '1.0' }).ele('devices');
  appendDisk(doc, disk);
  return doc.first().toString({ prettyPrint: true });
}

export function buildNicXml(nic: DomainNic): string {
  const doc = create({ version: '1.0' }).ele('devices');
  appendNic(doc, nic);
  return doc.first().toString({ prettyPrint: true });
}

/** The DVD drive with or without media, for `virsh update-device`. */
export function buildDvdXml(iso: string | undefined, bus: 'ide' | 'sata'): string {
  const doc = create({ version: '1.0' }).ele('devices');
  appendDvd(doc, iso, bus);
  return doc.first().toString({ prettyPrint: true });
}

/** virtseal's metadata element for `virsh metadata --set` (libvirt adds the namespace from --uri/--key). */
export function buildMetadataXml(model: Pick<DomainModel, 'tags' | 'disks' | 'nics' | 'automaticStopAction' | 'generation'>): string {
  const vm = create({ version: '1.0' }).ele('vm');
  for (const tag of model.tags) vm.ele('tag').txt(tag);
  for (const disk of model.disks) vm.ele('disk', { name: disk.name, dev: disk.dev, owned: disk.owned ? 'yes' : 'no' });
  for (const nic of model.nics) vm.ele('nic', { name: nic.name, static: nic.staticMac ? 'yes' : 'no', ...(nic.mac ? { mac: nic.mac } : {}) });
  if (model.automaticStopAction !== undefined) vm.ele('stop', { action: model.automaticStopAction });
  vm.ele('generation').txt(String(model.generation));
  return vm.end({ headless: true });
}
