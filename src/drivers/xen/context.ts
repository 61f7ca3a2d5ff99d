/**
 * What every Xen noun shares: the XAPI client, the settings, and reading a VM with its disks, NICs and guest
 * metrics into the driver's `VmInfo`. virtseal's own nouns live in `other_config` of the XAPI objects
 * (`virtseal-name` on VBDs and VIFs, `virtseal-owner` on VDIs a VM owns, `virtseal-image-sha256` on golden
 * templates), beside XAPI's tags and name_description.
 */
import { type Clock, systemClock } from '../../core/clock';
import { Conflict, InvalidArgument, NotFound } from '../../core/errors';
import type { DiskInfo, NicInfo, PowerState, VmInfo } from '../types';
import type { XapiClient } from './client';
import type { XenSettings } from './settings';
import type { Ref, SRRecord, VBDRecord, VDIRecord, VIFRecord, VMRecord } from './xenapi/types';

export interface XenContext {
  readonly client: XapiClient;
  readonly settings: XenSettings;
  readonly clock: Clock;
}

export const NAME_KEY = 'virtseal-name';
export const OWNER_KEY = 'virtseal-owner';
export const IMAGE_SHA_KEY = 'virtseal-image-sha256';
export const IMAGE_KEY = 'virtseal-image';
export const STOP_ACTION_KEY = 'virtseal-stop-action';
/** On a disk cloned from a golden template: the uuid of the template's disk (the image's `path`). */
export const BASE_KEY = 'virtseal-base';
export const NULL_REF = 'OpaqueRef:NULL';

export const isNullRef = (r: string | undefined): boolean => !r || r === NULL_REF;

export function makeContext(client: XapiClient, settings: XenSettings, clock: Clock = systemClock): XenContext {
  return { client, settings, clock };
}

export function mapPower(state: string): PowerState {
  switch (state) {
    case 'Running':
      return 'running';
    case 'Halted':
      return 'off';
    case 'Suspended':
      return 'saved';
    case 'Paused':
      return 'paused';
    default:
      return 'unknown';
  }
}

/** A VM (not a template or snapshot) by uuid. */
export async function vmRef(ctx: XenContext, uuid: string): Promise<Ref<'VM'>> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid))
    throw new NotFound(`no VM with id '${uuid.slice(0, 60)}' (Xen VM ids are uuids)`);
  try {
    const ref = await ctx.client.call('VM.get_by_uuid', uuid.toLowerCase());
    const r = await ctx.client.call('VM.get_record', ref);
    if (r.is_a_template || r.is_a_snapshot || r.is_control_domain) throw new NotFound(`no VM with id ${uuid}`);
    return ref;
  } catch (e) {
    if (e instanceof NotFound) throw new NotFound(`no VM with id ${uuid}`, { cause: e });
    throw e;
  }
}

/** The SR for new disks and images: the setting (name or uuid), else the pool's default SR. */
export async function targetSr(ctx: XenContext): Promise<Ref<'SR'>> {
  const wanted = ctx.settings.sr;
  if (wanted) {
    const all = await ctx.client.call('SR.get_all_records');
    const hits = Object.entries(all).filter(
      ([, r]: [string, SRRecord]) => r.uuid === wanted || r.name_label === wanted,
    );
    if (hits.length === 0)
      throw new InvalidArgument(`xapi_sr '${wanted}' names no storage repository of the pool`, 'xapi_sr');
    if (hits.length > 1)
      throw new Conflict(`xapi_sr '${wanted}' names ${hits.length} storage repositories; use its uuid`);
    return hits[0]![0];
  }
  const pools = await ctx.client.call('pool.get_all_records');
  const sr = Object.values(pools)[0]?.default_SR;
  if (isNullRef(sr)) throw new InvalidArgument('the pool has no default SR: set xapi_sr', 'xapi_sr');
  return sr!;
}

export async function networkByName(ctx: XenContext, name: string, option: string): Promise<Ref<'network'>> {
  const hits = await ctx.client.call('network.get_by_name_label', name);
  if (hits.length === 0) {
    const byBridge = Object.entries(await ctx.client.call('network.get_all_records')).filter(
      ([, n]) => n.bridge === name || n.uuid === name,
    );
    if (byBridge.length === 1) return byBridge[0]![0];
    throw new InvalidArgument(`${option}: no network named '${name}' in the pool`, option);
  }
  if (hits.length > 1)
    throw new Conflict(`${option}: ${hits.length} networks are named '${name}'; use its bridge or uuid`);
  return hits[0]!;
}

export interface VmParts {
  readonly ref: Ref<'VM'>;
  readonly vm: VMRecord;
  readonly vbds: readonly (readonly [Ref<'VBD'>, VBDRecord, VDIRecord | undefined, Ref<'VDI'>])[];
  readonly vifs: readonly (readonly [Ref<'VIF'>, VIFRecord, string])[];
}

