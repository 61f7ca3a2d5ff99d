/** virtseal.core.checkpoint: create, apply or remove a VM checkpoint. */
import { defineModule } from '../ansible/module';
import type { CheckpointOptions } from '../generated/checkpoint';
import schema from '../schemas/checkpoint.schema.json';
import { ensureCheckpoint } from '../services/checkpoint';
import { withSession } from '../services/module-session';

export default defineModule<CheckpointOptions>({
  name: 'checkpoint',
  schema,
  run: (ctx) => withSession(ctx, (session) => ensureCheckpoint(session, ctx.options)),
});
