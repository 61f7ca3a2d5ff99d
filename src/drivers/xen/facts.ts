/** Pool and host facts for host_info and the dynamic inventory: versions, networks, SR space, VM count. */
import type { HostFacts } from '../types';
import type { XenContext } from './context';

export async function hostFacts(ctx: XenContext): Promise<HostFacts> {
  const c = ctx.client;
  const pool = Object.values(await c.call('pool.get_all_records'))[0];
  const hosts = await c.call('host.get_all_records');
  const master = pool ? hosts[pool.master] : Object.values(hosts)[0];
  const srs = Object.values(await c.call('SR.get_all_records')).filter(
    (s) => s.content_type !== 'iso' && s.physical_size > 0,
  );
  const networks = Object.values(await c.call('network.get_all_records'));
  const vms = Object.values(await c.call('VM.get_all_records')).filter(
    (v) => !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain,
  );
  const sv = master?.software_version ?? {};
  const memory =
    master && master.metrics !== 'OpaqueRef:NULL'
      ? await c.call('host_metrics.get_record', master.metrics).catch(() => undefined)
      : undefined;
  const hostNames = Object.values(hosts)
    .map((h) => h.name_label)
    .sort();
  return {
    hypervisor: 'xen',
    hostname: master?.hostname ?? master?.name_label ?? '',
    version: `${sv.product_brand ?? 'Xen'} ${sv.product_version ?? ''}`.trim(),
    switches: networks.map((n) => ({ name: n.name_label, type: n.bridge ? `bridge:${n.bridge}` : 'network' })),
    storage: srs.map((s) => ({
      path: s.name_label,
      freeBytes: Math.max(0, s.physical_size - s.physical_utilisation),
      totalBytes: s.physical_size,
    })),
    ...(pool && hostNames.length > 1 ? { cluster: { name: pool.name_label, nodes: hostNames } } : {}),
    vmCount: vms.length,
    extra: {
      pool: pool?.name_label ?? '',
      master: master?.name_label ?? '',
      xapiUrl: c.masterUrl,
      apiVersion: master ? `${master.API_version_major}.${master.API_version_minor}` : '',
      xapi: sv.xapi ?? '',
      xen: sv.xen ?? '',
      ...(memory ? { memoryTotalBytes: memory.memory_total, memoryFreeBytes: memory.memory_free } : {}),
      haEnabled: pool?.ha_enabled ?? false,
    },
  };
}