export async function readParts(ctx: XenContext, ref: Ref<'VM'>): Promise<VmParts> {
  const c = ctx.client;
  const vm = await c.call('VM.get_record', ref);
  const vbds = [];
  for (const b of vm.VBDs) {
    const vbd = await c.call('VBD.get_record', b);
    const vdi = isNullRef(vbd.VDI) ? undefined : await c.call('VDI.get_record', vbd.VDI);
    vbds.push([b, vbd, vdi, vbd.VDI] as const);
  }
  vbds.sort((a, b) => Number(a[1].userdevice) - Number(b[1].userdevice));
  const vifs = [];
  for (const f of vm.VIFs) {
    const vif = await c.call('VIF.get_record', f);
    vifs.push([f, vif, await c.call('network.get_name_label', vif.network)] as const);
  }
  vifs.sort((a, b) => Number(a[1].device) - Number(b[1].device));
  return { ref, vm, vbds, vifs };
}

export function diskInfoOf(vm: VMRecord, vbd: VBDRecord, vdi: VDIRecord): DiskInfo {
  // XAPI's own vhd-parent names a hidden base VHD on real SRs, not the template's disk: virtseal records its base.
  const parent = vdi.other_config[BASE_KEY];
  return {
    name: vbd.other_config[NAME_KEY] ?? `disk${vbd.userdevice}`,
    path: vdi.uuid,
    sizeBytes: vdi.virtual_size,
    ...(parent ? { parentPath: parent } : {}),
    owned: vdi.other_config[OWNER_KEY] === vm.uuid,
  };
}

export function nicInfoOf(vif: VIFRecord, network: string, ips: readonly string[]): NicInfo {
  return {
    name: vif.other_config[NAME_KEY] ?? `nic${vif.device}`,
    network,
    mac: vif.MAC.toLowerCase(),
    staticMac: !vif.MAC_autogenerated,
    ipAddresses: ips,
  };
}

/** Guest-reported addresses by VIF device, from VM_guest_metrics.networks (`<dev>/ipv4/<i>`, `<dev>/ipv6/<i>`). */
export async function guestNetworks(ctx: XenContext, vm: VMRecord): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (isNullRef(vm.guest_metrics)) return out;
  let networks: Record<string, string>;
  try {
    networks = await ctx.client.call('VM_guest_metrics.get_networks', vm.guest_metrics);
  } catch (e) {
    if (e instanceof NotFound) return out;
    throw e;
  }
  for (const [k, v] of Object.entries(networks)) {
    const m = /^(\d+)\/ipv[46]\/\d+$/.exec(k);
    if (!m || !v) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), v]);
  }
  return out;
}

export async function vmInfoOf(ctx: XenContext, ref: Ref<'VM'>): Promise<VmInfo> {
  const p = await readParts(ctx, ref);
  const vm = p.vm;
  const ips = await guestNetworks(ctx, vm);
  const boot = vm.HVM_boot_params;
  const uefi = boot.firmware === 'uefi';
  const order = (boot.order ?? '')
    .split('')
    .map((c) => ({ c: 'disk', d: 'dvd', n: 'network' })[c])
    .filter((x): x is string => x !== undefined);
  const disks = p.vbds.filter(([, b, vdi]) => b.type === 'Disk' && vdi).map(([, b, vdi]) => diskInfoOf(vm, b, vdi!));
  const dvd = p.vbds.find(([, b]) => b.type === 'CD' && !b.empty)?.[2]?.name_label;
  const MiB = 1024 * 1024;
  const dynamic = vm.memory_dynamic_min < vm.memory_dynamic_max || vm.memory_static_max > vm.memory_dynamic_max;
  return {
    id: vm.uuid,
    name: vm.name_label,
    state: mapPower(vm.power_state),
    generation: uefi ? 2 : 1,
    cpuCount: vm.VCPUs_at_startup,
    memory: {
      startupMb: Math.round(vm.memory_dynamic_max / MiB),
      dynamic,
      ...(dynamic
        ? { minimumMb: Math.round(vm.memory_dynamic_min / MiB), maximumMb: Math.round(vm.memory_static_max / MiB) }
        : {}),
    },
    ...(uefi ? { secureBoot: vm.platform.secureboot === 'true' ? 'on' : 'off' } : {}),
    tpm: vm.VTPMs.length > 0,
    bootOrder: order,
    automaticStartAction: vm.other_config.auto_poweron === 'true' ? 'start' : 'nothing',
    automaticStopAction: vm.other_config[STOP_ACTION_KEY] ?? 'shutdown',
    ...(vm.name_description ? { notes: vm.name_description } : {}),
    tags: [...vm.tags],
    disks,
    nics: p.vifs.map(([, f, net]) => nicInfoOf(f, net, ips.get(f.device) ?? [])),
    ipAddresses: [...ips.values()].flat(),
    ...(dvd ? { dvd } : {}),
    clusterRole: vm.ha_restart_priority === 'restart',
  };
}
