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
   * Path on the controller of the golden disk image (VHDX for Hyper-V, qcow2 for libvirt).
   */
  src: string;
  /**
   * Expected SHA-256 of I(src); the upload is verified against it. Computed from I(src) when absent.
   */
  sha256?: string;
  /**
   * Publish to these hosts (same credentials) instead of the single I(host).
   */
  hosts?: string[];
}
