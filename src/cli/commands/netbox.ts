import { existsSync, readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { isVirtsealError, InvalidArgument } from '../../core/errors';
import { cliIo } from '../io';
import { startBridge } from '../../netbox/bridge';
import { positiveInt, readSecret, refuseSecretsOnCommandLine } from '../../netbox/cli-options';
import { weakSecret } from '../../netbox/signature';
import { jsonLogger } from '../../netbox/log';
import { configuredDiskMb } from '../../netbox/map-event';
import { loadMapping } from '../../netbox/mapping';
import { renderRulebook } from '../../netbox/rulebook';
import { displayVars, Redactor } from '../../netbox/secrets';
import { SqliteEventStore } from '../../netbox/sqlite-store';
import { EVENT_STATES, type EventState } from '../../netbox/store';
import { formatStatus } from '../../netbox/status-report';

type Args = Record<string, unknown>;

/** CLI boundary: a VirtsealError becomes one line naming the option, exit code 2; nothing else is caught. */
async function guard(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isVirtsealError(error)) throw error;
    cliIo().err(`virtseal netbox: ${error.message}`);
    process.exitCode = 2;
  }
}

function serveBuilder(y: Argv): Argv {
  return y
    .env('VIRTSEAL')
    .option('listen', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
    .option('port', { type: 'number', default: 8080, describe: 'TCP port (0 = any free port)' })
    .option('path', { type: 'string', default: '/webhook', describe: 'URL path NetBox posts to' })
    .option('tls-cert', { type: 'string', describe: 'PEM certificate file: serve HTTPS' })
    .option('tls-key', { type: 'string', describe: 'PEM private key file for --tls-cert' })
    .option('insecure-http', {
      type: 'boolean',
      default: false,
      describe: 'allow plain HTTP on a non-loopback --listen address and to non-loopback AWX/NetBox URLs',
    })
    .option('webhook-secret-file', {
      type: 'string',
      describe: 'file holding the NetBox webhook secret (or VIRTSEAL_WEBHOOK_SECRET)',
    })
    .option('mapping', { type: 'string', describe: 'YAML mapping file (events → actions → survey variables)' })
    .option('db', { type: 'string', default: 'virtseal-netbox.db', describe: 'SQLite file holding the event queue' })
    .option('dry-run', {
      type: 'boolean',
      default: false,
      describe: 'print what would be launched; store and launch nothing',
    })
    .option('max-body', { type: 'number', default: 1048576, describe: 'largest accepted body in bytes' })
    .option('awx-url', { type: 'string', describe: 'AWX/AAP base URL: launch job templates there' })
    .option('awx-token-file', { type: 'string', describe: 'file holding the AWX token (or VIRTSEAL_AWX_TOKEN)' })
    .option('awx-ca-file', { type: 'string', describe: 'PEM CA bundle for AWX' })
    .option('awx-follow', {
      type: 'boolean',
      default: true,
      describe: "follow each AWX job to its end (orders a VM's events; journal gets the result)",
    })
    .option('playbook-dir', {
      type: 'string',
      describe: 'run ansible-playbook locally; playbook paths are relative to this directory',
    })
    .option('inventory', { type: 'string', describe: 'inventory for local runs (-i)' })
    .option('pass-env', {
      type: 'string',
      array: true,
      default: [],
      describe:
        'environment variable ansible-playbook may see besides PATH, HOME, locale, ANSIBLE_* and VIRTSEAL_HOST_* (repeatable)',
    })
    .option('ansible-playbook', {
      type: 'string',
      default: 'ansible-playbook',
      describe: 'ansible-playbook executable',
    })
    .option('netbox-url', { type: 'string', describe: 'NetBox base URL: write journal entries (and status) back' })
    .option('netbox-token-file', {
      type: 'string',
      describe: 'file holding the NetBox API token (or VIRTSEAL_NETBOX_TOKEN)',
    })
    .option('netbox-ca-file', { type: 'string', describe: 'PEM CA bundle for NetBox' })
    .option('concurrency', { type: 'number', default: 4, describe: 'launches in flight at once (different VMs)' })
    .option('retry-initial-ms', { type: 'number', default: 1000, describe: 'first retry delay; doubles per attempt' })
    .option('retry-max-ms', { type: 'number', default: 300000, describe: 'longest retry delay' })
    .option('poll-ms', { type: 'number', default: 5000, describe: 'how often running AWX jobs are polled' })
    .option('retain-days', {
      type: 'number',
      default: 30,
      describe: 'forget finished events after this many days (failed and uncertain stay)',
    })
    .option('webhook-secret', { type: 'string', hidden: true })
    .option('awx-token', { type: 'string', hidden: true })
    .option('netbox-token', { type: 'string', hidden: true });
}

const isLoopback = (host: string): boolean => /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);

