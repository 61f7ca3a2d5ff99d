/**
 * Configure a guest through the sealed exchange: attach the provisioning media if asked, start the VM (the agent runs
 * at boot), run the exchange until the guest reports applied or failed, and detach the media whatever the outcome.
 * The exchange itself removes every host item it wrote.
 */
import { Conflict, VirtsealError } from '../core/errors';
import { runSteps, type Step } from '../core/steps';
import type { GuestConfig } from '../seal/guest-config';
import { readGuestConfigStatus } from '../seal/guest-status';
import { bindOnlyNic } from '../seal/network-config';
import { withExchangeLock } from './exchange-lock';
import { explainFlowFailure } from './flow-error';
import type { Session } from './session';
import { requireVm } from './vm-lookup';

export interface GuestConfigRequest {
  readonly vm: string;
  readonly config: unknown;
  readonly media?: string;
  readonly start: boolean;
  readonly force: boolean;
  readonly timeoutMs: number;
}

export interface GuestConfigResult {
  readonly changed: boolean;
  readonly outcome: 'applied' | 'already_applied';
  readonly attempt_id?: string;
  readonly changes: readonly string[];
  readonly msg: string;
}

export async function configureGuest(session: Session, request: GuestConfigRequest): Promise<GuestConfigResult> {
  const { hv } = session;
  const vm = await requireVm(hv, request.vm);
  // Compared as the exchange would send it (a config with one NIC and no MAC is bound to the VM's only adapter).
  const config = bindOnlyNic(
    request.config,
    vm.nics.map((n) => n.mac),
  ) as GuestConfig;
  const status = await readGuestConfigStatus(hv.guestChannel({ vmId: vm.id }), {
    vmId: vm.id,
    ...(config && typeof config === 'object' && config.protocol !== 'hlvmm-v1' ? { config } : {}),
  });
  if (!request.force && status.state === 'applied') {
    // The agent provisions once and removes itself: a config it did not apply cannot reach it until re-armed.
    const rearm = `re-arm the agent in the guest, then run again with force: true (docs/guest-agents.md)`;
    if (status.applied === 'other_vm') {
      throw new Conflict(
        `VM '${vm.name}' carries the applied record of another VM (its disk is a clone of a provisioned VM), so its configuration was never sent to it; ${rearm}`,
      );
    }
    if (status.applied === 'other_config') {
      throw new Conflict(
        `VM '${vm.name}' applied a different configuration earlier (attempt ${status.attemptId}); this one (for example a rotated password) was not sent: ${rearm}`,
      );
    }
    if (status.applied === 'this_config') {
      return {
        changed: false,
        outcome: 'already_applied',
        ...(status.attemptId !== undefined && { attempt_id: status.attemptId }),
        changes: [],
        msg: `VM '${vm.name}' already applied this configuration; nothing sent (force: true sends it again)`,
      };
    }
  }
  if (vm.state !== 'running' && !request.start) {
    throw new Conflict(`VM '${vm.name}' is ${vm.state}; its guest agent runs at boot, so start it or set start: true`);
  }

  const context: { attemptId?: string } = {};
  // One run per VM at a time, from this controller or another (exchange-lock.ts), taken once the VM runs: a lease is
  // a host item, which a libvirt guest only takes while running. Check mode writes no lease.
  const lease = {
    channel: hv.guestChannel({ vmId: vm.id }),
    vmName: vm.name,
    timeoutMs: request.timeoutMs,
    now: () => session.clock.now(),
  };
  const exchange = () =>
    session.exchange({ vmId: vm.id, vmName: vm.name, config: request.config, timeoutMs: request.timeoutMs });
  const attachMedia: Step<typeof context> = {
    name: 'attach provisioning media',
    run: async () => hv.media.attachIso({ vmId: vm.id, path: request.media! }),
    cleanup: async () => hv.media.detachIso({ vmId: vm.id }),
  };
  const steps: Step<typeof context>[] = [
    ...(request.media && vm.dvd !== request.media ? [attachMedia] : []),
    {
      name: 'start VM',
      run: async () => {
        if (vm.state !== 'running') await hv.power.start({ id: vm.id });
      },
    },
    {
      name: 'sealed exchange',
      run: async (c) => {
        const outcome = await session.checkMode.locked((run) => withExchangeLock(lease, run), exchange);
        c.attemptId = outcome.attemptId;
      },
    },
    ...(request.media && vm.dvd !== request.media
      ? [{ name: 'detach provisioning media', run: async () => hv.media.detachIso({ vmId: vm.id }) }]
      : []),
  ];
  try {
    await runSteps(steps, context);
  } catch (error) {
    const explained = explainFlowFailure(error, `configuring VM '${vm.name}'`);
    if (status.state === 'applied' && (explained as VirtsealError).reason === 'guest_timeout') {
      // The agent provisions once and removes itself: a forced resend finds nobody listening unless re-armed.
      const e = explained as VirtsealError;
      throw new VirtsealError(
        e.reason,
        `${e.message}. VM '${vm.name}' had already applied a configuration and its agent removes itself afterwards: re-arm the agent in the guest before force: true (docs/guest-agents.md)`,
        { cause: e, details: e.details },
      );
    }
    throw explained;
  }
  const changes = [...hv.changes];
  return {
    changed: true,
    outcome: 'applied',
    ...(context.attemptId !== undefined && { attempt_id: context.attemptId }),
    changes,
    msg: `VM '${vm.name}' applied its configuration`,
  };
}
