// generated — do not edit. Source: src/schemas/disk.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.disk.
 */
export interface DiskOptions extends ConnectionOptions {
  /**
   * Name of the VM.
   */
  vm: string;
  /**
   * Stable name of the disk within the VM.
   */
  name: string;
  /**
   * present: attached (created or grown); absent: detached.
   */
  state?: 'present' | 'absent';
  /**
   * Size in GiB of a new disk, or the size to grow to. Disks never shrink.
   */
  size_gb?: number;
  /**
   * Create the disk from this published image.
   */
  image?: string;
  /**
   * Differencing disk or full copy of I(image).
   */
  clone?: 'differencing' | 'copy';
  /**
   * Attach this existing disk file (not owned by the VM).
   */
  path?: string;
  /**
   * With state=absent, also delete the disk file when the VM owns it.
   */
  delete_file?: boolean;
}
