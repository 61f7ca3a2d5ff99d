import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { decide } from '../../../src/netbox/map-event';
import { buildMapping } from '../../../src/netbox/mapping';
import { parseEvent } from '../../../src/netbox/payload';

/** Bodies built from NetBox's own webhook and serializer code per release (fixtures/netbox/versions/README.md). */
const VERSIONS = ['3.7', '4.0', '4.1', '4.2', '4.3', '4.4', '4.5', '4.6'] as const;
const bodies = (v: string): any[] =>
  JSON.parse(readFileSync(new URL(`../../fixtures/netbox/versions/netbox-${v}.json`, import.meta.url), 'utf8'));

const mapping = buildMapping({
  cluster_hosts: { 'hv-cluster-01': 'hv01.example.net' },
  platform_images: { 'ubuntu-24-04': 'ubuntu-2404' },
});

function launch(body: unknown) {
  const d = decide(mapping, parseEvent(body));
  if (d.kind !== 'launch') throw new Error(`ignored: ${d.reason}`);
  return d.plan;
}

describe('netbox payloads of every release', () => {
  for (const v of VERSIONS) {
    describe(`NetBox ${v}`, () => {
      const [created, started, stopped, deleted] = bodies(v);

      it('creates the VM from object created (active), disk read in the release’s unit', () => {
        const p = launch(created);
        expect(p).to.deep.include({ action: 'create', vmName: 'web-01', objectId: 42 });
        expect(p.extraVars).to.deep.include({
          vm_name: 'web-01',
          vm_host: 'hv01.example.net',
          vm_image: 'ubuntu-2404',
          vm_cpu_count: 4,
          vm_memory_mb: 8192,
          vm_disk_gb: 80,
          vm_ipv4_address: '10.20.30.41/24',
          vm_tags: 'managed-by-ansible',
          vm_start: 'yes',
        });
      });

      it('starts the VM on staged → active and stops it on active → offline', () => {
        expect(launch(started)).to.deep.include({ action: 'start', vmName: 'web-01', objectId: 42 });
        expect(launch(stopped)).to.deep.include({ action: 'stop', vmName: 'web-01', objectId: 42 });
      });

      it('deletes the VM on object deleted, with the confirmation filled', () => {
        const p = launch(deleted);
        expect(p).to.deep.include({ action: 'delete', vmName: 'web-01', objectId: 42 });
        expect(p.extraVars).to.deep.include({ vm_name: 'web-01', vm_delete_confirm: 'web-01' });
      });

      it('keeps the VM name when the event rule’s action_data carries a clashing key', () => {
        expect(created.data.name).to.equal('web-01');
        expect(parseEvent(created).objectType).to.equal('virtualization.virtualmachine');
      });
    });
  }
});
