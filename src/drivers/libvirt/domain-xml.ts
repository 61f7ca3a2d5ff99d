/**
 * Builds libvirt domain and device XML with xmlbuilder2: every value goes through the library's escaping, never
 * through string concatenation.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { type DomainDisk, type DomainModel, type DomainNic, GUEST_AGENT_CHANNEL, VIRTSEAL_NS } from './domain-model';

/**
 * xmlbuilder2 leaves `&` alone when it already starts an entity (`&amp;` stays `&amp;` and reads back as `&`), so
 * every `&` is escaped here first; the rest of the escaping is the library's.
 */
const esc = (value: string): string => value.replace(/&/g, '&amp;');
const attrs = (values: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, esc(v)]));

const BOOT_DEV = { disk: 'hd', dvd: 'cdrom', network: 'network' } as const;
/** The DVD drive sits on SATA (q35) or IDE (pc); it is always present so ISOs can be swapped without redefining. */
const DVD_DEV = 'sda';

export function buildDomainXml(model: DomainModel): string {
  const root = create({ version: '1.0' }).ele('domain', attrs({ type: model.type }));
  root.ele('name').txt(esc(model.name));
  root.ele('uuid').txt(esc(model.uuid));
  if (model.notes !== undefined) root.ele('description').txt(esc(model.notes));
  addMetadata(root, model);

  const mem = model.memory;
  const maxMb = mem.dynamic ? Math.max(mem.maximumMb ?? mem.startupMb, mem.startupMb) : mem.startupMb;
  root.ele('memory', attrs({ unit: 'MiB' })).txt(esc(String(maxMb)));
  root.ele('currentMemory', attrs({ unit: 'MiB' })).txt(esc(String(mem.startupMb)));
  root.ele('vcpu', attrs({ placement: 'static' })).txt(esc(String(model.cpuCount)));

  // Generation 2 is a q35 machine with UEFI, as on Hyper-V. A kernel booted directly gets no firmware: under OVMF
  // such a guest booted once but hung in the firmware after its first reboot (TCG, OVMF 2022.11), and the kernel
  // needs none. Its TPM still works: QEMU describes it in the ACPI tables.
  const q35 = model.generation === 2;
  const efi = q35 && model.directBoot === undefined;
  const os = root.ele('os', attrs(efi ? { firmware: 'efi' } : {}));
  os.ele('type', attrs({ arch: 'x86_64', machine: q35 ? 'q35' : 'pc' })).txt(esc('hvm'));
  if (efi) {
    os.ele('firmware')
      .ele('feature', attrs({ enabled: model.secureBoot === 'on' ? 'yes' : 'no', name: 'secure-boot' }))
      .up()
      .ele('feature', attrs({ enabled: model.secureBoot === 'on' ? 'yes' : 'no', name: 'enrolled-keys' }));
  }
  if (model.directBoot) {
    os.ele('kernel').txt(esc(model.directBoot.kernel));
    if (model.directBoot.initrd !== undefined) os.ele('initrd').txt(esc(model.directBoot.initrd));
    if (model.directBoot.cmdline !== undefined) os.ele('cmdline').txt(esc(model.directBoot.cmdline));
  } else {
    for (const dev of model.bootOrder) os.ele('boot', attrs({ dev: BOOT_DEV[dev] }));
  }
  // ACPI: graceful shutdown, and the guest's fw_cfg driver finds no device without it.
  const features = root.ele('features');
  features.ele('acpi');
  features.ele('apic');
  if (efi && model.secureBoot === 'on') features.ele('smm', attrs({ state: 'on' }));
  root.ele('on_poweroff').txt(esc('destroy'));
  root.ele('on_reboot').txt(esc('restart'));
  root.ele('on_crash').txt(esc('destroy'));

  const devices = root.ele('devices');
  for (const disk of model.disks) appendDisk(devices, disk);
  appendDvd(devices, model.dvd, q35 ? 'sata' : 'ide');
  for (const nic of model.nics) appendNic(devices, nic);
  if (model.consoleLog !== undefined) {
    devices
      .ele('serial', attrs({ type: 'file' }))
      .ele('source', attrs({ path: model.consoleLog }))
      .up()
      .ele('target', attrs({ port: '0' }));
  } else {
    devices.ele('serial', attrs({ type: 'pty' })).ele('target', attrs({ port: '0' }));
  }
  devices.ele('console', attrs({ type: 'pty' })).ele('target', attrs({ type: 'serial', port: '0' }));
  // A VNC display on the host's loopback only: a person reaches it through SSH (`virtseal console`), never directly.
  devices
    .ele('graphics', attrs({ type: 'vnc', port: '-1', autoport: 'yes', listen: '127.0.0.1' }))
    .ele('listen', attrs({ type: 'address', address: '127.0.0.1' }));
  devices.ele('channel', attrs({ type: 'unix' })).ele('target', attrs({ type: 'virtio', name: GUEST_AGENT_CHANNEL }));
  devices
    .ele('rng', attrs({ model: 'virtio' }))
    .ele('backend', attrs({ model: 'random' }))
    .txt(esc('/dev/urandom'));
  if (model.tpm)
    devices.ele('tpm', attrs({ model: 'tpm-crb' })).ele('backend', attrs({ type: 'emulator', version: '2.0' }));
  devices.ele('memballoon', attrs({ model: mem.dynamic ? 'virtio' : 'none' }));
  return root.end({ prettyPrint: true, headless: true });
}

