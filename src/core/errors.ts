/**
 * Errors are data: every failure virtseal reports carries a stable short `reason` (machine-readable, used in
 * results and tests), a message a person can act on, optional structured `details`, and the `cause` it wraps.
 * Only the module boundary and the CLI boundary catch broadly.
 *
 * Every virtseal error carries a brand (`Symbol.for('virtseal.error')`, shared by every copy of this module in the
 * process), so `isVirtsealError` and `instanceof` hold even when a second copy of this file is loaded (a test runner
 * that requires the tests and imports a driver on first use). A class from another copy is matched by name.
 */
const BRAND = Symbol.for('virtseal.error');

export interface VirtsealErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class VirtsealError extends Error {
  /** Stable, short, snake_case identifier of the failure kind. */
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(reason: string, message: string, options: VirtsealErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.details = options.details ?? {};
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: inherited by every subclass; `this` is the class being tested
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (!isVirtsealError(value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested, not VirtsealError
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }
}
Object.defineProperty(VirtsealError.prototype, BRAND, { value: true });

/** A user-supplied value is wrong; `option` names it (dotted path for nested options). */
export class InvalidArgument extends VirtsealError {
  readonly option: string | undefined;
  constructor(message: string, option?: string, options: VirtsealErrorOptions = {}) {
    super('invalid_argument', message, { ...options, details: { ...options.details, option } });
    this.option = option;
  }
}

export class HostUnreachable extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('host_unreachable', message, options);
  }
}

export class AuthFailed extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('auth_failed', message, options);
  }
}

export class HostKeyMismatch extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('host_key_mismatch', message, options);
  }
}

/** A host script (PowerShell, virsh, qemu-img) ran and reported an error. */
export class ScriptFailed extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('script_failed', message, options);
  }
}

export class OperationTimeout extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('timeout', message, options);
  }
}

/** The guest did not report an outcome of the sealed exchange in time. */
export class GuestTimeout extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('guest_timeout', message, options);
  }
}

/** The guest reported `failed` for the sealed exchange; `guestReason` is its stable reason code. */
export class GuestFailed extends VirtsealError {
  readonly guestReason: string;
  constructor(guestReason: string, message: string, options: VirtsealErrorOptions = {}) {
    super('guest_failed', message, { ...options, details: { ...options.details, guest_reason: guestReason } });
    this.guestReason = guestReason;
  }
}

/** A sealed envelope failed verification; `check` names the check that rejected it. */
export class EnvelopeRejected extends VirtsealError {
  readonly check: string;
  constructor(check: string, message: string, options: VirtsealErrorOptions = {}) {
    super('envelope_rejected', message, { ...options, details: { ...options.details, check } });
    this.check = check;
  }
}

export class NotFound extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('not_found', message, options);
  }
}

/** The requested change collides with what exists (name taken, disk in use by another VM...). */
export class Conflict extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('conflict', message, options);
  }
}

export class Unsupported extends VirtsealError {
  constructor(message: string, options: VirtsealErrorOptions = {}) {
    super('unsupported', message, options);
  }
}

export function isVirtsealError(value: unknown): value is VirtsealError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
