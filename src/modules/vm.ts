/** virtseal.core.vm: ensure a VM's existence, configuration and power state. */
import { defineModule } from '../ansible/module';
import type { VmOptions } from '../generated/vm';
import schema from '../schemas/vm.schema.json';
import { withSession } from '../services/module-session';
import { vmDesiredFromOptions } from '../services/vm-desired';
import { ensureVm } from '../services/vm-state';

export default defineModule<VmOptions>({
  name: 'vm',
  schema,
  run: (ctx) => withSession(ctx, (session) => ensureVm(session, vmDesiredFromOptions(ctx.options), ctx)),
});