function addMetadata(root: XMLBuilder, model: DomainModel): void {
  const vm = root.ele('metadata').ele(VIRTSEAL_NS, 'virtseal:vm');
  for (const tag of model.tags) vm.ele(VIRTSEAL_NS, 'virtseal:tag').txt(esc(tag));
  for (const disk of model.disks) {
    vm.ele(VIRTSEAL_NS, 'virtseal:disk', attrs({ name: disk.name, dev: disk.dev, owned: disk.owned ? 'yes' : 'no' }));
  }
  for (const nic of model.nics) {
    vm.ele(
      VIRTSEAL_NS,
      'virtseal:nic',
      attrs({ name: nic.name, static: nic.staticMac ? 'yes' : 'no', ...(nic.mac ? { mac: nic.mac } : {}) }),
    );
  }
  if (model.automaticStopAction !== undefined)
    vm.ele(VIRTSEAL_NS, 'virtseal:stop', attrs({ action: model.automaticStopAction }));
  vm.ele(VIRTSEAL_NS, 'virtseal:generation').txt(esc(String(model.generation)));
}

function appendDisk(devices: XMLBuilder, disk: DomainDisk): void {
  const d = devices.ele('disk', attrs({ type: 'file', device: 'disk' }));
  d.ele('driver', attrs({ name: 'qemu', type: disk.format, discard: 'unmap' }));
  d.ele('source', attrs({ file: disk.path }));
  d.ele('target', attrs({ dev: disk.dev, bus: 'virtio' }));
  d.ele('serial').txt(esc(disk.name.slice(0, 20)));
}

function appendDvd(devices: XMLBuilder, iso: string | undefined, bus: 'ide' | 'sata'): void {
  const d = devices.ele('disk', attrs({ type: 'file', device: 'cdrom' }));
  d.ele('driver', attrs({ name: 'qemu', type: 'raw' }));
  if (iso !== undefined) d.ele('source', attrs({ file: iso }));
  d.ele('target', attrs({ dev: DVD_DEV, bus }));
  d.ele('readonly');
}

function appendNic(devices: XMLBuilder, nic: DomainNic): void {
  const i = devices.ele('interface', attrs({ type: nic.kind }));
  i.ele('source', attrs(nic.kind === 'bridge' ? { bridge: nic.source } : { network: nic.source }));
  if (nic.mac !== undefined) i.ele('mac', attrs({ address: nic.mac }));
  i.ele('model', attrs({ type: 'virtio' }));
  // libvirt applies VLAN tags on Open vSwitch bridges and on networks that support them; elsewhere it refuses.
  if (nic.vlanId !== undefined) i.ele('vlan').ele('tag', attrs({ id: String(nic.vlanId) }));
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
export function buildMetadataXml(
  model: Pick<DomainModel, 'tags' | 'disks' | 'nics' | 'automaticStopAction' | 'generation'>,
): string {
  const vm = create({ version: '1.0' }).ele('vm');
  for (const tag of model.tags) vm.ele('tag').txt(esc(tag));
  for (const disk of model.disks)
    vm.ele('disk', attrs({ name: disk.name, dev: disk.dev, owned: disk.owned ? 'yes' : 'no' }));
  for (const nic of model.nics)
    vm.ele(
      'nic',
      attrs({ name: nic.name, static: nic.staticMac ? 'yes' : 'no', ...(nic.mac ? { mac: nic.mac } : {}) }),
    );
  if (model.automaticStopAction !== undefined) vm.ele('stop', attrs({ action: model.automaticStopAction }));
  vm.ele('generation').txt(esc(String(model.generation)));
  return vm.end({ headless: true });
}
