/** Check mode for images: reads pass through; a dry-run publish returns the image it would make. */
import type { Hypervisor } from '../types';
import type { Recorder } from './recorder';

export function imagesOverlay(r: Recorder): Hypervisor['images'] {
  const { inner, act } = r;
  return {
    listImages: () => inner.images.listImages(),
    findImage: (o) => inner.images.findImage(o),
    publishImage: (o) =>
      act(
        `publish image '${o.name}' from ${o.localPath}`,
        () => inner.images.publishImage(o),
        async () => ({
          image: { name: o.name, path: `(library)/${o.name}`, sha256: o.sha256 ?? '', sizeBytes: 0 },
          skipped: false,
          resumedFromBytes: 0,
          sentBytes: 0,
        }),
      ),
  };
}
