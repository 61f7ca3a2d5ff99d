/**
 * The glue every lifecycle module shares: resolve the host connection (options, then VIRTSEAL_HOST_* env), register
 * the secrets found on the way, open the driver for that host, wrap it for check mode, run one service, close.
 * Modules stay one call deep: `run: (ctx) => withSession(ctx, (session) => service(session, ...))`.
 */
import type { KeyObject } from 'node:crypto';
import type { ModuleContext, ModuleResult } from '../ansible/module';
import { openHypervisor } from '../drivers/registry';
import type { GuestConfig } from '../seal/guest-config';
import { runSealedExchange } from '../seal/host-exchange';
import type { ConnectionOptions } from '../generated/fragment-connection';
import { resolveConnection } from './connection';
import { createSession, type ExchangeRunner, type Session } from './session';

interface ServiceResult {
  readonly changed: boolean;
  readonly changes?: readonly string[];
}

/** What the sealed exchange needs beyond the host connection: the controller's sender key, if it has one. */
export interface ExchangeSettings {
  readonly senderKey?: KeyObject;
}

function exchangeRunner(ctx: ModuleContext<unknown>, settings: ExchangeSettings): ExchangeRunner {
  return async (request) => {
    const result = await runSealedExchange({
      ...request,
      senderKey: settings.senderKey,
      config: request.config as GuestConfig,
      warn: (m) => ctx.warn(m),
      debug: (m) => ctx.debug(m),
    });
    return { attemptId: result.attempt };
  };
}

export async function openSession(
  ctx: ModuleContext<unknown>,
  connectionOptions: ConnectionOptions,
  hostOverride?: string,
  settings: ExchangeSettings = {},
): Promise<Session> {
  const { connection, secrets } = resolveConnection(connectionOptions, process.env, hostOverride);
  for (const s of secrets) ctx.addSecret(s);
  const { ssh } = connection;
  ctx.debug(
    `connecting to ${ssh ? `${ssh.user}@${ssh.host}:${ssh.port ?? 22}` : 'the local host'} (${connection.hypervisor})`,
  );
  const inner = await openHypervisor(connection);
  return createSession(inner, { check: ctx.check, runExchange: exchangeRunner(ctx, settings) });
}

export function toModuleResult(result: ServiceResult): ModuleResult {
  return { ...result, changes: [...(result.changes ?? [])] } as unknown as ModuleResult;
}

export async function withSession<O extends ConnectionOptions>(
  ctx: ModuleContext<O>,
  service: (session: Session) => Promise<ServiceResult>,
  settings: ExchangeSettings = {},
): Promise<ModuleResult> {
  const session = await openSession(ctx as ModuleContext<unknown>, ctx.options, undefined, settings);
  try {
    return toModuleResult(await service(session));
  } finally {
    await session.close().catch(() => undefined);
  }
}
