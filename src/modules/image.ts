/** virtseal.core.image: publish a golden image (or an ISO, such as the guest-agent media) to one or more hosts. */
import { defineModule } from '../ansible/module';
import type { ImageOptions } from '../generated/image';
import schema from '../schemas/image.schema.json';
import { publishImage } from '../services/image';
import { openSession, toModuleResult } from '../services/module-session';
import type { Session } from '../services/session';

export default defineModule<ImageOptions>({
  name: 'image',
  schema,
  async run(ctx) {
    const { options } = ctx;
    const hostNames = options.hosts?.length ? options.hosts : [undefined];
    const targets: { host: string; session: Session }[] = [];
    try {
      for (const name of hostNames) {
        const session = await openSession(ctx, options, name);
        targets.push({ host: name ?? options.host ?? process.env.VIRTSEAL_HOST ?? '', session });
      }
      return toModuleResult(
        await publishImage(targets, {
          name: options.name,
          src: options.src,
          ...(options.sha256 !== undefined && { sha256: options.sha256 }),
          ...(options.checksum !== undefined && { checksum: options.checksum }),
          ...(options.validate_certs !== undefined && { validateCerts: options.validate_certs }),
          ...(options.kind !== undefined && { kind: options.kind }),
          ...(options.stream !== undefined && { stream: options.stream }),
        }),
      );
    } finally {
      await Promise.all(targets.map((t) => t.session.close().catch(() => undefined)));
    }
  },
});
