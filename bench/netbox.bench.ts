/**
 * NetBox bridge: events per second accepted (signed POST → verified → mapped → stored → 202) with the durable
 * SQLite queue (WAL, synchronous=FULL: one fsync'd commit per event) against the same server keeping events in
 * memory, in one run, on loopback. Bounded: a fixed number of events per mode. Run: npm run bench -- netbox (or npx tsx bench/netbox.bench.ts)
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBridge } from '../src/netbox/bridge';
import { silentLogger } from '../src/netbox/log';
import { buildMapping } from '../src/netbox/mapping';
import { Redactor } from '../src/netbox/secrets';
import { signBody } from '../src/netbox/signature';

const SECRET = 'bench-secret';
const base = JSON.parse(
  readFileSync(new URL('../test/fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url), 'utf8'),
);

function bodies(count: number, tag: string): { raw: string; sig: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const e = {
      ...base,
      timestamp: new Date().toISOString(),
      request_id: `${tag}-${i}`,
      data: { ...base.data, id: 10_000 + i, name: `bench-${i}` },
    };
    const raw = JSON.stringify(e);
    return { raw, sig: signBody(raw, SECRET) };
  });
}

function post(agent: Agent, url: string, b: { raw: string; sig: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(b.raw)),
          'x-hook-signature': b.sig,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(b.raw);
  });
}

async function measure(durable: boolean, count: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-bench-netbox-'));
  const bridge = await startBridge({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    mapping: buildMapping({}),
    db: durable ? join(dir, 'q.db') : null,
    env: {},
    redactor: new Redactor(),
    log: silentLogger,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const tag = durable ? 'd' : 'm';
    for (const b of bodies(100, `${tag}-warm`)) await post(agent, bridge.url, b); // warm-up, not timed
    const all = bodies(count, tag);
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < all.length) {
          const status = await post(agent, bridge.url, all[next++]!);
          if (status !== 202) throw new Error(`unexpected HTTP ${status}`);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const stored = bridge.store!.counts().queued;
    if (stored !== count + 100) throw new Error(`stored ${stored} of ${count + 100}`);
    return count / seconds;
  } finally {
    agent.destroy();
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Alternates the two modes `rounds` times and keeps the best of each, so a busy machine skews both alike. */
export async function benchNetbox(
  count = 1000,
  concurrency = 16,
  rounds = 3,
): Promise<{ durable: number; memory: number; ratio: number }> {
  let memory = 0;
  let durable = 0;
  for (let i = 0; i < rounds; i++) {
    memory = Math.max(memory, await measure(false, count, concurrency));
    durable = Math.max(durable, await measure(true, count, concurrency));
  }
  return { durable, memory, ratio: durable / memory };
}

/** `npm run bench` entry: prints events/s with and without durable storage and their ratio. */
export default async function main(): Promise<void> {
  const count = Number(process.env.BENCH_NETBOX_EVENTS ?? 1000);
  const r = await benchNetbox(count);
  console.log(
    `   netbox bridge: ${count} signed VM events per round, best of 3 alternating rounds, 16 keep-alive clients, loopback`,
  );
  console.log(`   storage off (memory):            ${r.memory.toFixed(0)} events/s`);
  console.log(`   durable SQLite (WAL, sync FULL): ${r.durable.toFixed(0)} events/s`);
  console.log(`   ratio durable / memory:          ${r.ratio.toFixed(2)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
