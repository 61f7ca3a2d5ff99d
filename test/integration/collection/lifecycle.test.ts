/**
 * create → stop → start → delete of a Linux VM with a static IP, an admin user and an SSH key, through the real
 * playbooks and ansible-playbook against the Hyper-V host simulator running the real Linux guest agent; the same in
 * check mode (the simulator's registry must not change), an idempotent re-run, and the delete confirmation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { registrySnapshot } from '../../component/services/sim-session';
import { CollectionHarness, failedTask, task } from './harness';
import { createVars, KEY } from './vars';

describe('collection: VM lifecycle through ansible-playbook and the simulator', function () {
  this.timeout(600_000);
  let h: CollectionHarness;

  before(async () => {
    h = await CollectionHarness.start();
  });
  after(async () => h?.stop());

  const vmNamed = (name: string) => h.world.sim.registry.vmsNamed(name)[0];

  it('create in check mode reports the VM it would make and changes nothing', async () => {
    const before = registrySnapshot(h.world.sim.registry);
    const run = await h.play('create', createVars, { check: true });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const created = task(run, 'Create the VM');
    expect(created.status).to.equal('changed');
    expect(created.result.changes).to.deep.equal([
      "create VM 'web01' (2 CPU, 2048 MiB; disks: os = differencing disk of image 'debian-12-golden' grown to 20 GiB; NICs: nic0 on 'LAN' VLAN 120)",
    ]);
    expect(task(run, 'Send the sealed guest configuration').status).to.equal('skipped');
    expect(registrySnapshot(h.world.sim.registry)).to.equal(before);
  });

  it('creates, configures through the sealed exchange, starts and waits for the address', async () => {
    const run = await h.play('create', createVars);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const vm = vmNamed('web01')!;
    expect(vm.state).to.equal('Running');
    expect(vm.cpuCount).to.equal(2);
    // A Linux image on Hyper-V needs the UEFI CA template; Hyper-V's default (MicrosoftWindows) would refuse its shim.
    expect([vm.generation, vm.secureBoot, vm.secureBootTemplate, vm.tpm]).to.deep.equal([
      2,
      'on',
      'MicrosoftUEFICertificateAuthority',
      true,
    ]);
    expect(vm.nics.map((n) => [n.switchName, n.vlanId])).to.deep.equal([['LAN', 120]]);
    expect(vm.kvpHost.size, 'host items removed after the exchange').to.equal(0);

    expect(task(run, 'Create the VM').result.changes, 'check mode announced exactly what ran').to.deep.equal([
      "create VM 'web01' (2 CPU, 2048 MiB; disks: os = differencing disk of image 'debian-12-golden' grown to 20 GiB; NICs: nic0 on 'LAN' VLAN 120)",
    ]);
    expect(task(run, 'Send the sealed guest configuration').result).to.include({ changed: true, outcome: 'applied' });
    const started = task(run, 'Start the VM and wait for its address').result as { vm: { ip_addresses: string[] } };
    expect(started.vm.ip_addresses.length).to.be.greaterThan(0);

    const root = h.world.bridge.dirs(vm).root;
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).to.equal('web01\n');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).to.match(/^admin:/m);
    expect(readFileSync(join(root, 'home/admin/.ssh/authorized_keys'), 'utf8')).to.include(KEY);
    const network = readFileSync(join(root, 'var/lib/cloud/seed/nocloud/network-config'), 'utf8');
    expect(network).to.include('192.0.2.50/24');
    expect(network).to.include('192.0.2.53');
    expect(readFileSync(join(root, 'etc/shadow'), 'utf8')).to.match(/^admin:\$6\$/m);
  });

  it('reports no change when run again with the same answers', async () => {
    const before = registrySnapshot(h.world.sim.registry);
    const run = await h.play('create', createVars);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.report!.stats.localhost!.changed).to.equal(0);
    expect(task(run, 'Create the VM').result.changes).to.deep.equal([]);
    expect(task(run, 'Send the sealed guest configuration').result).to.include({
      changed: false,
      outcome: 'already_applied',
    });
    expect(registrySnapshot(h.world.sim.registry)).to.equal(before);
  });

  it('stops gracefully, then starts again', async () => {
    const stop = await h.play('stop', { vm_name: 'web01', vm_force: 'no' });
    expect(stop.code, stop.stdout + stop.stderr).to.equal(0);
    expect(task(stop, 'Stop the VM').result.changes).to.deep.equal(["shut down VM 'web01'"]);
    expect(vmNamed('web01')!.state).to.equal('Off');
    expect(task(await h.play('stop', { vm_name: 'web01' }), 'Stop the VM').status).to.equal('ok');

    const start = await h.play('start', { vm_name: 'web01' });
    expect(start.code, start.stdout + start.stderr).to.equal(0);
    expect(task(start, 'Start the VM').result.changes).to.deep.equal(["start VM 'web01'"]);
    expect(vmNamed('web01')!.state).to.equal('Running');
  });

  it('deletes only with the confirmation, and then with the disks it owns', async () => {
    const refused = await h.play('delete', { vm_name: 'web01', vm_delete_confirm: 'web02' });
    expect(refused.code).to.not.equal(0);
    expect(failedTask(refused).msg).to.equal(
      "refusing to delete: vm_delete_confirm must repeat the VM name exactly ('web01')",
    );
    expect(vmNamed('web01')).to.not.equal(undefined);

    // Launched for a NetBox object (the bridge sets vm_owner): a VM that records no owner, or another, is not its.
    const foreign = await h.play('delete', {
      vm_name: 'web01',
      vm_delete_confirm: 'web01',
      vm_force: 'yes',
      vm_owner: 'netbox/vm/7',
    });
    expect(foreign.code).to.not.equal(0);
    expect(failedTask(foreign).msg).to.match(
      /^VM 'web01' \(id [0-9a-f-]+\) records no owner \(made by hand or by another tool\), not to netbox\/vm\/7: refusing to delete it$/,
    );
    expect(vmNamed('web01')).to.not.equal(undefined);

    const osDisk = vmNamed('web01')!.disks[0]!.path;
    const before = registrySnapshot(h.world.sim.registry);
    const checked = await h.play(
      'delete',
      { vm_name: 'web01', vm_delete_confirm: 'web01', vm_force: 'yes' },
      { check: true },
    );
    expect(task(checked, 'Delete the VM and its owned disks').result.changes).to.have.length(2);
    expect(registrySnapshot(h.world.sim.registry)).to.equal(before);

    const run = await h.play('delete', { vm_name: 'web01', vm_delete_confirm: 'web01', vm_force: 'yes' });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(vmNamed('web01')).to.equal(undefined);
    expect(h.world.sim.files.exists(osDisk), 'the owned disk file is gone from the host').to.equal(false);
    expect(
      task(
        await h.play('delete', { vm_name: 'web01', vm_delete_confirm: 'web01' }),
        'Delete the VM and its owned disks',
      ).status,
    ).to.equal('ok');
  });
});
