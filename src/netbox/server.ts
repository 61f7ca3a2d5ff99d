import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { type Clock, systemClock } from '../core/clock';
import type { Dispatcher } from './dispatcher';
import type { Logger } from './log';
import { type Decision, decide, type LaunchPlan, MappingError, VM_OBJECT_TYPE } from './map-event';
import type { Mapping } from './mapping';
import { type NetboxEvent, parseEvent, PayloadError } from './payload';
import { checkSignature, FRESHNESS, SIGNATURE_HEADER } from './signature';
import { GroupCommit } from './group-commit';
import { dedupKey, type EventStore, type InsertOutcome } from './store';

export interface BridgeServerOptions {
  readonly secret: string;
  readonly mapping: Mapping;
  /** Where events are kept before the answer; absent only in dry-run. */
  readonly store?: EventStore;
  readonly dispatcher?: Dispatcher;
  /** Dry run: each launch is handed here (printed by the CLI) instead of being stored. */
  readonly onDryRun?: (plan: LaunchPlan, event: NetboxEvent) => void;
  /** Bodies above this are refused with 413. Default 1 MiB (a VM event is about 6 KB). */
  readonly maxBodyBytes?: number;
  /** URL path NetBox posts to. Default /webhook. */
  readonly path?: string;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly log: Logger;
  readonly clock?: Clock;
  /** Signed `timestamp` older than this is refused (a replay). Default FRESHNESS.maxAgeMs. */
  readonly maxEventAgeMs?: number;
  /** Signed `timestamp` further ahead than this is refused. Default FRESHNESS.maxSkewMs. */
  readonly maxClockSkewMs?: number;
}

type Answer = { readonly status: number; readonly body: Record<string, unknown> };

