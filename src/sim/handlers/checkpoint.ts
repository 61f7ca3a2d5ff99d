/** checkpoint-list, -create, -apply, -remove. A checkpoint keeps a copy of the VM's configuration and state. */
import { randomUUID } from 'node:crypto';
import type { SimVm } from '../registry';
import { getVm, stop, str, type Handler, type SimContext } from './context';

function snapshotOf(vm: SimVm): string {
  const { kvpHost: _h, kvpGuest: _g, intrinsic: _i, checkpoints: _c, ...rest } = vm;
  return JSON.stringify(rest);
}

function info(c: SimVm['checkpoints'][number]): Record<string, unknown> {
  return { id: c.id, name: c.name, createdAt: c.createdAt, parentId: c.parentId };
}

function find(vm: SimVm, name: string): SimVm['checkpoints'][number] {
  const c = vm.checkpoints.find((x) => x.name === name);
  if (!c) stop('not_found', `no checkpoint named ${name}`);
  return c;
}

export const checkpointHandlers: Record<string, Handler> = {
  'checkpoint-list': (ctx, args) => ({ checkpoints: getVm(ctx, str(args, 'Id')).checkpoints.map(info) }),
  'checkpoint-create': (ctx: SimContext, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const name = str(args, 'Name');
    if (vm.checkpoints.some((c) => c.name === name)) stop('conflict', `checkpoint ${name} already exists`);
    const parent = vm.checkpoints[vm.checkpoints.length - 1];
    const c = { id: randomUUID(), name, createdAt: new Date(ctx.clock.now()).toISOString(), parentId: parent?.id ?? '', snapshot: snapshotOf(vm) };
    vm.checkpoints.push(c);
    return info(c);
  },
  'checkpoint-apply': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const c = find(vm, str(args, 'Name'));
    const saved = JSON.parse(c.snapshot) as Partial<SimVm>;
    if (vm.state === 'Running') ctx.guests.halt(vm);
    Object.assign(vm, saved, { state: saved.state === 'Running' ? 'Saved' : saved.state });
    return { applied: c.name, state: vm.state };
  },
  'checkpoint-remove': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const c = find(vm, str(args, 'Name'));
    vm.checkpoints = vm.checkpoints.filter((x) => x !== c);
    return { removed: c.name };
  },
};
