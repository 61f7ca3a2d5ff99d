/**
 * VMs as libvirt domains: create from a spec (disks cloned from pool images, NICs, direct kernel boot for images
 * that ship one), read back through dumpxml, reconfigure by redefining the persistent XML, delete with owned disks.
 */
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Conflict, InvalidArgument, NotFound } from '../../core/errors';
import { defined } from '../../core/objects';
import { runSteps, FlowFailed } from '../../core/steps';
import type { VmChanges, VmDriver, VmInfo, VmRef, VmSpec } from '../types';
import { type LibvirtContext, domainState, imagesDir, readDomain, vmDir } from './context';
import type { DirectBoot, DomainDisk, DomainModel, DomainNic } from './domain-model';
import { diskTarget, parseNetworkRef } from './domain-model';
import { buildDomainXml } from './domain-xml';
import type { ParsedDomain } from './domain-parse';
import { guestAddressesOf } from './guest-addresses';
import { randomMac, checkMac } from './mac';
import { createVolume, imagePath, removeFile, volumeInfo } from './volumes';

export class LibvirtVmDriver implements VmDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async listVms(): Promise<readonly VmInfo[]> {
    const out = await this.ctx.host.virsh(['list', '--all', '--uuid']);
    const ids = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const infos: VmInfo[] = [];
    for (const id of ids) {
      try {
        infos.push(await vmInfo(this.ctx, id));
      } catch (e) {
        if (!(e instanceof NotFound)) throw e; // deleted while listing
      }
    }
    return infos;
  }

  async findVm(options: { readonly ref: VmRef }): Promise<VmInfo | undefined> {
    // libvirt names are unique per host, so a name never matches several domains here.
    const id = 'id' in options.ref ? options.ref.id : options.ref.name;
    try {
      return await vmInfo(this.ctx, id);
    } catch (e) {
      if (e instanceof NotFound) return undefined;
      throw e;
    }
  }

  async createVm(options: { readonly spec: VmSpec }): Promise<VmInfo> {
    const spec = options.spec;
    validateSpec(spec);
    if (await this.findVm({ ref: { name: spec.name } }))
      throw new Conflict(`a VM named '${spec.name}' already exists`, { details: { option: 'name' } });
    const ctx = this.ctx;
    const uuid = randomUUID();
    const dir = vmDir(ctx, uuid);
    const disks: DomainDisk[] = [];
    let directBoot: DirectBoot | undefined;
    await runSteps(
      [
        {
          name: 'create VM directory',
          run: async () => void (await ctx.host.exec(['mkdir', '-p', '-m', '0711', '--', dir])),
          cleanup: async () => void (await ctx.host.runner.run(['rm', '-rf', '--', dir])),
        },
        {
          name: 'create disks',
          run: async () => {
            for (const [index, d] of spec.disks.entries()) {
              const option = `disks[${index}]`;
              const dev = diskTarget(index);
              if (d.path !== undefined) {
                const info = await volumeInfo(ctx, d.path);
                disks.push({
                  name: d.name,
                  dev,
                  path: d.path,
                  format: info.format === 'raw' ? 'raw' : 'qcow2',
                  owned: false,
                });
                continue;
              }
              const path = posix.join(dir, `${dev}.qcow2`);
              const from = d.image === undefined ? undefined : await imagePath(ctx, d.image, `${option}.image`);
              await createVolume(ctx, { path, option, from, clone: d.clone, sizeBytes: d.sizeBytes });
              disks.push({ name: d.name, dev, path, format: 'qcow2', owned: true });
              if (index === 0 && d.image !== undefined) directBoot = await readDirectBoot(ctx, d.image);
              if (directBoot && spec.secureBoot !== undefined && spec.secureBoot !== 'off') {
                throw new InvalidArgument(
                  `image '${d.image}' boots its kernel directly, without firmware, so secure boot cannot apply: turn secure boot off`,
                  'secureBoot',
                );
              }
            }
          },
        },
        {
          name: 'define domain',
          run: async () => {
            const model = toModel(ctx, spec, uuid, disks, directBoot);
            await ctx.host.virshWithXml(['define'], '--file', buildDomainXml(model));
          },
          cleanup: async () => void (await ctx.host.virshResult(['undefine', `--domain=${uuid}`, '--nvram', '--tpm'])),
        },
        {
          name: 'set autostart',
          run: async () => {
            if (spec.automaticStartAction === 'start' || spec.automaticStartAction === 'start_if_running') {
              await ctx.host.virsh(['autostart', `--domain=${uuid}`]);
            }
          },
        },
      ],
      undefined,
    ).catch((e: unknown) => {
      throw e instanceof FlowFailed ? e.error : e;
    });
    return vmInfo(ctx, uuid);
  }

  async reconfigureVm(options: { readonly id: string; readonly changes: VmChanges }): Promise<VmInfo> {
    const ctx = this.ctx;
    const c = options.changes;
    const current = await readDomain(ctx, options.id, true);
    if (c.secureBoot !== undefined && c.secureBoot !== 'off' && current.generation !== 2) {
      throw new InvalidArgument('secure boot needs a generation 2 (UEFI) VM', 'secureBoot');
    }
    const next: DomainModel = {
      ...current,
      ...(defined({
        cpuCount: c.cpuCount,
        memory: c.memory,
        secureBoot:
          c.secureBoot === undefined ? undefined : c.secureBoot === 'off' ? ('off' as const) : ('on' as const),
        tpm: c.tpm,
        bootOrder: c.bootOrder,
        automaticStopAction: c.automaticStopAction,
        notes: c.notes,
        tags: c.tags,
      }) as Partial<DomainModel>),
    };
    // UEFI variables come from a template that matches the firmware (enrolled keys or none): a secure boot change
    // only takes effect with fresh variables, which libvirt creates at a start, so the VM has to be off.
    const uefi = current.generation === 2 && current.directBoot === undefined;
    const resetUefi = uefi && next.secureBoot !== current.secureBoot;
    if (resetUefi) {
      const state = await domainState(ctx, options.id);
      if (state !== 'off')
        throw new Conflict(`secure boot of '${current.name}' can change only while the VM is off (it is ${state})`, {
          details: { option: 'secure_boot' },
        });
    }
    // The persistent definition changes; a running guest sees CPU/memory changes at its next boot.
    await ctx.host.virshWithXml(['define'], '--file', buildDomainXml(next));
    if (resetUefi) await resetUefiVariables(ctx, options.id);
    if (c.automaticStartAction !== undefined) {
      await ctx.host.virsh([
        'autostart',
        `--domain=${options.id}`,
        ...(c.automaticStartAction === 'nothing' ? ['--disable'] : []),
      ]);
    }
    return vmInfo(ctx, options.id);
  }

  async deleteVm(options: { readonly id: string; readonly removeOwnedDisks: boolean }): Promise<void> {
    const ctx = this.ctx;
    const domain = await readDomain(ctx, options.id, true);
    const owned = domain.disks.filter((d) => d.owned);
    if (options.removeOwnedDisks && owned.length > 0) {
      const others = (await ctx.host.virsh(['list', '--all', '--uuid']))
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && l !== domain.uuid);
      for (const other of others) {
        const paths = new Set((await readDomain(ctx, other, true)).disks.map((d) => d.path));
        const shared = owned.find((d) => paths.has(d.path));
        if (shared) throw new Conflict(`disk ${shared.path} of '${domain.name}' is also used by VM ${other}`);
      }
    }
    if ((await domainState(ctx, domain.uuid)) !== 'off')
      await ctx.host.virshResult(['destroy', `--domain=${domain.uuid}`]);
    // UEFI variables and TPM state belong to the VM (the TPM's may hold sealed keys): they go with it.
    await ctx.host.virsh([
      'undefine',
      `--domain=${domain.uuid}`,
      '--managed-save',
      '--snapshots-metadata',
      '--nvram',
      '--tpm',
    ]);
    if (options.removeOwnedDisks) {
      for (const d of owned) await removeFile(ctx, d.path);
      await ctx.host.runner.run(['rmdir', '--', vmDir(ctx, domain.uuid)]);
    }
  }
}

