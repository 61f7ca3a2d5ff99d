/**
 * NetBox's default webhook body, normalised across versions: `"model": "virtualmachine"` (the bare model name, 3.7
 * to 4.4), `"object_type": "virtualization.virtualmachine"` (4.4 on; 4.4 sends both), event names `created`/`updated`/`deleted` or the 4.1+ event-type spelling `object_created`..., `status` as
 * `{value, label}` in `data` and as a plain string in the snapshots.
 */
export type NetboxEventKind = 'created' | 'updated' | 'deleted';

export interface NetboxEvent {
  readonly event: NetboxEventKind;
  /** `app_label.model`, for example `virtualization.virtualmachine`. */
  readonly objectType: string;
  readonly requestId: string;
  readonly timestamp: string;
  readonly username: string;
  /** Which key carried the object type: tells NetBox ≥ 4.4 (`object_type`) from older releases (`model`). */
  readonly typeKey: 'model' | 'object_type';
  readonly data: Readonly<Record<string, unknown>>;
  readonly prechange: Readonly<Record<string, unknown>> | null;
  readonly postchange: Readonly<Record<string, unknown>> | null;
}

/** A body that is JSON but not a NetBox event; `field` names what is missing or wrong. */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const EVENT_NAMES: Record<string, NetboxEventKind> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  object_created: 'created',
  object_updated: 'updated',
  object_deleted: 'deleted',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw new PayloadError(`field "${key}" is missing or not a string`, key);
  return value;
}

/**
 * NetBox up to 4.3 names the model alone (`instance._meta.model_name`), without its app label. Model names of the
 * apps that hold virtual machines are given their label; any other bare name stays as it came (and is ignored).
 */
const APP_OF_MODEL: Readonly<Record<string, string>> = { virtualmachine: 'virtualization' };

function qualify(type: string): string {
  if (type.includes('.')) return type;
  const app = APP_OF_MODEL[type];
  return app === undefined ? type : `${app}.${type}`;
}

export function parseEvent(body: unknown): NetboxEvent {
  if (!isRecord(body)) throw new PayloadError('body is not a JSON object', '(body)');
  const rawEvent = requireString(body, 'event');
  const event = EVENT_NAMES[rawEvent];
  if (event === undefined) throw new PayloadError(`field "event" has unknown value "${rawEvent}"`, 'event');
  let typeKey: 'model' | 'object_type';
  if (typeof body.object_type === 'string') typeKey = 'object_type';
  else if (typeof body.model === 'string') typeKey = 'model';
  else throw new PayloadError('neither "object_type" nor "model" is present', 'object_type');
  const objectType = qualify(requireString(body, typeKey));
  const requestId = requireString(body, 'request_id');
  if (!isRecord(body.data)) throw new PayloadError('field "data" is missing or not an object', 'data');
  const snapshots = isRecord(body.snapshots) ? body.snapshots : {};
  return {
    event,
    objectType,
    requestId,
    typeKey,
    timestamp: typeof body.timestamp === 'string' ? body.timestamp : '',
    username: typeof body.username === 'string' ? body.username : '',
    data: body.data,
    prechange: isRecord(snapshots.prechange) ? snapshots.prechange : null,
    postchange: isRecord(snapshots.postchange) ? snapshots.postchange : null,
  };
}

/** A status as NetBox shows it: `{value, label}` in serializer output, a bare string in snapshots. */
export function statusValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.value === 'string') return value.value;
  return undefined;
}

/** Status before and after the change; `undefined` where NetBox sent none (create has no before, delete no after). */
export function statusTransition(ev: NetboxEvent): { readonly from?: string; readonly to?: string } {
  const from = ev.prechange ? statusValue(ev.prechange.status) : undefined;
  const to =
    ev.event === 'deleted'
      ? (statusValue(ev.data.status) ?? from)
      : (statusValue(ev.data.status) ?? (ev.postchange ? statusValue(ev.postchange.status) : undefined));
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}
