/**
 * Storage and network objects of the fake XAPI: VDIs in SRs (create, clone, copy, snapshot, resize, destroy),
 * VBDs and VIFs attaching them to VMs, and `PUT /import_raw_vdi`, which streams a raw image into a VDI no larger
 * than its virtual size. Content is not kept: only its sha256 and length, which tests compare with the source.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { xapiTime } from './db';
import type { Impl } from './generic';
import { NULL_REF } from './model';
import { XapiFailure, type XapiState, isNull } from './state';
import { addVbd, addVif, removeFrom } from './vm';

type Rec = Record<string, unknown>;

export function createVdi(s: XapiState, values: Rec): string {
  const sr = s.ref('SR', values.SR);
  const size = Number(values.virtual_size);
  const ref = s.db.create('VDI', { ...values, physical_utilisation: 0, managed: true });
  const r = s.rec('SR', sr);
  s.db.update(sr, { VDIs: [...(r.VDIs as string[]), ref], virtual_allocation: Number(r.virtual_allocation) + size });
  return ref;
}

/**
 * A new VDI from `vdi`: `clone` is copy-on-write on this file-based SR (tiny), `copy` a full copy into `sr`,
 * `snapshot` a read-only point in time.
 */
export function cloneVdi(
  s: XapiState,
  vdi: string,
  o: { readonly mode: 'clone' | 'copy' | 'snapshot'; readonly sr?: string; readonly snapshotOf?: boolean },
): string {
  const src = s.rec('VDI', vdi);
  const { uuid: _u, VBDs: _b, snapshots: _s, crash_dumps: _c, ...rest } = src;
  const ref = createVdi(s, {
    ...JSON.parse(JSON.stringify(rest)),
    SR: o.sr ?? src.SR,
    is_a_snapshot: o.mode === 'snapshot',
    snapshot_of: o.mode === 'snapshot' ? vdi : NULL_REF,
    snapshot_time: o.mode === 'snapshot' ? xapiTime(Date.now()) : src.snapshot_time,
    sm_config: o.mode === 'copy' ? {} : { ...(src.sm_config as Rec), 'vhd-parent': String(src.uuid) },
  });
  if (o.mode === 'snapshot') s.db.update(vdi, { snapshots: [...(src.snapshots as string[]), ref] });
  const data = s.imported.get(vdi);
  if (data) s.imported.set(ref, data);
  return ref;
}

function destroyVdi(s: XapiState, vdi: string): void {
  const r = s.rec('VDI', vdi);
  if ((r.VBDs as string[]).some((b) => s.db.has(b) && s.rec('VBD', b).currently_attached))
    throw new XapiFailure('VDI_IN_USE', [vdi, 'destroy']);
  for (const b of r.VBDs as string[]) if (s.db.has(b)) s.db.update(b, { VDI: NULL_REF, empty: true });
  removeFrom(s, String(r.SR), 'VDIs', vdi);
  s.imported.delete(vdi);
  s.db.destroy(vdi);
}

