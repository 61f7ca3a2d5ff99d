/**
 * A typed XAPI JSON-RPC client on node:https. One session per client: logged in with an `originator`, logged in
 * again once on SESSION_INVALID, redirected to the master on HOST_IS_SLAVE, and logged out by `close()`. The
 * master's certificate is pinned: by CA (Node's own chain and host name checks), or by SHA-256 fingerprint, in
 * which case the socket is handed to the HTTP layer only after its certificate matched, so no byte (and no
 * password) goes to an unpinned peer. Long calls run as `Async.*` tasks, and every wait is an `event.from` on the
 * objects concerned, woken by XAPI rather than by a timer.
 */
import type http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex, Readable } from 'node:stream';
import { type Clock, systemClock } from '../../core/clock';
import { HostKeyMismatch, HostUnreachable, OperationTimeout } from '../../core/errors';
import { XapiError, mapXapiError, xapiCode } from './errors';
import { DEFAULT_ORIGINATOR, type XenSettings } from './settings';
import type { EventBatch, Ref, TaskRecord, XapiMethod, XapiMethods } from './xenapi/types';
import { parseXmlRpcValue, type XmlRpcValue } from './xmlrpc-value';

export const CLIENT_VERSION = '1.0';

type Args<M extends XapiMethod> = Parameters<XapiMethods[M]>;
type Result<M extends XapiMethod> = ReturnType<XapiMethods[M]>;

/** Methods called without a session. */
const SESSIONLESS = new Set(['session.login_with_password', 'session.slave_local_login_with_password']);

export interface XapiClientOptions extends XenSettings {
  readonly clock?: Clock;
  /** Sent with each call; default 10 minutes plus the event timeout. */
  readonly requestTimeoutMs?: number;
}

/** An https.Agent that hands a socket to HTTP only once the peer's certificate has the pinned fingerprint. */
class FingerprintAgent extends https.Agent {
  constructor(private readonly fingerprint: string) {
    super({ keepAlive: true, maxSockets: 4 });
  }

  override createConnection(
    options: http.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    const fail = (e: Error): void => callback?.(e, undefined as never);
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      const seen = socket.getPeerCertificate().fingerprint256;
      if (seen !== this.fingerprint) {
        socket.destroy();
        callback?.(
          new HostKeyMismatch(
            `the XAPI certificate of ${options.host} has fingerprint ${seen}, not the pinned ${this.fingerprint}`,
          ),
          undefined as never,
        );
        return;
      }
      callback?.(null, socket);
    });
    return undefined;
  }
}

export class XapiClient {
  private url: URL;
  private agent: https.Agent;
  private session: string | undefined;
  private nextId = 1;
  private readonly clock: Clock;
  /** Calls made, by method name (tests and debugging). */
  readonly calls = new Map<string, number>();

  private constructor(private readonly options: XapiClientOptions) {
    this.url = new URL(options.url);
    this.agent = XapiClient.makeAgent(options);
    this.clock = options.clock ?? systemClock;
  }

  private static makeAgent(options: XenSettings): https.Agent {
    if (options.fingerprint) return new FingerprintAgent(options.fingerprint);
    return new https.Agent({ keepAlive: true, maxSockets: 4, ca: options.caPem! });
  }

  static async connect(options: XapiClientOptions): Promise<XapiClient> {
    const client = new XapiClient(options);
    await client.login();
    return client;
  }

  get masterUrl(): string {
    return this.url.origin;
  }

  get sessionRef(): string | undefined {
    return this.session;
  }

  private async login(): Promise<void> {
    for (let redirects = 0; ; redirects++) {
      try {
        this.session = (await this.rpc('session.login_with_password', [
          this.options.username,
          this.options.password,
          CLIENT_VERSION,
          this.options.originator ?? DEFAULT_ORIGINATOR,
        ])) as string;
        return;
      } catch (e) {
        if (xapiCode(e) === 'HOST_IS_SLAVE' && redirects < 2) {
          const address = e instanceof XapiError ? e.params[0] : undefined;
          if (!address) throw e;
          this.redirect(address);
          continue;
        }
        throw e;
      }
    }
  }

  /** Follows HOST_IS_SLAVE: same scheme and port, the master's address. */
  private redirect(address: string): void {
    const next = new URL(this.url.href);
    next.hostname = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
    this.agent.destroy();
    this.url = next;
    this.agent = XapiClient.makeAgent(this.options);
  }

  /** Calls `method` with the session first; logs in again once when XAPI says the session is no longer valid. */
  async call<M extends XapiMethod>(method: M, ...args: Args<M>): Promise<Result<M>> {
    if (SESSIONLESS.has(method)) return this.rpc(method, args) as Promise<Result<M>>;
    try {
      return (await this.rpc(method, [this.session, ...args])) as Result<M>;
    } catch (e) {
      if (xapiCode(e) !== 'SESSION_INVALID') throw e;
      await this.login();
      return (await this.rpc(method, [this.session, ...args])) as Result<M>;
    }
  }

  /**
   * Runs `Async.<method>` and waits for its task through event.from; returns the task's result parsed from its
   * XML-RPC encoding, and destroys the task whatever the outcome.
   */
  async callAsync<M extends XapiMethod>(method: M, ...args: Args<M>): Promise<XmlRpcValue> {
    const task = (await this.callRaw(`Async.${method}`, args)) as Ref<'task'>;
    try {
      return await this.waitTask(task, method);
    } finally {
      await this.call('task.destroy', task).catch(() => undefined);
    }
  }

