import { expect } from 'chai';
import { collectSecrets, maskNoLogOptions, maskSecrets, NO_LOG_PLACEHOLDER } from '../../../src/ansible/redact';
import { resolveSchema } from '../../../src/ansible/schema';
import { fragments, sampleSchema } from './fixtures/sample-schema';

const schema = resolveSchema(sampleSchema, fragments);

describe('ansible/redact', () => {
  const args = { name: 'a', admin_password: 'pw-123456', connection: { host: 'h', key: 'KEY-TEXT' }, disks: [{ size_gb: 1, encryption_key: 'disk-key' }] };

  it('collects no_log values at any depth, including fragments and list items', () => {
    expect([...collectSecrets(schema, args)].sort()).to.deep.equal(['KEY-TEXT', 'disk-key', 'pw-123456']);
  });

  it('replaces no_log option values with the ansible placeholder', () => {
    const masked = maskNoLogOptions(schema, args) as typeof args;
    expect(masked.admin_password).to.equal(NO_LOG_PLACEHOLDER);
    expect(masked.connection.key).to.equal(NO_LOG_PLACEHOLDER);
    expect(masked.disks[0]!.encryption_key).to.equal(NO_LOG_PLACEHOLDER);
    expect(masked.name).to.equal('a');
  });

  it('masks substrings, longest secret first, in values and keys', () => {
    const out = maskSecrets({ a: 'xx-abcdef-yy', b: ['abc'], abcdef: 1, n: 1234 }, ['abc', 'abcdef', '1234']);
    expect(out).to.deep.equal({ a: 'xx-********-yy', b: ['********'], '********': 1, n: '********' });
  });
});
