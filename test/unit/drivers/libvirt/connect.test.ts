import { expect } from 'chai';
import { InvalidArgument } from '../../../../src/core/errors';
import { connectLibvirt, isLocalHost } from '../../../../src/drivers/libvirt/connect';
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
    const err = await connectLibvirt({ hypervisor: 'libvirt', host: 'local', user: 'root' }, { VIRTSEAL_LIBVIRT_DOMAIN_TYPE: 'xen' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgument).with.property('option', 'VIRTSEAL_LIBVIRT_DOMAIN_TYPE');
  });

  it('picks TCG when /dev/kvm exists without vmx/svm (nested PVM), kvm with them', async () => {
    for (const [flags, expected] of [[1, 'qemu'], [0, 'kvm']] as const) {
      const host = new FakeHost().on((argv) => (argv[0] === 'test' ? { code: 0, stdout: '', stderr: '' } : argv[0] === 'grep' ? { code: flags, stdout: '', stderr: '' } : undefined));
      expect(await detectDomainType({ host: new HostCommands({ runner: host }) })).to.equal(expected);
    }
    const noKvm = new FakeHost().on((argv) => (argv[0] === 'test' ? { code: 1, stdout: '', stderr: '' } : undefined));
    expect(await detectDomainType({ host: new HostCommands({ runner: noKvm }) })).to.equal('qemu');
  });
});