  /** Like `call` for a method name built at run time (`Async.*`). */
  async callRaw(method: string, args: readonly unknown[]): Promise<unknown> {
    try {
      return await this.rpc(method, [this.session, ...args]);
    } catch (e) {
      if (xapiCode(e) !== 'SESSION_INVALID') throw e;
      await this.login();
      return this.rpc(method, [this.session, ...args]);
    }
  }

  async waitTask(task: Ref<'task'>, what: string, timeoutMs = 3_600_000): Promise<XmlRpcValue> {
    const record = await this.watch(
      [`task/${task}`],
      async () => {
        const t: TaskRecord = await this.call('task.get_record', task);
        return t.status === 'pending' || t.status === 'cancelling' ? undefined : t;
      },
      { timeoutMs, what: `the XAPI task of ${what}` },
    );
    if (record.status === 'success') return parseXmlRpcValue(record.result);
    const [code = 'INTERNAL_ERROR', ...params] = record.error_info;
    throw mapXapiError(record.status === 'cancelled' ? 'TASK_CANCELLED' : code, params, what);
  }

  /**
   * Waits until `check` returns a value. The event token is taken before each check, so a change between the
   * check and the next event.from wakes it; event.from blocks until one of `subscriptions` changes.
   */
  async watch<T>(
    subscriptions: readonly string[],
    check: () => Promise<T | undefined>,
    options: { readonly timeoutMs: number; readonly what: string },
  ): Promise<T> {
    const start = this.clock.now();
    const fresh = async (): Promise<string> => {
      try {
        return (await this.call('event.from', [...subscriptions], '', 0)).token;
      } catch (e) {
        if (xapiCode(e) !== 'EVENTS_LOST') throw e;
        return (await this.call('event.from', [...subscriptions], '', 0)).token;
      }
    };
    let token = await fresh();
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const left = options.timeoutMs - (this.clock.now() - start);
      if (left <= 0)
        throw new OperationTimeout(
          `timed out after ${Math.round((this.clock.now() - start) / 1000)} s waiting for ${options.what}`,
        );
      const seconds = Math.min(left / 1000, this.options.eventTimeoutSeconds ?? 30);
      try {
        const batch: EventBatch = await this.call('event.from', [...subscriptions], token, seconds);
        token = batch.token;
      } catch (e) {
        // The events between two calls were dropped: start over from the current state (the next check reads it).
        if (xapiCode(e) !== 'EVENTS_LOST') throw e;
        token = await fresh();
      }
    }
  }

  /** Streams `body` to an XAPI HTTP handler (`PUT /import_raw_vdi?…`) with the session in the query. */
  async put(path: string, query: Readonly<Record<string, string>>, body: Readable, length: number): Promise<void> {
    const url = new URL(path, this.url);
    for (const [k, v] of Object.entries({ session_id: this.session ?? '', ...query })) url.searchParams.set(k, v);
    await new Promise<void>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'PUT',
          agent: this.agent,
          headers: { 'content-length': String(length), 'content-type': 'application/octet-stream' },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300
              ? resolve()
              : reject(new HostUnreachable(`XAPI ${path} answered HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', (e) =>
        reject(
          e instanceof HostKeyMismatch
            ? e
            : new HostUnreachable(`cannot reach XAPI at ${this.url.origin}: ${e.message}`, { cause: e }),
        ),
      );
      body.on('error', (e) => req.destroy(e));
      body.pipe(req);
    });
  }

  /** Logs the session out and closes the connections; safe to call twice. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    try {
      if (session) await this.rpc('session.logout', [session]).catch(() => undefined);
    } finally {
      this.agent.destroy();
    }
  }

  private rpc(method: string, params: readonly unknown[]): Promise<unknown> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const body = JSON.stringify({ jsonrpc: '2.0', method, params, id: this.nextId++ });
    const url = new URL('/jsonrpc', this.url);
    const timeout = this.options.requestTimeoutMs ?? 600_000 + (this.options.eventTimeoutSeconds ?? 30) * 1000;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            const type = res.headers['content-type'] ?? '';
            if (res.statusCode !== 200 || !type.includes('json')) {
              // XAPI answers a malformed request with an HTML error page, not JSON-RPC.
              reject(
                new HostUnreachable(
                  `XAPI at ${this.url.origin} answered ${method} with HTTP ${res.statusCode} ${type.split(';')[0]} (not JSON-RPC)`,
                ),
              );
              return;
            }
            let reply: { result?: unknown; error?: { message?: string; data?: unknown } | unknown[] };
            try {
              reply = JSON.parse(text) as typeof reply;
            } catch {
              reject(new HostUnreachable(`XAPI at ${this.url.origin} sent a reply to ${method} that is not JSON`));
              return;
            }
            if (reply.error !== undefined && reply.error !== null) {
              const [code, params] = Array.isArray(reply.error)
                ? [String(reply.error[0]), reply.error.slice(1).map(String)]
                : [
                    String(reply.error.message ?? 'INTERNAL_ERROR'),
                    Array.isArray(reply.error.data) ? reply.error.data.map(String) : [],
                  ];
              reject(mapXapiError(code, params, method));
              return;
            }
            resolve(reply.result);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no reply within ${Math.round(timeout / 1000)} s`)));
      req.on('error', (e) =>
        reject(
          e instanceof HostKeyMismatch
            ? e
            : new HostUnreachable(`cannot reach XAPI at ${this.url.origin}: ${e.message}`, { cause: e }),
        ),
      );
      req.end(body);
    });
  }
}
