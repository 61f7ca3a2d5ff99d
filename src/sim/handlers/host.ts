/** host-facts. */
import type { Handler } from './context';

export const hostHandlers: Record<string, Handler> = {
  'host-facts': (ctx, args) => {
    const h = ctx.registry.host;
    const paths = [h.virtualHardDiskPath, h.virtualMachinePath, ...((args.StoragePaths ?? []) as string[]).map(String)];
    return {
      hostname: h.name,
      version: h.osVersion,
      switches: ctx.registry.switches.map((s) => ({ name: s.name, type: s.type })),
      storage: [...new Set(paths)].filter((p) => p !== '').map((path) => ({ path, freeBytes: h.freeBytes, totalBytes: h.totalBytes })),
      cluster: h.cluster ? { name: h.cluster.name, nodes: [...h.cluster.nodes] } : null,
      vmCount: ctx.registry.vms.size,
      extra: {
        psVersion: '5.1.20348.2849',
        languageMode: 'FullLanguage',
        isAdmin: true,
        opensshVersion: '9.5.0.0',
        virtualHardDiskPath: h.virtualHardDiskPath,
        virtualMachinePath: h.virtualMachinePath,
        simulated: true,
      },
    };
  },
};
