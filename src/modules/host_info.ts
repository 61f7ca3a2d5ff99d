/** virtseal.core.host_info: facts about a hypervisor host and its image library. */
import { defineModule } from '../ansible/module';
import type { HostInfoOptions } from '../generated/host_info';
import schema from '../schemas/host_info.schema.json';
import { readHost } from '../services/host-info';
import { withSession } from '../services/module-session';

export default defineModule<HostInfoOptions>({
  name: 'host_info',
  schema,
  run: (ctx) => withSession(ctx, async ({ hv }) => ({ changed: false, ...(await readHost(hv)) })),
});
