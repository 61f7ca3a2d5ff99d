// generated — do not edit. Source: src/schemas/ping.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

/**
 * Checks that the target can run virtseal modules (Node.js present, arguments arrive, results come back) and returns C(pong).
 */
export interface PingOptions {
  /**
   * Data to return for the C(ping) return value. If this parameter is set to C(crash), the module raises an unexpected error.
   */
  data?: string;
  /**
   * A secret value the module must never reveal. Its length is returned as C(secret_length); anywhere else it would appear (for example inside I(data)) it is masked.
   */
  secret?: string;
  /**
   * Report the task as changed, with a diff from C(pong) to I(data) and the intended change in C(changes). In check mode nothing is applied either way.
   */
  changed?: boolean;
  /**
   * Fail with reason C(ping_failed) and the message in I(fail_msg).
   */
  fail?: boolean;
  /**
   * Message of the failure when I(fail=true).
   */
  fail_msg?: string;
  /**
   * Warnings to emit, each shown by ansible as a warning.
   */
  warnings?: string[];
  /**
   * How many times C(ping) repeats I(data) in the C(pings) list.
   */
  count?: number;
  /**
   * C(verbose) adds the runtime facts (Node.js version, check mode, diff mode, verbosity, arguments source) to the result as C(runtime).
   */
  mode?: 'normal' | 'verbose';
}
