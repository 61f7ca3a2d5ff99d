import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InvalidArgument } from '../../../src/core/errors';
import { buildMapping, DEFAULT_RULES, loadMapping } from '../../../src/netbox/mapping';

function badKey(doc: unknown): { option: string | undefined; message: string } {
  try {
    buildMapping(doc, 'm.yml');
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidArgument);
    return { option: (error as InvalidArgument).option, message: (error as Error).message };
  }
  throw new Error('accepted');
}

describe('netbox/mapping', () => {
  it('fills every section with defaults when the file is empty', () => {
    const m = buildMapping(null);
    expect(m.rules).to.equal(DEFAULT_RULES);
    expect(m.targets.create.playbook).to.equal('playbooks/create.yml');
    expect(m.targets.delete.playbook).to.equal('playbooks/delete.yml');
    expect(m.defaults).to.deep.equal({ vm_hypervisor: 'hyperv' });
    expect(m.write_back.journal).to.equal(true);
  });

  it('merges targets per action and keeps the default playbook beside a job template', () => {
    const m = buildMapping({ targets: { stop: { job_template: 23 } }, defaults: { vm_network: 'LAN' } });
    expect(m.targets.stop).to.deep.equal({ playbook: 'playbooks/stop.yml', job_template: 23 });
    expect(m.targets.start).to.deep.equal({ playbook: 'playbooks/start.yml', job_template: 'virtseal: start VM' });
    expect(m.defaults).to.deep.equal({ vm_hypervisor: 'hyperv', vm_network: 'LAN' });
  });

  it('names an unknown top-level or nested key', () => {
    expect(badKey({ rulez: [] })).to.deep.include({ option: 'rulez' });
    expect(badKey({ targets: { create: { job_templat: 3 } } }).option).to.equal('targets.create.job_templat');
    expect(badKey({ filters: { tags: ['x'] } }).message).to.equal('m.yml: filters.tags is not a known key');
  });

  it('names a variable that is not a survey variable of the playbooks', () => {
    const e = badKey({ defaults: { vm_cpus: 2 } });
    expect(e.option).to.equal('defaults.vm_cpus');
    expect(e.message).to.contain('not a survey variable');
    expect(badKey({ custom_fields: { vlan: 'vlan_id' } }).option).to.equal('custom_fields.vlan');
  });

  it('names a bad value inside a rule', () => {
    const e = badKey({ rules: [{ event: 'created', action: 'explode' }] });
    expect(e.option).to.equal('rules.0.action');
    expect(e.message).to.contain('must be one of create, start, stop, delete, ignore');
    expect(badKey({ rules: [{ event: 'updated', to: ['running'], action: 'start' }] }).option).to.equal('rules.0.to.0');
    expect(badKey({ rules: [{ action: 'start' }] }).option).to.equal('rules.0.event');
  });

  it('refuses an inline secret and a non-integer integer answer', () => {
    const e = badKey({ defaults: { vm_admin_password: 'hunter2' } });
    expect(e.option).to.equal('defaults.vm_admin_password');
    expect(e.message).to.contain('{from_env: NAME}');
    expect(e.message).not.to.contain('hunter2');
    expect(
      buildMapping({ defaults: { vm_admin_password: { from_env: 'VM_PW' } } }).defaults.vm_admin_password,
    ).to.deep.equal({ from_env: 'VM_PW' });
    expect(
      badKey({ rules: [{ event: 'created', action: 'create', extra_vars: { vm_vlan_id: '12' } }] }).option,
    ).to.equal('rules.0.extra_vars.vm_vlan_id');
  });

  it('refuses a mapping that routes a NetBox custom field into a secret survey variable', () => {
    for (const variable of ['vm_admin_password', 'vm_ansible_ssh_key']) {
      const e = badKey({ custom_fields: { [variable]: 'root_pw' } });
      expect(e.option).to.equal(`custom_fields.${variable}`);
      expect(e.message).to.equal(
        `m.yml: custom_fields.${variable} routes NetBox field root_pw into a secret; give it in defaults as {from_env: NAME}`,
      );
    }
    expect(buildMapping({ custom_fields: { vm_vlan_id: 'vlan' } }).custom_fields).to.deep.equal({ vm_vlan_id: 'vlan' });
  });

  it('loads YAML from a file and reports unreadable or broken files naming --mapping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-mapping-'));
    try {
      writeFileSync(join(dir, 'ok.yml'), 'cluster_hosts:\n  hv-cluster-01: hv01.example.net\n');
      expect(loadMapping(join(dir, 'ok.yml')).cluster_hosts).to.deep.equal({ 'hv-cluster-01': 'hv01.example.net' });
      writeFileSync(join(dir, 'broken.yml'), 'rules: [\n');
      expect(() => loadMapping(join(dir, 'broken.yml'))).to.throw(InvalidArgument, /--mapping: .*not valid YAML/);
      expect(() => loadMapping(join(dir, 'missing.yml'))).to.throw(InvalidArgument, /--mapping: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the shipped example mapping', () => {
    const m = loadMapping(new URL('../../../examples/netbox/mapping.yml', import.meta.url).pathname);
    expect(m.targets.create.job_template).to.be.a('string');
  });
});
