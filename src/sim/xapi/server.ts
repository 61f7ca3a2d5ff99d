/**
 * A fake XAPI pool master on loopback, in the spirit of govmomi's vcsim: JSON-RPC 2.0 (and 1.0) at `/jsonrpc` over
 * HTTPS with a fresh self-signed certificate (so clients must pin it), `PUT /import_raw_vdi`, sessions with RBAC
 * roles and originators, `Async.*` tasks whose results are XML-RPC encoded, `event.from` / `event.inject` and the
 * legacy `event.next` (with EVENTS_LOST), and fault rules per method. Optional pool members answer logins with
 * HOST_IS_SLAVE and the master's address. Only methods of XAPI's published data model exist here.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatXmlRpcValue } from '../../drivers/xen/xmlrpc-value';
import { parseSubscription, xapiTime } from './db';
import { type Impl, implicitImpl } from './generic';
import { PlainGuests } from './guests';
import { MESSAGES } from './model';
import { type Call, ROLES, type Role, type SimUser, XapiFailure, XapiState, type XapiTimings } from './state';
import { STANDARD_PRESET, type XapiPreset, populate } from './preset';
import { importRawVdi, storageImpls } from './storage';
import { type GuestHooks, mirrorGuest, vmImpls } from './vm';

export interface FakeXapiOptions {
  readonly users?: Readonly<Record<string, SimUser>>;
  readonly timings?: Partial<XapiTimings>;
  readonly guests?: GuestHooks;
  /** Also listen on 127.0.0.2 as a pool member that redirects logins to the master. */
  readonly member?: boolean;
  readonly port?: number;
  readonly preset?: XapiPreset;
}

export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
  readonly fingerprint256: string;
}