function send(res: ServerResponse, a: Answer, close = false): void {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/**
 * The webhook receiver. Answers are decided before any launch happens: the event is verified, parsed, mapped and
 * stored durably, then the dispatcher is woken and the answer goes out (202 queued).
 *   401 no signature · 403 bad signature or signed timestamp outside the window · 413 too big · 400 not JSON / not a NetBox event (names the field)
 *   422 a VM event the mapping cannot turn into a launch (names what is missing)
 *   202 queued, or ignored (other object types, statuses without a rule) · 200 duplicate of a stored event
 */
export function createBridgeServer(o: BridgeServerOptions): Server {
  const clock = o.clock ?? systemClock;
  const max = o.maxBodyBytes ?? 1024 * 1024;
  const path = o.path ?? '/webhook';
  const maxAge = o.maxEventAgeMs ?? FRESHNESS.maxAgeMs;
  const maxSkew = o.maxClockSkewMs ?? FRESHNESS.maxSkewMs;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/healthz') {
      // Unauthenticated: says only that the process answers and its store opens; `netbox status` has the rest.
      if (o.store) o.store.nextDue();
      send(res, { status: 200, body: { status: 'ok' } });
      return;
    }
    if (url !== path) {
      send(res, { status: 404, body: { error: 'not found' } });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, { status: 405, body: { error: 'only POST' } });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        tooLarge(req, res);
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      receive(Buffer.concat(chunks), req.headers[SIGNATURE_HEADER]).then(
        (a) => send(res, a),
        (error: unknown) => {
          // Nothing was stored (or the store failed): a 5xx makes NetBox's job fail visibly instead of losing it.
          o.log.log('error', `internal error: ${(error as Error).message}`);
          send(res, { status: 500, body: { error: 'internal error' } });
        },
      );
    });
    req.on('error', () => res.destroy());
  };

  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    send(res, { status: 413, body: { error: `body larger than ${max} bytes` } }, true);
    res.on('finish', () => req.destroy());
  };

  const commits = o.store ? new GroupCommit(o.store, clock) : undefined;

  const receive = async (body: Buffer, signature: string | string[] | undefined): Promise<Answer> => {
    const check = checkSignature(body, signature, o.secret);
    if (check === 'missing') return { status: 401, body: { error: 'X-Hook-Signature header missing' } };
    if (check === 'bad') return { status: 403, body: { error: 'X-Hook-Signature does not match the body' } };
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
    let ev: NetboxEvent;
    try {
      ev = parseEvent(json);
    } catch (error) {
      if (error instanceof PayloadError) return { status: 400, body: { error: error.message, field: error.field } };
      throw error;
    }
    const stamped = Date.parse(ev.timestamp);
    if (!Number.isFinite(stamped))
      return { status: 400, body: { error: 'field "timestamp" is missing or not a time', field: 'timestamp' } };
    const age = clock.now() - stamped;
    if (age > maxAge || -age > maxSkew) {
      o.log.log('warn', 'refused a signed event outside the freshness window', {
        request_id: ev.requestId,
        timestamp: ev.timestamp,
      });
      const why = age > maxAge ? `older than ${maxAge / 1000} s` : `more than ${maxSkew / 1000} s in the future`;
      return {
        status: 403,
        body: {
          error: `signed timestamp ${ev.timestamp} is ${why}: replayed, or the clocks of NetBox and the bridge differ`,
          field: 'timestamp',
        },
      };
    }
    // Other object types are answered and forgotten: an event rule may cover more than VMs.
    if (ev.objectType !== VM_OBJECT_TYPE)
      return { status: 202, body: { status: 'ignored', reason: `object type ${ev.objectType} is not handled` } };
    let decision: Decision;
    let rejected: MappingError | undefined;
    try {
      decision = decide(o.mapping, ev);
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      rejected = error;
      decision = { kind: 'ignore', reason: error.message };
    }
    if (o.onDryRun) {
      if (rejected) return { status: 422, body: { error: rejected.message, field: rejected.field } };
      if (decision.kind === 'ignore') return { status: 202, body: { status: 'ignored', reason: decision.reason } };
      o.onDryRun(decision.plan, ev);
      return { status: 202, body: { status: 'dry_run', action: decision.plan.action, vm: decision.plan.vmName } };
    }
    const name = typeof ev.data.name === 'string' ? ev.data.name : null;
    const stored: InsertOutcome = await commits!.insert({
      dedupKey: dedupKey(ev.requestId, ev.event, ev.objectType, ev.data.id),
      requestId: ev.requestId,
      event: ev.event,
      objectType: ev.objectType,
      objectId: typeof ev.data.id === 'number' ? ev.data.id : null,
      vmName: name,
      state: rejected ? 'rejected' : decision.kind === 'launch' ? 'queued' : 'ignored',
      reason: decision.kind === 'ignore' ? decision.reason : null,
      plan: decision.kind === 'launch' ? decision.plan : null,
    });
    if (stored.inserted) {
      o.log.log('info', `event ${stored.id} ${stored.state}`, {
        request_id: ev.requestId,
        event: ev.event,
        vm: name,
        ...(decision.kind === 'launch' ? { action: decision.plan.action } : { reason: decision.reason }),
      });
      if (stored.state === 'queued') o.dispatcher?.wake();
    }
    if (stored.state === 'rejected') return { status: 422, body: { error: stored.reason, id: stored.id } };
    if (!stored.inserted) return { status: 200, body: { status: 'duplicate', id: stored.id, state: stored.state } };
    if (stored.state === 'ignored')
      return { status: 202, body: { status: 'ignored', id: stored.id, reason: stored.reason } };
    return {
      status: 202,
      body: { status: 'queued', id: stored.id, action: decision.kind === 'launch' ? decision.plan.action : null },
    };
  };

  const guarded = (req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (error) {
      o.log.log('error', `internal error: ${(error as Error).message}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
    }
  };
  const server = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, guarded) : createHttp(guarded);
  server.requestTimeout = 30_000;
  return server;
}
