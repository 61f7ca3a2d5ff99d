/**
 * VMs through XAPI: created by cloning (copy-on-write where the SR allows) or fully copying a golden template, or
 * from scratch; CPU and memory set while halted; HVM with BIOS or UEFI and secure boot through HVM_boot_params
 * and platform; disks as VDI + VBD, NICs as VIFs; deleted with the VDIs the VM owns, which XAPI leaves behind.
 */
import { Conflict, InvalidArgument, NotFound, Unsupported } from '../../core/errors';
import { FlowFailed, runSteps } from '../../core/steps';
import type { DiskSpec, MemorySpec, NicSpec, VmChanges, VmDriver, VmInfo, VmRef, VmSpec } from '../types';
import {
  type XenContext,
  BASE_KEY,
  NAME_KEY,
  NULL_REF,
  OWNER_KEY,
  STOP_ACTION_KEY,
  isNullRef,
  networkByName,
  readParts,
  targetSr,
  vmInfoOf,
  vmRef,
} from './context';
import { findTemplate, templateDisk } from './image';
import { newVmRecord } from './vm-record';
import type { Ref, VMRecord } from './xenapi/types';

const MiB = 1024 * 1024;
const isClone = (d: DiskSpec): boolean => d.clone !== 'copy';

export function memoryLimits(m: MemorySpec): {
  staticMin: number;
  staticMax: number;
  dynamicMin: number;
  dynamicMax: number;
} {
  const startup = m.startupMb * MiB;
  if (!m.dynamic) return { staticMin: startup, staticMax: startup, dynamicMin: startup, dynamicMax: startup };
  const min = (m.minimumMb ?? m.startupMb) * MiB;
  const max = (m.maximumMb ?? m.startupMb) * MiB;
  if (min > startup || startup > max)
    throw new InvalidArgument('memory: minimum ≤ startup ≤ maximum must hold for dynamic memory', 'memory');
  return { staticMin: min, staticMax: max, dynamicMin: min, dynamicMax: startup };
}

const ORDER: Record<string, string> = { disk: 'c', dvd: 'd', network: 'n' };

function bootParams(
  current: Readonly<Record<string, string>>,
  generation: 1 | 2 | undefined,
  order: VmSpec['bootOrder'],
): Record<string, string> {
  return {
    ...current,
    ...(generation !== undefined ? { firmware: generation === 2 ? 'uefi' : 'bios' } : {}),
    ...(order !== undefined ? { order: order.map((o) => ORDER[o]).join('') || 'c' } : {}),
  };
}

export class XenVmDriver implements VmDriver {
  constructor(private readonly ctx: XenContext) {}

  async listVms(): Promise<readonly VmInfo[]> {
    const all = await this.ctx.client.call('VM.get_all_records');
    const out: VmInfo[] = [];
    for (const [ref, r] of Object.entries(all) as [Ref<'VM'>, VMRecord][]) {
      if (r.is_a_template || r.is_a_snapshot || r.is_control_domain) continue;
      try {
        out.push(await vmInfoOf(this.ctx, ref));
      } catch (e) {
        if (!(e instanceof NotFound)) throw e; // deleted while listing
      }
    }
    return out;
  }

  async findVm(options: { readonly ref: VmRef }): Promise<VmInfo | undefined> {
    if ('id' in options.ref) {
      try {
        return await vmInfoOf(this.ctx, await vmRef(this.ctx, options.ref.id));
      } catch (e) {
        if (e instanceof NotFound) return undefined;
        throw e;
      }
    }
    const refs = await this.vmsNamed(options.ref.name);
    if (refs.length > 1) throw new Conflict(`${refs.length} VMs are named '${options.ref.name}'; use the VM id`);
    return refs.length ? vmInfoOf(this.ctx, refs[0]!) : undefined;
  }

  private async vmsNamed(name: string): Promise<Ref<'VM'>[]> {
    const refs = await this.ctx.client.call('VM.get_by_name_label', name);
    const out: Ref<'VM'>[] = [];
    for (const r of refs) {
      const rec = await this.ctx.client.call('VM.get_record', r);
      if (!rec.is_a_template && !rec.is_a_snapshot && !rec.is_control_domain) out.push(r);
    }
    return out;
  }

