/** virtseal.core.guest_config: send a VM its configuration through the sealed exchange and wait for the outcome. */
import { defineModule } from '../ansible/module';
import type { GuestConfigOptions } from '../generated/guest_config';
import schema from '../schemas/guest_config.schema.json';
import { guestConfigSecrets, type GuestConfig } from '../seal/guest-config';
import { assertGuestConfig } from '../seal/guest-config-validate';
import { hlvmmV1Data } from '../seal/hlvmm-v1/data';
import { parseSenderKey } from '../seal/sender';
import { configureGuest } from '../services/guest-config';
import { withSession } from '../services/module-session';

export default defineModule<GuestConfigOptions>({
  name: 'guest_config',
  schema,
  argsOffDisk: true,
  run: (ctx) => {
    const { options } = ctx;
    for (const s of guestConfigSecrets(options.config)) ctx.addSecret(s);
    // Every semantic check runs before the host is touched: a bad address must not start the VM first.
    const { protocol, ...config } = options.config as GuestConfig & { protocol?: string };
    assertGuestConfig(config as GuestConfig, 'config');
    if (protocol === 'hlvmm-v1') hlvmmV1Data(options.config as GuestConfig, 'config');
    const senderKey = options.sender_key ? parseSenderKey(options.sender_key, 'sender_key') : undefined;
    return withSession(
      ctx,
      (session) =>
        configureGuest(session, {
          vm: options.vm,
          config: options.config,
          media: options.media,
          start: options.start ?? true,
          force: options.force ?? false,
          timeoutMs: (options.timeout ?? 900) * 1000,
        }),
      { senderKey },
    );
  },
});
