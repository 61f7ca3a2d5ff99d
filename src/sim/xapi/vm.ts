/**
 * VM behaviour of the fake XAPI: power operations with their domain in xenstore, clone/copy/snapshot/revert with
 * their disks and NICs, the CPU and memory constraints, and `xenstore_data` as XAPI and xenopsd treat it
 * (docs/xen.md, "what the fake XAPI simulates"): `set_xenstore_data` on a running VM replaces `vm-data` in one
 * transaction written by dom0 (the guest can then only read it), `add_to_`/`remove_from_` change only the database,
 * only `vm-data*` keys reach xenstore, guest writes under `vm-data` are mirrored back into the record, and
 * `data/service`, `control` and `attr/vif` feed VM_guest_metrics.
 */
import { randomBytes } from 'node:crypto';
import { Db, xapiTime } from './db';
import type { Impl } from './generic';
import { NULL_REF } from './model';
import { type Call, XapiFailure, type XapiState, isNull } from './state';
import { cloneVdi } from './storage';
import { Xenstore, XenstoreError } from './xenstore';

type Rec = Record<string, unknown>;

/** What runs inside a started VM (a plain guest that reports its IP, or the real guest agent). */
export interface GuestHooks {
  /** `halt` ends the domain as a guest powering off does (after control/shutdown, say). */
  started(state: XapiState, vm: string, domid: number, halt: () => void): void;
  stopped(state: XapiState, vm: string, domid: number): void;
  /** The fake is stopping: end every guest. */
  stopAll(): void;
  /** Called once before the fake serves (start helpers the guests need). */
  prepare?(state: XapiState): Promise<void>;
}

const GUEST_DIRS = ['data', 'attr', 'control', 'feature', 'drivers', 'error', 'messages', 'vm-data'];
const XSDATA_PREFIXES = ['vm-data', 'FIST'];

export const powerState = (s: XapiState, vm: string): string => s.rec('VM', vm).power_state as string;

function requireState(s: XapiState, vm: string, ...allowed: string[]): void {
  const actual = powerState(s, vm);
  if (!allowed.includes(actual))
    throw new XapiFailure('VM_BAD_POWER_STATE', [vm, allowed[0]!.toLowerCase(), actual.toLowerCase()]);
}

function notTemplate(s: XapiState, vm: string, op: string): void {
  const r = s.rec('VM', vm);
  if (r.is_a_template || r.is_a_snapshot)
    throw new XapiFailure(r.is_a_snapshot ? 'OPERATION_NOT_ALLOWED' : 'VM_IS_TEMPLATE', [vm, op]);
}

export const randomMac = (): string => {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
};

/** Builds the domain as xenopsd does: guest-owned subtrees, then the `vm-data*` keys of VM.xenstore_data. */
function buildDomain(s: XapiState, vm: string): number {
  const domid = s.nextDomid++;
  const base = `/local/domain/${domid}`;
  const r = s.rec('VM', vm);
  s.xs.transaction(() => {
    s.xs.write(0, base, '');
    s.xs.setPerms(0, base, [
      { domid: 0, perm: 'n' },
      { domid, perm: 'r' },
    ]);
    s.xs.write(0, `${base}/name`, String(r.name_label));
    s.xs.write(0, `${base}/domid`, String(domid));
    s.xs.write(0, `${base}/vm`, `/vm/${String(r.uuid)}`);
    for (const d of GUEST_DIRS) {
      s.xs.write(0, `${base}/${d}`, '');
      s.xs.setPerms(0, `${base}/${d}`, [{ domid, perm: 'n' }]);
    }
    writeXsdata(s, domid, r.xenstore_data as Record<string, string>);
  });
  return domid;
}

function writeXsdata(s: XapiState, domid: number, data: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(data)) {
    if (!XSDATA_PREFIXES.some((p) => k === p || k.startsWith(`${p}/`))) continue; // silently ignored, as xenopsd does
    s.xs.write(0, `/local/domain/${domid}/${k}`, v);
  }
}