  async createVm(options: { readonly spec: VmSpec }): Promise<VmInfo> {
    const spec = options.spec;
    const c = this.ctx.client;
    if (spec.tpm) throw new Unsupported('tpm: virtual TPMs on Xen are not supported by virtseal yet; set tpm to false');
    if (spec.secureBoot && spec.secureBoot !== 'off' && spec.generation === 1)
      throw new InvalidArgument('secure boot needs UEFI (generation 2)', 'secure_boot');
    const limits = memoryLimits(spec.memory);
    if ((await this.vmsNamed(spec.name)).length)
      throw new Conflict(`a VM named '${spec.name}' already exists`, { details: { option: 'name' } });
    const base = spec.disks[0]?.image !== undefined ? spec.disks[0] : undefined;
    const template = base ? await findTemplate(this.ctx, base.image!, 'disks[0].image') : undefined;
    const networks = await Promise.all(
      spec.nics.map((n, i) => networkByName(this.ctx, n.network, `nics[${i}].network`)),
    );
    for (const [i, n] of spec.nics.entries())
      if (n.vlanId !== undefined)
        throw new InvalidArgument(
          `nics[${i}].vlan_id: on Xen a VLAN is its own network; name that network instead`,
          `nics[${i}].vlan_id`,
        );
    let ref: Ref<'VM'> | undefined;
    let uuid = '';
    await runSteps(
      [
        {
          name: template
            ? base!.clone === 'copy'
              ? 'copy the golden template'
              : 'clone the golden template'
            : 'create the VM',
          run: async () => {
            if (template) {
              ref = (
                base!.clone === 'copy'
                  ? await c.callAsync('VM.copy', template, spec.name, await targetSr(this.ctx))
                  : await c.callAsync('VM.clone', template, spec.name)
              ) as Ref<'VM'>;
              await c.call('VM.set_is_a_template', ref, false);
            } else {
              ref = await c.call('VM.create', newVmRecord(spec.name, limits));
            }
            uuid = await c.call('VM.get_uuid', ref);
          },
          cleanup: async () => {
            if (ref) await destroyVm(this.ctx, ref, true);
          },
        },
        {
          name: 'configure CPU, memory, firmware and metadata',
          run: async () => {
            const vm = await c.call('VM.get_record', ref!);
            await setCpus(this.ctx, ref!, vm, spec.cpuCount);
            await c.call(
              'VM.set_memory_limits',
              ref!,
              limits.staticMin,
              limits.staticMax,
              limits.dynamicMin,
              limits.dynamicMax,
            );
            await c.call('VM.set_HVM_boot_policy', ref!, 'BIOS order');
            await c.call(
              'VM.set_HVM_boot_params',
              ref!,
              bootParams(vm.HVM_boot_params, spec.generation ?? 2, spec.bootOrder ?? ['disk', 'network']),
            );
            await c.call('VM.set_platform', ref!, {
              ...vm.platform,
              secureboot: spec.secureBoot && spec.secureBoot !== 'off' ? 'true' : 'false',
            });
            await c.call('VM.set_name_description', ref!, spec.notes ?? '');
            await c.call('VM.set_tags', ref!, [...(spec.tags ?? [])]);
            const other: Record<string, string> = {
              ...vm.other_config,
              auto_poweron: String(spec.automaticStartAction === 'start'),
              [STOP_ACTION_KEY]: spec.automaticStopAction ?? 'shutdown',
            };
            delete other['virtseal-image-sha256'];
            await c.call('VM.set_other_config', ref!, other);
            // A clone carries the template's xenstore_data; a new VM starts with none of it.
            await c.call('VM.set_xenstore_data', ref!, {});
          },
        },
        {
          name: 'create disks',
          run: async () => {
            const vm = await c.call('VM.get_record', ref!);
            const inherited = [];
            for (const b of vm.VBDs) {
              const vbd = await c.call('VBD.get_record', b);
              if (vbd.type === 'Disk' && !isNullRef(vbd.VDI)) inherited.push([b, vbd.VDI] as const);
            }
            const baseUuid =
              template && isClone(base!)
                ? (await templateDisk(this.ctx, await c.call('VM.get_record', template)))?.uuid
                : undefined;
            for (const [, vdi] of inherited) {
              const other: Record<string, string> = {
                ...(await c.call('VDI.get_other_config', vdi)),
                [OWNER_KEY]: uuid,
              };
              delete other[BASE_KEY];
              if (baseUuid && vdi === inherited[0]![1]) other[BASE_KEY] = baseUuid;
              await c.call('VDI.set_other_config', vdi, other);
            }
            for (const [i, d] of spec.disks.entries()) {
              if (i === 0 && template) {
                const first = inherited[0];
                if (!first) throw new InvalidArgument(`image '${base!.image}' has no disk`, 'disks[0].image');
                await c.call('VBD.set_other_config', first[0], { [NAME_KEY]: d.name });
                if (d.sizeBytes !== undefined && d.sizeBytes > (await c.call('VDI.get_virtual_size', first[1])))
                  await c.call('VDI.resize', first[1], d.sizeBytes);
                continue;
              }
              await attachDisk(this.ctx, ref!, uuid, d, `disks[${i}]`);
            }
          },
        },
        {
          name: 'create NICs',
          run: async () => {
            for (const f of await c.call('VM.get_VIFs', ref!)) await c.call('VIF.destroy', f);
            for (const [i, n] of spec.nics.entries())
              await createVif(this.ctx, ref!, n, networks[i]!, String(i), `nics[${i}]`);
          },
        },
      ],
      undefined,
    ).catch((e: unknown) => {
      throw e instanceof FlowFailed ? e.error : e;
    });
    return vmInfoOf(this.ctx, ref!);
  }

