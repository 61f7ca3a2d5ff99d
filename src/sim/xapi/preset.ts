/**
 * The standard fake pool: one XCP-ng 8.3 host (xapi 26.4, API 2.21) that is the pool master, a default file-based
 * SR (`ext`, so clones are copy-on-write), and the network `LAN` on bridge xenbr0.
 */
import type { XapiState } from './state';

export interface XapiPreset {
  readonly networkName: string;
  readonly srName: string;
  readonly hostName: string;
}

export const STANDARD_PRESET: XapiPreset = { networkName: 'LAN', srName: 'Local storage', hostName: 'xcp-sim-01' };

export function populate(s: XapiState, p: XapiPreset = STANDARD_PRESET): void {
  const GiB = 1024 ** 3;
  const metrics = s.db.create('host_metrics', { memory_total: 64 * GiB, memory_free: 48 * GiB, live: true });
  const host = s.db.create('host', {
    name_label: p.hostName,
    hostname: p.hostName,
    address: '127.0.0.1',
    enabled: true,
    metrics,
    API_version_major: 2,
    API_version_minor: 21,
    API_version_vendor: 'XenSource',
    software_version: {
      product_brand: 'XCP-ng',
      product_version: '8.3.0',
      platform_version: '3.4.0',
      xapi: '26.4',
      xen: '4.17.5',
    },
    cpu_info: { cpu_count: '16', socket_count: '1', vendor: 'GenuineIntel', modelname: 'Simulated CPU' },
  });
  const sr = s.db.create('SR', {
    name_label: p.srName,
    type: 'ext',
    content_type: 'user',
    physical_size: 2048 * GiB,
    physical_utilisation: 0,
    shared: false,
    allowed_operations: ['vdi_create', 'vdi_destroy', 'vdi_clone', 'vdi_snapshot', 'vdi_resize'],
  });
  s.db.create('PBD', { host, SR: sr, currently_attached: true, device_config: { device: '/dev/sdb' } });
  s.db.update(sr, { PBDs: s.db.all('PBD').map(([r]) => r) });
  s.db.create('pool', {
    name_label: 'sim-pool',
    master: host,
    default_SR: sr,
    suspend_image_SR: sr,
    crash_dump_SR: sr,
  });
  s.db.create('network', { name_label: p.networkName, bridge: 'xenbr0', MTU: 1500, managed: true });
}
