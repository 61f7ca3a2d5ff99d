import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AwxLauncher } from './awx-launcher';
import { Dispatcher } from './dispatcher';
import type { Launcher } from './launcher';
import { LocalLauncher } from './local-launcher';
import type { Logger } from './log';
import type { LaunchPlan } from './map-event';
import type { Mapping } from './mapping';
import { MemoryEventStore } from './memory-store';
import { NetboxWriter } from './netbox-writer';
import type { NetboxEvent } from './payload';
import type { Redactor } from './secrets';
import { createBridgeServer } from './server';
import { SqliteEventStore } from './sqlite-store';
import type { EventStore } from './store';

export interface BridgeOptions {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
  readonly secret: string;
  readonly mapping: Mapping;
  /** SQLite file; `null` keeps events in memory only (benchmark baseline). */
  readonly db: string | null;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly maxBodyBytes?: number;
  readonly awx?: { readonly url: string; readonly token: string; readonly follow: boolean; readonly ca?: string };
  readonly local?: {
    readonly projectDir: string;
    readonly inventory?: string;
    readonly command?: string;
    readonly passEnv?: readonly string[];
  };
  readonly netbox?: { readonly url: string; readonly token: string; readonly ca?: string };
  readonly dryRun?: (plan: LaunchPlan, event: NetboxEvent) => void;
  readonly concurrency?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly pollMs?: number;
  readonly retainMs?: number;
  readonly env: NodeJS.ProcessEnv;
  readonly redactor: Redactor;
  readonly log: Logger;
  readonly launcher?: Launcher;
}

export interface RunningBridge {
  readonly url: string;
  readonly store: EventStore | undefined;
  close(): Promise<void>;
}

/** Wire store, launcher, dispatcher and server together and listen. */
export async function startBridge(o: BridgeOptions): Promise<RunningBridge> {
  const dry = o.dryRun !== undefined;
  const store = dry ? undefined : o.db === null ? new MemoryEventStore() : new SqliteEventStore(o.db);
  let launcher = o.launcher;
  if (!launcher && o.awx) {
    launcher = new AwxLauncher({
      url: o.awx.url,
      token: o.awx.token,
      follow: o.awx.follow,
      ca: o.awx.ca,
      env: o.env,
      redactor: o.redactor,
    });
  } else if (!launcher && o.local) {
    launcher = new LocalLauncher({ ...o.local, env: o.env, redactor: o.redactor });
  }
  const writer = o.netbox ? new NetboxWriter(o.netbox) : undefined;
  const dispatcher =
    store && launcher
      ? new Dispatcher({
          store,
          launcher,
          log: o.log,
          writer,
          writeBack: o.mapping.write_back,
          concurrency: o.concurrency,
          retryInitialMs: o.retryInitialMs,
          retryMaxMs: o.retryMaxMs,
          pollMs: o.pollMs,
          retainMs: o.retainMs,
        })
      : undefined;
  const server = createBridgeServer({
    secret: o.secret,
    mapping: o.mapping,
    store,
    dispatcher,
    onDryRun: o.dryRun,
    maxBodyBytes: o.maxBodyBytes,
    path: o.path,
    log: o.log,
    ...(o.tlsCert && o.tlsKey ? { tls: { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  dispatcher?.start();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${o.tlsCert ? 'https' : 'http'}://${host}:${addr.port}${o.path ?? '/webhook'}`;
  return {
    url,
    store,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await dispatcher?.stop();
      await launcher?.close?.();
      store?.close();
    },
  };
}
