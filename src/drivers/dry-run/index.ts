/**
 * Check mode as a driver. `recording(inner, { dryRun })` wraps a real `Hypervisor` and describes every write as one
 * line of a `changes` list. Live, the write runs and its line is recorded once it succeeded. Dry, reads pass through
 * and writes are only recorded; they return what the real driver would plausibly return, and later reads see them
 * (a VM "created" in a dry run can be "started" by the next step), so services run unchanged in check mode and report
 * exactly the operations they would perform. Services do not ask whether they are in check mode: the few decisions
 * that must differ (a refusal an earlier task may lift, the exchange lock, the two waits) are the Session's, named in
 * its `checkMode` policy (src/services/session.ts). The one write that bypasses drivers, install_media's seed file on
 * the controller, is skipped by that service itself in check mode.
 */
import type { Hypervisor } from '../types';
import { checkpointsOverlay } from './checkpoint';
import { clusterOverlay } from './cluster';
import { disksOverlay } from './disk';
import { guestChannelOverlay } from './guest-channel';
import { imagesOverlay } from './image';
import { mediaOverlay } from './media';
import { nicsOverlay } from './nic';
import { powerOverlay } from './power';
import { createRecorder } from './recorder';
import { vmsOverlay } from './vm';

export { describeDisk, describeNic, describeVmChanges, describeVmSpec } from './describe';

export interface RecordingHypervisor extends Hypervisor {
  /** Operations performed (live) or intended (dry run), in order. */
  readonly changes: readonly string[];
  readonly dryRun: boolean;
  /** Records an operation that does not go through a single driver write (e.g. a whole sealed exchange). */
  record(line: string): void;
}

export function recording(inner: Hypervisor, options: { readonly dryRun: boolean }): RecordingHypervisor {
  const r = createRecorder(inner, options);
  const { live, changes, simulatedOnly } = r;
  return {
    type: inner.type,
    dryRun: !live,
    record: (line: string) => void changes.push(line),
    get changes() {
      return changes;
    },
    facts: () => inner.facts(),
    vms: vmsOverlay(r),
    power: powerOverlay(r),
    disks: disksOverlay(r),
    nics: nicsOverlay(r),
    images: imagesOverlay(r),
    media: mediaOverlay(r),
    checkpoints: checkpointsOverlay(r),
    cluster: clusterOverlay(r),
    guestChannel: guestChannelOverlay(r),
    // Reading how to reach a console changes nothing, in check mode too.
    ...(inner.console !== undefined ? { console: inner.console } : {}),
    guestAddresses: async ({ vmId }) => (simulatedOnly(vmId) ? [] : inner.guestAddresses({ vmId })),
    close: () => inner.close(),
  };
}
