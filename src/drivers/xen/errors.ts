/**
 * XAPI failures as virtseal errors. XAPI reports a failure as a code plus string parameters
 * (`["HANDLE_INVALID", "VM", "OpaqueRef:…"]`); the code stays available for callers that react to one.
 */
import { AuthFailed, Conflict, NotFound, VirtsealError } from '../../core/errors';

export class XapiError extends VirtsealError {
  constructor(
    readonly code: string,
    readonly params: readonly string[],
    method: string,
  ) {
    super('xapi_error', `XAPI ${method} failed: ${[code, ...params.map((p) => p.slice(0, 200))].join(' ')}`, {
      details: { code, params },
    });
  }
}

/** The virtseal error a person acts on for an XAPI failure code. */
export function mapXapiError(code: string, params: readonly string[], method: string): VirtsealError {
  const raw = new XapiError(code, params, method);
  switch (code) {
    case 'SESSION_AUTHENTICATION_FAILED':
      return new AuthFailed('XAPI refused the user name or password (SESSION_AUTHENTICATION_FAILED)', {
        cause: raw,
        details: { code },
      });
    case 'RBAC_PERMISSION_DENIED':
      return new AuthFailed(
        `the XAPI user may not call ${params[0] ?? method}: it needs the vm-admin role (RBAC_PERMISSION_DENIED)`,
        { cause: raw, details: { code } },
      );
    case 'HANDLE_INVALID':
    case 'UUID_INVALID':
      return new NotFound(
        `${params[0] ?? 'object'} ${params[1] ?? ''} no longer exists on the pool (${code})`.replace('  ', ' '),
        { cause: raw, details: { code } },
      );
    case 'VM_BAD_POWER_STATE':
    case 'OPERATION_NOT_ALLOWED':
    case 'OTHER_OPERATION_IN_PROGRESS':
    case 'VDI_IN_USE':
      return new Conflict(`XAPI ${method}: ${[code, ...params].join(' ')}`, { cause: raw, details: { code } });
    default:
      return raw;
  }
}

export const xapiCode = (e: unknown): string | undefined =>
  e instanceof XapiError
    ? e.code
    : e instanceof VirtsealError && e.cause instanceof XapiError
      ? e.cause.code
      : undefined;
