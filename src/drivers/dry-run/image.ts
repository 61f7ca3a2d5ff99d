/** Check mode for images: reads pass through; a dry-run publish returns the image it would make. */
import type { Hypervisor, ImageKind, StreamPublishOptions } from '../types';
import type { Recorder } from './recorder';

export function imagesOverlay(r: Recorder): Hypervisor['images'] {
  const { inner, act, live } = r;
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
    ...(inner.images.removeImage && {
      removeImage: (o: { readonly name: string; readonly kind: ImageKind }) =>
        act(
          `remove ${o.kind === 'iso' ? 'ISO' : 'image'} '${o.name}' from the library`,
          () => inner.images.removeImage!(o),
          async () => true,
        ),
    }),
    // A stream is a download under way: check mode does not start one, so it offers none and the image service
    // takes the staged path, which reads the source and records the publish it would make.
    ...(live &&
      inner.images.publishImageStream && {
        publishImageStream: (o: StreamPublishOptions) =>
          act(
            `publish image '${o.name}' as it downloads`,
            () => inner.images.publishImageStream!(o),
            async () => {
              throw new Error('check mode streams nothing');
            },
          ),
      }),
  };
}
