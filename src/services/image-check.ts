/**
 * Disks made from an image need that image in the host's library. A real run refuses a missing one with one line
 * naming the option. Check mode only warns: an earlier task of the same play (virtseal.core.image) may publish it, and
 * in check mode that task publishes nothing, so a missing image is the expected state there, not an error.
 */
import { NotFound } from '../core/errors';
import type { DiskSpec } from '../drivers/types';
import { withOptionNames } from './option-names';
import type { Session } from './session';

/** Names the option a disk's image came from: `image` for the OS disk of the vm module, `disks[i].image` else. */
export type ImageOptionOf = (disk: DiskSpec) => string;

export async function checkImages(
  session: Session,
  disks: readonly DiskSpec[],
  optionOf: ImageOptionOf,
  warn: (message: string) => void,
): Promise<void> {
  const asked = new Map<string, DiskSpec>();
  for (const disk of disks) if (disk.image && !asked.has(disk.image)) asked.set(disk.image, disk);
  for (const [image, disk] of asked) {
    const option = optionOf(disk);
    if (
      await withOptionNames(
        () => option,
        () => session.hv.images.findImage({ name: image }),
      )
    )
      continue;
    session.checkMode.unlessEarlierTask(
      new NotFound(
        `image '${image}' (option '${option}') is not in the host's image library; publish it first with virtseal.core.image`,
        { details: { option } },
      ),
      `image '${image}' (option '${option}') is not on the host yet: the real run fails unless an earlier task publishes it`,
      warn,
    );
  }
}