function destroyDomain(s: XapiState, vm: string, hooks: GuestHooks): void {
  const r = s.rec('VM', vm);
  const domid = Number(r.domid);
  if (domid > 0) {
    hooks.stopped(s, vm, domid);
    try {
      s.xs.rm(0, `/local/domain/${domid}`);
    } catch {
      /* already gone */
    }
  }
  // A halted VM has no guest metrics (XAPI's force_state_reset destroys them).
  if (!isNull(r.guest_metrics) && s.db.has(String(r.guest_metrics))) s.db.destroy(String(r.guest_metrics));
  s.db.update(vm, { power_state: 'Halted', domid: -1, resident_on: NULL_REF, guest_metrics: NULL_REF });
  for (const vbd of r.VBDs as string[]) if (s.db.has(vbd)) s.db.update(vbd, { currently_attached: false });
  for (const vif of r.VIFs as string[]) if (s.db.has(vif)) s.db.update(vif, { currently_attached: false });
}

/** Mirrors a guest's xenstore writes into the VM record and its guest metrics, as xenopsd and xapi do. */
export function mirrorGuest(s: XapiState, path: string): void {
  const m = /^\/local\/domain\/(\d+)\/([^/]+)/.exec(path);
  if (!m || m[1] === '0') return;
  const domid = Number(m[1]);
  const vm = s.db.find('VM', (r) => r.domid === domid && r.power_state !== 'Halted')[0];
  if (!vm) return;
  const base = `/local/domain/${domid}`;
  const leaves = (under: string): [string, string][] => {
    // dump() is depth first: a node is a leaf when the next row is not below it.
    const rows = s.xs.dump(`${base}/${under}`);
    return rows
      .filter(([p], i) => !rows[i + 1]?.[0].startsWith(`${p}/`))
      .map(([p, v]) => [p.slice(base.length + 1), v]);
  };
  if (m[2] === 'vm-data') {
    const xsdata = Object.fromEntries(leaves('vm-data').filter(([k]) => k !== 'vm-data'));
    s.db.update(vm, { xenstore_data: xsdata });
    return;
  }
  if (m[2] !== 'data' && m[2] !== 'control' && m[2] !== 'attr') return;
  const services: Record<string, string> = {};
  for (const [k, v] of leaves('data/service')) {
    const parts = k.split('/');
    if (parts.length === 4) services[`${parts[2]}/${parts[3]}`] = v;
  }
  const other: Record<string, string> = {};
  for (const [k, v] of leaves('control')) {
    const parts = k.split('/');
    if (parts.length === 2) other[parts[1]!] = v;
  }
  const networks: Record<string, string> = {};
  for (const [k, v] of leaves('attr/vif')) {
    const p = /^attr\/vif\/(\d+)\/(ipv4|ipv6)\/(\d+)$/.exec(k);
    if (!p) continue;
    networks[`${p[1]}/${p[2]}/${p[3]}`] = v;
    if (p[2] === 'ipv4' && p[3] === '0') networks[`${p[1]}/ip`] = v;
  }
  const os: Record<string, string> = {};
  for (const [k, v] of leaves('data')) if (/^data\/os_/.test(k)) os[k.slice('data/os_'.length)] = v;
  const record = { services, other, networks, os_version: os, last_updated: xapiTime(Date.now()), live: true };
  const current = s.rec('VM', vm).guest_metrics as string;
  if (isNull(current) || !s.db.has(current)) {
    s.db.update(vm, { guest_metrics: s.db.create('VM_guest_metrics', record) });
  } else {
    s.db.update(current, record);
  }
}

