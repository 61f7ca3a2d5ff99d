// generated — do not edit. Source: src/schemas/vm_console.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.vm_console.
 */
export interface VmConsoleOptions extends ConnectionOptions {
  /**
   * The VM whose console to describe.
   */
  name: string;
}
