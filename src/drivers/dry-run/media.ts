/** Check mode for media: the recorded VM's DVD follows attach and detach. */
import type { Hypervisor } from '../types';
import type { Recorder } from './recorder';

export function mediaOverlay(r: Recorder): Hypervisor['media'] {
  const { inner, act, nameOf, patch } = r;
  return {
    attachIso: (o) =>
      act(
        async () => `attach ISO ${o.path} to VM '${await nameOf(o.vmId)}'`,
        () => inner.media.attachIso(o),
        () => patch(o.vmId, (vm) => ({ ...vm, dvd: o.path })),
      ),
    detachIso: (o) =>
      act(
        async () => `detach ISO from VM '${await nameOf(o.vmId)}'`,
        () => inner.media.detachIso(o),
        () => patch(o.vmId, (vm) => ({ ...vm, dvd: undefined })),
      ),
  };
}
