/** Check mode for power: a dry run moves the recorded VM's state as the real call would. */
import type { Hypervisor } from '../types';
import type { Recorder } from './recorder';

export function powerOverlay(r: Recorder): Hypervisor['power'] {
  const { inner, act, nameOf, setState } = r;
  return {
    start: ({ id }) =>
      act(
        async () => `start VM '${await nameOf(id)}'`,
        () => inner.power.start({ id }),
        () => setState(id, 'running'),
      ),
    shutdown: (o) =>
      act(
        async () =>
          `shut down VM '${await nameOf(o.id)}'${o.force ? ', turning it off if the guest does not respond' : ''}`,
        () => inner.power.shutdown(o),
        async () => {
          await setState(o.id, 'off');
          return { forced: false };
        },
      ),
    turnOff: ({ id }) =>
      act(
        async () => `turn off VM '${await nameOf(id)}'`,
        () => inner.power.turnOff({ id }),
        () => setState(id, 'off'),
      ),
    restart: (o) =>
      act(
        async () => `restart VM '${await nameOf(o.id)}'`,
        () => inner.power.restart(o),
        () => setState(o.id, 'running'),
      ),
    save: ({ id }) =>
      act(
        async () => `save VM '${await nameOf(id)}'`,
        () => inner.power.save({ id }),
        () => setState(id, 'saved'),
      ),
  };
}