/**
 * Re-creates a stopped UEFI VM's variable store from the template its firmware settings now select. libvirt knows
 * the store's path only while the VM runs, so the VM starts paused (no guest code runs) with --reset-nvram and is
 * turned off again.
 */
async function resetUefiVariables(ctx: LibvirtContext, id: string): Promise<void> {
  await ctx.host.virsh(['start', `--domain=${id}`, '--paused', '--reset-nvram']);
  await ctx.host.virsh(['destroy', `--domain=${id}`]);
}

export async function vmInfo(ctx: LibvirtContext, id: string): Promise<VmInfo> {
  const d = await readDomain(ctx, id);
  const state = await domainState(ctx, d.uuid);
  const autostart = /Autostart:\s+enable/.test(await ctx.host.virsh(['dominfo', `--domain=${d.uuid}`]));
  const ips = state === 'running' ? await guestAddressesOf(ctx, d.uuid).catch(() => [] as string[]) : [];
  const sizes = new Map<string, number>();
  for (const disk of d.disks) {
    const info = await volumeInfo(ctx, disk.path).catch(() => undefined);
    if (info) sizes.set(disk.path, info.virtualSize);
  }
  return toInfo(d, state, autostart, ips, sizes);
}

export function toInfo(
  d: ParsedDomain,
  state: VmInfo['state'],
  autostart: boolean,
  ips: readonly string[],
  sizes: ReadonlyMap<string, number> = new Map(),
): VmInfo {
  return {
    id: d.uuid,
    name: d.name,
    state,
    generation: d.generation,
    cpuCount: d.cpuCount,
    memory: d.memory,
    secureBoot: d.secureBoot,
    tpm: d.tpm,
    bootOrder: d.bootOrder,
    automaticStartAction: autostart ? 'start' : 'nothing',
    ...(d.automaticStopAction !== undefined ? { automaticStopAction: d.automaticStopAction } : {}),
    ...(d.notes !== undefined ? { notes: d.notes } : {}),
    tags: d.tags,
    disks: d.disks.map((k) => ({ name: k.name, path: k.path, sizeBytes: sizes.get(k.path) ?? 0, owned: k.owned })),
    nics: d.nics.map((n) => ({
      name: n.name,
      network: n.kind === 'bridge' ? `bridge:${n.source}` : n.source,
      ...(n.vlanId !== undefined ? { vlanId: n.vlanId } : {}),
      mac: n.mac ?? '',
      staticMac: n.staticMac,
      ipAddresses: [],
    })),
    ipAddresses: ips,
    ...(d.dvd !== undefined ? { dvd: d.dvd } : {}),
    clusterRole: false,
  };
}

