/** Ensure one disk of a VM: added (new, from an image, or an existing file), grown, or removed. */
import { InvalidArgument } from '../core/errors';
import { gibibytes } from '../core/units';
import type { DiskSpec } from '../drivers/types';
import type { ConnectionOptions } from '../generated/fragment-connection';
import type { DiskOptions } from '../generated/disk';
import { checkImages } from './image-check';
import { deviceOptionOf, withOptionNames } from './option-names';
import type { Session } from './session';
import { requireVm } from './vm-lookup';
import { diskView, type DiskView } from './vm-view';

/** The disk module's options (generated from its schema), less the connection. */
export type DiskRequest = Omit<DiskOptions, keyof ConnectionOptions>;

export interface DiskResult {
  readonly changed: boolean;
  readonly disk?: DiskView;
  readonly changes: readonly string[];
  readonly diff: {
    readonly before: DiskView | Record<string, never>;
    readonly after: DiskView | Record<string, never>;
  };
  readonly msg: string;
}

export async function ensureDisk(
  session: Session,
  request: DiskRequest,
  warn: (m: string) => void,
): Promise<DiskResult> {
  const { hv } = session;
  const vm = await requireVm(hv, request.vm);
  const before = vm.disks.find((d) => d.name === request.name);
  let after = before;
  if ((request.state ?? 'present') === 'absent') {
    if (before) {
      await withOptionNames(deviceOptionOf, () =>
        hv.disks.removeDisk({
          vmId: vm.id,
          name: request.name,
          deleteFile: (request.delete_file ?? true) && before.owned,
        }),
      );
    }
    after = undefined;
  } else if (!before) {
    if (!request.image && !request.path && request.size_gb === undefined) {
      throw new InvalidArgument(
        `disk '${request.name}' does not exist yet: give 'size_gb', 'image' or 'path'`,
        'size_gb',
      );
    }
    const spec: DiskSpec = {
      name: request.name,
      ...(request.image !== undefined && { image: request.image, clone: request.clone ?? 'differencing' }),
      ...(request.path !== undefined && { path: request.path }),
      ...(request.size_gb !== undefined && { sizeBytes: gibibytes(request.size_gb) }),
    };
    await checkImages(session, [spec], () => 'image', warn);
    after = await withOptionNames(deviceOptionOf, () => hv.disks.addDisk({ vmId: vm.id, disk: spec }));
  } else if (request.size_gb !== undefined) {
    const wanted = gibibytes(request.size_gb);
    if (wanted > before.sizeBytes)
      after = await withOptionNames(deviceOptionOf, () =>
        hv.disks.resizeDisk({ vmId: vm.id, name: request.name, sizeBytes: wanted }),
      );
    else if (wanted < before.sizeBytes)
      warn(`disk '${request.name}' is larger than ${request.size_gb} GiB; disks never shrink`);
  }
  const changes = [...hv.changes];
  return {
    changed: changes.length > 0,
    ...(after && { disk: diskView(after) }),
    changes,
    diff: { before: before ? diskView(before) : {}, after: after ? diskView(after) : {} },
    msg: changes.length ? changes.join('; ') : `disk '${request.name}' of VM '${request.vm}' is already as asked`,
  };
}