/** A self-signed certificate for 127.0.0.1 made by openssl, as a fresh XAPI host has. */
export function selfSignedCertificate(): TlsIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-xapi-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert,
      fingerprint256: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class FakeXapi {
  readonly state: XapiState;
  private readonly impls: Record<string, Impl>;
  private readonly guests: GuestHooks;
  private readonly servers: https.Server[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  url = '';
  memberUrl = '';

  private constructor(
    options: FakeXapiOptions,
    readonly tls: TlsIdentity,
  ) {
    const users = new Map(
      Object.entries(options.users ?? { root: { password: 'xapi-secret', role: 'pool-admin' as Role } }),
    );
    this.state = new XapiState(users, { taskMs: 5, guestIpMs: 50, shutdownMs: 30, ...options.timings });
    this.guests = options.guests ?? new PlainGuests();
    this.impls = { ...vmImpls(this.guests), ...storageImpls, ...this.coreImpls() };
    // xenopsd's watch fires after the write; changes within one tick are mirrored once per domain subtree.
    const due = new Set<string>();
    this.state.xs.onChange((path) => {
      const key = /^\/local\/domain\/\d+\/[^/]+/.exec(path)?.[0];
      if (!key || due.has(key)) return;
      due.add(key);
      setImmediate(() => {
        due.delete(key);
        mirrorGuest(this.state, key);
      });
    });
    populate(this.state, options.preset ?? STANDARD_PRESET);
  }

  static async start(options: FakeXapiOptions = {}): Promise<FakeXapi> {
    const fake = new FakeXapi(options, selfSignedCertificate());
    await fake.guests.prepare?.(fake.state);
    const master = await fake.listen('127.0.0.1', options.port ?? 0, false);
    fake.url = `https://127.0.0.1:${master}`;
    if (options.member) fake.memberUrl = `https://127.0.0.2:${await fake.listen('127.0.0.2', master, true)}`;
    return fake;
  }

  private listen(host: string, port: number, member: boolean): Promise<number> {
    const server = https.createServer(
      { key: this.tls.key, cert: this.tls.cert, keepAliveTimeout: 60_000 },
      (req, res) => {
        const work = this.handle(req, res, member).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
        this.pending.add(work);
        void work.finally(() => this.pending.delete(work));
      },
    );
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  }

  async stop(): Promise<void> {
    this.guests.stopAll();
    this.state.db.wakeAll();
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse, member: boolean): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://xapi');
    if (req.method === 'PUT' && url.pathname === '/import_raw_vdi') {
      await this.handleImport(url.searchParams, req, res);
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/jsonrpc') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
      return;
    }
    const parts: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) parts.push(c);
    let request: { jsonrpc?: string; method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(Buffer.concat(parts).toString('utf8')) as typeof request;
    } catch {
      // XAPI answers a request it cannot parse with an HTML error page.
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body><h1>HTTP 500 internal server error</h1></body></html>');
      return;
    }
    if (
      request.id === null ||
      request.id === undefined ||
      typeof request.method !== 'string' ||
      !Array.isArray(request.params)
    ) {
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body><h1>HTTP 500 internal server error</h1></body></html>');
      return;
    }
    const v2 = request.jsonrpc === '2.0';
    const reply = (body: Record<string, unknown>): void => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify(
            v2 ? { jsonrpc: '2.0', ...body, id: request.id } : { error: null, result: null, ...body, id: request.id },
          ),
        );
    };
    try {
      if (member && request.method.startsWith('session.login')) throw new XapiFailure('HOST_IS_SLAVE', ['127.0.0.1']);
      const result = await this.dispatch(request.method, request.params as unknown[]);
      reply({ result });
    } catch (e) {
      const f = e instanceof XapiFailure ? e : new XapiFailure('INTERNAL_ERROR', [(e as Error).message]);
      reply(v2 ? { error: { code: 1, message: f.code, data: f.params } } : { error: [f.code, ...f.params] });
    }
  }

  private async handleImport(q: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s = this.state;
    const session = q.get('session_id') ?? '';
    const info = s.sessions.get(session);
    if (!info) {
      res.writeHead(401, { 'content-type': 'text/html' }).end('<html><body>Unauthorised</body></html>');
      return;
    }
    if (ROLES.indexOf(info.role) < ROLES.indexOf('vm-admin')) {
      res.writeHead(403, { 'content-type': 'text/html' }).end('<html><body>Forbidden</body></html>');
      return;
    }
    const task = q.get('task_id');
    const finish = (status: string, extra: Record<string, unknown>): void => {
      if (task && s.db.has(task, 'task'))
        s.db.update(task, { status, progress: 1, finished: xapiTime(Date.now()), ...extra });
    };
    try {
      const fault = s.faults.match('import_raw_vdi', [q.get('vdi') ?? '']);
      if (fault) throw new XapiFailure(fault.error ?? 'INTERNAL_ERROR', []);
      await importRawVdi(s, q, req);
      finish('success', { result: '' });
      res.writeHead(200).end();
    } catch (e) {
      const f = e instanceof XapiFailure ? e : new XapiFailure('INTERNAL_ERROR', [(e as Error).message]);
      finish('failure', { error_info: [f.code, ...f.params] });
      req.resume();
      res.writeHead(500, { 'content-type': 'text/html' }).end(`<html><body>${f.code}</body></html>`);
    }
  }

  /** Runs one method as XAPI would: table lookup, arity, session, role, fault rules, then the implementation. */
  async dispatch(method: string, params: unknown[]): Promise<unknown> {
    const s = this.state;
    s.calls.set(method, (s.calls.get(method) ?? 0) + 1);
    const isAsync = method.startsWith('Async.');
    const name = isAsync ? method.slice(6) : method;
    const spec = MESSAGES.get(name);
    if (!spec || (isAsync && (spec.implicit || spec.cls === 'session' || spec.cls === 'event')))
      throw new XapiFailure('MESSAGE_METHOD_UNKNOWN', [method]);
    if (params.length !== spec.params.length)
      throw new XapiFailure('MESSAGE_PARAMETER_COUNT_MISMATCH', [
        method,
        String(spec.params.length),
        String(params.length),
      ]);
    const withSession = spec.params[0]?.[1] === 'session ref';
    let call: Call = {
      session: '',
      user: { user: '', role: 'read-only', originator: '', lastActive: 0 },
      method: name,
    };
    if (withSession) {
      const session = String(params[0]);
      const info = s.sessions.get(session);
      if (!info) throw new XapiFailure('SESSION_INVALID', [session]);
      info.lastActive = Date.now();
      if (ROLES.indexOf(info.role) < ROLES.indexOf(spec.minRole as Role))
        throw new XapiFailure('RBAC_PERMISSION_DENIED', [name, `No permission in ${info.role} for ${name}`]);
      call = { session, user: info, method: name };
    }
    const args = withSession ? params.slice(1) : params;
    const impl = this.impls[name] ?? (spec.implicit ? implicitImpl(spec.cls, spec.name) : undefined);
    if (!impl) throw new XapiFailure('NOT_IMPLEMENTED', [name]);
    const run = async (c: Call): Promise<unknown> => {
      const fault = s.faults.match(
        name,
        args.filter((a): a is string => typeof a === 'string'),
      );
      if (fault) {
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.kind === 'hang') await new Promise(() => undefined);
        throw new XapiFailure(fault.error ?? 'INTERNAL_ERROR', []);
      }
      return impl(s, c, args);
    };
    if (!isAsync) return run(call);
    const task = s.db.create('task', {
      name_label: `Async.${name}`,
      status: 'pending',
      created: xapiTime(Date.now()),
      resident_on: s.host,
      allowed_operations: ['cancel'],
    });
    const work = (async () => {
      await new Promise((r) => setTimeout(r, s.timings.taskMs));
      try {
        const result = await run({ ...call, task });
        if (s.db.has(task))
          s.db.update(task, {
            status: 'success',
            progress: 1,
            finished: xapiTime(Date.now()),
            result: result === '' ? '' : formatXmlRpcValue(result),
          });
      } catch (e) {
        const f = e instanceof XapiFailure ? e : new XapiFailure('INTERNAL_ERROR', [(e as Error).message]);
        const cancelled = f.code === 'TASK_CANCELLED';
        if (s.db.has(task))
          s.db.update(task, {
            status: cancelled ? 'cancelled' : 'failure',
            progress: 1,
            finished: xapiTime(Date.now()),
            error_info: [f.code, ...f.params],
          });
      }
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return task;
  }

  private coreImpls(): Record<string, Impl> {
    const s = this.state;
    const registrations = new Map<string, { subs: ReturnType<typeof parseSubscription>[]; next: number }>();
    return {
      'session.login_with_password': (_s, _c, [uname, pwd, _version, originator]) => {
        const user = s.users.get(String(uname));
        if (!user || user.password !== pwd)
          throw new XapiFailure('SESSION_AUTHENTICATION_FAILED', [String(uname), 'Authentication failure']);
        const ref = `OpaqueRef:${crypto.randomUUID()}`;
        const orig = String(originator);
        // At most maxSessionsPerOriginator sessions per originator: the oldest are logged out.
        const mine = [...s.sessions]
          .filter(([, i]) => i.originator === orig && i.user === uname)
          .sort(([, a], [, b]) => a.lastActive - b.lastActive);
        while (mine.length >= s.maxSessionsPerOriginator) s.sessions.delete(mine.shift()![0]);
        s.sessions.set(ref, { user: String(uname), role: user.role, originator: orig, lastActive: Date.now() });
        return ref;
      },
      'session.logout': (_s, c) => {
        s.sessions.delete(c.session);
        return '';
      },
      'session.get_this_host': () => s.host,
      'task.create': (_s, _c, [label, description]) =>
        s.db.create('task', {
          name_label: String(label),
          name_description: String(description),
          status: 'pending',
          created: xapiTime(Date.now()),
          resident_on: s.host,
        }),
      'task.cancel': (_s, _c, [task]) => {
        const ref = s.ref('task', task);
        if (s.rec('task', ref).status === 'pending') s.db.update(ref, { status: 'cancelling' });
        return '';
      },
      'task.destroy': (_s, _c, [task]) => {
        s.db.destroy(s.ref('task', task));
        return '';
      },
      'event.from': async (_s, c, [classes, token, timeout]) => {
        const subs = (classes as string[]).map(parseSubscription);
        let since = 0;
        if (token !== '') {
          const m = /^(\d+),(\d+)$/.exec(String(token));
          if (!m) throw new XapiFailure('EVENT_FROM_TOKEN_PARSE_FAILURE', [String(token)]);
          since = Number(m[1]);
        }
        const deadline = Date.now() + Math.max(0, Number(timeout)) * 1000;
        for (;;) {
          if (!s.sessions.has(c.session)) throw new XapiFailure('SESSION_INVALID', [c.session]);
          const generation = s.db.currentGeneration;
          const events = s.db.changesSince(subs, since);
          if (events.length || Date.now() >= deadline) {
            const counts: Record<string, number> = {};
            return {
              events,
              valid_ref_counts: counts,
              token: `${String(generation).padStart(20, '0')},${'0'.padStart(20, '0')}`,
            };
          }
          await s.db.nextChange(deadline - Date.now());
        }
      },
      'event.inject': (_s, _c, [cls, ref]) => {
        if (!s.db.has(String(ref), String(cls))) throw new XapiFailure('HANDLE_INVALID', [String(cls), String(ref)]);
        const g = s.db.touch(String(ref));
        return `${String(g - 1).padStart(20, '0')},${'0'.padStart(20, '0')}`;
      },
      'event.get_current_id': () => s.db.log.at(-1)?.id ?? 0,
      'event.register': (_s, c, [classes]) => {
        registrations.set(c.session, {
          subs: (classes as string[]).map(parseSubscription),
          next: s.db.currentGeneration + 1,
        });
        return '';
      },
      'event.unregister': (_s, c) => {
        registrations.delete(c.session);
        return '';
      },
      'event.next': async (_s, c) => {
        const reg = registrations.get(c.session);
        if (!reg) throw new XapiFailure('SESSION_NOT_REGISTERED', [c.session]);
        for (;;) {
          if (s.db.highestForgotten >= reg.next) throw new XapiFailure('EVENTS_LOST', []);
          const evs = s.db.log.filter(
            (e) => e.id >= reg.next && reg.subs.some((sub) => sub.kind === 'all' || sub.cls.toLowerCase() === e.class),
          );
          if (evs.length) {
            reg.next = s.db.log.at(-1)!.id + 1;
            return evs;
          }
          await s.db.nextChange(30_000);
        }
      },
    };
  }
}