/** What libvirt and QEMU limit: a domain name without '/', a unicast MAC, secure boot only with UEFI firmware. */
function validateSpec(spec: VmSpec): void {
  if (spec.name.trim().length === 0) throw new InvalidArgument('the VM name must not be empty', 'name');
  if (spec.name.includes('/')) throw new InvalidArgument("a libvirt domain name cannot contain '/'", 'name');
  for (const [i, n] of spec.nics.entries()) if (n.mac !== undefined) checkMac(n.mac, `nics[${i}].mac`);
  if (spec.secureBoot !== undefined && spec.secureBoot !== 'off' && spec.generation !== 2) {
    throw new InvalidArgument('secure boot needs a generation 2 (UEFI) VM', 'secureBoot');
  }
}

function toModel(
  ctx: LibvirtContext,
  spec: VmSpec,
  uuid: string,
  disks: readonly DomainDisk[],
  directBoot: DirectBoot | undefined,
): DomainModel {
  const nics: DomainNic[] = spec.nics.map((n, i) => ({
    name: n.name,
    ...parseNetworkRef(n.network),
    mac: n.mac !== undefined ? checkMac(n.mac, `nics[${i}].mac`) : randomMac(),
    staticMac: n.mac !== undefined,
    ...(n.vlanId !== undefined ? { vlanId: n.vlanId } : {}),
  }));
  return {
    uuid,
    name: spec.name,
    type: ctx.domainType,
    cpuCount: spec.cpuCount,
    memory: spec.memory,
    generation: spec.generation,
    secureBoot: spec.secureBoot === undefined || spec.secureBoot === 'off' ? 'off' : 'on',
    tpm: spec.tpm ?? false,
    bootOrder: spec.bootOrder ?? ['disk', 'dvd', 'network'],
    ...(spec.automaticStopAction !== undefined ? { automaticStopAction: spec.automaticStopAction } : {}),
    ...(spec.notes !== undefined ? { notes: spec.notes } : {}),
    tags: spec.tags ?? [],
    disks,
    nics,
    ...(directBoot ? { directBoot } : {}),
    ...(ctx.consoleLogDir !== undefined ? { consoleLog: posix.join(ctx.consoleLogDir, `${uuid}.log`) } : {}),
  };
}

/** Images that carry no boot loader ship `<name>.boot.json` ({kernel, initrd?, cmdline?}, files beside the image). */
async function readDirectBoot(ctx: LibvirtContext, image: string): Promise<DirectBoot | undefined> {
  const sidecar = posix.join(imagesDir(ctx), `${image}.boot.json`);
  const r = await ctx.host.runner.run(['cat', '--', sidecar]);
  if (r.code !== 0) return undefined;
  const boot = JSON.parse(r.stdout) as { kernel?: unknown; initrd?: unknown; cmdline?: unknown };
  if (typeof boot.kernel !== 'string') throw new InvalidArgument(`${sidecar} names no kernel`, 'image');
  const inPool = (f: string): string => posix.join(imagesDir(ctx), posix.basename(f));
  return {
    kernel: inPool(boot.kernel),
    ...(typeof boot.initrd === 'string' ? { initrd: inPool(boot.initrd) } : {}),
    ...(typeof boot.cmdline === 'string' ? { cmdline: boot.cmdline } : {}),
  };
}
