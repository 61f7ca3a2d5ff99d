/**
 * The host connection shared by every module (schema fragment `connection`): module options first, then the
 * VIRTSEAL_HOST_* environment variables the AWX credential type injects. Secrets found in the environment are handed
 * back so the module runtime masks them like option secrets.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../core/errors';
import { defined } from '../core/objects';
import { drivers, isHypervisorType } from '../drivers/registry';
import type { DriverSettings, HostConnection } from '../drivers/types';
import type { ConnectionOptions } from '../generated/fragment-connection';
import connectionFragment from '../schemas/fragments/connection.schema.json';
import type { SshConnectionOptions } from '../transport/ssh-connection';

export interface ResolvedConnection {
  readonly connection: HostConnection;
  /** Secret values taken from the environment or files, to be masked in the result. */
  readonly secrets: readonly string[];
}

/** Connection options that are not driver settings: where the host is, how to log in, which driver. */
const COMMON_OPTIONS = new Set([
  'host',
  'port',
  'user',
  'password',
  'private_key',
  'private_key_file',
  'private_key_passphrase',
  'host_key_fingerprint',
  'known_hosts',
  'accept_unknown_host_key',
  'hypervisor',
  'connect_timeout',
]);

const definitions = connectionFragment.definitions as Readonly<
  Record<string, { readonly default?: unknown; readonly 'x-env-fallback'?: readonly string[] }>
>;

/** Every other option of the connection fragment is a driver setting (`image_library_path`, `libvirt_uri`...). */
export const SETTING_OPTIONS: readonly string[] = Object.keys(definitions).filter((name) => !COMMON_OPTIONS.has(name));

/** The schema's default for `hypervisor`, used when neither the option nor VIRTSEAL_HOST_HYPERVISOR is set. */
const DEFAULT_HYPERVISOR = String(definitions.hypervisor?.default);

/** Environment variables each option falls back to: the first `x-env-fallback` of its schema definition. */
export const CONNECTION_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(definitions).flatMap(([name, d]) =>
    d['x-env-fallback']?.length ? [[name, d['x-env-fallback'][0]!]] : [],
  ),
);

export function resolveConnection(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
  hostOverride?: string,
): ResolvedConnection {
  const pick = (key: string): string | undefined => {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && value !== null && value !== '') return String(value);
    const variable = CONNECTION_ENV[key];
    const fromEnv = variable === undefined ? undefined : env[variable];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const secrets: string[] = [];
  const secret = (key: 'password' | 'private_key' | 'private_key_passphrase'): string | undefined => {
    const value = pick(key);
    if (value !== undefined) secrets.push(value);
    return value;
  };

  const hostText = hostOverride ?? pick('host');
  if (!hostText)
    throw new InvalidArgument(
      `missing required option 'host' (or environment variable ${CONNECTION_ENV.host})`,
      'host',
    );
  const { host, port: hostPort } = splitHostPort(hostText);
  const user = pick('user');
  if (!user)
    throw new InvalidArgument(
      `missing required option 'user' (or environment variable ${CONNECTION_ENV.user})`,
      'user',
    );

  const hypervisor = pick('hypervisor') ?? DEFAULT_HYPERVISOR;
  if (!isHypervisorType(hypervisor)) {
    throw new InvalidArgument(
      `option 'hypervisor' must be one of ${Object.keys(drivers).join(', ')}, got '${hypervisor}'`,
      'hypervisor',
    );
  }
  const portText = pick('port') ?? hostPort;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new InvalidArgument(`option 'port' must be an integer between 1 and 65535, got '${portText}'`, 'port');
  }

  let privateKey = secret('private_key');
  if (!privateKey && options.private_key_file) {
    try {
      privateKey = readFileSync(options.private_key_file, 'utf8');
    } catch (error) {
      throw new InvalidArgument(
        `cannot read private_key_file ${options.private_key_file}: ${(error as Error).message}`,
        'private_key_file',
      );
    }
    secrets.push(privateKey);
  }
  const password = secret('password');
  const passphrase = secret('private_key_passphrase');
  // `host: local` is this machine: there is no SSH login to make, and the connection carries no `ssh` (a driver that
  // can run locally, like libvirt, does; the others refuse it).
  const local = host === 'local';
  if (!password && !privateKey && !env.SSH_AUTH_SOCK && !local) {
    throw new InvalidArgument(
      `no credential for ${user}@${host}: set 'password' or 'private_key' (or ${CONNECTION_ENV.password} / ${CONNECTION_ENV.private_key}), or run an SSH agent`,
      'password',
    );
  }

  const ssh: SshConnectionOptions = defined({
    host,
    user,
    port,
    password,
    privateKey,
    passphrase,
    agent: !password && !privateKey ? true : undefined,
    hostKeyFingerprint: pick('host_key_fingerprint'),
    knownHostsFile: pick('known_hosts'),
    acceptUnknownHostKey: options.accept_unknown_host_key ?? false,
    connectTimeoutMs: options.connect_timeout === undefined ? undefined : options.connect_timeout * 1000,
  });
  const settings: Record<string, string> = {};
  for (const name of SETTING_OPTIONS) {
    const value = pick(name);
    if (value !== undefined) settings[name] = value;
  }
  const connection: HostConnection = local
    ? { hypervisor, settings }
    : { hypervisor, ssh, settings: settings satisfies DriverSettings };
  return { connection, secrets };
}

/** `hv01`, `hv01:2222`, `[2001:db8::1]:2222`, `2001:db8::1` → host and optional port text. */
export function splitHostPort(text: string): { readonly host: string; readonly port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] !== undefined && { port: bracketed[2] }) };
  const named = /^([^:]+):(\d+)$/.exec(text);
  if (named) return { host: named[1]!, port: named[2]! };
  return { host: text };
}
