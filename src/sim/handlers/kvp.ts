/** kvp-set and kvp-read against the registry's pools; items come back as Msvm_KvpExchangeDataItem CIM-XML. */
import { getVm, list, stop, str, type Handler } from './context';

/** XML character data: markup characters become entities, so a value can never become markup; CR is written as a
 * character reference because XML parsers normalise a literal CR LF to LF. */
function xmlEscape(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' })[c]!);
}

/** The CIM-XML text Hyper-V returns for one data item. */
export function kvpItemXml(name: string, data: string, source: number): string {
  const prop = (n: string, type: string, value: string): string =>
    `<PROPERTY NAME="${n}" PROPAGATED="true" TYPE="${type}"><VALUE>${xmlEscape(value)}</VALUE></PROPERTY>`;
  return `<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">${prop('Caption', 'string', '')}${prop('Data', 'string', data)}${prop('Description', 'string', '')}${prop('ElementName', 'string', '')}${prop('Name', 'string', name)}${prop('Source', 'uint16', String(source))}</INSTANCE>`;
}
export const kvpHandlers: Record<string, Handler> = {
  'kvp-set': async (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    if (!vm.kvpIntegration) stop('kvp_failed', 'AddKvpItems returned 32775');
    const items = list(args, 'Items').map((i) => ({ name: str(i, 'name'), data: str(i, 'data') }));
    const added = items.filter((i) => !vm.kvpHost.has(i.name));
    const present = items.filter((i) => vm.kvpHost.has(i.name));
    // One WMI call (and job) per 128 items, as the script batches them.
    const calls = (n: number): number => Math.ceil(n / 128);
    const batches = str(args, 'Action') === 'upsert' ? calls(added.length) + calls(present.length) : calls(present.length);
    for (let b = 0; b < batches; b += 1) await ctx.jobs.run('kvp', vm.id, ctx.timings.kvpJobMs);
    if (str(args, 'Action') === 'upsert') {
      for (const i of items) vm.kvpHost.set(i.name, i.data);
      ctx.guests.hostItemsChanged(vm);
      return { added: added.length, modified: present.length, removed: 0 };
    }
    for (const i of present) vm.kvpHost.delete(i.name);
    ctx.guests.hostItemsChanged(vm);
    return { added: 0, modified: 0, removed: present.length };
  },
  'kvp-read': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    ctx.guests.refresh(vm);
    const running = vm.state === 'Running';
    return {
      host: args.IncludeHost === false ? [] : [...vm.kvpHost].map(([k, v]) => kvpItemXml(k, v, 0)),
      guest: running ? [...vm.kvpGuest].map(([k, v]) => kvpItemXml(k, v, 1)) : [],
      intrinsic: running ? [...vm.intrinsic].map(([k, v]) => kvpItemXml(k, v, 2)) : [],
    };
  },
};
