/**
 * virtseal.core.ping: proves a host runs virtseal modules; also the runtime's test module (check mode, diff,
 * no_log, warnings, failure).
 */
import { VirtsealError } from '../core/errors';
import { defineModule } from '../ansible/module';
import type { PingOptions } from '../generated/ping';
import schema from '../schemas/ping.schema.json';

export default defineModule<PingOptions>({
  name: 'ping',
  schema,
  async run(ctx) {
    const { options } = ctx;
    const data = options.data ?? 'pong';
    if (data === 'crash') throw new Error('boom: crash requested through the data option');
    for (const w of options.warnings ?? []) ctx.warn(w);
    if (options.fail) throw new VirtsealError('ping_failed', options.fail_msg ?? 'ping failed as requested');
    const changed = options.changed === true;
    const result = {
      changed,
      ping: data,
      pings: Array.from({ length: options.count ?? 1 }, () => data),
      changes: changed ? [`${ctx.check ? 'would set' : 'set'} data to ${data}`] : [],
      ...(options.secret !== undefined ? { secret_length: options.secret.length } : {}),
      ...(changed && ctx.diff
        ? { diff: { before: 'pong\n', after: `${data}\n`, before_header: 'data', after_header: 'data' } }
        : {}),
      ...(options.mode === 'verbose'
        ? {
            runtime: {
              node: process.version,
              check_mode: ctx.check,
              diff_mode: ctx.diff,
              verbosity: ctx.verbosity,
              module_name: ctx.moduleName,
            },
          }
        : {}),
    };
    ctx.debug(`ping returns ${result.pings.length} item(s)`);
    return result;
  },
});