  async reconfigureVm(options: { readonly id: string; readonly changes: VmChanges }): Promise<VmInfo> {
    const c = this.ctx.client;
    const ch = options.changes;
    const ref = await vmRef(this.ctx, options.id);
    const vm = await c.call('VM.get_record', ref);
    if (ch.tpm) throw new Unsupported('tpm: virtual TPMs on Xen are not supported by virtseal yet');
    const limits = ch.memory ? memoryLimits(ch.memory) : undefined;
    const halted = vm.power_state === 'Halted';
    if (!halted && (ch.cpuCount !== undefined || limits || ch.secureBoot !== undefined)) {
      throw new Conflict(
        `CPU, memory and secure boot of '${vm.name_label}' change only while the VM is off (it is ${vm.power_state.toLowerCase()})`,
      );
    }
    if (ch.secureBoot !== undefined && ch.secureBoot !== 'off' && vm.HVM_boot_params.firmware !== 'uefi')
      throw new InvalidArgument('secure boot needs a UEFI (generation 2) VM', 'secure_boot');
    if (ch.cpuCount !== undefined) await setCpus(this.ctx, ref, vm, ch.cpuCount);
    if (limits)
      await c.call(
        'VM.set_memory_limits',
        ref,
        limits.staticMin,
        limits.staticMax,
        limits.dynamicMin,
        limits.dynamicMax,
      );
    if (ch.secureBoot !== undefined)
      await c
        .call('VM.add_to_platform', ref, 'secureboot', ch.secureBoot === 'off' ? 'false' : 'true')
        .catch(async () =>
          c.call('VM.set_platform', ref, { ...vm.platform, secureboot: ch.secureBoot === 'off' ? 'false' : 'true' }),
        );
    if (ch.bootOrder !== undefined)
      await c.call('VM.set_HVM_boot_params', ref, bootParams(vm.HVM_boot_params, undefined, ch.bootOrder));
    if (ch.notes !== undefined) await c.call('VM.set_name_description', ref, ch.notes);
    if (ch.tags !== undefined) await c.call('VM.set_tags', ref, [...ch.tags]);
    if (ch.automaticStartAction !== undefined || ch.automaticStopAction !== undefined) {
      await c.call('VM.set_other_config', ref, {
        ...vm.other_config,
        ...(ch.automaticStartAction !== undefined ? { auto_poweron: String(ch.automaticStartAction === 'start') } : {}),
        ...(ch.automaticStopAction !== undefined ? { [STOP_ACTION_KEY]: ch.automaticStopAction } : {}),
      });
    }
    return vmInfoOf(this.ctx, ref);
  }

  async deleteVm(options: { readonly id: string; readonly removeOwnedDisks: boolean }): Promise<void> {
    const ref = await vmRef(this.ctx, options.id);
    const state = await this.ctx.client.call('VM.get_power_state', ref);
    if (state !== 'Halted') await this.ctx.client.callAsync('VM.hard_shutdown', ref);
    await destroyVm(this.ctx, ref, options.removeOwnedDisks);
  }
}

/** VCPUs_max and VCPUs_at_startup in the order that keeps at_startup ≤ max at every step. */
async function setCpus(ctx: XenContext, ref: Ref<'VM'>, vm: VMRecord, n: number): Promise<void> {
  if (n < 1) throw new InvalidArgument('cpu_count must be at least 1', 'cpu_count');
  if (n === vm.VCPUs_at_startup && n === vm.VCPUs_max) return;
  if (n > vm.VCPUs_max) {
    await ctx.client.call('VM.set_VCPUs_max', ref, n);
    await ctx.client.call('VM.set_VCPUs_at_startup', ref, n);
  } else {
    await ctx.client.call('VM.set_VCPUs_at_startup', ref, n);
    await ctx.client.call('VM.set_VCPUs_max', ref, n);
  }
}

