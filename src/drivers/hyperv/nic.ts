/** Network adapters: add, remove, reconnect with VLAN and static MAC. One script run each. */
import { NotFound } from '../../core/errors';
import type { NicDriver, NicInfo, NicSpec, VmInfo } from '../types';
import { assertVmId, type HyperVSession } from './session';
import { checkNic } from './validate';
import { compactMac } from '../../core/mac';
import { toVmInfo, type RawVm } from './vm-info';

export class HyperVNicDriver implements NicDriver {
  constructor(private readonly session: HyperVSession) {}

  async addNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo> {
    checkNic(options.nic, 'nic');
    const raw = await this.session.run<RawVm>('nic-add', {
      Id: assertVmId(options.vmId, 'vmId'),
      Nic: nicArg(options.nic),
    });
    return pick(toVmInfo(raw), options.nic.name);
  }

  async removeNic(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    await this.session.run('nic-remove', { Id: assertVmId(options.vmId, 'vmId'), Name: options.name });
  }

  async setNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo> {
    checkNic(options.nic, 'nic');
    const raw = await this.session.run<RawVm>('nic-set', {
      Id: assertVmId(options.vmId, 'vmId'),
      Nic: nicArg(options.nic),
    });
    return pick(toVmInfo(raw), options.nic.name);
  }
}

function nicArg(nic: NicSpec): Record<string, unknown> {
  return { name: nic.name, switchName: nic.network, vlanId: nic.vlanId ?? 0, mac: nic.mac ? compactMac(nic.mac) : '' };
}

function pick(vm: VmInfo, name: string): NicInfo {
  const nic = vm.nics.find((n) => n.name === name);
  if (!nic) throw new NotFound(`VM ${vm.name} has no adapter named ${name}`);
  return nic;
}
