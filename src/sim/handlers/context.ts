/** What every simulated script handler gets, and the helpers they share. */
import type { Clock } from '../../core/clock';
import type { SimFiles } from '../files';
import type { SimJobs } from '../jobs';
import type { SimRegistry, SimVm } from '../registry';

export interface SimTimings {
  /** Duration of a KVP add/modify/remove job. Default 0. */
  kvpJobMs: number;
  /** Time a cooperative guest needs to shut down. Default 0. */
  guestShutdownMs: number;
}

/** Lifecycle hooks for simulated guests (the guest bridge runs the Linux agent). */
export interface GuestHooks {
  boot(vm: SimVm): void;
  halt(vm: SimVm): void;
  /** Called after host KVP items changed, so pool files can be rewritten. */
  hostItemsChanged(vm: SimVm): void;
  /** Brings guest-written items (pool 1) into the registry before a read. */
  refresh(vm: SimVm): void;
}

export interface SimContext {
  readonly registry: SimRegistry;
  readonly files: SimFiles;
  readonly clock: Clock;
  readonly jobs: SimJobs;
  readonly timings: SimTimings;
  readonly guests: GuestHooks;
}

export type Args = Readonly<Record<string, unknown>>;
export type Handler = (ctx: SimContext, args: Args) => unknown;

/** A script error as PowerShell would report it (message, error id). */
export class SimScriptError extends Error {
  constructor(message: string, readonly errorId = 'RuntimeException') {
    super(message);
  }
}

/** Error in the `virtseal:<reason>: <message>` form the scripts' Stop-Vs throws. */
export function stop(reason: string, message: string): never {
  throw new SimScriptError(`virtseal:${reason}: ${message}`, `virtseal:${reason}: ${message}`);
}

export function str(args: Args, name: string): string {
  const v = args[name];
  return v === undefined || v === null ? '' : String(v);
}

export function num(args: Args, name: string): number {
  return Number(args[name] ?? 0);
}

export function obj(args: Args, name: string): Record<string, unknown> {
  return (args[name] ?? {}) as Record<string, unknown>;
}

export function list(args: Args, name: string): Record<string, unknown>[] {
  return ((args[name] ?? []) as unknown[]).map((v) => (v ?? {}) as Record<string, unknown>);
}

export function getVm(ctx: SimContext, id: string): SimVm {
  const vm = ctx.registry.vm(id);
  if (!vm) stop('not_found', `no VM with id ${id}`);
  return vm;
}

/** The VM as ConvertTo-VsVmInfo returns it. */
export function vmInfo(ctx: SimContext, vm: SimVm): Record<string, unknown> {
  const running = vm.state === 'Running';
  return {
    id: vm.id,
    name: vm.name,
    state: vm.state,
    generation: vm.generation,
    path: vm.path,
    cpuCount: vm.cpuCount,
    memoryStartupBytes: vm.memory.startupBytes,
    dynamicMemory: vm.memory.dynamic,
    memoryMinimumBytes: vm.memory.minimumBytes,
    memoryMaximumBytes: vm.memory.maximumBytes,
    memoryBufferPercent: vm.memory.bufferPercent,
    secureBoot: vm.secureBoot,
    secureBootTemplate: vm.secureBoot === 'on' ? vm.secureBootTemplate : '',
    tpm: vm.tpm,
    bootOrder: [...vm.bootOrder],
    automaticStartAction: vm.automaticStartAction,
    automaticStopAction: vm.automaticStopAction,
    notes: vm.notes,
    disks: vm.disks.map((d) => {
      const vhd = ctx.registry.vhds.get(d.path.toLowerCase());
      return { ...d, sizeBytes: vhd?.sizeBytes ?? 0, parentPath: vhd?.parentPath ?? '' };
    }),
    nics: vm.nics.map((n) => ({
      ...n,
      ipAddresses: running ? (vm.intrinsic.get('NetworkAddressIPv4') ?? '').split(';').filter((a) => a !== '') : [],
    })),
    dvd: vm.dvd,
    clustered: vm.clustered,
  };
}
