/**
 * Which object a VM belongs to. A name is not an identity: NetBox keeps VM names unique only per cluster and tenant,
 * and a host may hold a VM of the same name made by hand. A VM created with an `owner` records it as the reserved
 * tag `virtseal-owner:<owner>` (tags live in the Hyper-V notes metadata and the libvirt domain metadata, so every
 * driver keeps it); a call with an `owner` acts only on a VM carrying exactly that tag.
 */
import { Conflict, InvalidArgument } from '../core/errors';
import type { VmInfo } from '../drivers/types';
import type { VmDesired } from './vm-desired';

export const OWNER_TAG_PREFIX = 'virtseal-owner:';

const reserved = (tags: readonly string[]): string[] => tags.filter((t) => t.startsWith(OWNER_TAG_PREFIX));

export function ownerOf(vm: VmInfo): string | undefined {
  return reserved(vm.tags)[0]?.slice(OWNER_TAG_PREFIX.length);
}

const WHAT: Readonly<Record<string, string>> = {
  absent: 'delete',
  started: 'start',
  stopped: 'stop',
  restarted: 'restart',
  present: 'reconfigure',
};

/** Refuses (Conflict) to act for `owner` on a VM that carries another owner or none. */
export function checkOwner(vm: VmInfo, owner: string, state: string): void {
  const has = ownerOf(vm);
  if (has === owner) return;
  const whose = has === undefined ? 'records no owner (made by hand or by another tool)' : `belongs to ${has}`;
  throw new Conflict(
    `VM '${vm.name}' (id ${vm.id}) ${whose}, not to ${owner}: refusing to ${WHAT[state] ?? state} it`,
    { details: { option: 'owner' } },
  );
}

/**
 * The desired tags with the ownership kept: a new VM gets the owner's tag; an existing VM keeps its own whatever
 * `tags` says. Tags given by the caller may not use the reserved prefix (a NetBox tag could otherwise claim a VM).
 */
export function withOwnerTags(desired: VmDesired, vm: VmInfo | undefined): VmDesired {
  const claimed = reserved(desired.tags ?? []);
  if (claimed.length > 0)
    throw new InvalidArgument(
      `tags: ${claimed[0]} uses the reserved prefix ${OWNER_TAG_PREFIX}; set owner instead`,
      'tags',
    );
  if (!vm)
    return desired.owner === undefined
      ? desired
      : { ...desired, tags: [...(desired.tags ?? []), `${OWNER_TAG_PREFIX}${desired.owner}`] };
  return desired.tags === undefined ? desired : { ...desired, tags: [...desired.tags, ...reserved(vm.tags)] };
}
