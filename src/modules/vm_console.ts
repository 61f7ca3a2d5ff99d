/** virtseal.core.vm_console: how a person reaches a VM's console (reads only). */
import { defineModule } from '../ansible/module';
import type { VmConsoleOptions } from '../generated/vm_console';
import schema from '../schemas/vm_console.schema.json';
import { resolveConnection } from '../services/connection';
import { withSession } from '../services/module-session';
import { describeConsole } from '../services/vm-console';

export default defineModule<VmConsoleOptions>({
  name: 'vm_console',
  schema,
  run: (ctx) =>
    withSession(ctx, async ({ hv }) => ({
      changed: false,
      ...(await describeConsole(hv, ctx.options.name, resolveConnection(ctx.options).connection.ssh?.host ?? 'local')),
    })),
});
