/**
 * Hypervisor driver interfaces, split by noun and named by intent. Hyper-V, libvirt and (later) Xen implement the
 * same interfaces; modules and services only ever see `Hypervisor`. Every method takes one readonly options object.
 * Sizes are in bytes or MiB as the field name says; durations in milliseconds.
 */
import type { Bytes } from '../core/units';
import type { ConnectionOptions } from '../generated/fragment-connection';
import type { SshConnectionOptions } from '../transport/ssh-connection';

/** The hypervisor kinds: the `hypervisor` enum of the connection schema fragment, and nothing else. */
export type HypervisorType = NonNullable<ConnectionOptions['hypervisor']>;

export type PowerState = 'running' | 'off' | 'saved' | 'paused' | 'starting' | 'stopping' | 'unknown';

/**
 * Driver settings: the connection options that are neither SSH nor common ones (`image_library_path`,
 * `libvirt_uri`...), by option name, as the module or the environment gave them. Each driver reads and checks the
 * ones it knows and ignores the others.
 */
export type DriverSettings = Readonly<Record<string, string | number | boolean>>;

/**
 * How a driver reaches its host. `ssh` is the address and credentials as the SSH transport takes them (absent for a
 * local host, or when an entry point builds a connection without one); a driver with another transport reads the
 * address and credentials from it all the same. Secrets live here only in memory and are never logged.
 */
export interface HostConnection {
  readonly hypervisor: HypervisorType;
  readonly ssh?: SshConnectionOptions;
  readonly settings: DriverSettings;
}