export async function attachDisk(
  ctx: XenContext,
  vm: Ref<'VM'>,
  vmUuid: string,
  d: DiskSpec,
  option: string,
): Promise<void> {
  const c = ctx.client;
  let vdi: Ref<'VDI'>;
  if (d.path !== undefined) {
    try {
      vdi = await c.call('VDI.get_by_uuid', d.path);
    } catch (e) {
      if (e instanceof NotFound)
        throw new InvalidArgument(`${option}.path: no VDI with uuid '${d.path}'`, `${option}.path`);
      throw e;
    }
  } else if (d.image !== undefined) {
    const template = await findTemplate(ctx, d.image, `${option}.image`);
    const source = (await readParts(ctx, template)).vbds.find(([, b, v]) => b.type === 'Disk' && v)?.[3];
    if (!source) throw new InvalidArgument(`image '${d.image}' has no disk`, `${option}.image`);
    vdi = (
      d.clone === 'copy'
        ? await c.callAsync('VDI.copy', source, await targetSr(ctx), NULL_REF, NULL_REF)
        : await c.callAsync('VDI.clone', source, {})
    ) as Ref<'VDI'>;
    const baseUuid = d.clone === 'copy' ? undefined : await c.call('VDI.get_uuid', source);
    await c.call('VDI.set_other_config', vdi, { [OWNER_KEY]: vmUuid, ...(baseUuid ? { [BASE_KEY]: baseUuid } : {}) });
    if (d.sizeBytes !== undefined && d.sizeBytes > (await c.call('VDI.get_virtual_size', vdi)))
      await c.call('VDI.resize', vdi, d.sizeBytes);
  } else {
    if (d.sizeBytes === undefined) throw new InvalidArgument(`${option}: a new disk needs size`, `${option}.size`);
    vdi = await c.call('VDI.create', {
      name_label: d.name,
      name_description: `virtseal disk of VM ${vmUuid}`,
      SR: await targetSr(ctx),
      virtual_size: d.sizeBytes,
      type: 'user',
      sharable: false,
      read_only: false,
      other_config: { [OWNER_KEY]: vmUuid },
    });
  }
  try {
    const vbd = await c.call('VBD.create', {
      VM: vm,
      VDI: vdi,
      userdevice: 'autodetect',
      bootable: false,
      mode: 'RW',
      type: 'Disk',
      empty: false,
      other_config: { [NAME_KEY]: d.name },
      qos_algorithm_type: '',
      qos_algorithm_params: {},
    });
    if ((await c.call('VM.get_power_state', vm)) === 'Running') await c.callAsync('VBD.plug', vbd);
  } catch (e) {
    if (d.path === undefined) await c.call('VDI.destroy', vdi).catch(() => undefined);
    throw e;
  }
}

export async function createVif(
  ctx: XenContext,
  vm: Ref<'VM'>,
  n: NicSpec,
  network: Ref<'network'>,
  device: string,
  option: string,
): Promise<Ref<'VIF'>> {
  const mac = n.mac === undefined ? '' : n.mac.toLowerCase().replace(/-/g, ':');
  if (mac !== '' && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac))
    throw new InvalidArgument(`${option}.mac '${n.mac}' is not a MAC address`, `${option}.mac`);
  const vif = await ctx.client.call('VIF.create', {
    device,
    network,
    VM: vm,
    MAC: mac,
    MTU: 1500,
    other_config: { [NAME_KEY]: n.name },
    qos_algorithm_type: '',
    qos_algorithm_params: {},
  });
  if ((await ctx.client.call('VM.get_power_state', vm)) === 'Running') await ctx.client.callAsync('VIF.plug', vif);
  return vif;
}

/** VM.destroy, then the VDIs the VM owned (XAPI leaves them), and its snapshots with theirs. */
export async function destroyVm(ctx: XenContext, ref: Ref<'VM'>, removeOwnedDisks: boolean): Promise<void> {
  const c = ctx.client;
  const vm = await c.call('VM.get_record', ref);
  for (const snap of vm.snapshots) await destroyVm(ctx, snap, removeOwnedDisks);
  const owned: Ref<'VDI'>[] = [];
  for (const b of vm.VBDs) {
    const vbd = await c.call('VBD.get_record', b);
    if (vbd.type !== 'Disk' || isNullRef(vbd.VDI)) continue;
    const vdi = await c.call('VDI.get_record', vbd.VDI);
    // Snapshot disks belong to the snapshot; a VM's disks are owned when marked with its uuid.
    const ownerUuid = vm.is_a_snapshot ? (vdi.is_a_snapshot ? 'snapshot' : '') : vm.uuid;
    if (vdi.other_config[OWNER_KEY] === ownerUuid || (vm.is_a_snapshot && vdi.is_a_snapshot)) {
      if (vdi.VBDs.length > 1) throw new Conflict(`disk ${vdi.uuid} is also attached to another VM; detach it first`);
      owned.push(vbd.VDI);
    }
  }
  await c.call('VM.destroy', ref);
  if (removeOwnedDisks) for (const vdi of owned) await c.call('VDI.destroy', vdi);
}
