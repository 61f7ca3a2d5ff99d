/**
 * The driver table of module bundles (build/build.ts swaps it in for ./loaders): each driver is imported on first
 * use. esbuild keeps the import() targets in the same file, wrapped so that their code (and that of ssh2, xmlbuilder2,
 * fast-xml-parser behind them) runs only when the call needs it. Same shape as ./loaders (checked by a unit test).
 */
import type { driverLoaders as eagerLoaders } from './loaders';

export const driverLoaders: typeof eagerLoaders = {
  hyperv: () => import('./hyperv/index'),
  libvirt: () => import('./libvirt/connect'),
};
