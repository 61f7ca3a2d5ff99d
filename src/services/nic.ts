/**
 * Ensure one network adapter of a VM: added, changed (switch, VLAN, static MAC) or removed. A MAC address changes
 * only with the VM off (Hyper-V refuses it on a running VM; libvirt could only unplug the adapter under the guest), so
 * a MAC change on a running VM is refused here with one line, before anything is sent. Check mode only warns: an
 * earlier task may stop the VM.
 */
import { Conflict, InvalidArgument } from '../core/errors';
import { normalizeMac } from '../core/mac';
import type { NicSpec } from '../drivers/types';
import type { ConnectionOptions } from '../generated/fragment-connection';
import type { NicOptions } from '../generated/nic';
import type { Session } from './session';
import { deviceOptionOf, withOptionNames } from './option-names';
import { requireVm } from './vm-lookup';
import { nicView, type NicView } from './vm-view';

/** The nic module's options (generated from its schema), less the connection. */
export type NicRequest = Omit<NicOptions, keyof ConnectionOptions>;

export interface NicResult {
  readonly changed: boolean;
  readonly nic?: NicView;
  readonly changes: readonly string[];
  readonly diff: { readonly before: NicView | Record<string, never>; readonly after: NicView | Record<string, never> };
  readonly msg: string;
}

export async function ensureNic(
  session: Session,
  request: NicRequest,
  warn: (message: string) => void = () => undefined,
): Promise<NicResult> {
  const { hv } = session;
  const vm = await requireVm(hv, request.vm);
  const before = vm.nics.find((n) => n.name === request.name);
  let after = before;
  if ((request.state ?? 'present') === 'absent') {
    if (before) await hv.nics.removeNic({ vmId: vm.id, name: request.name });
    after = undefined;
  } else {
    const network = request.network ?? before?.network;
    if (!network) throw new InvalidArgument(`NIC '${request.name}' does not exist yet: give 'network'`, 'network');
    const asked = request.mac !== undefined ? normalizeMac(request.mac) : undefined;
    const macDiffers =
      before !== undefined && asked !== undefined && (!before.staticMac || normalizeMac(before.mac) !== asked);
    // A spec without a MAC asks for a dynamic one: keep a static MAC that was not asked to change.
    const mac = asked ?? (before?.staticMac ? normalizeMac(before.mac) : undefined);
    const vlanId = request.vlan_id !== undefined ? request.vlan_id || undefined : before?.vlanId;
    const spec: NicSpec = {
      name: request.name,
      network,
      ...(vlanId !== undefined && { vlanId }),
      ...(mac !== undefined && { mac }),
    };
    if (!before) {
      after = await withOptionNames(deviceOptionOf, () => hv.nics.addNic({ vmId: vm.id, nic: spec }));
    } else {
      if (macDiffers && vm.state !== 'off') {
        const why = `VM '${vm.name}' is ${vm.state}: the MAC address of NIC '${request.name}' (option 'mac') changes only with the VM off`;
        session.checkMode.unlessEarlierTask(
          new Conflict(`${why}; stop it first`, { details: { option: 'mac' } }),
          `${why}: the real run fails unless an earlier task stops it`,
          warn,
        );
      }
      const differs = network !== before.network || (vlanId ?? 0) !== (before.vlanId ?? 0) || macDiffers;
      if (differs) after = await withOptionNames(deviceOptionOf, () => hv.nics.setNic({ vmId: vm.id, nic: spec }));
    }
  }
  const changes = [...hv.changes];
  return {
    changed: changes.length > 0,
    ...(after && { nic: nicView(after) }),
    changes,
    diff: { before: before ? nicView(before) : {}, after: after ? nicView(after) : {} },
    msg: changes.length ? changes.join('; ') : `NIC '${request.name}' of VM '${request.vm}' is already as asked`,
  };
}
