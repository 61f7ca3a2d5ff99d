// generated — do not edit. Source: src/schemas/fragments/wait.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

export interface WaitOptions {
  /**
   * Wait until the guest reports an IP address (Hyper-V KVP intrinsic items or the QEMU guest agent) before returning. Only when the VM is running.
   */
  wait_for_ip?: boolean;
  /**
   * Seconds to wait for the IP address before failing.
   */
  wait_timeout?: number;
}
