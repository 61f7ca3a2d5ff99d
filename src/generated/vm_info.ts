// generated — do not edit. Source: src/schemas/vm_info.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.vm_info.
 */
export interface VmInfoOptions extends ConnectionOptions {
  /**
   * Only this VM. All VMs on the host when absent.
   */
  name?: string;
  /**
   * Only VMs that carry all of these tags.
   */
  tags?: string[];
}