function copyVm(s: XapiState, vm: string, name: string, disk: (vdi: string) => string, extra: Rec = {}): string {
  const src = s.rec('VM', vm);
  const {
    uuid: _u,
    VBDs,
    VIFs,
    snapshots: _sn,
    domid: _d,
    guest_metrics: _g,
    metrics: _m,
    resident_on: _r,
    power_state: _p,
    ...rest
  } = src;
  const metrics = s.db.create('VM_metrics', {
    VCPUs_number: src.VCPUs_at_startup,
    memory_actual: src.memory_static_max,
  });
  const copy = s.db.create('VM', {
    ...JSON.parse(JSON.stringify(rest)),
    name_label: name,
    power_state: 'Halted',
    metrics,
    is_a_snapshot: false,
    snapshot_of: NULL_REF,
    ...extra,
  } as Rec);
  for (const vbd of VBDs as string[]) {
    const b = s.rec('VBD', vbd);
    const vdi = isNull(b.VDI) || b.type === 'CD' ? b.VDI : disk(String(b.VDI));
    addVbd(s, { ...JSON.parse(JSON.stringify(b)), VM: copy, VDI: vdi, currently_attached: false });
  }
  for (const vif of VIFs as string[]) {
    const f = s.rec('VIF', vif);
    addVif(s, {
      ...JSON.parse(JSON.stringify(f)),
      VM: copy,
      MAC: f.MAC_autogenerated ? '' : f.MAC,
      currently_attached: false,
    });
  }
  return copy;
}

export function addVbd(s: XapiState, values: Rec): string {
  const { uuid: _u, metrics: _m, device: _d, ...v } = values;
  const vm = s.ref('VM', v.VM);
  const used = (s.rec('VM', vm).VBDs as string[]).map((b) => s.rec('VBD', b).userdevice);
  if (v.userdevice === 'autodetect') {
    let n = 0;
    while (used.includes(String(n))) n++;
    v.userdevice = String(n);
  } else if (used.includes(v.userdevice)) {
    throw new XapiFailure('DEVICE_ALREADY_EXISTS', [String(v.userdevice)]);
  }
  if (!isNull(v.VDI)) s.ref('VDI', v.VDI);
  const ref = s.db.create('VBD', { ...v, device: '' });
  s.db.update(vm, { VBDs: [...(s.rec('VM', vm).VBDs as string[]), ref] });
  if (!isNull(v.VDI)) s.db.update(String(v.VDI), { VBDs: [...(s.rec('VDI', v.VDI).VBDs as string[]), ref] });
  return ref;
}

export function addVif(s: XapiState, values: Rec): string {
  const { uuid: _u, metrics: _m, ...v } = values;
  const vm = s.ref('VM', v.VM);
  s.ref('network', v.network);
  const used = (s.rec('VM', vm).VIFs as string[]).map((f) => s.rec('VIF', f).device);
  if (used.includes(v.device)) throw new XapiFailure('DEVICE_ALREADY_EXISTS', [String(v.device)]);
  const mac = String(v.MAC ?? '');
  if (mac !== '' && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac)) throw new XapiFailure('MAC_INVALID', [mac]);
  const ref = s.db.create('VIF', {
    ...v,
    MAC: mac === '' ? randomMac() : mac.toLowerCase(),
    MAC_autogenerated: mac === '',
  });
  s.db.update(vm, { VIFs: [...(s.rec('VM', vm).VIFs as string[]), ref] });
  s.db.update(String(v.network), { VIFs: [...(s.rec('network', v.network).VIFs as string[]), ref] });
  return ref;
}

export function removeFrom(s: XapiState, owner: string, field: string, ref: string): void {
  if (s.db.has(owner)) s.db.update(owner, { [field]: (s.db.get(owner)![field] as string[]).filter((r) => r !== ref) });
}

