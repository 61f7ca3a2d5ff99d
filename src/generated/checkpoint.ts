// generated — do not edit. Source: src/schemas/checkpoint.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.checkpoint.
 */
export interface CheckpointOptions extends ConnectionOptions {
  /**
   * Name of the VM.
   */
  vm: string;
  /**
   * Name of the checkpoint (snapshot).
   */
  name: string;
  /**
   * present: exists; absent: removed; applied: the VM is reverted to it (always changes).
   */
  state?: 'present' | 'absent' | 'applied';
}
