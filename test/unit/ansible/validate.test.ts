import { expect } from 'chai';
import { InvalidArgument } from '../../../src/core/errors';
import { resolveSchema } from '../../../src/ansible/schema';
import { validateArguments } from '../../../src/ansible/validate';
import { fragments, sampleSchema } from './fixtures/sample-schema';

const schema = resolveSchema(sampleSchema, fragments);
const validate = (args: Record<string, unknown>) => validateArguments(schema, args, 'virtseal.core.vm');

function rejects(args: Record<string, unknown>): InvalidArgument {
  try {
    validate(args);
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidArgument);
    const e = err as InvalidArgument;
    expect(e.message).to.not.include('\n');
    return e;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
}

describe('ansible/validate', () => {
  it('applies defaults and keeps given values', () => {
    const { options } = validate({ name: 'web01' });
    expect(options).to.deep.equal({ name: 'web01', cpu_count: 2, start: true, state: 'present' });
  });

  it('coerces like ansible: "4" to 4, yes/true/1/on to true, "a,b" to a list, numbers in lists', () => {
    const { options } = validate({
      name: 'a',
      cpu_count: '4',
      start: 'no',
      ratio: '0.5',
      tags: 'a,b',
      ports: ['22', 80],
      features: 'tpm',
    });
    expect(options).to.include({ cpu_count: 4, start: false, ratio: 0.5 });
    expect(options.tags).to.deep.equal(['a', 'b']);
    expect(options.ports).to.deep.equal([22, 80]);
    expect(options.features).to.deep.equal(['tpm']);
    for (const yes of ['yes', 'true', '1', 'on', 'True', 'Y', 1, true])
      expect(validate({ name: 'a', start: yes }).options.start).to.equal(true);
  });

  it('converts a number given for a string option with the warning ansible gives', () => {
    const { options, warnings } = validate({ name: 42 });
    expect(options.name).to.equal('42');
    expect(warnings[0]).to.match(/converted to '42'/);
  });

  it('resolves aliases', () => {
    expect(validate({ vm_name: 'x' }).options.name).to.equal('x');
  });

  it('lets the alias win with a warning when an option and its alias are both set, as ansible does', () => {
    const { options, warnings } = validate({ name: 'a', vm_name: 'b' });
    expect(options).to.include({ name: 'b' }).and.not.have.property('vm_name');
    expect(warnings).to.deep.equal(['Both option name and its alias vm_name are set.']);
  });

  it('applies an environment fallback before the default (x-env-fallback)', () => {
    const fallback = resolveSchema(
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          hypervisor: {
            type: 'string',
            enum: ['hyperv', 'libvirt'],
            default: 'hyperv',
            'x-env-fallback': ['VIRTSEAL_HOST_HYPERVISOR'],
          },
        },
      },
      fragments,
    );
    const run = (args: Record<string, unknown>, env: Record<string, string>) =>
      validateArguments(fallback, args, 'm', env).options.hypervisor;
    expect(run({}, { VIRTSEAL_HOST_HYPERVISOR: 'libvirt' })).to.equal('libvirt');
    expect(run({}, {})).to.equal('hyperv');
    expect(run({}, { VIRTSEAL_HOST_HYPERVISOR: '' })).to.equal('hyperv');
    expect(run({ hypervisor: 'hyperv' }, { VIRTSEAL_HOST_HYPERVISOR: 'libvirt' })).to.equal('hyperv');
  });

  it('maps a YAML 1.1 boolean back to the one matching string choice, as ansible does', () => {
    const onOff = resolveSchema(
      {
        type: 'object',
        additionalProperties: false,
        properties: { secure_boot: { type: 'string', enum: ['on', 'off', 'MicrosoftWindows'] } },
      },
      fragments,
    );
    const run = (v: unknown) => validateArguments(onOff, { secure_boot: v }, 'm').options.secure_boot;
    expect(run(true)).to.equal('on');
    expect(run(false)).to.equal('off');
    expect(run('True')).to.equal('on');
    expect(() => run('yes')).to.throw(/value of secure_boot must be one of: on, off, MicrosoftWindows, got: yes/);
  });

  it('resolves $ref fragments, including #/definitions inside a fragment, with nested defaults', () => {
    const { options } = validate({ name: 'a', connection: { host: 'hv1', key: 'k' } });
    expect(options.connection).to.deep.equal({ host: 'hv1', key: 'k', port: 22 });
  });

  const cases: [string, Record<string, unknown>, RegExp, string | undefined][] = [
    [
      'unknown option',
      { name: 'a', colour: 'red' },
      /^Unsupported parameters for \(virtseal\.core\.vm\) module: colour\. Supported parameters include: .*admin_password.*vm_name/,
      'colour',
    ],
    ['missing required', {}, /^missing required arguments: name$/, 'name'],
    [
      'wrong type',
      { name: 'a', cpu_count: 'four' },
      /^argument 'cpu_count' is of type str and we were unable to convert to int/,
      'cpu_count',
    ],
    ['float for int', { name: 'a', cpu_count: '2.5' }, /argument 'cpu_count'/, 'cpu_count'],
    ['bad boolean', { name: 'a', start: 'maybe' }, /argument 'start' .*not a valid boolean/, 'start'],
    ['choices', { name: 'a', state: 'gone' }, /^value of state must be one of: present, absent, got: gone$/, 'state'],
    [
      'list item choices',
      { name: 'a', features: ['tpm', 'x'] },
      /^value of features must be one or more of: tpm, secure_boot\. Got no match for: x$/,
      'features[1]',
    ],
    [
      'mutually exclusive',
      { name: 'a', image: 'i', template: 't' },
      /^parameters are mutually exclusive: image\|template$/,
      'image',
    ],
    [
      'required together',
      { name: 'a', admin_user: 'root' },
      /^parameters are required together: admin_user, admin_password$/,
      'admin_password',
    ],
    ['range', { name: 'a', cpu_count: 65 }, /^argument 'cpu_count' must be <= 64, got 65$/, 'cpu_count'],
    ['length', { name: 'a'.repeat(16) }, /^argument 'name' must be at most 15 characters long$/, 'name'],
    ['pattern', { name: 'a', mac: 'zz' }, /^argument 'mac' must match the pattern/, 'mac'],
    [
      'nested missing',
      { name: 'a', disks: [{ size_gb: 1 }, { path: '/x' }] },
      /^missing required arguments: disks\[1\]\.size_gb found in disks\[1\]$/,
      'disks[1].size_gb',
    ],
    [
      'nested type',
      { name: 'a', disks: [{ size_gb: 'big' }] },
      /^argument 'disks\[0\]\.size_gb' is of type str/,
      'disks[0].size_gb',
    ],
    [
      'nested unknown',
      { name: 'a', connection: { host: 'h', user: 'u' } },
      /^Unsupported parameters for \(virtseal\.core\.vm\) module: connection\.user\. Supported parameters include: host, key, password, port\.$/,
      'connection.user',
    ],
    [
      'nested range',
      { name: 'a', connection: { host: 'h', port: 0 } },
      /^argument 'connection\.port' must be >= 1, got 0$/,
      'connection.port',
    ],
    [
      'dict from a string that is not one',
      { name: 'a', connection: 'nonsense' },
      /^argument 'connection' is of type str and we were unable to convert to dict/,
      'connection',
    ],
    [
      'list item not a dict',
      { name: 'a', disks: [5] },
      /^argument 'disks\[0\]' is of type int and we were unable to convert to dict/,
      'disks[0]',
    ],
    [
      'unknown option after a type error (ansible reports unsupported parameters last)',
      { name: 'a', colour: 'red', cpu_count: 'x' },
      /^argument 'cpu_count'/,
      'cpu_count',
    ],
  ];
  for (const [what, args, message, option] of cases) {
    it(`rejects ${what} with one line naming the option`, () => {
      const err = rejects(args);
      expect(err.message).to.match(message);
      expect(err.option).to.equal(option);
      expect(err.reason).to.equal('invalid_argument');
    });
  }

  it('never shows a no_log value in a message', () => {
    const err = rejects({ name: 'a', admin_user: 'root', admin_password: 'short' });
    expect(err.message).to.match(/admin_password/);
    expect(err.message).to.not.include('short');
    const err2 = rejects({
      name: 'a',
      disks: [{ size_gb: 1, encryption_key: 7 }],
      connection: { host: 'h', password: { nested: 'hunter2' } },
    });
    expect(err2.message).to.not.include('hunter2');
  });

  it('parses dicts given as JSON or k=v text', () => {
    expect(validate({ name: 'a', connection: '{"host":"h"}' }).options.connection).to.deep.equal({
      host: 'h',
      port: 22,
    });
    expect(validate({ name: 'a', labels: 'a=1 b=2' }).options.labels).to.deep.equal({ a: '1', b: '2' });
  });
});
