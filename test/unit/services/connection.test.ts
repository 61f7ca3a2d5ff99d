import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InvalidArgument } from '../../../src/core/errors';
import { resolveConnection, splitHostPort } from '../../../src/services/connection';

describe('services/connection', () => {
  it('takes options first and the VIRTSEAL_HOST_* environment for the rest', () => {
    const env = {
      VIRTSEAL_HOST_USER: 'envuser',
      VIRTSEAL_HOST_PASSWORD: 'env-secret',
      VIRTSEAL_HOST_KEY_FINGERPRINT: 'SHA256:abc',
    };
    const { connection, secrets } = resolveConnection({ host: 'hv01', user: 'admin' }, env);
    expect(connection.hypervisor).to.equal('hyperv');
    expect(connection.ssh).to.include({
      host: 'hv01',
      user: 'admin',
      password: 'env-secret',
      hostKeyFingerprint: 'SHA256:abc',
    });
    expect(secrets).to.deep.equal(['env-secret']);
  });

  it('treats empty environment values (unset AWX credential fields) as absent', () => {
    const env = {
      VIRTSEAL_HOST_USER: 'u',
      VIRTSEAL_HOST_PASSWORD: '',
      VIRTSEAL_HOST_PRIVATE_KEY: 'KEY',
      VIRTSEAL_HOST_KEY_FINGERPRINT: '',
    };
    const { connection, secrets } = resolveConnection({ host: 'hv01' }, env);
    expect(connection.ssh?.password).to.equal(undefined);
    expect(connection.ssh?.privateKey).to.equal('KEY');
    expect(connection.ssh?.hostKeyFingerprint).to.equal(undefined);
    expect(secrets).to.deep.equal(['KEY']);
  });

  it('passes driver settings (image library) from the option or VIRTSEAL_HOST_IMAGE_LIBRARY', () => {
    const env = { VIRTSEAL_HOST_USER: 'u', VIRTSEAL_HOST_PASSWORD: 'p', VIRTSEAL_HOST_IMAGE_LIBRARY: 'E:\\Library' };
    expect(resolveConnection({ host: 'h' }, env).connection.settings).to.deep.equal({
      image_library_path: 'E:\\Library',
    });
    expect(
      resolveConnection({ host: 'h', image_library_path: 'F:\\Images', libvirt_uri: 'qemu:///session' }, env).connection
        .settings,
    ).to.deep.equal({ image_library_path: 'F:\\Images', libvirt_uri: 'qemu:///session' });
    expect(
      resolveConnection({ host: 'h' }, { VIRTSEAL_HOST_USER: 'u', VIRTSEAL_HOST_PASSWORD: 'p' }).connection.settings,
    ).to.deep.equal({});
  });

  it('opens `host: local` without an SSH login: no credential needed, no ssh options', () => {
    const { connection } = resolveConnection({ host: 'local', user: 'root', hypervisor: 'libvirt' }, {});
    expect(connection).to.deep.equal({ hypervisor: 'libvirt', settings: {} });
  });

  it('reads host:port and [v6]:port', () => {
    expect(splitHostPort('hv01:2222')).to.deep.equal({ host: 'hv01', port: '2222' });
    expect(splitHostPort('[2001:db8::5]:22')).to.deep.equal({ host: '2001:db8::5', port: '22' });
    expect(splitHostPort('2001:db8::5')).to.deep.equal({ host: '2001:db8::5' });
    const { connection } = resolveConnection({ host: '127.0.0.1:40022', user: 'u', password: 'p' }, {});
    expect(connection.ssh?.port).to.equal(40022);
  });

  it('reads a private key file and registers its content as a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-conn-'));
    try {
      writeFileSync(join(dir, 'id'), 'PRIVATE KEY TEXT');
      const { connection, secrets } = resolveConnection(
        { host: 'h', user: 'u', private_key_file: join(dir, 'id') },
        {},
      );
      expect(connection.ssh?.privateKey).to.equal('PRIVATE KEY TEXT');
      expect(secrets).to.include('PRIVATE KEY TEXT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, options, env, option] of [
    ['no host', {}, { VIRTSEAL_HOST_USER: 'u', VIRTSEAL_HOST_PASSWORD: 'p' }, 'host'],
    ['no user', { host: 'h' }, { VIRTSEAL_HOST_PASSWORD: 'p' }, 'user'],
    ['no credential', { host: 'h', user: 'u' }, {}, 'password'],
    ['bad port', { host: 'h', user: 'u', password: 'p', port: 70000 }, {}, 'port'],
    ['bad hypervisor', { host: 'h', user: 'u', password: 'p' }, { VIRTSEAL_HOST_HYPERVISOR: 'vmware' }, 'hypervisor'],
  ] as const) {
    it(`fails with one message naming the option: ${name}`, () => {
      try {
        resolveConnection(options as never, env as never);
        expect.fail('resolved');
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidArgument);
        expect((error as InvalidArgument).option).to.equal(option);
        expect((error as Error).message).to.not.include('\n');
      }
    });
  }
});
