/**
 * What the VM scripts return, and its translation to `VmInfo`. Hyper-V has no tags or stable disk names, so virtseal
 * keeps them in a last line of the VM's Notes: `#virtseal:{"tags":[...],"disks":{"os":{"path":...,"owned":true}}}`.
 */
import { normalizeMac } from '../../core/mac';
import type { DiskInfo, MemorySpec, NicInfo, PowerState, VmInfo, VmSpec } from '../types';

export interface RawDisk {
  readonly path: string;
  readonly controllerType: string;
  readonly controllerNumber: number;
  readonly controllerLocation: number;
  readonly sizeBytes: number;
  readonly parentPath: string;
}

export interface RawNic {
  readonly name: string;
  readonly switchName: string;
  readonly vlanId: number;
  readonly mac: string;
  readonly staticMac: boolean;
  readonly ipAddresses: readonly string[];
}

export interface RawVm {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly generation: number;
  readonly path: string;
  readonly cpuCount: number;
  readonly memoryStartupBytes: number;
  readonly dynamicMemory: boolean;
  readonly memoryMinimumBytes: number;
  readonly memoryMaximumBytes: number;
  readonly memoryBufferPercent: number;
  readonly secureBoot: string;
  readonly secureBootTemplate: string;
  readonly tpm: boolean;
  readonly bootOrder: readonly string[];
  readonly automaticStartAction: string;
  readonly automaticStopAction: string;
  readonly notes: string;
  readonly disks: readonly RawDisk[];
  readonly nics: readonly RawNic[];
  readonly dvd: string;
  readonly clustered: boolean;
}

export interface NotesMeta {
  readonly tags: readonly string[];
  readonly disks: Readonly<Record<string, { readonly path: string; readonly owned: boolean }>>;
}

const META_PREFIX = '#virtseal:';

export function splitNotes(notes: string): { readonly text: string; readonly meta: NotesMeta } {
  const at = notes.lastIndexOf('\n');
  const last = notes.slice(at + 1);
  if (last.startsWith(META_PREFIX)) {
    try {
      const parsed = JSON.parse(last.slice(META_PREFIX.length)) as Partial<NotesMeta>;
      return {
        text: at < 0 ? '' : notes.slice(0, at),
        meta: { tags: Array.isArray(parsed.tags) ? parsed.tags.map(String) : [], disks: parsed.disks ?? {} },
      };
    } catch {
      // Not ours after all: keep the line as user text.
    }
  }
  return { text: notes, meta: { tags: [], disks: {} } };
}

export function joinNotes(text: string, meta: NotesMeta): string {
  return `${text}\n${META_PREFIX}${JSON.stringify(meta)}`;
}

const STATES: Record<string, PowerState> = {
  running: 'running',
  off: 'off',
  saved: 'saved',
  paused: 'paused',
  starting: 'starting',
  stopping: 'stopping',
};
export const START_ACTIONS = { nothing: 'Nothing', start: 'Start', start_if_running: 'StartIfRunning' } as const;
export const STOP_ACTIONS = { turn_off: 'TurnOff', save: 'Save', shutdown: 'ShutDown' } as const;

function reverse(map: Record<string, string>, value: string): string {
  return Object.entries(map).find(([, v]) => v.toLowerCase() === value.toLowerCase())?.[0] ?? value;
}