/**
 * Plain HTTP only where nobody else can listen: the webhook body and signature, the AWX token and the resolved
 * survey answers, and the NetBox token would otherwise cross the network in clear.
 */
function requireTls(a: Args): void {
  if (a.insecureHttp === true) return;
  if (!a.tlsCert && !isLoopback(String(a.listen))) {
    throw new InvalidArgument(
      `--listen ${String(a.listen)} is not a loopback address: serve HTTPS with --tls-cert/--tls-key, or pass --insecure-http`,
      'listen',
    );
  }
  for (const [flag, value] of [
    ['awx-url', a.awxUrl],
    ['netbox-url', a.netboxUrl],
  ] as const) {
    if (typeof value !== 'string') continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgument(`--${flag}: ${value} is not a URL`, flag);
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      throw new InvalidArgument(
        `--${flag}: http to ${url.hostname} would send its token in clear: use https, or pass --insecure-http`,
        flag,
      );
    }
  }
}

async function serve(a: Args): Promise<void> {
  refuseSecretsOnCommandLine(process.argv);
  const redactor = new Redactor();
  const secret = readSecret('webhook-secret', a.webhookSecret, a.webhookSecretFile, true)!;
  redactor.add(secret);
  const weak = weakSecret(secret);
  if (weak) throw new InvalidArgument(`--webhook-secret: the webhook secret ${weak}`, 'webhook-secret');
  const mapping = loadMapping(a.mapping as string | undefined);
  const dryRun = a.dryRun === true;
  if (!dryRun && !a.awxUrl && !a.playbookDir)
    throw new InvalidArgument('--awx-url or --playbook-dir is required (or --dry-run)', 'awx-url');
  if (a.awxUrl && a.playbookDir)
    throw new InvalidArgument('--awx-url and --playbook-dir are mutually exclusive', 'playbook-dir');
  if (Boolean(a.tlsCert) !== Boolean(a.tlsKey))
    throw new InvalidArgument('--tls-cert and --tls-key go together', a.tlsCert ? 'tls-key' : 'tls-cert');
  requireTls(a);
  const readCa = (flag: string, file: unknown) => {
    if (typeof file !== 'string') return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new InvalidArgument(`--${flag}: cannot read ${file}: ${(error as Error).message}`, flag);
    }
  };
  const awxToken = a.awxUrl ? readSecret('awx-token', a.awxToken, a.awxTokenFile, true) : undefined;
  redactor.add(awxToken);
  const netboxToken = a.netboxUrl ? readSecret('netbox-token', a.netboxToken, a.netboxTokenFile, true) : undefined;
  redactor.add(netboxToken);
  const log = jsonLogger(redactor);
  const port = Number(a.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgument(`--port must be 0-65535, got ${String(a.port)}`, 'port');
  const bridge = await startBridge({
    host: String(a.listen),
    port,
    path: String(a.path),
    secret,
    mapping,
    db: String(a.db),
    tlsCert: a.tlsCert as string | undefined,
    tlsKey: a.tlsKey as string | undefined,
    maxBodyBytes: positiveInt(a.maxBody, 'max-body'),
    ...(a.awxUrl
      ? {
          awx: {
            url: String(a.awxUrl),
            token: awxToken!,
            follow: a.awxFollow !== false,
            ca: readCa('awx-ca-file', a.awxCaFile),
          },
        }
      : {}),
    ...(a.playbookDir
      ? {
          local: {
            projectDir: String(a.playbookDir),
            inventory: a.inventory as string | undefined,
            command: String(a.ansiblePlaybook),
            passEnv: (a.passEnv as unknown[]).map(String),
          },
        }
      : {}),
    ...(a.netboxUrl
      ? { netbox: { url: String(a.netboxUrl), token: netboxToken!, ca: readCa('netbox-ca-file', a.netboxCaFile) } }
      : {}),
    ...(dryRun
      ? {
          dryRun: (plan) => {
            const line = {
              dry_run: true,
              action: plan.action,
              vm: plan.vmName,
              job_template: plan.jobTemplate ?? null,
              playbook: plan.playbook,
              extra_vars: displayVars(plan.extraVars),
            };
            cliIo().out(redactor.redact(JSON.stringify(line)));
          },
        }
      : {}),
    concurrency: positiveInt(a.concurrency, 'concurrency'),
    retryInitialMs: positiveInt(a.retryInitialMs, 'retry-initial-ms'),
    retryMaxMs: positiveInt(a.retryMaxMs, 'retry-max-ms'),
    pollMs: positiveInt(a.pollMs, 'poll-ms'),
    retainMs: positiveInt(a.retainDays, 'retain-days') * 86_400_000,
    env: process.env,
    redactor,
    log,
  });
  log.log('info', 'listening', { url: bridge.url, dry_run: dryRun, db: dryRun ? null : String(a.db) });
  await new Promise<void>((resolve) => {
    const stop = () => {
      log.log('info', 'stopping');
      void bridge.close().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function openQueue(path: string): SqliteEventStore {
  if (!existsSync(path))
    throw new InvalidArgument(`--db: ${path} does not exist (the queue is created by \`netbox serve\`)`, 'db');
  return new SqliteEventStore(path, { mustExist: true });
}

async function status(a: Args): Promise<void> {
  const state = a.state as EventState | undefined;
  const store = openQueue(String(a.db));
  try {
    const events = store.list({ ...(state ? { state } : {}), limit: positiveInt(a.limit, 'limit') });
    cliIo().out(formatStatus(store.counts(), events, a.json === true));
  } finally {
    store.close();
  }
}

async function requeue(a: Args): Promise<void> {
  const store = openQueue(String(a.db));
  try {
    for (const raw of a.id as unknown[]) {
      const id = positiveInt(raw, 'id');
      const ok = store.requeue(id, Date.now());
      cliIo().out(ok ? `event ${id} queued again` : `event ${id}: not failed or uncertain, left alone`);
      if (!ok) process.exitCode = 1;
    }
  } finally {
    store.close();
  }
}

const dbOption = {
  type: 'string',
  default: 'virtseal-netbox.db',
  describe: 'SQLite file holding the event queue',
} as const;

const command: CommandModule = {
  command: 'netbox <command>',
  describe: 'NetBox webhook bridge: signed VM events to AWX job templates or ansible-playbook',
  builder: (y) =>
    y
      .command('serve', 'receive NetBox webhooks, queue them durably and launch', serveBuilder, (a) =>
        guard(() => serve(a)),
      )
      .command(
        'status',
        'list stored events and their state',
        (s) =>
          s
            .env('VIRTSEAL')
            .option('db', dbOption)
            .option('state', { choices: EVENT_STATES, describe: 'only events in this state' })
            .option('limit', { type: 'number', default: 20, describe: 'most recent events shown' })
            .option('json', { type: 'boolean', default: false, describe: 'one JSON document' }),
        (a) => guard(() => status(a)),
      )
      .command(
        'requeue <id..>',
        'queue failed or uncertain events again (after checking AWX for an uncertain launch)',
        (s) =>
          s
            .env('VIRTSEAL')
            .option('db', dbOption)
            .positional('id', { type: 'number', array: true, describe: 'event ids' }),
        (a) => guard(() => requeue(a)),
      )
      .command(
        'rulebook',
        'print the Event-Driven Ansible rulebook equivalent to a mapping',
        (s) =>
          s
            .env('VIRTSEAL')
            .option('mapping', { type: 'string', describe: 'YAML mapping file (default: built-in mapping)' }),
        (a) =>
          guard(async () => {
            const mapping = loadMapping(a.mapping as string | undefined);
            cliIo().out(renderRulebook(mapping, { diskMb: configuredDiskMb(mapping) }));
          }),
      )
      .demandCommand(1),
  handler: () => {},
};

export default command;
