/**
 * The AWX pieces fit the modules: the credential type injects exactly the VIRTSEAL_HOST_* variables the connection
 * options fall back to (rendered the way AWX renders injectors, then resolved by the modules' own code), its secrets
 * are secret fields, the execution environment adds Node.js >= 20 and the collection, and the guide names files that
 * exist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ROOT } from '../../../build/generate';
import { parseSenderKey } from '../../../src/seal/sender';
import { CONNECTION_ENV, resolveConnection } from '../../../src/services/connection';

interface Field {
  id: string;
  label: string;
  type: string;
  secret?: boolean;
  multiline?: boolean;
  choices?: string[];
}
const credentialType = JSON.parse(readFileSync(join(ROOT, 'collection/awx/credential_type.json'), 'utf8')) as {
  name: string;
  kind: string;
  inputs: { fields: Field[]; required: string[] };
  injectors: { env: Record<string, string>; file?: Record<string, string> };
};

/** AWX renders injector values as Jinja with the inputs (and tower.filename.<name> for file injectors). */
function render(template: string, inputs: Record<string, string>, files: Record<string, string>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) =>
    name.startsWith('tower.filename.') ? (files[name.slice('tower.filename.'.length)] ?? '') : (inputs[name] ?? ''),
  );
}

describe('collection: AWX credential type, execution environment, guide', () => {
  it('is a cloud credential type whose secrets are secret fields', () => {
    expect(credentialType.kind).to.equal('cloud');
    const byId = Object.fromEntries(credentialType.inputs.fields.map((f) => [f.id, f]));
    for (const secret of ['password', 'private_key', 'private_key_passphrase'])
      expect(byId[secret], secret).to.deep.include({ secret: true });
    for (const plain of ['user', 'host_key_fingerprint', 'known_hosts', 'hypervisor'])
      expect(byId[plain]!.secret, plain).to.not.equal(true);
    expect(credentialType.inputs.required).to.deep.equal(['user']);
    for (const f of credentialType.inputs.fields) expect(f.label, f.id).to.be.a('string').and.not.equal('');
  });

  it('injects only variables the modules read, and every input reaches one', () => {
    const known = new Set<string>(Object.values(CONNECTION_ENV));
    for (const name of Object.keys(credentialType.injectors.env)) expect(known.has(name), name).to.equal(true);
    const templates = [
      ...Object.values(credentialType.injectors.env),
      ...Object.values(credentialType.injectors.file ?? {}),
    ].join(' ');
    for (const f of credentialType.inputs.fields)
      expect(templates, f.id).to.match(new RegExp(`\\{\\{\\s*${f.id}\\s*\\}\\}`));
  });

  it('gives the modules a working connection once rendered (unset fields inject empty strings)', () => {
    const inputs = {
      user: 'hvadmin',
      password: "pa'ss $(x)",
      host_key_fingerprint: 'SHA256:AAAA',
      hypervisor: 'hyperv',
      known_hosts: '',
    };
    const env = Object.fromEntries(
      Object.entries(credentialType.injectors.env).map(([k, t]) => [
        k,
        render(t, inputs, { known_hosts: '/runner/env/tmpKH' }),
      ]),
    );
    const { connection, secrets } = resolveConnection({ host: 'hv01.example.com' }, env);
    expect(connection.hypervisor).to.equal('hyperv');
    expect(connection.ssh).to.deep.include({
      host: 'hv01.example.com',
      user: 'hvadmin',
      password: "pa'ss $(x)",
      hostKeyFingerprint: 'SHA256:AAAA',
    });
    expect(connection.ssh?.privateKey).to.equal(undefined);
    expect(secrets).to.deep.equal(["pa'ss $(x)"]);
  });

  it('builds an execution environment with Node.js 22 and the collection (ansible-builder v3)', () => {
    const ee = parse(readFileSync(join(ROOT, 'execution-environment.yml'), 'utf8')) as {
      version: number;
      images: { base_image: { name: string } };
      additional_build_files: { src: string; dest: string }[];
      additional_build_steps: { prepend_final: string[]; append_final: string[] };
    };
    expect(ee.version).to.equal(3);
    expect(ee.images.base_image.name).to.match(/^quay\.io\/ansible\/awx-ee:/);
    expect(ee.additional_build_steps.prepend_final.join('\n')).to.match(/nodejs:22/);
    const append = ee.additional_build_steps.append_final.join('\n');
    expect(append).to.include('ansible-galaxy collection install /tmp/virtseal-core.tar.gz');
    expect(ee.additional_build_files[0]).to.deep.equal({ src: 'virtseal-core.tar.gz', dest: 'collections' });
  });

  it("the sender key credential type injects a secret field as VIRTSEAL_SENDER_KEY, guest_config's sender_key fallback", () => {
    const sender = JSON.parse(
      readFileSync(join(ROOT, 'collection/awx/sender_credential_type.json'), 'utf8'),
    ) as typeof credentialType;
    expect(sender.kind).to.equal('cloud');
    expect(sender.inputs.fields).to.have.length(1);
    expect(sender.inputs.fields[0]).to.deep.include({ id: 'sender_key', secret: true, multiline: true });
    expect(sender.inputs.required).to.deep.equal(['sender_key']);
    const schema = JSON.parse(readFileSync(join(ROOT, 'src/schemas/guest_config.schema.json'), 'utf8')) as {
      properties: Record<string, { 'x-env-fallback'?: string[]; 'x-no-log'?: boolean }>;
    };
    expect(schema.properties.sender_key).to.deep.include({
      'x-env-fallback': ['VIRTSEAL_SENDER_KEY'],
      'x-no-log': true,
    });
    expect(Object.keys(sender.injectors.env)).to.deep.equal(['VIRTSEAL_SENDER_KEY']);
    // Rendered as AWX renders it, the module's own parser takes the key.
    const pem = readFileSync(join(ROOT, 'test/vectors/v3-sender.pem'), 'utf8');
    const env = render(sender.injectors.env.VIRTSEAL_SENDER_KEY!, { sender_key: pem }, {});
    expect(parseSenderKey(env, 'sender_key').asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
  });

  it("awx_setup.yml passes ansible-playbook --syntax-check with awx.awx (Debian's ansible package) and sets up all four templates", function () {
    this.timeout(120_000);
    // --syntax-check resolves every module name, so a misspelt awx.awx module or a missing collection fails here.
    const out = execFileSync(
      'ansible-playbook',
      ['--syntax-check', '-i', 'localhost,', join(ROOT, 'playbooks/awx_setup.yml')],
      {
        encoding: 'utf8',
        cwd: ROOT,
        env: { ...process.env, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH: 'True', ANSIBLE_NOCOLOR: '1' },
      },
    );
    expect(out).to.include('playbook: ');
    const play = (
      parse(readFileSync(join(ROOT, 'playbooks/awx_setup.yml'), 'utf8')) as {
        vars: Record<string, unknown>;
        tasks: Record<string, unknown>[];
      }[]
    )[0]!;
    const modules = play.tasks.flatMap((t) => Object.keys(t).filter((k) => k.startsWith('awx.awx.')));
    expect(modules).to.deep.equal([
      'awx.awx.execution_environment',
      'awx.awx.credential_type',
      'awx.awx.credential_type',
      'awx.awx.project',
      'awx.awx.job_template',
    ]);
    const templates = play.vars.awx_templates as { name: string; playbook: string; survey: string }[];
    expect(templates.map((t) => t.survey).sort()).to.deep.equal(['create', 'delete', 'start', 'stop']);
    for (const t of templates) {
      expect(existsSync(join(ROOT, t.playbook)), t.playbook).to.equal(true);
      expect(existsSync(join(ROOT, 'surveys', `${t.survey}.json`)), t.survey).to.equal(true);
    }
  });

  it('the AWX guide names playbooks, surveys and files that exist', () => {
    const guide = readFileSync(join(ROOT, 'docs/awx.md'), 'utf8');
    const paths = new Set(guide.match(/\b(?:playbooks|surveys|collection\/awx)\/[\w./-]+\.(?:yml|json|sh)\b/g));
    expect(paths.size).to.be.greaterThan(8);
    for (const p of paths) expect(existsSync(join(ROOT, p)), p).to.equal(true);
  });
});
