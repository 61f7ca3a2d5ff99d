/** Facts about a hypervisor host and its image library, in the module's snake_case. */
import type { Hypervisor } from '../drivers/types';

export interface HostInfoResult {
  readonly host: {
    readonly hypervisor: string;
    readonly hostname: string;
    readonly version: string;
    readonly switches: readonly { readonly name: string; readonly type: string }[];
    readonly storage: readonly { readonly path: string; readonly free_bytes: number; readonly total_bytes?: number }[];
    readonly cluster?: { readonly name: string; readonly nodes: readonly string[] };
    readonly vm_count: number;
    readonly extra: Readonly<Record<string, unknown>>;
  };
  readonly images: readonly {
    readonly name: string;
    readonly path: string;
    readonly sha256: string;
    readonly size_bytes: number;
  }[];
}

export async function readHost(hv: Hypervisor): Promise<HostInfoResult> {
  const facts = await hv.facts();
  const images = await hv.images.listImages();
  return {
    host: {
      hypervisor: facts.hypervisor,
      hostname: facts.hostname,
      version: facts.version,
      switches: facts.switches.map((s) => ({ name: s.name, type: s.type })),
      storage: facts.storage.map((s) => ({
        path: s.path,
        free_bytes: s.freeBytes,
        ...(s.totalBytes !== undefined && { total_bytes: s.totalBytes }),
      })),
      ...(facts.cluster && { cluster: { name: facts.cluster.name, nodes: [...facts.cluster.nodes] } }),
      vm_count: facts.vmCount,
      extra: facts.extra,
    },
    images: images.map((i) => ({ name: i.name, path: i.path, sha256: i.sha256, size_bytes: i.sizeBytes })),
  };
}
