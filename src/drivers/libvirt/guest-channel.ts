/**
 * The sealed-exchange channel over the QEMU guest agent. The host keeps Hyper-V-format pool files in a guest
 * directory (default /var/lib/virtseal/kvp): `.kvp_pool_0` host → guest items, `.kvp_pool_3` host facts
 * (VirtualMachineId, VirtualMachineName, HostName), and reads the guest's `.kvp_pool_1`. Each rewrite goes to a
 * temporary file renamed into place, so the agent never reads a half-written pool.
 */
import { posix } from 'node:path';
import { GuestFailed } from '../../core/errors';
import { waitFor } from '../../core/wait';
import type { GuestChannel } from '../types';
import { type LibvirtContext, readDomain } from './context';
import { GuestFiles } from './guest-files';
import { GuestAgentUnavailable } from './virsh';
import { decodePool, encodePool, mergeItems, type PoolEntry } from '../../seal/kvp-pool-file';

/** How long a write waits for a running guest's agent to come up (a TCG guest boots in minutes). */
const AGENT_WAIT_MS = 10 * 60_000;

export class QemuAgentChannel implements GuestChannel {
  private readonly files: GuestFiles;
  private prepared = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: LibvirtContext,
    private readonly vmId: string,
  ) {
    this.files = new GuestFiles(ctx.host, vmId);
  }

  private pool(n: number): string {
    return posix.join(this.ctx.guestKvpDir, `.kvp_pool_${n}`);
  }

  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    return this.serial(async () => {
      try {
        // The agent waits for the host facts (pool 3) before it says hello, so they go out with the first read.
        await this.prepare();
        return new Map(decodePool((await this.files.read(this.pool(1))) ?? Buffer.alloc(0)));
      } catch (e) {
        // A guest still booting has said nothing yet; the caller's deadline decides when that is too long.
        if (e instanceof GuestAgentUnavailable) return new Map<string, string>();
        throw e;
      }
    });
  }

  async writeHostItems(items: readonly (readonly [key: string, value: string])[]): Promise<void> {
    if (items.length > 128) throw new GuestFailed('too_many_items', `at most 128 items per write, got ${items.length}`);
    // A guest that is still booting has no agent yet: host items wait for it (as Hyper-V's KVP waits for the
    // integration services), while a domain that is not running at all fails at once.
    await waitFor(
      () =>
        this.serial(async () => {
          await this.prepare();
          const current = await this.hostItems();
          await this.files.replace(this.pool(0), encodePool(mergeItems(current, items)));
          return true as const;
        }).catch(async (e: unknown) => {
          if (!(e instanceof GuestAgentUnavailable)) throw e;
          const state = (await this.ctx.host.virsh(['domstate', `--domain=${this.vmId}`]).catch(() => '')).trim();
          if (state !== 'running') throw e;
          return undefined;
        }),
      {
        timeoutMs: AGENT_WAIT_MS,
        clock: this.ctx.clock,
        initialDelayMs: 1_000,
        maxDelayMs: 5_000,
        what: `the QEMU guest agent of ${this.vmId}`,
      },
    );
  }

  async removeHostItems(keys: readonly string[]): Promise<void> {
    await this.serial(async () => {
      const drop = new Set(keys);
      const current = await this.hostItems();
      const next = current.filter(([k]) => !drop.has(k));
      if (next.length !== current.length) await this.files.replace(this.pool(0), encodePool(next));
    });
  }

  async listHostItems(): Promise<readonly string[]> {
    return this.serial(async () => {
      try {
        return (await this.hostItems()).map(([k]) => k);
      } catch (e) {
        if (e instanceof GuestAgentUnavailable) return [];
        throw e;
      }
    });
  }

  private async hostItems(): Promise<PoolEntry[]> {
    return decodePool((await this.files.read(this.pool(0))) ?? Buffer.alloc(0));
  }

  /** Creates the pool directory and publishes the host facts once per channel. */
  private async prepare(): Promise<void> {
    if (this.prepared) return;
    const made = await this.files.run(['/bin/mkdir', '-p', '-m', '0700', this.ctx.guestKvpDir]);
    if (made.exitCode !== 0)
      throw new GuestFailed(
        'kvp_dir_failed',
        `cannot create ${this.ctx.guestKvpDir} in the guest: ${made.stderr.trim()}`,
      );
    const { name, uuid } = await readDomain(this.ctx, this.vmId);
    const hostName = (await this.ctx.host.virsh(['hostname'])).trim();
    await this.files.replace(
      this.pool(3),
      encodePool([
        ['VirtualMachineId', uuid],
        ['VirtualMachineName', name],
        ['HostName', hostName],
        ['PhysicalHostName', hostName],
        ['PhysicalHostNameFullyQualified', hostName],
      ]),
      '0644',
    );
    this.prepared = true;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
