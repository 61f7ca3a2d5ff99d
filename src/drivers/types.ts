/**
 * Hypervisor driver interfaces, split by noun and named by intent. Hyper-V, libvirt and (later) Xen implement the
 * same interfaces; modules and services only ever see `Hypervisor`. Every method takes one readonly options object.
 * Sizes are in bytes or MiB as the field name says; durations in milliseconds.
 */
import type { Bytes } from '../core/units';
import type { SshConnectionOptions } from '../transport/ssh-connection';

export type HypervisorType = 'hyperv' | 'libvirt' | 'xen';

export type PowerState = 'running' | 'off' | 'saved' | 'paused' | 'starting' | 'stopping' | 'unknown';

/**
 * How the driver reaches the host: the SSH options of the transport plus what selects and tunes the driver.
 * Secrets live here only in memory and are never logged.
 */
export interface HostConnectionOptions extends SshConnectionOptions {
  readonly hypervisor: HypervisorType;
  /** Hyper-V only: folder of published golden images on the host, default `C:\ProgramData\virtseal\images`. */
  readonly imageLibraryPath?: string;
  /** libvirt only: connection URI on the host, default qemu:///system. */
  readonly libvirtUri?: string;
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

export interface VmSpec {
  readonly name: string;
  readonly generation?: 1 | 2;
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
  shutdown(options: { readonly id: string; readonly timeoutMs: number; readonly force: boolean }): Promise<{ readonly forced: boolean }>;
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

export interface ImageDriver {
  listImages(): Promise<readonly ImageInfo[]>;
  findImage(options: { readonly name: string }): Promise<ImageInfo | undefined>;
  publishImage(options: {
    readonly localPath: string;
    readonly name: string;
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
}

export interface Hypervisor {
  readonly type: HypervisorType;
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
