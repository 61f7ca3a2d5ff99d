/**
 * The checked-in AWX surveys: regenerated from the schemas they must not change, AWX must accept them on save, the
 * answers an operator gives must pass (and bad ones fail) AWX's launch checks, and every survey variable must be one
 * the playbook reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadResolvedSchemas, ROOT } from '../../../build/generate';
import { surveyFromDefinition, type SurveyDefinition } from '../../../src/ansible/survey';
import { launchErrors, saveSurveySpec, surveySpecError, type Spec } from '../../helpers/awx-survey-rules';

const SURVEYS = ['create', 'start', 'stop', 'delete'] as const;
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const survey = (name: string): Spec => JSON.parse(read(`surveys/${name}.json`)) as Spec;
const question = (spec: Spec, variable: string) =>
  (spec.spec as Record<string, unknown>[]).find((q) => q.variable === variable)!;

const good: Record<(typeof SURVEYS)[number], Record<string, unknown>> = {
  create: {
    vm_name: 'web01',
    vm_host: 'hv01.example.com',
    vm_hypervisor: 'hyperv',
    vm_image: 'debian-12-golden',
    vm_cpu_count: 2,
    vm_memory_mb: 4096,
    vm_disk_gb: 40,
    vm_generation: 2,
    vm_secure_boot: 'MicrosoftUEFICertificateAuthority',
    vm_tpm: 'no',
    vm_network: 'LAN',
    vm_vlan_id: 120,
    vm_ipv4_address: '192.0.2.10/24',
    vm_ipv4_gateway: '192.0.2.1',
    vm_dns_servers: '192.0.2.53, 192.0.2.54',
    vm_domain: 'example.com',
    vm_tags: 'web,prod',
    vm_admin_user: 'admin',
    vm_admin_password: "O'Brien $(x) ü",
    vm_ssh_authorized_key: 'ssh-ed25519 AAAAC3Nza admin',
    vm_cluster_role: 'no',
    vm_start: 'yes',
  },
  start: { vm_name: 'web01', vm_host: 'hv01.example.com', vm_hypervisor: 'hyperv' },
  stop: { vm_name: 'web01', vm_host: 'hv01.example.com', vm_hypervisor: 'hyperv', vm_force: 'yes' },
  delete: {
    vm_name: 'web01',
    vm_host: 'hv01.example.com',
    vm_hypervisor: 'hyperv',
    vm_delete_confirm: 'web01',
    vm_force: 'no',
  },
};

describe('collection: AWX surveys', () => {
  const schemas = loadResolvedSchemas();

  for (const name of SURVEYS) {
    describe(name, () => {
      it('is what the generator makes from the schemas (checked in, not edited by hand)', () => {
        const definition = parse(read(`surveys/src/${name}.survey.yaml`)) as SurveyDefinition;
        expect(`${JSON.stringify(surveyFromDefinition(definition, schemas), null, 2)}\n`).to.equal(
          read(`surveys/${name}.json`),
        );
      });

      it('is accepted by AWX on save', () => {
        expect(surveySpecError(survey(name))).to.equal(undefined);
      });

      it("accepts an operator's answers at launch", () => {
        expect(launchErrors(saveSurveySpec(survey(name)), good[name])).to.deep.equal([]);
      });

      it('asks only for variables the playbook reads, and for every one it needs', () => {
        const playbook =
          read(`playbooks/${name}.yml`) + (name === 'create' ? read('playbooks/templates/guest_config.json.j2') : '');
        for (const q of survey(name).spec as { variable: string }[])
          expect(playbook, q.variable).to.include(q.variable);
        const asked = new Set((survey(name).spec as { variable: string }[]).map((q) => q.variable));
        const defaults = new Set(
          Object.keys((parse(read(`playbooks/${name}.yml`)) as { vars?: object }[])[0]!.vars ?? {}),
        );
        const used = new Set(playbook.match(/\bvm_[a-z0-9_]+/g));
        for (const v of used) {
          if (
            [
              'vm_created',
              'vm_configured',
              'vm_started',
              'vm_stopped',
              'vm_deleted',
              'vm_host_facts',
              'vm_guest_config',
              'vm_published',
              'vm_agent_media',
            ].includes(v)
          )
            continue;
          expect(asked.has(v) || defaults.has(v), `${v} is neither asked nor defaulted`).to.equal(true);
        }
      });
    });
  }

  it('asks for secrets with password questions and gives them no default', () => {
    const q = question(survey('create'), 'vm_admin_password');
    expect(q).to.include({ type: 'password', default: '' });
  });

  it('offers enums and yes/no as choices, with limits from the schema', () => {
    const create = survey('create');
    // Empty by default: the job's credential (its Hypervisor field) decides unless the operator picks one.
    expect(question(create, 'vm_hypervisor')).to.deep.include({
      type: 'multiplechoice',
      choices: ['hyperv', 'libvirt', 'xen'],
      default: '',
      required: false,
    });
    expect(question(create, 'vm_cluster_role')).to.deep.include({
      type: 'multiplechoice',
      choices: ['yes', 'no'],
      default: 'no',
    });
    expect(question(create, 'vm_cpu_count')).to.deep.include({ type: 'integer', min: 1, max: 240, required: true });
    // generation is an enum of numbers: asked as a number bounded by it (a "2" choice would reach rulebooks as 2)
    const generation = question(create, 'vm_generation');
    expect(generation).to.deep.include({ type: 'integer', min: 1, max: 2, default: 2 });
    expect(generation).to.not.have.property('choices');
    expect(question(create, 'vm_vlan_id')).to.deep.include({ type: 'integer', min: 0, max: 4094, required: false });
    expect(question(create, 'vm_name')).to.deep.include({ type: 'text', min: 1, max: 100, required: true });
    expect(question(survey('stop'), 'vm_force')).to.deep.include({ choices: ['yes', 'no'], default: 'no' });
  });

  it('rejects bad answers at launch, naming the variable', () => {
    const create = saveSurveySpec(survey('create'));
    const { vm_name: _omitted, ...withoutName } = good.create;
    expect(launchErrors(create, withoutName)).to.deep.equal(["'vm_name' value missing"]);
    expect(launchErrors(create, { ...good.create, vm_cpu_count: 0 })[0]).to.include(
      "'vm_cpu_count' value 0 is too small",
    );
    expect(launchErrors(create, { ...good.create, vm_vlan_id: 5000 })[0]).to.include(
      "'vm_vlan_id' value 5000 is too large",
    );
    expect(launchErrors(create, { ...good.create, vm_hypervisor: 'vmware' })[0]).to.include(
      "for 'vm_hypervisor' expected to be one of",
    );
    expect(launchErrors(create, { ...good.create, vm_memory_mb: '4096' })[0]).to.include(
      "for 'vm_memory_mb' expected to be an integer",
    );
  });
});
