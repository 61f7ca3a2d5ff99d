/** virtseal.core.vm_info: read one VM or all VMs of a host. */
import { defineModule } from '../ansible/module';
import type { VmInfoOptions } from '../generated/vm_info';
import schema from '../schemas/vm_info.schema.json';
import { withSession } from '../services/module-session';
import { readVms } from '../services/vm-info';

export default defineModule<VmInfoOptions>({
  name: 'vm_info',
  schema,
  run: (ctx) =>
    withSession(ctx, async ({ hv }) => ({
      changed: false,
      ...(await readVms(hv, { name: ctx.options.name, tags: ctx.options.tags })),
    })),
});
