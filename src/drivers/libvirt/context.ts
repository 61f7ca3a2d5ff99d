/**
 * What every libvirt noun shares: the host's commands, where the storage pool lives, and small helpers to read a
 * domain. Paths are host paths (the driver may run on another machine than the host).
 */
import { posix } from 'node:path';
import type { Clock } from '../../core/clock';
import { InvalidArgument } from '../../core/errors';
import type { PowerState } from '../types';
import { type ParsedDomain, parseDomainXml } from './domain-parse';
import type { HostCommands } from './virsh';

export interface LibvirtContext {
  readonly host: HostCommands;
  /** Storage pool directory: images in `images/`, VM disks in `vms/<uuid>/`. */
  readonly poolPath: string;
  readonly domainType: 'kvm' | 'qemu';
  /** When set, each VM's serial console is written to `<dir>/<uuid>.log`. */
  readonly consoleLogDir?: string;
  /** Guest directory holding the pool files the Linux agent reads (sealed exchange). */
  readonly guestKvpDir: string;
  readonly clock: Clock;
}

export const imagesDir = (ctx: LibvirtContext): string => posix.join(ctx.poolPath, 'images');
export const vmDir = (ctx: LibvirtContext, uuid: string): string => posix.join(ctx.poolPath, 'vms', uuid);

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Names that become file names on the host. */
export function checkFileName(value: string, option: string): string {
  if (!SAFE_NAME.test(value)) {
    throw new InvalidArgument(
      `${option} '${value.slice(0, 40)}' must be 1-100 letters, digits, '.', '_' or '-' and start with a letter or digit`,
      option,
    );
  }
  return value;
}

export async function readDomain(ctx: LibvirtContext, id: string, inactive = false): Promise<ParsedDomain> {
  const xml = await ctx.host.virsh([
    'dumpxml',
    `--domain=${id}`,
    ...(inactive ? ['--inactive'] : []),
    '--security-info',
  ]);
  return parseDomainXml(xml);
}

export async function domainState(ctx: LibvirtContext, id: string): Promise<PowerState> {
  const out = (await ctx.host.virsh(['domstate', `--domain=${id}`, '--reason'])).trim();
  return mapState(out);
}

export function mapState(out: string): PowerState {
  const state = out.replace(/\s*\(.*\)\s*$/, '').trim();
  if (state === 'shut off') return /\(saved\)/.test(out) ? 'saved' : 'off';
  if (state === 'running') return 'running';
  if (state === 'paused' || state === 'pmsuspended') return 'paused';
  if (state === 'in shutdown') return 'stopping';
  if (state === 'crashed') return 'off';
  return 'unknown';
}

/** `--live` as well as `--config` when the domain runs, so a change applies now and persists. */
export async function liveFlags(ctx: LibvirtContext, id: string): Promise<string[]> {
  return (await domainState(ctx, id)) === 'running' ? ['--config', '--live'] : ['--config'];
}
