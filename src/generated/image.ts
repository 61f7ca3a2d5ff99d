// generated — do not edit. Source: src/schemas/image.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.image.
 */
export interface ImageOptions extends ConnectionOptions {
  /**
   * Name of the image in the host library; VMs refer to it with their image option.
   */
  name: string;
  /**
   * The golden disk image: a path on the controller, or an C(https://) URL (C(http://) only with I(checksum) or I(sha256)). Any of qcow2, raw, vmdk, VHDX or VHD; it is converted with qemu-img to the host library's format (VHDX for Hyper-V, qcow2 for libvirt) and the result says which conversion ran.
   */
  src: string;
  /**
   * C(disk): a golden disk image (VHDX for Hyper-V, qcow2 for libvirt), stored as I(name).vhdx or I(name).qcow2. C(iso): an ISO 9660 image such as the release's guest-agent media (C(virtseal-linux-<version>.iso), C(virtseal-windows-<version>.iso)), stored as I(name).iso; pass the returned C(hosts[].path) to virtseal.core.guest_config's I(media). The version is in the name, so a host that already holds the same name and SHA-256 is skipped.
   */
  kind?: 'disk' | 'iso';
  /**
   * Expected SHA-256 of I(src) as given (the downloaded file for a URL), verified before anything is published.
   */
  sha256?: string;
  /**
   * Checksum of I(src) in C(get_url)'s form: C(sha256:<64 hex digits>), or C(sha256:<URL>) of a C(SHA256SUMS) file listing the file name of I(src). Verified before anything is published.
   */
  checksum?: string;
  /**
   * Verify the TLS certificate of an C(https://) I(src) or I(checksum) URL.
   */
  validate_certs?: boolean;
  /**
   * Send a URL I(src) that is already in the host library's format (VHDX for Hyper-V, qcow2 for libvirt, raw for Xen) to a single host as it downloads, without staging it on the controller: its header is checked from the first bytes, its checksum while it streams, and it is published only once the checksum matched (a libvirt host with qemu-img also runs qemu-img check). C(false) stages it first, so qemu-img check also runs on the controller (the only way for a VHDX bound for Hyper-V). Conversions, several I(hosts) and the resume of an interrupted staged download always stage.
   */
  stream?: boolean;
  /**
   * Publish to these hosts (same credentials) instead of the single I(host).
   */
  hosts?: string[];
}