export const storageImpls: Record<string, Impl> = {
  'VDI.create': (s, _c, [args]) =>
    createVdi(s, s.createArgs('VDI', args, ['SR', 'virtual_size', 'type', 'sharable', 'read_only', 'other_config'])),
  'VDI.destroy': (s, _c, [vdi]) => {
    destroyVdi(s, s.ref('VDI', vdi));
    return '';
  },
  'VDI.clone': (s, _c, [vdi]) => cloneVdi(s, s.ref('VDI', vdi), { mode: 'clone' }),
  'VDI.snapshot': (s, _c, [vdi]) => cloneVdi(s, s.ref('VDI', vdi), { mode: 'snapshot' }),
  'VDI.copy': (s, _c, [vdi, sr]) => cloneVdi(s, s.ref('VDI', vdi), { mode: 'copy', sr: s.ref('SR', sr) }),
  'VDI.resize': (s, _c, [vdi, size]) => {
    const ref = s.ref('VDI', vdi);
    if (Number(size) < Number(s.rec('VDI', ref).virtual_size))
      throw new XapiFailure('VDI_TOO_SMALL', [ref, String(size)]);
    s.db.update(ref, { virtual_size: Number(size) });
    return '';
  },
  'VDI.resize_online': (s, c, args) => storageImpls['VDI.resize']!(s, c, args),
  'VBD.create': (s, _c, [args]) => {
    const v = s.createArgs('VBD', args, [
      'VM',
      'VDI',
      'userdevice',
      'bootable',
      'mode',
      'type',
      'empty',
      'other_config',
      'qos_algorithm_type',
      'qos_algorithm_params',
    ]);
    return addVbd(s, v);
  },
  'VBD.destroy': (s, _c, [vbd]) => {
    const ref = s.ref('VBD', vbd);
    const r = s.rec('VBD', ref);
    if (r.currently_attached) throw new XapiFailure('OPERATION_NOT_ALLOWED', ['VBD is currently attached']);
    removeFrom(s, String(r.VM), 'VBDs', ref);
    if (!isNull(r.VDI)) removeFrom(s, String(r.VDI), 'VBDs', ref);
    s.db.destroy(ref);
    return '';
  },
  'VBD.plug': (s, _c, [vbd]) => {
    const ref = s.ref('VBD', vbd);
    if (s.rec('VM', s.rec('VBD', ref).VM).power_state !== 'Running')
      throw new XapiFailure('VM_BAD_POWER_STATE', [String(s.rec('VBD', ref).VM), 'running', 'halted']);
    s.db.update(ref, { currently_attached: true });
    return '';
  },
  'VBD.unplug': (s, _c, [vbd]) => {
    const ref = s.ref('VBD', vbd);
    if (!s.rec('VBD', ref).currently_attached) throw new XapiFailure('DEVICE_ALREADY_DETACHED', [ref]);
    s.db.update(ref, { currently_attached: false });
    return '';
  },
  'VBD.insert': (s, _c, [vbd, vdi]) => {
    const ref = s.ref('VBD', vbd);
    if (s.rec('VBD', ref).type !== 'CD') throw new XapiFailure('VBD_NOT_REMOVABLE_MEDIA', [ref]);
    if (!s.rec('VBD', ref).empty) throw new XapiFailure('VBD_NOT_EMPTY', [ref]);
    s.db.update(ref, { VDI: s.ref('VDI', vdi), empty: false });
    s.db.update(String(vdi), { VBDs: [...(s.rec('VDI', vdi).VBDs as string[]), ref] });
    return '';
  },
  'VBD.eject': (s, _c, [vbd]) => {
    const ref = s.ref('VBD', vbd);
    const r = s.rec('VBD', ref);
    if (r.type !== 'CD') throw new XapiFailure('VBD_NOT_REMOVABLE_MEDIA', [ref]);
    if (r.empty) throw new XapiFailure('VBD_IS_EMPTY', [ref]);
    removeFrom(s, String(r.VDI), 'VBDs', ref);
    s.db.update(ref, { VDI: NULL_REF, empty: true });
    return '';
  },
  'VIF.create': (s, _c, [args]) =>
    addVif(
      s,
      s.createArgs('VIF', args, [
        'device',
        'network',
        'VM',
        'MAC',
        'MTU',
        'other_config',
        'qos_algorithm_type',
        'qos_algorithm_params',
      ]),
    ),
  'VIF.destroy': (s, _c, [vif]) => {
    const ref = s.ref('VIF', vif);
    const r = s.rec('VIF', ref);
    if (r.currently_attached) throw new XapiFailure('OPERATION_NOT_ALLOWED', ['VIF is currently attached']);
    removeFrom(s, String(r.VM), 'VIFs', ref);
    removeFrom(s, String(r.network), 'VIFs', ref);
    s.db.destroy(ref);
    return '';
  },
  'VIF.plug': (s, _c, [vif]) => {
    s.db.update(s.ref('VIF', vif), { currently_attached: true });
    return '';
  },
  'VIF.unplug': (s, _c, [vif]) => {
    s.db.update(s.ref('VIF', vif), { currently_attached: false });
    return '';
  },
};

/** `PUT /import_raw_vdi?session_id=&task_id=&vdi=&format=raw`: streams the body into the VDI. */
export async function importRawVdi(s: XapiState, query: URLSearchParams, req: IncomingMessage): Promise<void> {
  const vdi = s.ref('VDI', query.get('vdi'));
  const format = query.get('format') ?? 'raw';
  if (format !== 'raw') throw new XapiFailure('NOT_IMPLEMENTED', [`format=${format}`]);
  const limit = Number(s.rec('VDI', vdi).virtual_size);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limit) throw new XapiFailure('VDI_TOO_SMALL', [vdi, String(bytes)]);
    hash.update(chunk);
  }
  s.imported.set(vdi, { sha256: hash.digest('hex'), bytes });
  s.db.update(vdi, { physical_utilisation: bytes });
}
