/** virtseal.core.guest_config: send a VM its configuration through the sealed exchange and wait for the outcome. */
import { defineModule } from '../ansible/module';
import type { GuestConfigOptions } from '../generated/guest_config';
import schema from '../schemas/guest_config.schema.json';
import { guestConfigSecrets } from '../seal/guest-config';
import { configureGuest } from '../services/guest-config';
import { withSession } from '../services/module-session';

export default defineModule<GuestConfigOptions>({
  name: 'guest_config',
  schema,
  argsOffDisk: true,
  run: (ctx) => {
    const { options } = ctx;
    guestConfigSecrets(options.config).forEach((s) => ctx.addSecret(s));
    return withSession(ctx, (session) =>
      configureGuest(session, {
        vm: options.vm,
        config: options.config,
        media: options.media,
        start: options.start ?? true,
        force: options.force ?? false,
        timeoutMs: (options.timeout ?? 900) * 1000,
      }),
    );
  },
});
