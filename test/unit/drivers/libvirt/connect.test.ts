import { expect } from 'chai';
import { InvalidArgument } from '../../../../src/core/errors';
import { connect, isLocalHost } from '../../../../src/drivers/libvirt/connect';
import { detectDomainType } from '../../../../src/drivers/libvirt/facts';
import { HostCommands } from '../../../../src/drivers/libvirt/virsh';
import { FakeHost } from './fake-host';

describe('libvirt driver: connection', () => {
  it('runs locally only for host "local" or a credential-less localhost', () => {
    expect(isLocalHost({ host: 'local' })).to.equal(true);
    expect(isLocalHost({ host: 'localhost' })).to.equal(true);
    expect(isLocalHost({ host: '127.0.0.1', privateKey: 'k' })).to.equal(false);
    expect(isLocalHost({ host: 'kvm01.example.org' })).to.equal(false);
  });

  it('refuses a bad VIRTSEAL_LIBVIRT_DOMAIN_TYPE, naming it', async () => {
    const err = await connect(
      { hypervisor: 'libvirt', ssh: { host: 'local', user: 'root' }, settings: {} },
      { VIRTSEAL_LIBVIRT_DOMAIN_TYPE: 'xen' },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgument).with.property('option', 'VIRTSEAL_LIBVIRT_DOMAIN_TYPE');
  });

  it('picks TCG when /dev/kvm exists without vmx/svm (nested PVM), kvm with them', async () => {
    for (const [flags, expected] of [
      [1, 'qemu'],
      [0, 'kvm'],
    ] as const) {
      const host = new FakeHost().on((argv) =>
        argv[0] === 'test'
          ? { code: 0, stdout: '', stderr: '' }
          : argv[0] === 'grep'
            ? { code: flags, stdout: '', stderr: '' }
            : undefined,
      );
      expect(await detectDomainType({ host: new HostCommands({ runner: host }) })).to.equal(expected);
    }
    const noKvm = new FakeHost().on((argv) => (argv[0] === 'test' ? { code: 1, stdout: '', stderr: '' } : undefined));
    expect(await detectDomainType({ host: new HostCommands({ runner: noKvm }) })).to.equal('qemu');
  });
});

describe('libvirt driver: virsh errors', () => {
  it('says what to check when libvirt cannot set up a VM TPM (swtpm_setup)', async () => {
    const stderr =
      "error: Failed to start domain 'web01'\nerror: internal error: Could not run '/usr/bin/swtpm_setup'. exitstatus: 1; Check error log '/var/log/swtpm/libvirt/qemu/web01-swtpm.log' for details.\n";
    const host = new FakeHost().on((argv) => (argv[0] === 'virsh' ? { code: 1, stdout: '', stderr } : undefined));
    const err: Error = await new HostCommands({ runner: host }).virsh(['start', '--domain=web01']).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.match(/^virsh start failed: Failed to start domain 'web01'; internal error: Could not run/);
    expect(err.message).to.contain('/var/lib/swtpm-localca must be writable by');
    const other = new FakeHost().on((argv) =>
      argv[0] === 'virsh'
        ? { code: 1, stdout: '', stderr: 'error: operation failed: domain is already running\n' }
        : undefined,
    );
    const plain: Error = await new HostCommands({ runner: other }).virsh(['start', '--domain=web01']).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(plain.message).to.equal('virsh start failed: operation failed: domain is already running');
  });
});
