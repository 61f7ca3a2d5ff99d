import { expect } from 'chai';
import { parse } from 'yaml';
import { moduleDocs, renderDocsYaml } from '../../../src/ansible/docs';
import { resolveSchema } from '../../../src/ansible/schema';
import { fragments, sampleSchema } from './fixtures/sample-schema';

const schema = resolveSchema(
  {
    ...sampleSchema,
    'x-module': {
      short_description: 'Manage VMs',
      examples: '- virtseal.core.vm:\n    name: web\n',
      return: { id: { description: 'VM id.', returned: 'always', type: 'str' } },
    },
  },
  fragments,
);

describe('ansible/docs', () => {
  const doc = moduleDocs('vm', schema).DOCUMENTATION as { options: Record<string, Record<string, unknown>> } & Record<
    string,
    unknown
  >;

  it('maps options to ansible-doc types, defaults, choices, aliases and required flags', () => {
    expect(doc).to.include({ module: 'vm', short_description: 'Manage VMs', version_added: '0.1.0' });
    expect(doc.options.name).to.deep.include({ type: 'str', required: true, aliases: ['vm_name'] });
    expect(doc.options.cpu_count).to.deep.include({ type: 'int', default: 2 });
    expect(doc.options.start).to.deep.include({ type: 'bool', default: true });
    expect(doc.options.ratio).to.deep.include({ type: 'float' });
    expect(doc.options.state).to.deep.include({ choices: ['present', 'absent'], default: 'present' });
    expect(doc.options.features).to.deep.include({ type: 'list', elements: 'str', choices: ['tpm', 'secure_boot'] });
    expect(doc.options.extra).to.deep.include({ type: 'raw' });
    expect(doc.options.cpu_count!.description).to.include('Must be at least 1 and at most 64.');
    expect((doc.options.admin_password!.description as string[]).join(' ')).to.match(/secret/);
  });

  it('documents sub-options of dicts (from fragments) and lists of dicts', () => {
    const connection = doc.options.connection as { type: string; suboptions: Record<string, Record<string, unknown>> };
    expect(connection.type).to.equal('dict');
    expect(connection.suboptions.host).to.deep.include({ type: 'str', required: true });
    expect(connection.suboptions.port).to.deep.include({ type: 'int', default: 22 });
    const disks = doc.options.disks as { elements: string; suboptions: Record<string, Record<string, unknown>> };
    expect(disks.elements).to.equal('dict');
    expect(disks.suboptions.path).to.deep.include({ type: 'path' });
  });

  it('renders the sidecar YAML with a generated header, EXAMPLES as text and RETURN as a mapping', () => {
    const text = renderDocsYaml('vm', schema);
    expect(text.split('\n')[0]).to.match(/^# generated — do not edit/);
    const parsed = parse(text) as { EXAMPLES: string; RETURN: Record<string, unknown> };
    expect(parsed.EXAMPLES).to.equal('- virtseal.core.vm:\n    name: web\n');
    expect(parsed.RETURN).to.have.property('id');
  });
});