export interface HostFacts {
  readonly hypervisor: HypervisorType;
  readonly hostname: string;
  readonly version: string;
  readonly switches: readonly { readonly name: string; readonly type: string }[];
  readonly storage: readonly { readonly path: string; readonly freeBytes: number; readonly totalBytes?: number }[];
  readonly cluster?: { readonly name: string; readonly nodes: readonly string[] };
  readonly vmCount: number;
  /** Host-specific extras (OpenSSH version, language mode, admin rights...). */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface MemorySpec {
  readonly startupMb: number;
  readonly dynamic?: boolean;
  readonly minimumMb?: number;
  readonly maximumMb?: number;
  readonly bufferPercent?: number;
}

export interface DiskSpec {
  /** Stable name of the disk within the VM (`os`, `data1`...). */
  readonly name: string;
  /** Create from this published image (name in the host library). */
  readonly image?: string;
  /** `differencing` (backing-file clone, O(1)) or `copy`. Default differencing. */
  readonly clone?: 'differencing' | 'copy';
  /** Size of a new empty disk, or the size to grow an image-based disk to. */
  readonly sizeBytes?: Bytes;
  /** Attach an existing disk file instead (not owned: never deleted with the VM). */
  readonly path?: string;
}

export interface NicSpec {
  readonly name: string;
  /** Virtual switch (Hyper-V), network or bridge (libvirt). */
  readonly network: string;
  readonly vlanId?: number;
  /** Static MAC `00:15:5d:..`; dynamic when absent. */
  readonly mac?: string;
}

/**
 * A new VM, complete: creation defaults are decided once, by the vm service, so a driver never picks its own
 * (generation in particular is required). Option limits are the schema's; a driver checks what its host limits.
 */
export interface VmSpec {
  readonly name: string;
  readonly generation: 1 | 2;
  readonly cpuCount: number;
  readonly memory: MemorySpec;
  /** `on`, `off`, or a Hyper-V secure boot template name (on). */
  readonly secureBoot?: 'on' | 'off' | 'MicrosoftWindows' | 'MicrosoftUEFICertificateAuthority';
  readonly tpm?: boolean;
  /** Device kinds in boot order, e.g. ['disk', 'dvd', 'network']. */
  readonly bootOrder?: readonly ('disk' | 'dvd' | 'network')[];
  readonly automaticStartAction?: 'nothing' | 'start' | 'start_if_running';
  readonly automaticStopAction?: 'turn_off' | 'save' | 'shutdown';
  readonly notes?: string;
  readonly tags?: readonly string[];
  readonly disks: readonly DiskSpec[];
  readonly nics: readonly NicSpec[];
  /** Where the VM's own files go; driver default when absent. */
  readonly path?: string;
}

export interface DiskInfo {
  readonly name: string;
  readonly path: string;
  readonly sizeBytes: number;
  readonly parentPath?: string;
  /** True when the VM created the disk and deleting the VM removes it. */
  readonly owned: boolean;
}

export interface NicInfo {
  readonly name: string;
  readonly network: string;
  readonly vlanId?: number;
  readonly mac: string;
  readonly staticMac: boolean;
  readonly ipAddresses: readonly string[];
}

export interface GuestConfigStatus {
  readonly state: 'none' | 'pending' | 'applying' | 'applied' | 'failed';
  readonly reason?: string;
  readonly attemptId?: string;
  /**
   * With state `applied`, what the guest's applied record says against the VM and config asked about:
   * `this_config` (same VM, same config), `other_config` (same VM, a different config, e.g. a rotated password),
   * `other_vm` (the record of another VM: a clone of a provisioned disk), `unknown` (no config to compare).
   */
  readonly applied?: 'this_config' | 'other_config' | 'other_vm' | 'unknown';
}

export interface VmInfo {
  /** Stable id (Hyper-V VM GUID, libvirt UUID). */
  readonly id: string;
  readonly name: string;
  readonly state: PowerState;
  readonly generation?: 1 | 2;
  readonly cpuCount: number;
  readonly memory: MemorySpec;
  readonly secureBoot?: string;
  readonly tpm?: boolean;
  readonly bootOrder?: readonly string[];
  readonly automaticStartAction?: string;
  readonly automaticStopAction?: string;
  readonly notes?: string;
  readonly tags: readonly string[];
  readonly disks: readonly DiskInfo[];
  readonly nics: readonly NicInfo[];
  readonly ipAddresses: readonly string[];
  readonly dvd?: string;
  readonly clusterRole?: boolean;
}

export type VmRef = { readonly id: string } | { readonly name: string };

/** Changes that can be applied to an existing VM; absent fields are left as they are. */
export interface VmChanges {
  readonly cpuCount?: number;
  readonly memory?: MemorySpec;
  readonly secureBoot?: VmSpec['secureBoot'];
  readonly tpm?: boolean;
  readonly bootOrder?: VmSpec['bootOrder'];
  readonly automaticStartAction?: VmSpec['automaticStartAction'];
  readonly automaticStopAction?: VmSpec['automaticStopAction'];
  readonly notes?: string;
  readonly tags?: readonly string[];
}

export interface VmDriver {
  listVms(): Promise<readonly VmInfo[]>;
  /** Undefined when absent; throws Conflict when a name matches several VMs. */
  findVm(options: { readonly ref: VmRef }): Promise<VmInfo | undefined>;
  createVm(options: { readonly spec: VmSpec }): Promise<VmInfo>;
  reconfigureVm(options: { readonly id: string; readonly changes: VmChanges }): Promise<VmInfo>;
  /** Removes the VM and the disks it owns; refuses (Conflict) disks another VM uses. */
  deleteVm(options: { readonly id: string; readonly removeOwnedDisks: boolean }): Promise<void>;
}

export interface PowerDriver {
  start(options: { readonly id: string }): Promise<void>;
  /** Graceful shutdown through the guest; after `timeoutMs`, turn off when `force` (else GuestTimeout). */
  shutdown(options: {
    readonly id: string;
    readonly timeoutMs: number;
    readonly force: boolean;
  }): Promise<{ readonly forced: boolean }>;
  turnOff(options: { readonly id: string }): Promise<void>;
  restart(options: { readonly id: string; readonly timeoutMs: number; readonly force: boolean }): Promise<void>;
  save(options: { readonly id: string }): Promise<void>;
}

export interface DiskDriver {
  addDisk(options: { readonly vmId: string; readonly disk: DiskSpec }): Promise<DiskInfo>;
  removeDisk(options: { readonly vmId: string; readonly name: string; readonly deleteFile: boolean }): Promise<void>;
  resizeDisk(options: { readonly vmId: string; readonly name: string; readonly sizeBytes: Bytes }): Promise<DiskInfo>;
}

export interface NicDriver {
  addNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo>;
  removeNic(options: { readonly vmId: string; readonly name: string }): Promise<void>;
  setNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo>;
}

export interface ImageInfo {
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface PublishProgress {
  readonly sentBytes: number;
  readonly totalBytes: number;
}

export interface PublishResult {
  readonly image: ImageInfo;
  /** True when the same hash was already there and nothing was sent. */
  readonly skipped: boolean;
  /** Offset a dropped upload resumed from (0 when it started fresh). */
  readonly resumedFromBytes: number;
  readonly sentBytes: number;
}

/** What a library file is: a golden disk (VHDX/qcow2) or an ISO (the guest-agent media). */
export type ImageKind = 'disk' | 'iso';

export interface ImageDriver {
  listImages(): Promise<readonly ImageInfo[]>;
  findImage(options: { readonly name: string; readonly kind?: ImageKind }): Promise<ImageInfo | undefined>;
  publishImage(options: {
    readonly localPath: string;
    readonly name: string;
    /** Default disk. */
    readonly kind?: ImageKind;
    readonly sha256?: string;
    readonly onProgress?: (progress: PublishProgress) => void;
  }): Promise<PublishResult>;
}

export interface MediaDriver {
  attachIso(options: { readonly vmId: string; readonly path: string }): Promise<void>;
  detachIso(options: { readonly vmId: string }): Promise<void>;
}

export interface CheckpointInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly parentId?: string;
}

export interface CheckpointDriver {
  listCheckpoints(options: { readonly vmId: string }): Promise<readonly CheckpointInfo[]>;
  createCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<CheckpointInfo>;
  applyCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void>;
  removeCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void>;
}

export interface ClusterDriver {
  hasRole(options: { readonly vmId: string }): Promise<boolean>;
  addRole(options: { readonly vmId: string }): Promise<void>;
  removeRole(options: { readonly vmId: string }): Promise<void>;
}

/**
 * The channel that carries the sealed exchange for one VM (Hyper-V KVP, QEMU guest agent, xenstore).
 * Host items go host → guest; guest items come back. Writes are batched by the caller, at most 128 per call.
 */
export interface GuestChannel {
  readGuestItems(): Promise<ReadonlyMap<string, string>>;
  writeHostItems(items: readonly (readonly [key: string, value: string])[]): Promise<void>;
  removeHostItems(keys: readonly string[]): Promise<void>;
  /** Keys of host items currently present for this VM. */
  listHostItems(): Promise<readonly string[]>;
  /** What the guest's own integration services report (Hyper-V pool 2: FullyQualifiedDomainName, ...), where the platform has it. */
  readIntrinsicItems?(): Promise<ReadonlyMap<string, string>>;
  /**
   * How often re-reading guest items is worth it (ms): the first poll delay and its upper bound. A local pool file
   * costs nothing to read; a PowerShell or guest-agent round trip does. Absent: the exchange's defaults.
   */
  readonly pollMs?: { readonly initial: number; readonly max: number };
}

/** How a person reaches a VM's screen and serial console (virtseal.core.vm_console, `virtseal console`). */
export interface ConsoleInfo {
  /** vnc: a VNC server on the host (libvirt); vmconnect: Hyper-V's Virtual Machine Connection. */
  readonly kind: 'vnc' | 'vmconnect';
  /** False while nothing can be shown (the VM is off, or has no display); `reason` says why. */
  readonly available: boolean;
  readonly reason?: string;
  /** VNC: the address and port the server listens on, as the host sees them (loopback: reached over SSH only). */
  readonly listen?: string;
  readonly port?: number;
  /** libvirt: the host's pseudo-terminal of the first serial port. */
  readonly serialPty?: string;
  /** The command a person runs on the host (or a Windows machine) to open the console by hand. */
  readonly command: string;
}

export interface ConsoleDriver {
  describe(options: { readonly vmId: string }): Promise<ConsoleInfo>;
  /** A byte stream to the VM's VNC server, opened through the driver's own connection; absent where there is none. */
  openVnc?(options: { readonly vmId: string }): Promise<import('node:stream').Duplex>;
}

/**
 * One host's driver. A driver call is atomic: it undoes its own half-work before it throws, and says in the error
 * what it could not undo. Input errors name the field of the call's options (`disks[0].name`, `nic.mac`); the
 * services map fields to module options.
 */
export interface Hypervisor {
  readonly type: HypervisorType;
  /** Absent on a driver that cannot describe consoles. */
  readonly console?: ConsoleDriver;
  facts(): Promise<HostFacts>;
  readonly vms: VmDriver;
  readonly power: PowerDriver;
  readonly disks: DiskDriver;
  readonly nics: NicDriver;
  readonly images: ImageDriver;
  readonly media: MediaDriver;
  readonly checkpoints: CheckpointDriver;
  readonly cluster: ClusterDriver;
  guestChannel(options: { readonly vmId: string }): GuestChannel;
  /** Guest-reported IP addresses (from KVP intrinsic items or the guest agent). */
  guestAddresses(options: { readonly vmId: string }): Promise<readonly string[]>;
  close(): Promise<void>;
}
