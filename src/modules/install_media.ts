/** virtseal.core.install_media: net-install answers without secrets, their seed volume and kernel command line. */
import { defineModule } from '../ansible/module';
import type { InstallMediaOptions } from '../generated/install_media';
import type { InstallConfig } from '../install/answers';
import schema from '../schemas/install_media.schema.json';
import { toModuleResult, withSession } from '../services/module-session';
import { installMedia, validateRequest, type InstallMediaRequest } from '../services/install-media';

export default defineModule<InstallMediaOptions>({
  name: 'install_media',
  schema,
  run: async (ctx) => {
    const { options } = ctx;
    const request: InstallMediaRequest = {
      installer: options.installer,
      config: options.config as InstallConfig,
      ...(options.sender_public_key !== undefined && { senderPublicKey: options.sender_public_key }),
      dest: options.dest,
      ...(options.vm !== undefined && { vm: options.vm }),
      ...(options.media_path !== undefined && { mediaPath: options.media_path }),
      check: ctx.check,
    };
    // Every option is checked before a host is contacted or a file written.
    validateRequest(request);
    if (request.vm === undefined) return toModuleResult(await installMedia(request));
    return withSession(ctx, (session) => installMedia(request, session));
  },
});
