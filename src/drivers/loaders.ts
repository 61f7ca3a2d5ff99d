/**
 * How createHypervisor reaches each driver implementation. This file imports them statically (tests, CLI, dev runs:
 * a dynamic import() would load a second copy of core/errors when a test runs under CommonJS, and `instanceof
 * VirtsealError` would then fail at the module boundary). Module bundles get ./loaders-lazy instead (build/build.ts),
 * where the same table uses import(): inside one bundle that is the same single copy, evaluated on first use, so a
 * Hyper-V call never evaluates the libvirt driver and a bad-argument call evaluates neither, nor ssh2.
 */
import * as hyperv from './hyperv/index';
import * as libvirt from './libvirt/connect';

export const driverLoaders = {
  hyperv: async (): Promise<typeof hyperv> => hyperv,
  libvirt: async (): Promise<typeof libvirt> => libvirt,
};
