import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: any;
  /** Status answered (0 = left hanging). */
  status: number;
}

/** 'hang': AWX creates the job but the answer never comes; 'drop': the request is swallowed, no job. */
type Reply = { status: number; body?: unknown } | 'hang' | 'drop';

/**
 * A loopback HTTP server answering like AWX's launch and job endpoints (or NetBox's REST API): records every call,
 * and answers from a queue of scripted replies (`failNext`) before falling back to success.
 */
export class StandIn {
  readonly calls: RecordedCall[] = [];
  private readonly scripted: Reply[] = [];
  /** While set, every launch answers this (AWX "down"). */
  down: Reply | undefined;
  /** Status AWX reports for every job. */
  jobStatus = 'successful';
  private nextJob = 100;
  /** Jobs AWX created: launched (201) or created before hanging. */
  readonly jobs: { id: number; template: number; created: string; extra_vars: string }[] = [];
  private server: Server | undefined;
  private readonly hanging: ServerResponse[] = [];
  url = '';

  failNext(...replies: Reply[]): void {
    this.scripted.push(...replies);
  }

  launches(): RecordedCall[] {
    return this.calls.filter((c) => c.method === 'POST' && /\/launch\/$/.test(c.path));
  }

  /** `port` 0 = any free port; a given port brings a stopped stand-in back where the bridge expects it. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const call: RecordedCall = {
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
        status: 0,
      };
      this.calls.push(call);
      let reply: Reply;
      if (req.method === 'GET' && /^\/api\/v2\/jobs\/\d+\/$/.test(path)) {
        reply = { status: 200, body: { id: Number(path.split('/')[4]), status: this.jobStatus } };
      } else if (req.method === 'GET' && /^\/api\/v2\/job_templates\/\d+\/jobs\/\?/.test(path)) {
        const template = Number(path.split('/')[4]);
        const since = new URL(path, 'http://x').searchParams.get('created__gte') ?? '';
        const results = this.jobs.filter((j) => j.template === template && j.created >= since);
        reply = { status: 200, body: { count: results.length, results } };
      } else if (req.method === 'GET' && path.startsWith('/api/v2/job_templates/?name=')) {
        reply = { status: 200, body: { count: 1, results: [{ id: 77 }] } };
      } else {
        reply = this.scripted.shift() ?? this.down ?? { status: 201, body: { job: this.nextJob, ignored_fields: {} } };
        const launch = /^\/api\/v2\/job_templates\/(\d+)\/launch\/$/.exec(path);
        if (launch && (reply === 'hang' || (reply !== 'drop' && reply.status === 201))) {
          const extra = JSON.stringify(call.body?.extra_vars ?? {});
          this.jobs.push({
            id: this.nextJob++,
            template: Number(launch[1]),
            created: new Date().toISOString(),
            extra_vars: extra,
          });
        }
      }
      if (reply === 'hang' || reply === 'drop') {
        this.hanging.push(res);
        return;
      }
      call.status = reply.status;
      const out = JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(out);
    });
  }
}