export function vmImpls(hooks: GuestHooks): Record<string, Impl> {
  const start = (s: XapiState, vm: string): void => {
    notTemplate(s, vm, 'start');
    requireState(s, vm, 'Halted');
    const domid = buildDomain(s, vm);
    const r = s.rec('VM', vm);
    s.db.update(vm, { power_state: 'Running', domid, resident_on: s.host });
    s.db.update(String(r.metrics), {
      start_time: xapiTime(Date.now()),
      VCPUs_number: r.VCPUs_at_startup,
      memory_actual: r.memory_dynamic_max,
    });
    for (const vbd of r.VBDs as string[]) s.db.update(vbd, { currently_attached: !s.rec('VBD', vbd).empty });
    for (const vif of r.VIFs as string[]) s.db.update(vif, { currently_attached: true });
    hooks.started(s, vm, domid, () => {
      if (s.db.has(vm) && Number(s.rec('VM', vm).domid) === domid) destroyDomain(s, vm, hooks);
    });
  };

  const cleanShutdown = async (s: XapiState, c: Call, vm: string, reboot: boolean): Promise<void> => {
    requireState(s, vm, 'Running');
    const gm = s.rec('VM', vm).guest_metrics as string;
    const feature =
      !isNull(gm) && s.db.has(gm) && (s.rec('VM_guest_metrics', gm).other as Rec)['feature-shutdown'] === '1';
    if (!feature) throw new XapiFailure('VM_LACKS_FEATURE', [vm]);
    const domid = Number(s.rec('VM', vm).domid);
    s.xs.write(0, `/local/domain/${domid}/control/shutdown`, reboot ? 'reboot' : 'poweroff');
    // The guest acts on control/shutdown; the task ends when its domain is gone (or the task is cancelled).
    for (;;) {
      if (powerState(s, vm) === 'Halted' || Number(s.rec('VM', vm).domid) !== domid) break;
      if (c.task && s.db.get(c.task)?.status === 'cancelling') throw new XapiFailure('TASK_CANCELLED', [c.task]);
      await s.db.nextChange(1000);
    }
    if (reboot) start(s, vm);
  };

  const destroyVdisOf = (s: XapiState, vm: string): void => {
    for (const vbd of s.rec('VM', vm).VBDs as string[]) {
      const vdi = s.rec('VBD', vbd).VDI as string;
      if (!isNull(vdi) && s.db.has(vdi)) s.db.destroy(vdi);
    }
  };

  return {
    'VM.start': (s, _c, [vm]) => {
      start(s, s.ref('VM', vm));
      return '';
    },
    'VM.clean_shutdown': async (s, c, [vm]) => {
      await cleanShutdown(s, c, s.ref('VM', vm), false);
      return '';
    },
    'VM.clean_reboot': async (s, c, [vm]) => {
      await cleanShutdown(s, c, s.ref('VM', vm), true);
      return '';
    },
    'VM.hard_shutdown': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Running', 'Paused', 'Suspended');
      destroyDomain(s, ref, hooks);
      return '';
    },
    'VM.hard_reboot': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Running', 'Paused');
      destroyDomain(s, ref, hooks);
      start(s, ref);
      return '';
    },
    'VM.suspend': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Running');
      destroyDomain(s, ref, hooks);
      s.db.update(ref, { power_state: 'Suspended' });
      return '';
    },
    'VM.resume': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Suspended');
      s.db.update(ref, { power_state: 'Halted' });
      start(s, ref);
      return '';
    },
    'VM.clone': (s, _c, [vm, name]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted');
      // Built-in and golden templates alike: a clone of a template is a template; other_config, tags and
      // xenstore_data are copied with the rest of the record.
      return copyVm(s, ref, String(name), (vdi) => cloneVdi(s, vdi, { mode: 'clone' }));
    },
    'VM.copy': (s, _c, [vm, name, sr]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted');
      const target = isNull(sr) ? undefined : s.ref('SR', sr);
      return copyVm(s, ref, String(name), (vdi) =>
        cloneVdi(s, vdi, { mode: 'copy', ...(target ? { sr: target } : {}) }),
      );
    },
    'VM.snapshot': (s, _c, [vm, name, ignore]) => {
      const ref = s.ref('VM', vm);
      notTemplate(s, ref, 'snapshot');
      const skip = new Set((ignore as string[] | undefined) ?? []);
      const snap = copyVm(
        s,
        ref,
        String(name),
        (vdi) => (skip.has(vdi) ? NULL_REF : cloneVdi(s, vdi, { mode: 'snapshot' })),
        {
          is_a_snapshot: true,
          snapshot_of: ref,
          snapshot_time: xapiTime(Date.now()),
          is_a_template: true,
        },
      );
      s.db.update(ref, { snapshots: [...(s.rec('VM', ref).snapshots as string[]), snap] });
      return snap;
    },
    'VM.revert': (s, _c, [snapshot]) => {
      const snap = s.ref('VM', snapshot);
      const r = s.rec('VM', snap);
      if (!r.is_a_snapshot) throw new XapiFailure('VM_NOT_A_SNAPSHOT', [snap]);
      const vm = s.ref('VM', r.snapshot_of);
      if (powerState(s, vm) !== 'Halted') destroyDomain(s, vm, hooks);
      // The VM keeps its uuid; its disks are replaced by fresh clones of the snapshot's (new VDI uuids).
      destroyVdisOf(s, vm);
      for (const vbd of s.rec('VM', vm).VBDs as string[]) s.db.destroy(vbd);
      s.db.update(vm, { VBDs: [] });
      for (const vbd of r.VBDs as string[]) {
        const b = s.rec('VBD', vbd);
        addVbd(s, {
          ...JSON.parse(JSON.stringify(b)),
          VM: vm,
          VDI: isNull(b.VDI) ? NULL_REF : cloneVdi(s, String(b.VDI), { mode: 'clone', snapshotOf: false }),
        });
      }
      const {
        VCPUs_max,
        VCPUs_at_startup,
        memory_static_max,
        memory_static_min,
        memory_dynamic_max,
        memory_dynamic_min,
        other_config,
        tags,
        xenstore_data,
        HVM_boot_params,
        platform,
      } = r;
      s.db.update(vm, {
        VCPUs_max,
        VCPUs_at_startup,
        memory_static_max,
        memory_static_min,
        memory_dynamic_max,
        memory_dynamic_min,
        other_config,
        tags,
        xenstore_data,
        HVM_boot_params,
        platform,
        parent: snap,
      });
      return '';
    },
    'VM.destroy': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted', 'Suspended');
      const r = s.rec('VM', ref);
      // XAPI removes the VM's VBDs, VIFs and metrics but leaves its VDIs behind.
      for (const vbd of r.VBDs as string[]) {
        removeFrom(s, String(s.rec('VBD', vbd).VDI), 'VBDs', vbd);
        s.db.destroy(vbd);
      }
      for (const vif of r.VIFs as string[]) {
        removeFrom(s, String(s.rec('VIF', vif).network), 'VIFs', vif);
        s.db.destroy(vif);
      }
      if (!isNull(r.metrics)) s.db.destroy(String(r.metrics));
      if (r.is_a_snapshot) removeFrom(s, String(r.snapshot_of), 'snapshots', ref);
      for (const snap of r.snapshots as string[]) if (s.db.has(snap)) s.db.update(snap, { snapshot_of: NULL_REF });
      s.db.destroy(ref);
      return '';
    },
    'VM.set_VCPUs_max': (s, _c, [vm, value]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted');
      const n = Number(value);
      if (!(n >= 1)) throw new XapiFailure('INVALID_VALUE', ['VCPUs_max', String(value)]);
      if (n < Number(s.rec('VM', ref).VCPUs_at_startup))
        throw new XapiFailure('INVALID_VALUE', [
          'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max',
          String(n),
        ]);
      s.db.update(ref, { VCPUs_max: n });
      return '';
    },
    'VM.set_VCPUs_at_startup': (s, _c, [vm, value]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted');
      const n = Number(value);
      if (!(n >= 1) || n > Number(s.rec('VM', ref).VCPUs_max))
        throw new XapiFailure('INVALID_VALUE', [
          'VCPU values must satisfy: 0 < VCPUs_at_startup ≤ VCPUs_max',
          String(n),
        ]);
      s.db.update(ref, { VCPUs_at_startup: n });
      return '';
    },
    'VM.set_memory_limits': (s, _c, [vm, smin, smax, dmin, dmax]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Halted');
      const [a, b, c2, d] = [smin, smax, dmin, dmax].map(Number) as [number, number, number, number];
      if (!(a <= c2 && c2 <= d && d <= b))
        throw new XapiFailure('MEMORY_CONSTRAINT_VIOLATION', [
          'Memory limits must satisfy: static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max',
        ]);
      s.db.update(ref, { memory_static_min: a, memory_static_max: b, memory_dynamic_min: c2, memory_dynamic_max: d });
      return '';
    },
    'VM.set_xenstore_data': (s, _c, [vm, value]) => {
      const ref = s.ref('VM', vm);
      const data = value as Record<string, string>;
      s.db.update(ref, { xenstore_data: { ...data } });
      const r = s.rec('VM', ref);
      if (r.power_state !== 'Running') return '';
      // xenopsd's Domain.set_xsdata: in one transaction, remove vm-data and write the whole new map as dom0.
      const domid = Number(r.domid);
      try {
        s.xs.transaction(() => {
          try {
            s.xs.rm(0, `/local/domain/${domid}/vm-data`);
          } catch (e) {
            if (!(e instanceof XenstoreError && e.errno === 'ENOENT')) throw e;
          }
          writeXsdata(s, domid, data);
        });
      } catch (e) {
        if (e instanceof XenstoreError)
          throw new XapiFailure('INTERNAL_ERROR', [`xenopsd VM.set_xsdata: xenstore ${e.message}`]);
        throw e;
      }
      return '';
    },
    'VM.set_HVM_boot_policy': (s, _c, [vm, value]) => {
      const ref = s.ref('VM', vm);
      if (value !== 'BIOS order' && value !== '')
        throw new XapiFailure('INVALID_VALUE', ['HVM-boot-policy', String(value)]);
      s.db.update(ref, { HVM_boot_policy: value, domain_type: value === '' ? 'pv' : 'hvm' });
      return '';
    },
    'VM.set_domain_type': (s, _c, [vm, value]) => {
      const ref = s.ref('VM', vm);
      s.db.update(ref, { domain_type: value, HVM_boot_policy: value === 'hvm' ? 'BIOS order' : '' });
      return '';
    },
    'VM.unpause': (s, _c, [vm]) => {
      const ref = s.ref('VM', vm);
      requireState(s, ref, 'Paused');
      s.db.update(ref, { power_state: 'Running' });
      return '';
    },
    'VM.get_allowed_VBD_devices': (s, _c, [vm]) => {
      const used = new Set((s.rec('VM', vm).VBDs as string[]).map((b) => s.rec('VBD', b).userdevice));
      return Array.from({ length: 16 }, (_, i) => String(i)).filter((d) => !used.has(d));
    },
    'VM.get_allowed_VIF_devices': (s, _c, [vm]) => {
      const used = new Set((s.rec('VM', vm).VIFs as string[]).map((f) => s.rec('VIF', f).device));
      return Array.from({ length: 7 }, (_, i) => String(i)).filter((d) => !used.has(d));
    },
    'VM.create': (s, _c, [args]) => {
      const v = s.createArgs('VM', args, ['name_label']);
      const metrics = s.db.create('VM_metrics', {});
      return s.db.create('VM', { ...v, metrics, power_state: 'Halted' }, Db.newRef());
    },
  };
}

export const resolveXs = Xenstore.resolve;
