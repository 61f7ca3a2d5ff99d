/** Host facts in one script run. */
import type { HostFacts } from '../types';
import type { HyperVSession } from './session';

interface RawFacts {
  readonly hostname: string;
  readonly version: string;
  readonly switches: { name: string; type: string }[];
  readonly storage: { path: string; freeBytes: number; totalBytes: number }[];
  readonly cluster: { name: string; nodes: string[] } | null;
  readonly vmCount: number;
  readonly extra: Record<string, unknown>;
}

export async function hostFacts(session: HyperVSession): Promise<HostFacts> {
  const raw = await session.run<RawFacts>('host-facts', { StoragePaths: [session.settings.imageLibraryPath] });
  return {
    hypervisor: 'hyperv',
    hostname: raw.hostname,
    version: raw.version,
    switches: raw.switches,
    storage: raw.storage,
    ...(raw.cluster ? { cluster: raw.cluster } : {}),
    vmCount: raw.vmCount,
    extra: { ...raw.extra, hostKeyFingerprint: session.connection.hostKeyFingerprint },
  };
}