export function toVmInfo(raw: RawVm): VmInfo {
  const { text, meta } = splitNotes(raw.notes);
  const entries = Object.entries(meta.disks);
  // Created disks are recorded by file name inside the VM's own disk folder; attached ones by full path.
  const ownFolder = `${raw.path.replace(/[\\/]+$/, '')}\\Virtual Hard Disks\\`.toLowerCase();
  const lookup = (path: string): { name: string; owned: boolean } | undefined => {
    const lower = path.toLowerCase();
    const hit = entries.find(
      ([, d]) =>
        d.path.toLowerCase() === lower || (!/[\\/]/.test(d.path) && ownFolder + d.path.toLowerCase() === lower),
    );
    return hit ? { name: hit[0], owned: hit[1].owned } : undefined;
  };
  const disks: DiskInfo[] = raw.disks.map((d) => {
    // Without a recorded name, a disk is named after its file; it is owned when it lives in the VM's own folder.
    const known = lookup(d.path) ?? { name: fileStem(d.path), owned: d.path.toLowerCase().startsWith(ownFolder) };
    return {
      name: known.name,
      path: d.path,
      sizeBytes: d.sizeBytes,
      ...(d.parentPath ? { parentPath: d.parentPath } : {}),
      owned: known.owned,
    };
  });
  const nics: NicInfo[] = raw.nics.map((n) => ({
    name: n.name,
    network: n.switchName,
    ...(n.vlanId > 0 ? { vlanId: n.vlanId } : {}),
    mac: normalizeMac(n.mac),
    staticMac: n.staticMac,
    ipAddresses: [...n.ipAddresses],
  }));
  const memory: MemorySpec = raw.dynamicMemory
    ? {
        startupMb: raw.memoryStartupBytes / 1048576,
        dynamic: true,
        minimumMb: raw.memoryMinimumBytes / 1048576,
        maximumMb: raw.memoryMaximumBytes / 1048576,
        bufferPercent: raw.memoryBufferPercent,
      }
    : { startupMb: raw.memoryStartupBytes / 1048576, dynamic: false };
  return {
    id: raw.id.toLowerCase(),
    name: raw.name,
    state: STATES[raw.state.toLowerCase()] ?? 'unknown',
    generation: raw.generation === 1 ? 1 : 2,
    cpuCount: raw.cpuCount,
    memory,
    secureBoot: raw.secureBoot === 'off' ? 'off' : raw.secureBootTemplate || 'on',
    tpm: raw.tpm,
    bootOrder: [...new Set(raw.bootOrder)],
    automaticStartAction: reverse(START_ACTIONS, raw.automaticStartAction),
    automaticStopAction: reverse(STOP_ACTIONS, raw.automaticStopAction),
    notes: text,
    tags: [...meta.tags],
    disks,
    nics,
    ipAddresses: [...new Set(nics.flatMap((n) => n.ipAddresses))],
    ...(raw.dvd ? { dvd: raw.dvd } : {}),
    clusterRole: raw.clustered,
  };
}

function fileStem(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.[^.]*$/, '');
}

/** The script's Config hashtable for settings of a spec or a change set (absent keys stay untouched). */
export function toConfig(
  c: Partial<
    Pick<
      VmSpec,
      'cpuCount' | 'memory' | 'secureBoot' | 'tpm' | 'bootOrder' | 'automaticStartAction' | 'automaticStopAction'
    >
  > & { notes?: string },
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (c.cpuCount !== undefined) config.cpuCount = c.cpuCount;
  if (c.memory !== undefined) {
    const m = c.memory;
    config.memory = {
      startupBytes: m.startupMb * 1048576,
      dynamic: m.dynamic ?? false,
      minimumBytes: (m.minimumMb ?? m.startupMb) * 1048576,
      maximumBytes: (m.maximumMb ?? m.startupMb) * 1048576,
      bufferPercent: m.bufferPercent ?? 20,
    };
  }
  if (c.secureBoot !== undefined) config.secureBoot = c.secureBoot;
  if (c.tpm !== undefined) config.tpm = c.tpm;
  if (c.bootOrder !== undefined) config.bootOrder = [...c.bootOrder];
  if (c.automaticStartAction !== undefined) config.automaticStartAction = START_ACTIONS[c.automaticStartAction];
  if (c.automaticStopAction !== undefined) config.automaticStopAction = STOP_ACTIONS[c.automaticStopAction];
  if (c.notes !== undefined) config.notes = c.notes;
  return config;
}
