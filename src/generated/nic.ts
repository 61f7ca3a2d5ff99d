// generated — do not edit. Source: src/schemas/nic.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.nic.
 */
export interface NicOptions extends ConnectionOptions {
  /**
   * Name of the VM.
   */
  vm: string;
  /**
   * Stable name of the adapter within the VM.
   */
  name: string;
  /**
   * present: attached with these settings; absent: removed.
   */
  state?: 'present' | 'absent';
  /**
   * Virtual switch (Hyper-V), network or bridge (libvirt). Required to add an adapter.
   */
  network?: string;
  /**
   * Access VLAN id; 0 removes the VLAN.
   */
  vlan_id?: number;
  /**
   * Static MAC address.
   */
  mac?: string;
}
