/**
 * The simulator's single source of truth: hosts, VMs, virtual disks, switches, KVP pools, checkpoints and cluster
 * roles, keyed by stable ids. Files (images, disks, ISOs) also exist as real files under the host's root directory.
 */
import { randomUUID } from 'node:crypto';

export interface SimSwitch {
  readonly name: string;
  readonly type: 'External' | 'Internal' | 'Private';
  /** First three octets of the addresses the simulated DHCP hands out, e.g. `192.0.2`. */
  readonly subnet: string;
}

export interface SimMemory {
  startupBytes: number;
  dynamic: boolean;
  minimumBytes: number;
  maximumBytes: number;
  bufferPercent: number;
}

export interface SimDrive {
  /** Hyper-V's device id (`Microsoft:<VMID>\\<GUID>`), assigned at first read. */
  id?: string;
  path: string;
  controllerType: 'SCSI' | 'IDE';
  controllerNumber: number;
  controllerLocation: number;
}

export interface SimNic {
  /** Hyper-V's device id (`Microsoft:<VMID>\\<GUID>`), assigned at first read. */
  id?: string;
  name: string;
  switchName: string;
  vlanId: number;
  /** 12 hex digits; a dynamic MAC reads UNSET_MAC until the VM first starts (as on Hyper-V). */
  mac: string;
  staticMac: boolean;
}

/** What Hyper-V reports for a dynamic MAC it has not assigned yet. */
export const UNSET_MAC = '000000000000';

export interface SimCheckpoint {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly parentId: string;
  /** Copy of the VM's state and configuration when taken. */
  readonly snapshot: string;
  /** Production (guest-consistent, applies to Off) or standard (keeps the saved state). */
  readonly type?: 'Production' | 'Standard';
  /** Per disk: the differencing disk (.avhdx) that took the writes after this checkpoint. */
  readonly children?: { readonly base: string; readonly child: string }[];
}

/** How the simulated guest behaves: run the Linux agent, just boot (no agent), or ignore shutdown requests. */
export type SimGuestKind = 'linux-agent' | 'plain' | 'unresponsive';

export interface SimVm {
  readonly id: string;
  name: string;
  state: 'Off' | 'Running' | 'Saved' | 'Paused' | 'Starting' | 'Stopping';
  generation: 1 | 2;
  path: string;
  cpuCount: number;
  memory: SimMemory;
  secureBoot: 'on' | 'off';
  secureBootTemplate: string;
  tpm: boolean;
  bootOrder: string[];
  automaticStartAction: string;
  automaticStopAction: string;
  notes: string;
  disks: SimDrive[];
  nics: SimNic[];
  dvd: string;
  clustered: boolean;
  kvpIntegration: boolean;
  /** Pool 0 (host → guest), in insertion order. */
  kvpHost: Map<string, string>;
  /** Pool 1 (guest → host). */
  kvpGuest: Map<string, string>;
  /** Pool 2 (intrinsic: FQDN, NetworkAddressIPv4...). */
  intrinsic: Map<string, string>;
  checkpoints: SimCheckpoint[];
  guest: SimGuestKind;
  /** The checkpoint the running state derives from (last taken or applied). */
  currentCheckpoint?: string;
  checkpointType?: 'Disabled' | 'Production' | 'ProductionOnly' | 'Standard';
  /** Generation 2 boot entries by device id, in firmware order (Generation 1 keeps `bootOrder`). */
  bootEntries?: string[];
  /** DVD drive location when the VM has one (Generation 1 gets IDE 1:0 from New-VM). */
  dvdDrive?: SimDrive;
  /** Host-side integration services that were disabled (by id suffix); empty = all on. */
  keyProtector?: boolean;
}

export interface SimVhd {
  path: string;
  sizeBytes: number;
  parentPath: string;
}

export interface SimHost {
  name: string;
  osVersion: string;
  virtualMachinePath: string;
  virtualHardDiskPath: string;
  freeBytes: number;
  totalBytes: number;
  cluster: { name: string; nodes: string[] } | undefined;
}

export class SimRegistry {
  readonly host: SimHost;
  readonly switches: SimSwitch[] = [];
  readonly vms = new Map<string, SimVm>();
  /** Virtual disks by lower-cased Windows path. */
  readonly vhds = new Map<string, SimVhd>();
  /** Guest behaviour of newly created VMs. */
  defaultGuest: SimGuestKind = 'plain';
  private macCounter = 0x10;

  constructor(host: Partial<SimHost> = {}) {
    this.host = {
      name: 'HV-SIM01',
      osVersion: '10.0.20348.0',
      virtualMachinePath: 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V',
      virtualHardDiskPath: 'C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks',
      freeBytes: 500 * 2 ** 30,
      totalBytes: 1024 * 2 ** 30,
      cluster: undefined,
      ...host,
    };
  }

  vm(id: string): SimVm | undefined {
    return this.vms.get(id.toLowerCase());
  }

  vmsNamed(name: string): SimVm[] {
    return [...this.vms.values()].filter((v) => v.name === name);
  }

  newVm(init: Pick<SimVm, 'name' | 'generation' | 'path'> & Partial<SimVm>): SimVm {
    const vm: SimVm = {
      id: randomUUID(),
      state: 'Off',
      cpuCount: 1,
      memory: {
        startupBytes: 1024 * 2 ** 20,
        dynamic: false,
        minimumBytes: 512 * 2 ** 20,
        maximumBytes: 1024 ** 4,
        bufferPercent: 20,
      },
      secureBoot: init.generation === 2 ? 'on' : 'off',
      secureBootTemplate: init.generation === 2 ? 'MicrosoftWindows' : '',
      tpm: false,
      bootOrder: init.generation === 2 ? ['disk', 'network'] : ['dvd', 'disk', 'network'],
      automaticStartAction: 'StartIfRunning',
      automaticStopAction: 'Save',
      notes: '',
      disks: [],
      nics: [],
      dvd: '',
      clustered: false,
      kvpIntegration: true,
      kvpHost: new Map(),
      kvpGuest: new Map(),
      intrinsic: new Map(),
      checkpoints: [],
      guest: this.defaultGuest,
      ...init,
    };
    this.vms.set(vm.id, vm);
    return vm;
  }

  /** The next address of the host's MAC pool (00155D...), as Hyper-V hands out at a dynamic adapter's first start. */
  nextMac(): string {
    this.macCounter += 1;
    return `00155D01${this.macCounter.toString(16).padStart(4, '0')}`.toUpperCase();
  }

  /** Which VM (other than `exceptId`) uses this disk path directly or as a differencing parent. */
  diskUser(path: string, exceptId: string): SimVm | undefined {
    const target = path.toLowerCase();
    for (const vm of this.vms.values()) {
      if (vm.id === exceptId) continue;
      for (const drive of vm.disks) {
        let current: string | undefined = drive.path;
        const seen = new Set<string>();
        while (current && !seen.has(current.toLowerCase())) {
          if (current.toLowerCase() === target) return vm;
          seen.add(current.toLowerCase());
          current = this.vhds.get(current.toLowerCase())?.parentPath || undefined;
        }
      }
    }
    return undefined;
  }
}
