/** virtseal.core.disk: add, grow or remove one disk of a VM. */
import { defineModule } from '../ansible/module';
import type { DiskOptions } from '../generated/disk';
import schema from '../schemas/disk.schema.json';
import { ensureDisk } from '../services/disk';
import { withSession } from '../services/module-session';

export default defineModule<DiskOptions>({
  name: 'disk',
  schema,
  run: (ctx) => withSession(ctx, (session) => ensureDisk(session, ctx.options, ctx.warn)),
});
