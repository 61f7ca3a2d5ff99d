/** dvd-set. */
import { getVm, stop, str, type Handler } from './context';

export const mediaHandlers: Record<string, Handler> = {
  'dvd-set': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const path = str(args, 'Path');
    if (path !== '' && !ctx.files.exists(path)) stop('not_found', `ISO ${path} does not exist on the host`);
    vm.dvd = path;
    return { path };
  },
};
