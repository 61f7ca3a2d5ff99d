import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { signBody } from '../../../src/netbox/signature';

const FIXTURE = new URL('../../fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url);

/** The real NetBox 4.6 payload (VM web-01, staged → active), stamped now as NetBox stamps a fresh event. */
export function fixture(): any {
  const body = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  body.timestamp = netboxTimestamp(Date.now());
  return body;
}

/** NetBox's `timezone.now().isoformat()`: microseconds and +00:00. */
export function netboxTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** A VM event derived from the fixture: another VM, event and status, with its own request id. */
export function vmEvent(
  options: { name?: string; id?: number; event?: string; from?: string | null; to?: string; requestId?: string } = {},
): any {
  const body = fixture();
  const name = options.name ?? body.data.name;
  body.event = options.event ?? body.event;
  body.request_id = options.requestId ?? `req-${name}-${body.event}-${options.to ?? 'active'}`;
  body.data.name = name;
  body.data.display = name;
  body.data.id = options.id ?? body.data.id;
  const to = options.to ?? 'active';
  body.data.status = { value: to, label: to };
  if (body.event === 'created') {
    body.snapshots.prechange = null;
  } else if (options.from !== undefined) {
    body.snapshots.prechange =
      options.from === null ? null : { ...body.snapshots.prechange, status: options.from, name };
  }
  if (body.event === 'deleted') body.snapshots.postchange = null;
  else body.snapshots.postchange = { ...body.snapshots.postchange, status: to, name };
  return body;
}

export interface PostResult {
  readonly status: number;
  readonly body: any;
}

/** POST raw bytes to the bridge; `signature` undefined = no header. */
export function post(
  url: string,
  raw: Buffer | string,
  signature: string | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<PostResult> {
  const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(data.length),
          ...(signature === undefined ? {} : { 'x-hook-signature': signature }),
          ...extraHeaders,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Sign and post a JSON event the way NetBox does. */
export function postEvent(url: string, event: unknown, secret: string): Promise<PostResult> {
  const raw = JSON.stringify(event, null, 4);
  return post(url, raw, signBody(raw, secret));
}

/** Poll until `check` holds (no fixed sleeps), failing with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
