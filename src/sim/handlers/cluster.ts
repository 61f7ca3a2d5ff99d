/** cluster-role through the simulated MSCluster provider. */
import { getVm, stop, str, type Handler } from './context';

export const clusterHandlers: Record<string, Handler> = {
  'cluster-role': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    if (!ctx.registry.host.cluster) stop('unsupported', 'this host is not a failover cluster node');
    const action = str(args, 'Action');
    if (action === 'add') vm.clustered = true;
    if (action === 'remove') vm.clustered = false;
    return { clustered: vm.clustered };
  },
};
