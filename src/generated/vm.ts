// generated — do not edit. Source: src/schemas/vm.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';
import type {WaitOptions} from './fragment-wait';

/**
 * Options of virtseal.core.vm.
 */
export interface VmOptions extends ConnectionOptions, WaitOptions {
  /**
   * Name of the VM. Must be unique on the host.
   */
  name: string;
  /**
   * present: exists with this configuration (power state untouched; a new VM stays off). started / stopped: exists and has this power state. restarted: exists and is restarted (always changes). absent: removed with the disks it owns.
   */
  state?: 'present' | 'absent' | 'started' | 'stopped' | 'restarted';
  /**
   * Create the OS disk from this image in the host library. Shorthand for a first disk named os with this image.
   */
  image?: string;
  /**
   * How the OS disk is made from I(image): a differencing disk (instant, shares the image) or a full copy.
   */
  clone?: 'differencing' | 'copy';
  /**
   * Grow the OS disk made from I(image) to this size in GiB.
   */
  os_disk_size_gb?: number;
  /**
   * Hyper-V VM generation (2 = UEFI). Fixed at creation. Default 2 when creating.
   */
  generation?: 1 | 2;
  /**
   * Number of virtual processors. Changing it needs the VM off. Default 2 when creating; left alone on an existing VM when absent.
   */
  cpu_count?: number;
  /**
   * Startup memory in MiB. Default 2048 when creating; left alone on an existing VM when absent.
   */
  memory_mb?: number;
  /**
   * Use dynamic memory between I(memory_min_mb) and I(memory_max_mb). Changing it needs the VM off. Default false when creating.
   */
  dynamic_memory?: boolean;
  /**
   * Minimum memory in MiB with dynamic memory.
   */
  memory_min_mb?: number;
  /**
   * Maximum memory in MiB with dynamic memory.
   */
  memory_max_mb?: number;
  /**
   * Dynamic memory buffer in percent.
   */
  memory_buffer_percent?: number;
  /**
   * Secure boot (generation 2): on, off, or the template to use. Linux guests need MicrosoftUEFICertificateAuthority. Changing it needs the VM off.
   */
  secure_boot?: 'on' | 'off' | 'MicrosoftWindows' | 'MicrosoftUEFICertificateAuthority';
  /**
   * Virtual TPM (generation 2). Changing it needs the VM off.
   */
  tpm?: boolean;
  /**
   * Device kinds in boot order.
   */
  boot_order?: ('disk' | 'dvd' | 'network')[];
  /**
   * What the VM does when the host starts.
   */
  automatic_start_action?: 'nothing' | 'start' | 'start_if_running';
  /**
   * What the VM does when the host shuts down.
   */
  automatic_stop_action?: 'turn_off' | 'save' | 'shutdown';
  /**
   * Identity of the object that owns the VM, for example netbox/vm/42 from the NetBox bridge. A VM made with it records it (a tag virtseal-owner:<owner>); with it set, every state acts only on a VM that carries exactly this owner, so a VM of the same name that belongs to another object, or to none, is refused. Without it the VM is found by name, as always.
   */
  owner?: string;
  /**
   * Free-text notes on the VM.
   */
  notes?: string;
  /**
   * Tags (kept in the VM notes on Hyper-V, metadata on libvirt); the inventory groups by them.
   */
  tags?: string[];
  /**
   * Further disks (or all disks when I(image) is not set). Disks named here are added or grown; disks not named are left alone.
   *
   * Items: One disk.
   */
  disks?: {
    /**
     * Stable name of the disk within the VM (os, data1...).
     */
    name: string;
    /**
     * Size of a new empty disk, or the size to grow an image-based disk to, in GiB. Disks never shrink.
     */
    size_gb?: number;
    /**
     * Create the disk from this image published in the host library (see virtseal.core.image).
     */
    image?: string;
    /**
     * How an image-based disk is made: a differencing disk on the image (instant) or a full copy.
     */
    clone?: 'differencing' | 'copy';
    /**
     * Attach this existing disk file on the host instead of creating one. Such a disk is not owned: deleting the VM keeps it.
     */
    path?: string;
  }[];
  /**
   * Network adapters. Adapters named here are added or updated; others are left alone.
   *
   * Items: One network adapter.
   */
  nics?: {
    /**
     * Stable name of the adapter within the VM. Default nic0, nic1... in list order.
     */
    name?: string;
    /**
     * Virtual switch (Hyper-V), network or bridge (libvirt).
     */
    network: string;
    /**
     * Access VLAN id; 0 removes the VLAN. A new NIC without it is untagged; on an existing NIC, leaving it out keeps the VLAN the NIC has (set with virtseal.core.nic, for example).
     */
    vlan_id?: number;
    /**
     * Static MAC address; dynamic when absent.
     */
    mac?: string;
  }[];
  /**
   * Folder on the host for the VM files; the host default when absent.
   */
  path?: string;
  /**
   * Make the VM a highly available role of the host failover cluster (true) or remove the role (false). Left alone when absent.
   */
  cluster_role?: boolean;
  /**
   * When stopping, restarting or deleting a running VM: turn it off if the guest does not shut down within I(shutdown_timeout).
   */
  force?: boolean;
  /**
   * Seconds to wait for a graceful guest shutdown.
   */
  shutdown_timeout?: number;
  /**
   * Apply changes that need the VM off (CPU count, memory, secure boot, TPM, boot order, a MAC address; on Hyper-V also the automatic start and stop actions, and new or grown disks and new NICs of a generation 1 VM) to a running VM by shutting it down and starting it again. Otherwise they are reported in C(power_cycle_required) and left pending.
   */
  allow_power_cycle?: boolean;
  /**
   * When creating fails half-way, keep what was made (for debugging) instead of removing it.
   */
  keep_on_failure?: boolean;
}
