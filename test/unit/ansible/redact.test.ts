import { expect } from 'chai';
import {
  collectSecrets,
  maskNoLogOptions,
  maskSecrets,
  NO_LOG_PLACEHOLDER,
  shortSecretWarning,
} from '../../../src/ansible/redact';
import { resolveSchema } from '../../../src/ansible/schema';
import { fragments, sampleSchema } from './fixtures/sample-schema';

const schema = resolveSchema(sampleSchema, fragments);

describe('ansible/redact', () => {
  const args = {
    name: 'a',
    admin_password: 'pw-123456',
    connection: { host: 'h', key: 'KEY-TEXT' },
    disks: [{ size_gb: 1, encryption_key: 'disk-key' }],
  };

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

  it('masks substrings, longest secret first, in values and (for long secrets) keys', () => {
    const out = maskSecrets({ a: 'xx-abcdefgh-yy', b: ['abcd'], abcdefgh: 1, abcd: 2, n: 1234 }, [
      'abcd',
      'abcdefgh',
      '1234',
    ]);
    expect(out).to.deep.equal({ a: 'xx-********-yy', b: ['********'], '********': 1, abcd: 2, n: '********' });
  });

  it('never changes the shape for a short secret: keys and unrelated text stay, whole values are masked', () => {
    const result = { option: 'p', msg: 'the option p is wrong', p: 'p', count: 1, list: ['p', 'up'] };
    expect(maskSecrets(result, ['p'])).to.deep.equal({
      option: '********',
      msg: 'the option p is wrong',
      p: '********',
      count: 1,
      list: ['********', 'up'],
    });
    expect(maskSecrets({ option: 1, password: 'x' }, ['1', 'pass'])).to.deep.equal({ option: 1, password: 'x' });
    expect(shortSecretWarning(['p', 'long-enough'])).to.match(/a no_log value is shorter than 4 characters/);
    expect(shortSecretWarning(['long-enough'])).to.equal(undefined);
  });

  it('does not echo the value of an unknown key in invocation (a misspelt secret option)', () => {
    const masked = maskNoLogOptions(schema, {
      name: 'a',
      admin_pasword: 'hunter2-x',
      connection: { host: 'h', pasword: 'p2' },
      labels: { free: 'text' },
    }) as Record<string, Record<string, unknown>>;
    expect(masked.admin_pasword).to.equal(NO_LOG_PLACEHOLDER);
    expect(masked.connection!.pasword).to.equal(NO_LOG_PLACEHOLDER);
    expect(masked.connection!.host).to.equal('h');
    expect(masked.labels).to.deep.equal({ free: 'text' });
  });
});
