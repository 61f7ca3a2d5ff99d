import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  /** Raw text when the answer was not JSON (a proxy's HTML error page, say), cut to 500 characters. */
  readonly text: string;
}

export interface JsonRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
  /** PEM CA bundle for a private CA. */
  readonly ca?: string;
}

/** One JSON request. Rejects only on transport failure (refused, reset, timeout); any HTTP status resolves. */
export function requestJson(req: JsonRequest): Promise<JsonResponse> {
  const url = new URL(req.url);
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      url,
      {
        method: req.method,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...req.headers,
        },
        timeout: req.timeoutMs ?? 30_000,
        ...(req.ca ? { ca: req.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text: text.slice(0, 500) });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer from ${url.host} within ${req.timeoutMs ?? 30_000} ms`)));
    r.on('error', reject);
    r.end(payload);
  });
}
