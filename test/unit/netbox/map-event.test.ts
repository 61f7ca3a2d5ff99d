import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { decide, type LaunchPlan, MappingError } from '../../../src/netbox/map-event';
import { buildMapping } from '../../../src/netbox/mapping';
import { parseEvent } from '../../../src/netbox/payload';

const fixture = () =>
  JSON.parse(
    readFileSync(new URL('../../fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url), 'utf8'),
  );

/** The fixture turned into another transition: `from` null = a create (no prechange). */
function transition(from: string | null, to: string, event = from === null ? 'created' : 'updated') {
  const b = fixture();
  b.event = event;
  b.data.status = { value: to, label: to };
  b.snapshots.prechange = from === null ? null : { ...b.snapshots.prechange, status: from };
  b.snapshots.postchange = event === 'deleted' ? null : { ...b.snapshots.postchange, status: to };
  return b;
}

function plan(body: unknown, doc: unknown = {}): LaunchPlan {
  const d = decide(buildMapping(doc), parseEvent(body));
  if (d.kind !== 'launch') throw new Error(`ignored: ${d.reason}`);
  return d.plan;
}

function ignored(body: unknown, doc: unknown = {}): string {
  const d = decide(buildMapping(doc), parseEvent(body));
  if (d.kind !== 'ignore') throw new Error(`launched ${d.plan.action}`);
  return d.reason;
}

describe('netbox/map-event', () => {
  it('maps the real staged → active update to start with the common variables only', () => {
    const p = plan(fixture(), { targets: { start: { job_template: 22 } } });
    expect(p).to.deep.include({
      action: 'start',
      vmName: 'web-01',
      objectId: 42,
      jobTemplate: 22,
      playbook: 'playbooks/start.yml',
    });
    expect(p.extraVars).to.deep.equal({
      vm_hypervisor: 'hyperv',
      vm_name: 'web-01',
      vm_host: 'hv-cluster-01',
      vm_owner: 'netbox/vm/42',
    });
  });

  it('maps a staged VM to create, powered off, with sizes, image, address, tags and custom fields', () => {
    const p = plan(transition('planned', 'staged'), {
      cluster_hosts: { 'hv-cluster-01': 'hv01.example.net' },
      custom_fields: { vm_vlan_id: 'hyperv_generation' },
    });
    expect(p.action).to.equal('create');
    expect(p.extraVars).to.deep.equal({
      // the required survey answers AWX's launch form would fill in
      vm_cluster_role: 'no',
      vm_generation: 2,
      vm_network: 'LAN',
      vm_secure_boot: 'MicrosoftUEFICertificateAuthority',
      vm_tpm: 'no',
      vm_hypervisor: 'hyperv',
      vm_name: 'web-01',
      vm_host: 'hv01.example.net',
      vm_image: 'ubuntu-24-04',
      vm_cpu_count: 4,
      vm_memory_mb: 8192,
      vm_disk_gb: 80, // 81920 MB from a 4.6 payload
      vm_ipv4_address: '10.20.30.41/24',
      vm_tags: 'managed-by-ansible',
      vm_vlan_id: 2,
      vm_owner: 'netbox/vm/42', // the NetBox object the VM records as its owner
      vm_start: 'no',
    });
  });

  it('creates and starts a VM created active; planned VMs cost nothing', () => {
    expect(plan(transition(null, 'active')).extraVars.vm_start).to.equal('yes');
    expect(ignored(transition(null, 'planned'))).to.contain('no rule for created');
  });

  it('stops on active → offline and deletes on deletion, confirming the name', () => {
    expect(plan(transition('active', 'offline')).action).to.equal('stop');
    const del = plan(transition('offline', 'offline', 'deleted'));
    expect(del.action).to.equal('delete');
    expect(del.extraVars).to.deep.include({ vm_name: 'web-01', vm_delete_confirm: 'web-01' });
    expect(del.extraVars).not.to.have.property('vm_memory_mb');
    expect(ignored(transition('planned', 'planned', 'deleted'))).to.contain('no rule for deleted');
  });

  it('ignores updates that leave the status alone', () => {
    expect(ignored(transition('active', 'active'))).to.equal('status unchanged (active)');
  });

  it('reads disk as GB from a pre-4.1 `model` payload, and as configured otherwise', () => {
    const old = transition(null, 'staged');
    old.model = 'virtualmachine';
    delete old.object_type;
    delete old.data.display_url;
    old.data.disk = 80;
    expect(plan(old).extraVars.vm_disk_gb).to.equal(80);
    old.data.disk = 81920;
    expect(plan(old, { netbox_version: '4.2' }).extraVars.vm_disk_gb).to.equal(80);
    expect(plan(old, { disk_unit: 'mb' }).extraVars.vm_disk_gb).to.equal(80);
  });

  it('rounds fractional vCPUs up and accepts the snapshot-style decimal string', () => {
    const b = transition(null, 'staged');
    b.data.vcpus = '1.50';
    expect(plan(b).extraVars.vm_cpu_count).to.equal(2);
  });

  it('prefers the image custom field, then the platform table, then the slug', () => {
    expect(plan(transition(null, 'staged'), { image_custom_field: 'os_template' }).extraVars.vm_image).to.equal(
      'ubuntu-24.04',
    );
    expect(
      plan(transition(null, 'staged'), { platform_images: { 'ubuntu-24-04': 'noble' } }).extraVars.vm_image,
    ).to.equal('noble');
  });

  it('layers defaults < VM < rule extras, and drops variables the action does not take', () => {
    const p = plan(transition('active', 'offline'), {
      defaults: { vm_network: 'LAN', vm_host: 'fallback' },
      rules: [
        { event: 'updated', to: ['offline'], action: 'stop', extra_vars: { vm_force: 'yes', vm_host: 'override' } },
      ],
    });
    expect(p.extraVars).to.deep.equal({
      vm_hypervisor: 'hyperv',
      vm_name: 'web-01',
      vm_host: 'override',
      vm_force: 'yes',
      vm_owner: 'netbox/vm/42',
    });
  });

  it('maps a VM in a Xen pool cluster to vm_hypervisor xen and the pool master; others keep the default', () => {
    const xenPool = {
      cluster_hosts: { 'hv-cluster-01': 'xcp-master.example.net' },
      cluster_hypervisors: { 'hv-cluster-01': 'xen' },
    };
    for (const [from, to] of [
      ['planned', 'staged'],
      ['staged', 'active'],
      ['active', 'offline'],
    ] as const) {
      expect(plan(transition(from, to), xenPool).extraVars).to.deep.include({
        vm_hypervisor: 'xen',
        vm_host: 'xcp-master.example.net',
      });
    }
    expect(plan(transition(null, 'offline', 'deleted'), xenPool).extraVars).to.include({ vm_hypervisor: 'xen' });
    // Another cluster keeps defaults.vm_hypervisor; an empty default leaves it to the credential's Hypervisor field.
    const elsewhere = { cluster_hypervisors: { 'xcp-pool-02': 'xen' } };
    expect(plan(fixture(), elsewhere).extraVars.vm_hypervisor).to.equal('hyperv');
    expect(plan(fixture(), { defaults: { vm_hypervisor: '' } }).extraVars.vm_hypervisor).to.equal('');
    expect(() => buildMapping({ cluster_hypervisors: { 'hv-cluster-01': 'vmware' } })).to.throw(
      'mapping: cluster_hypervisors.hv-cluster-01 must be one of hyperv, libvirt, xen',
    );
  });

  it('names the owner the VM must record: <instance>/vm/<NetBox id>, never from the mapping', () => {
    expect(plan(transition('active', 'offline'), { instance: 'nb-prod' }).extraVars.vm_owner).to.equal('nb-prod/vm/42');
    expect(() => buildMapping({ defaults: { vm_owner: 'netbox/vm/1' } })).to.throw(
      /defaults.vm_owner is not a survey variable/,
    );
    const noId = transition('active', 'offline');
    delete noId.data.id;
    expect(() => decide(buildMapping({}), parseEvent(noId))).to.throw(MappingError, 'data.id is missing');
  });

  it('applies the tag, cluster and user filters', () => {
    expect(ignored(fixture(), { filters: { require_tags: ['prod'] } })).to.contain('lacks required tag(s) prod');
    expect(ignored(fixture(), { filters: { clusters: ['other'] } })).to.contain(
      'hv-cluster-01 is not in filters.clusters',
    );
    expect(ignored(fixture(), { filters: { ignore_users: ['jdoe'] } })).to.contain('changes by jdoe are ignored');
    expect(plan(fixture(), { filters: { require_tags: ['managed-by-ansible'] } }).action).to.equal('start');
  });

  it('ignores other object types', () => {
    const b = fixture();
    b.object_type = 'dcim.device';
    expect(ignored(b)).to.equal('object type dcim.device is not handled');
  });

  it('refuses a VM without cluster or platform, naming the field, unless defaults fill it', () => {
    const b = transition(null, 'staged');
    b.data.cluster = null;
    expect(() => plan(b)).to.throw(MappingError, /no cluster/);
    expect(plan(b, { defaults: { vm_host: 'hv09' } }).extraVars.vm_host).to.equal('hv09');
    const c = transition(null, 'staged');
    c.data.platform = null;
    expect(() => plan(c)).to.throw(MappingError, /no platform/);
    const n = transition(null, 'staged');
    delete n.data.name;
    try {
      plan(n);
      expect.fail('accepted');
    } catch (error) {
      expect((error as MappingError).field).to.equal('data.name');
    }
    const m = transition(null, 'staged');
    m.data.memory = 'lots';
    expect(() => plan(m)).to.throw(MappingError, /data.memory/);
  });

  it('keeps secret references unresolved in the plan', () => {
    const p = plan(transition(null, 'staged'), { defaults: { vm_admin_password: { from_env: 'VM_PW' } } });
    expect(p.extraVars.vm_admin_password).to.deep.equal({ from_env: 'VM_PW' });
  });
});
