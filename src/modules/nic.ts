/** virtseal.core.nic: add, change or remove one network adapter of a VM. */
import { defineModule } from '../ansible/module';
import type { NicOptions } from '../generated/nic';
import schema from '../schemas/nic.schema.json';
import { withSession } from '../services/module-session';
import { ensureNic } from '../services/nic';

export default defineModule<NicOptions>({
  name: 'nic',
  schema,
  run: (ctx) => withSession(ctx, (session) => ensureNic(session, ctx.options, ctx.warn)),
});
