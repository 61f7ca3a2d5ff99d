/**
 * The simulated Hyper-V platform behind the fake PowerShell modules (src/sim/hyperv-module): each fake cmdlet sends
 * one request over the simulator's channel and this answers it from the registry, applying Hyper-V's documented
 * behaviour and reporting errors in Hyper-V's words and exception types. Nothing here knows virtseal's scripts: it
 * models cmdlets and WMI classes, so a script that misuses them fails here as it would on a host.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseKvpItem } from '../drivers/hyperv/kvp-xml';
import { kvpItemXml } from './kvp-items';
import { winDirname } from './files';
import type { SimContext } from './context';
import type { SimCheckpoint, SimDrive, SimNic, SimVm } from './registry';
import { UNSET_MAC } from './registry';
import type { SimJob } from './jobs';

/** An error as a Hyper-V cmdlet or the WMI provider reports it. */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly type:
      | 'VirtualizationException'
      | 'VirtualizationInvalidArgumentException'
      | 'CimException'
      | 'ArgumentException'
      | 'ItemNotFoundException' = 'VirtualizationException',
    readonly category = 'InvalidOperation',
    readonly errorId = 'InvalidState',
  ) {
    super(message);
  }
}

type Args = Record<string, unknown>;
const KVP_COMPONENT = '2A34B1C2-FD73-4043-8A5B-DD2159BC743F';
const INTEGRATION_SERVICES: [string, string][] = [
  ['Guest Service Interface', '6C09BB55-D683-4DA0-8931-C9BF705F6480'],
  ['Heartbeat', '84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47'],
  ['Key-Value Pair Exchange', KVP_COMPONENT],
  ['Shutdown', '9F8233AC-BE49-4C79-8EE3-E7E1985B2077'],
  ['Time Synchronization', '2497F4DE-E9FA-4204-80E4-4B75C46419C0'],
  ['VSS', '5CED1297-4598-4915-A5FC-AD21BB4D02A4'],
];
const MB = 2 ** 20;

function str(args: Args, name: string): string {
  const v = args[name];
  return v === undefined || v === null ? '' : String(v);
}

function wrongState(vm: SimVm, device: string): PlatformError {
  return new PlatformError(
    `'${vm.name}' failed to modify device '${device}'. (Virtual machine ID ${vm.id.toUpperCase()}) The operation cannot be performed while the virtual machine is in its current state.`,
    'VirtualizationException',
    'InvalidOperation',
    'InvalidState',
  );
}

/** The virtual size and parent written into a simulated disk file (a real VHDX carries both in its metadata). */
function readHeader(text: string): { size?: number; parent?: string } {
  const size = /virtual-size=(\d+)/.exec(text)?.[1];
  const parent = /parent=(.*)$/m.exec(text)?.[1];
  return { ...(size ? { size: Number(size) } : {}), ...(parent ? { parent } : {}) };
}

export class HyperVPlatform {
  private readonly kvpJobs = new Map<string, { job: SimJob; failed?: { code: number; text: string } }>();

  constructor(private readonly ctx: SimContext) {}

  /** Answers one request; throws PlatformError for a Hyper-V error. */
  async call(cmdlet: string, args: Args): Promise<unknown> {
    const method = (this as unknown as Record<string, (a: Args) => unknown>)[cmdlet];
    if (typeof method !== 'function' || cmdlet === 'call' || cmdlet.startsWith('_'))
      throw new PlatformError(
        `The term '${cmdlet}' is not recognized`,
        'ItemNotFoundException',
        'ObjectNotFound',
        'CommandNotFoundException',
      );
    try {
      return await method.call(this, args);
    } finally {
      this.pruneBootEntries();
    }
  }

  // ---------------------------------------------------------------------------------------------------- helpers
  private vmOf(args: Args): SimVm {
    const id = str(args, 'vmId');
    const vm = this.ctx.registry.vm(id);
    if (!vm)
      throw new PlatformError(
        `Hyper-V was unable to find a virtual machine with ID "${id}".`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    return vm;
  }

  private requireOff(vm: SimVm, device: string): void {
    if (vm.state !== 'Off') throw wrongState(vm, device);
  }

  private deviceId(vm: SimVm): string {
    return `Microsoft:${vm.id.toUpperCase()}\\${randomUUID().toUpperCase()}`;
  }

  private drives(vm: SimVm): SimDrive[] {
    for (const d of vm.disks) d.id ??= this.deviceId(vm);
    return vm.disks;
  }

  private nics(vm: SimVm): SimNic[] {
    for (const n of vm.nics) n.id ??= this.deviceId(vm);
    return vm.nics;
  }

  private vmObject(vm: SimVm): Record<string, unknown> {
    const current = vm.checkpoints.find((c) => c.id === vm.currentCheckpoint);
    return {
      ComputerName: this.ctx.registry.host.name,
      Name: vm.name,
      Id: vm.id,
      VMId: vm.id,
      VMName: vm.name,
      State: vm.state,
      Generation: vm.generation,
      Path: vm.path,
      ConfigurationLocation: vm.path,
      ProcessorCount: vm.cpuCount,
      MemoryStartup: vm.memory.startupBytes,
      DynamicMemoryEnabled: vm.memory.dynamic,
      Notes: vm.notes,
      AutomaticStartAction: vm.automaticStartAction,
      AutomaticStopAction: vm.automaticStopAction,
      IsClustered: vm.clustered,
      CheckpointType: vm.checkpointType ?? 'Production',
      ParentSnapshotId: current ? current.id : null,
      ParentSnapshotName: current ? current.name : null,
    };
  }

  private driveObject(vm: SimVm, d: SimDrive, kind: 'HardDiskDrive' | 'DvdDrive'): Record<string, unknown> {
    return {
      kind,
      Name: kind === 'DvdDrive' ? 'DVD Drive' : 'Hard Drive',
      Id: d.id,
      VMId: vm.id,
      VMName: vm.name,
      ComputerName: this.ctx.registry.host.name,
      Path: kind === 'DvdDrive' ? vm.dvd || null : d.path,
      ControllerType: d.controllerType,
      ControllerNumber: d.controllerNumber,
      ControllerLocation: d.controllerLocation,
    };
  }

  private nicObject(vm: SimVm, n: SimNic): Record<string, unknown> {
    const running = vm.state === 'Running';
    return {
      kind: 'VMNetworkAdapter',
      Name: n.name,
      Id: n.id,
      VMId: vm.id,
      VMName: vm.name,
      ComputerName: this.ctx.registry.host.name,
      SwitchName: n.switchName,
      Connected: n.switchName !== '',
      MacAddress: n.mac,
      DynamicMacAddressEnabled: !n.staticMac,
      IPAddresses:
        running && n === vm.nics[0]
          ? (vm.intrinsic.get('NetworkAddressIPv4') ?? '').split(';').filter((a) => a !== '')
          : [],
    };
  }

  private dvdDrive(vm: SimVm): SimDrive | undefined {
    if (vm.dvdDrive) vm.dvdDrive.id ??= this.deviceId(vm);
    return vm.dvdDrive;
  }

  /** Gen2 firmware boot entries, kept in step with the devices: a new device's entry goes last, a removed one's goes. */
  private bootEntries(vm: SimVm): { id: string; device: Record<string, unknown>; type: 'Drive' | 'Network' }[] {
    const devices = new Map<string, { device: Record<string, unknown>; type: 'Drive' | 'Network' }>();
    for (const d of this.drives(vm))
      devices.set(d.id!, { device: this.driveObject(vm, d, 'HardDiskDrive'), type: 'Drive' });
    const dvd = this.dvdDrive(vm);
    if (dvd) devices.set(dvd.id!, { device: this.driveObject(vm, dvd, 'DvdDrive'), type: 'Drive' });
    for (const n of this.nics(vm)) devices.set(n.id!, { device: this.nicObject(vm, n), type: 'Network' });
    const order = (vm.bootEntries ?? []).filter((id) => devices.has(id));
    for (const id of devices.keys()) if (!order.includes(id)) order.push(id);
    // Reading the firmware changes nothing: the stored order is only rewritten when it differs.
    if (order.join() !== (vm.bootEntries ?? []).join()) vm.bootEntries = order;
    return order.map((id) => ({ id, ...devices.get(id)! }));
  }

  /** A removed device's boot entry goes with it, as Hyper-V drops it from the firmware (not at the next read). */
  private pruneBootEntries(): void {
    for (const vm of this.ctx.registry.vms.values()) {
      if (!vm.bootEntries || vm.bootEntries.length === 0) continue;
      const ids = new Set<string | undefined>([
        ...vm.disks.map((d) => d.id),
        vm.dvdDrive?.id,
        ...vm.nics.map((n) => n.id),
      ]);
      const kept = vm.bootEntries.filter((id) => ids.has(id));
      if (kept.length !== vm.bootEntries.length) vm.bootEntries = kept;
    }
  }

  private vhdPathKey(path: string): string {
    return path.toLowerCase();
  }

  private vhdInfo(path: string): { path: string; sizeBytes: number; parentPath: string } | undefined {
    const known = this.ctx.registry.vhds.get(this.vhdPathKey(path));
    if (known && this.ctx.files.exists(path)) return known;
    if (!this.ctx.files.exists(path)) return undefined;
    const local = this.ctx.files.local(path);
    const head = readFileSync(local).subarray(0, 512).toString('latin1');
    const header = readHeader(head);
    const info = { path, sizeBytes: header.size ?? statSync(local).size, parentPath: header.parent ?? '' };
    this.ctx.registry.vhds.set(this.vhdPathKey(path), info);
    return info;
  }

  private writeVhd(path: string, sizeBytes: number, parentPath: string): void {
    const local = this.ctx.files.ensureParent(path);
    writeFileSync(
      local,
      `vhdx simulated virtual disk; virtual-size=${sizeBytes}\n${parentPath ? `parent=${parentPath}\n` : ''}`,
    );
    this.ctx.registry.vhds.set(this.vhdPathKey(path), { path, sizeBytes, parentPath });
  }

  private vhdMissing(path: string): PlatformError {
    return new PlatformError(
      `Getting the mounted storage instance for the path '${path}' failed. The system cannot find the file specified.`,
      'VirtualizationException',
      'ObjectNotFound',
      'ObjectNotFound',
    );
  }

  // ------------------------------------------------------------------------------------------------ host, clock
  'host.info'(): unknown {
    const h = this.ctx.registry.host;
    return { freeBytes: h.freeBytes, totalBytes: h.totalBytes };
  }

  'clock.now'(): unknown {
    return this.ctx.clock.now();
  }

  async 'clock.sleep'(args: Args): Promise<unknown> {
    await this.ctx.clock.sleep(Number(args.ms ?? 0));
    return null;
  }

  'Get-VMHost'(): unknown {
    const h = this.ctx.registry.host;
    return [
      {
        ComputerName: h.name,
        Name: h.name,
        VirtualMachinePath: h.virtualMachinePath,
        VirtualHardDiskPath: h.virtualHardDiskPath,
        LogicalProcessorCount: 16,
        MemoryCapacity: 256 * 2 ** 30,
      },
    ];
  }

  'Get-VMSwitch'(args: Args): unknown {
    const names = (args.names as string[] | undefined) ?? undefined;
    return this.ctx.registry.switches
      .filter((s) => !names || names.some((n) => n.toLowerCase() === s.name.toLowerCase()))
      .map((s) => ({
        ComputerName: this.ctx.registry.host.name,
        Name: s.name,
        Id: `00000000-0000-0000-0000-${s.name.length.toString().padStart(12, '0')}`,
        SwitchType: s.type,
      }));
  }

  // ------------------------------------------------------------------------------------------------- VMs
  'Get-VM'(args: Args): unknown {
    let vms = [...this.ctx.registry.vms.values()];
    const id = str(args, 'id');
    if (id !== '') vms = vms.filter((v) => v.id === id.toLowerCase());
    const names = args.names as string[] | undefined;
    if (names) {
      vms = vms.filter((v) =>
        names.some((n) =>
          new RegExp(
            `^${n
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
            'i',
          ).test(v.name),
        ),
      );
      if (vms.length === 0 && names.every((n) => !/[*?]/.test(n))) {
        throw new PlatformError(
          `Hyper-V was unable to find a virtual machine with name "${names[0]}".`,
          'VirtualizationException',
          'InvalidArgument',
          'InvalidParameter',
        );
      }
    }
    if (id !== '' && vms.length === 0)
      throw new PlatformError(
        `Hyper-V was unable to find a virtual machine with ID "${id}".`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    return vms.map((v) => this.vmObject(v));
  }

  'New-VM'(args: Args): unknown {
    const name = str(args, 'name') || 'New Virtual Machine';
    const generation = Number(args.generation ?? 1);
    if (generation !== 1 && generation !== 2)
      throw new PlatformError(
        `The generation '${generation}' is not valid.`,
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    const memory = Number(args.memoryStartupBytes ?? 0) || (generation === 2 ? 1024 * MB : 512 * MB);
    this.checkMemory(name, memory, 'startup');
    const root = str(args, 'path') || this.ctx.registry.host.virtualMachinePath;
    // New-VM -Path <p> keeps the VM's files in <p>\<name> (Virtual Machines, Snapshots, Virtual Hard Disks).
    const vm = this.ctx.registry.newVm({ name, generation, path: `${root.replace(/\\+$/, '')}\\${name}` });
    vm.memory.startupBytes = memory;
    vm.bootOrder = ['dvd', 'disk', 'network', 'floppy'];
    vm.bootEntries = [];
    vm.checkpointType = 'Production';
    vm.kvpIntegration = true;
    vm.secureBoot = generation === 2 ? 'on' : 'off';
    if (generation === 1) vm.dvdDrive = { path: '', controllerType: 'IDE', controllerNumber: 1, controllerLocation: 0 };
    // New-VM adds one adapter named "Network Adapter", connected when -SwitchName is given.
    const switchName = str(args, 'switchName');
    vm.nics.push({ name: 'Network Adapter', switchName, vlanId: 0, mac: UNSET_MAC, staticMac: false });
    this.ctx.files.ensureParent(`${vm.path}\\Virtual Machines\\${vm.id.toUpperCase()}.vmcx`);
    writeFileSync(
      this.ctx.files.local(`${vm.path}\\Virtual Machines\\${vm.id.toUpperCase()}.vmcx`),
      'simulated VM configuration\n',
    );
    return [this.vmObject(vm)];
  }

  private checkMemory(name: string, bytes: number, what: string): void {
    if (bytes % (2 * MB) !== 0) {
      const mb = Math.round((bytes / MB) * 1000) / 1000;
      throw new PlatformError(
        `Failed to modify device 'Memory'. Invalid ${what} memory amount assigned for '${name}'. The memory value assigned ('${mb}' MB) is not properly aligned. Try again with a value that is a multiple of '2' MB.`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
  }

  'Rename-VM'(args: Args): unknown {
    this.vmOf(args).name = str(args, 'newName');
    return null;
  }

  'Remove-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.state !== 'Off' && vm.state !== 'Saved') {
      throw new PlatformError(
        `The virtual machine '${vm.name}' cannot be removed while it is running. Turn off the virtual machine and try again.`,
        'VirtualizationException',
        'InvalidOperation',
        'InvalidState',
      );
    }
    this.ctx.guests.halt(vm);
    // The configuration goes; virtual hard disks and folders stay (Remove-VM.md). Checkpoint disks stay too, unmerged.
    rmSync(this.ctx.files.local(`${vm.path}\\Virtual Machines\\${vm.id.toUpperCase()}.vmcx`), { force: true });
    this.ctx.registry.vms.delete(vm.id);
    return null;
  }

  'Set-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if ('ProcessorCount' in args) {
      this.requireOff(vm, 'Processor');
      vm.cpuCount = Number(args.ProcessorCount);
    }
    // Automatic actions live in the VM's configuration, which Hyper-V only changes while the VM is off.
    if ('AutomaticStartAction' in args || 'AutomaticStopAction' in args || 'CheckpointType' in args) {
      if (vm.state !== 'Off') {
        throw new PlatformError(
          `'${vm.name}' failed to modify settings. (Virtual machine ID ${vm.id.toUpperCase()}) The operation cannot be performed while the virtual machine is in its current state.`,
        );
      }
    }
    if ('AutomaticStartAction' in args) vm.automaticStartAction = str(args, 'AutomaticStartAction');
    if ('AutomaticStopAction' in args) vm.automaticStopAction = str(args, 'AutomaticStopAction');
    if ('CheckpointType' in args) vm.checkpointType = str(args, 'CheckpointType') as SimVm['checkpointType'];
    if ('Notes' in args) vm.notes = str(args, 'Notes');
    if ('NewVMName' in args) vm.name = str(args, 'NewVMName');
    return null;
  }

  'Set-VMProcessor'(args: Args): unknown {
    const vm = this.vmOf(args);
    if ('count' in args) {
      const count = Number(args.count);
      if (count !== vm.cpuCount) this.requireOff(vm, 'Processor');
      if (count < 1 || count > 240)
        throw new PlatformError(
          `'${vm.name}' failed to modify device 'Processor'. The processor count ${count} is out of range.`,
          'VirtualizationException',
          'InvalidArgument',
          'InvalidParameter',
        );
      vm.cpuCount = count;
    }
    return null;
  }

  'Get-VMMemory'(args: Args): unknown {
    const vm = this.vmOf(args);
    const m = vm.memory;
    return [
      {
        Startup: m.startupBytes,
        DynamicMemoryEnabled: m.dynamic,
        Minimum: m.minimumBytes,
        Maximum: m.maximumBytes,
        Buffer: m.bufferPercent,
        VMId: vm.id,
        VMName: vm.name,
      },
    ];
  }

  'Set-VMMemory'(args: Args): unknown {
    const vm = this.vmOf(args);
    const next = { ...vm.memory };
    if ('DynamicMemoryEnabled' in args) next.dynamic = Boolean(args.DynamicMemoryEnabled);
    if ('StartupBytes' in args) next.startupBytes = Number(args.StartupBytes);
    if ('MinimumBytes' in args) next.minimumBytes = Number(args.MinimumBytes);
    if ('MaximumBytes' in args) next.maximumBytes = Number(args.MaximumBytes);
    if ('Buffer' in args) next.bufferPercent = Number(args.Buffer);
    for (const [what, value] of [
      ['startup', next.startupBytes],
      ['minimum', next.minimumBytes],
      ['maximum', next.maximumBytes],
    ] as const) {
      if (what === 'startup' || next.dynamic) this.checkMemory(vm.name, value, what);
    }
    if (vm.state !== 'Off') {
      // Turning dynamic memory on or off, and changing the startup amount, need the VM off.
      if (next.dynamic !== vm.memory.dynamic || next.startupBytes !== vm.memory.startupBytes)
        throw wrongState(vm, 'Memory');
    }
    if (next.dynamic && (next.minimumBytes > next.startupBytes || next.startupBytes > next.maximumBytes)) {
      throw new PlatformError(
        `'${vm.name}' failed to modify device 'Memory'. The minimum memory must be less than or equal to the startup memory, and the startup memory less than or equal to the maximum.`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
    vm.memory = next;
    return null;
  }

  /** Hyper-V's refusal of a firmware cmdlet on a Generation 1 VM (BIOS, no UEFI settings). */
  private requireGeneration2(vm: SimVm): void {
    if (vm.generation === 2) return;
    throw new PlatformError(
      `The operation is not supported for Generation 1 virtual machines ('${vm.name}').`,
      'VirtualizationException',
      'InvalidOperation',
      'InvalidParameter',
    );
  }

  'Get-VMFirmware'(args: Args): unknown {
    const vm = this.vmOf(args);
    this.requireGeneration2(vm);
    return [
      {
        SecureBoot: vm.secureBoot === 'on' ? 'On' : 'Off',
        SecureBootTemplate: vm.secureBootTemplate || 'MicrosoftWindows',
        BootOrder: this.bootEntries(vm).map((e) => ({
          BootType: e.type,
          Description: e.type === 'Network' ? 'EFI Network' : 'EFI SCSI Device',
          FirmwarePath: e.id,
          Device: e.device,
        })),
        VMId: vm.id,
        VMName: vm.name,
      },
    ];
  }

  'Set-VMFirmware'(args: Args): unknown {
    const vm = this.vmOf(args);
    this.requireGeneration2(vm);
    if ('enableSecureBoot' in args || 'secureBootTemplate' in args) this.requireOff(vm, 'Firmware');
    if ('enableSecureBoot' in args) vm.secureBoot = str(args, 'enableSecureBoot') === 'On' ? 'on' : 'off';
    if ('secureBootTemplate' in args) {
      const template = str(args, 'secureBootTemplate');
      if (!['MicrosoftWindows', 'MicrosoftUEFICertificateAuthority', 'OpenSourceShieldedVM'].includes(template)) {
        throw new PlatformError(
          `The secure boot template '${template}' is not valid.`,
          'VirtualizationInvalidArgumentException',
          'InvalidArgument',
          'InvalidParameter',
        );
      }
      vm.secureBootTemplate = template;
    }
    if ('bootOrder' in args) {
      const known = new Set(this.bootEntries(vm).map((e) => e.id));
      const wanted = (args.bootOrder as string[]).map((e) => e.replace(/^device:/, ''));
      for (const id of wanted)
        if (!known.has(id))
          throw new PlatformError(
            `The boot entry '${id}' does not belong to '${vm.name}'.`,
            'VirtualizationInvalidArgumentException',
            'InvalidArgument',
            'InvalidParameter',
          );
      if (new Set(wanted).size !== wanted.length)
        throw new PlatformError(
          'The boot order contains the same device more than once.',
          'VirtualizationInvalidArgumentException',
          'InvalidArgument',
          'InvalidParameter',
        );
      // "Any existing boot entries not specified by this command will be removed" (Set-VMFirmware.md).
      vm.bootEntries = wanted;
    }
    return null;
  }

  'Get-VMBios'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.generation !== 1)
      throw new PlatformError(
        `The operation is not supported for Generation 2 virtual machines ('${vm.name}').`,
        'VirtualizationException',
        'InvalidOperation',
        'InvalidParameter',
      );
    const map: Record<string, string> = { dvd: 'CD', disk: 'IDE', network: 'LegacyNetworkAdapter', floppy: 'Floppy' };
    return [
      { NumLockEnabled: false, StartupOrder: vm.bootOrder.map((k) => map[k] ?? k), VMId: vm.id, VMName: vm.name },
    ];
  }

  'Set-VMBios'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.generation !== 1)
      throw new PlatformError(
        `The operation is not supported for Generation 2 virtual machines ('${vm.name}').`,
        'VirtualizationException',
        'InvalidOperation',
        'InvalidParameter',
      );
    const order = (args.startupOrder as string[] | undefined) ?? [];
    const all = ['CD', 'IDE', 'LegacyNetworkAdapter', 'Floppy'];
    if (order.length !== 4 || all.some((d) => !order.includes(d))) {
      throw new PlatformError(
        'The startup order must list each of CD, IDE, LegacyNetworkAdapter and Floppy exactly once.',
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
    const back: Record<string, string> = { CD: 'dvd', IDE: 'disk', LegacyNetworkAdapter: 'network', Floppy: 'floppy' };
    vm.bootOrder = order.map((d) => back[d]!);
    return null;
  }

  'Get-VMSecurity'(args: Args): unknown {
    const vm = this.vmOf(args);
    return [{ TpmEnabled: vm.tpm, KsdEnabled: false, Shielded: false, EncryptStateAndVmMigrationTraffic: false }];
  }

  'Set-VMKeyProtector'(args: Args): unknown {
    const vm = this.vmOf(args);
    this.requireOff(vm, 'Security');
    vm.keyProtector = true;
    return null;
  }

  'Enable-VMTPM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.generation !== 2)
      throw new PlatformError(`The operation is not supported for Generation 1 virtual machines ('${vm.name}').`);
    this.requireOff(vm, 'Security');
    if (!vm.keyProtector)
      throw new PlatformError(
        `'${vm.name}' failed to enable the virtual TPM: the virtual machine has no key protector. Use Set-VMKeyProtector first.`,
      );
    vm.tpm = true;
    return null;
  }

  'Disable-VMTPM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.tpm) this.requireOff(vm, 'Security');
    vm.tpm = false;
    return null;
  }

  // ----------------------------------------------------------------------------------------------- disks
  'Get-VMHardDiskDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    return this.drives(vm).map((d) => this.driveObject(vm, d, 'HardDiskDrive'));
  }

  'Add-VMHardDiskDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    const path = str(args, 'path');
    if (!this.ctx.files.exists(path))
      throw new PlatformError(
        `Failed to add device 'Virtual Hard Disk'. The system cannot find the file '${path}'.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    if (!/\.a?vhdx?$/i.test(path))
      throw new PlatformError(
        `Failed to add device 'Virtual Hard Disk'. '${path}' is not a virtual hard disk file.`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    if (vm.generation === 2 && /\.vhd$/i.test(path)) {
      throw new PlatformError(
        `Failed to add device 'Virtual Hard Disk'. Generation 2 virtual machines support VHDX files only ('${path}').`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
    this.vhdInfo(path);
    const used = (type: string, n: number, l: number): boolean =>
      vm.disks.some((d) => d.controllerType === type && d.controllerNumber === n && d.controllerLocation === l) ||
      (vm.dvdDrive !== undefined &&
        vm.dvdDrive.controllerType === type &&
        vm.dvdDrive.controllerNumber === n &&
        vm.dvdDrive.controllerLocation === l);
    // Generation 1: IDE first ("If not specified, IDE is attempted first"), 2 controllers x 2 locations, no hot-add;
    // New-VM gives a Generation 1 VM no SCSI controller. Generation 2: SCSI only, 64 locations, hot-add allowed.
    const wantedType = str(args, 'controllerType') || (vm.generation === 1 ? 'IDE' : 'SCSI');
    if (vm.generation === 2 && wantedType === 'IDE')
      throw new PlatformError(
        'Generation 2 virtual machines have no IDE controller.',
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    if (vm.generation === 1 && wantedType === 'SCSI')
      throw new PlatformError(
        `'${vm.name}' has no SCSI controller.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    if (wantedType === 'IDE' && vm.state !== 'Off') throw wrongState(vm, 'Virtual Hard Disk');
    const numbers = wantedType === 'IDE' ? [0, 1] : [0];
    const locations = wantedType === 'IDE' ? [0, 1] : Array.from({ length: 64 }, (_, i) => i);
    let slot: [number, number] | undefined;
    for (const n of 'controllerNumber' in args ? [Number(args.controllerNumber)] : numbers) {
      for (const l of 'controllerLocation' in args ? [Number(args.controllerLocation)] : locations) {
        if (!slot && !used(wantedType, n, l)) slot = [n, l];
      }
    }
    if (!slot)
      throw new PlatformError(
        `Failed to add device 'Virtual Hard Disk'. No available location on the ${wantedType} controllers of '${vm.name}'.`,
        'VirtualizationException',
        'ResourceUnavailable',
        'ObjectNotFound',
      );
    const drive: SimDrive = {
      path,
      controllerType: wantedType as 'IDE' | 'SCSI',
      controllerNumber: slot[0],
      controllerLocation: slot[1],
    };
    drive.id = this.deviceId(vm);
    vm.disks.push(drive);
    return [this.driveObject(vm, drive, 'HardDiskDrive')];
  }

  private findDrive(vm: SimVm, args: Args): number {
    const index = vm.disks.findIndex(
      (d) =>
        d.controllerType === str(args, 'controllerType') &&
        d.controllerNumber === Number(args.controllerNumber) &&
        d.controllerLocation === Number(args.controllerLocation),
    );
    if (index < 0)
      throw new PlatformError(
        `No hard disk drive found at ${str(args, 'controllerType')} ${String(args.controllerNumber)}:${String(args.controllerLocation)} of '${vm.name}'.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    return index;
  }

  'Remove-VMHardDiskDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    const index = this.findDrive(vm, args);
    if (vm.disks[index]!.controllerType === 'IDE' && vm.state !== 'Off') throw wrongState(vm, 'Virtual Hard Disk');
    vm.disks.splice(index, 1);
    return null;
  }

  'Get-VHD'(args: Args): unknown {
    const path = str(args, 'path');
    const info = this.vhdInfo(path);
    if (!info) throw this.vhdMissing(path);
    const attached = [...this.ctx.registry.vms.values()].some(
      (v) => v.state !== 'Off' && v.disks.some((d) => d.path.toLowerCase() === path.toLowerCase()),
    );
    return [
      {
        ComputerName: this.ctx.registry.host.name,
        Path: info.path,
        VhdFormat: /\.vhd$/i.test(path) ? 'VHD' : 'VHDX',
        VhdType: info.parentPath ? 'Differencing' : 'Dynamic',
        FileSize: statSync(this.ctx.files.local(path)).size,
        Size: info.sizeBytes,
        MinimumSize: 0,
        ParentPath: info.parentPath,
        Attached: attached,
      },
    ];
  }

  'New-VHD'(args: Args): unknown {
    const path = str(args, 'path');
    if (!/\.vhdx?$/i.test(path))
      throw new PlatformError(
        `The file extension of '${path}' is not valid: use .vhd or .vhdx.`,
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    if (this.ctx.files.exists(path))
      throw new PlatformError(
        `Failed to create the virtual hard disk. The file '${path}' already exists.`,
        'VirtualizationException',
        'ResourceExists',
        'InvalidParameter',
      );
    const parentPath = str(args, 'parentPath');
    let size = Number(args.sizeBytes ?? 0);
    if (str(args, 'type') === 'Differencing') {
      const parent = this.vhdInfo(parentPath);
      if (!parent) throw this.vhdMissing(parentPath);
      // "The file name extension you specify determines the format" (New-VHD.md): a child keeps its parent's format.
      if (/\.vhd$/i.test(parentPath) !== /\.vhd$/i.test(path)) {
        throw new PlatformError(
          `Failed to create the virtual hard disk. The format of '${path}' differs from the format of its parent '${parentPath}'.`,
          'VirtualizationException',
          'InvalidArgument',
          'InvalidParameter',
        );
      }
      size = size || parent.sizeBytes;
      if (size < parent.sizeBytes)
        throw new PlatformError(
          'A differencing disk cannot be smaller than its parent.',
          'VirtualizationInvalidArgumentException',
          'InvalidArgument',
          'InvalidParameter',
        );
    } else if (size < 3 * MB) {
      throw new PlatformError(
        `The size ${size} is below the minimum virtual hard disk size of 3 MB.`,
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
    this.writeVhd(path, size, str(args, 'type') === 'Differencing' ? parentPath : '');
    return this['Get-VHD']({ path });
  }

  'Resize-VHD'(args: Args): unknown {
    const path = str(args, 'path');
    const info = this.vhdInfo(path);
    if (!info) throw this.vhdMissing(path);
    const size = Number(args.sizeBytes);
    for (const vm of this.ctx.registry.vms.values()) {
      const drive = vm.disks.find((d) => d.path.toLowerCase() === path.toLowerCase());
      // "If the virtual disk file connects to a virtual machine's IDE chain, you cannot resize the virtual disk while
      // the virtual machine is online" (Resize-VHD.md).
      if (drive && drive.controllerType === 'IDE' && vm.state !== 'Off') {
        throw new PlatformError(
          `Failed to resize the virtual disk '${path}': it is attached to the IDE controller of '${vm.name}', which is running.`,
          'VirtualizationException',
          'InvalidOperation',
          'InvalidState',
        );
      }
    }
    const child = [...this.ctx.registry.vhds.values()].find(
      (v) => v.parentPath.toLowerCase() === path.toLowerCase() && this.ctx.files.exists(v.path),
    );
    if (child)
      throw new PlatformError(
        `Failed to resize the virtual disk '${path}': it is the parent of '${child.path}' (a checkpoint or differencing disk depends on it).`,
        'VirtualizationException',
        'InvalidOperation',
        'InvalidState',
      );
    if (size < info.sizeBytes)
      throw new PlatformError(
        `Failed to resize the virtual disk '${path}': shrinking below the current size needs -ToMinimumSize or free space at the end.`,
        'VirtualizationException',
        'InvalidArgument',
        'InvalidParameter',
      );
    this.writeVhd(path, size, info.parentPath);
    return this['Get-VHD']({ path });
  }

  // ------------------------------------------------------------------------------------------------ network
  'Get-VMNetworkAdapter'(args: Args): unknown {
    const vm = this.vmOf(args);
    return this.nics(vm)
      .filter((n) => !('name' in args) || n.name.toLowerCase() === str(args, 'name').toLowerCase())
      .map((n) => this.nicObject(vm, n));
  }

  private switchNamed(name: string): void {
    if (name !== '' && !this.ctx.registry.switches.some((s) => s.name.toLowerCase() === name.toLowerCase())) {
      throw new PlatformError(
        `Hyper-V was unable to find a virtual switch with name "${name}".`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    }
  }

  private validMac(mac: string): string {
    const clean = mac.replace(/[-:]/g, '').toUpperCase();
    if (!/^[0-9A-F]{12}$/.test(clean) || (parseInt(clean.slice(0, 2), 16) & 1) === 1) {
      throw new PlatformError(
        `The MAC address '${mac}' is not valid.`,
        'VirtualizationInvalidArgumentException',
        'InvalidArgument',
        'InvalidParameter',
      );
    }
    return clean;
  }

  'Add-VMNetworkAdapter'(args: Args): unknown {
    const vm = this.vmOf(args);
    this.switchNamed(str(args, 'switchName'));
    // Hot-add works for Generation 2 virtual machines only (What's new in Hyper-V on Windows Server 2016).
    if (vm.state !== 'Off' && (vm.generation === 1 || args.isLegacy === true)) throw wrongState(vm, 'Network Adapter');
    const staticMac = str(args, 'staticMacAddress');
    const nic: SimNic = {
      name: str(args, 'name') || 'Network Adapter',
      switchName: str(args, 'switchName'),
      vlanId: 0,
      mac: staticMac ? this.validMac(staticMac) : vm.state === 'Running' ? this.ctx.registry.nextMac() : UNSET_MAC,
      staticMac: staticMac !== '',
    };
    nic.id = this.deviceId(vm);
    vm.nics.push(nic);
    return [this.nicObject(vm, nic)];
  }

  private adapterOf(args: Args): { vm: SimVm; nic: SimNic } {
    const vm = this.vmOf(args);
    const nic = this.nics(vm).find((n) => n.id === str(args, 'adapterId'));
    if (!nic)
      throw new PlatformError(
        `The network adapter '${str(args, 'adapterId')}' of '${vm.name}' no longer exists.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    return { vm, nic };
  }

  'Remove-VMNetworkAdapter'(args: Args): unknown {
    const { vm, nic } = this.adapterOf(args);
    if (vm.state !== 'Off' && vm.generation === 1) throw wrongState(vm, 'Network Adapter');
    vm.nics = vm.nics.filter((n) => n !== nic);
    return null;
  }

  'Connect-VMNetworkAdapter'(args: Args): unknown {
    const { nic } = this.adapterOf(args);
    this.switchNamed(str(args, 'switchName'));
    nic.switchName = str(args, 'switchName');
    return null;
  }

  'Get-VMNetworkAdapterVlan'(args: Args): unknown {
    const { vm, nic } = this.adapterOf(args);
    return [
      {
        OperationMode: nic.vlanId > 0 ? 'Access' : 'Untagged',
        AccessVlanId: nic.vlanId,
        NativeVlanId: 0,
        ParentAdapterName: nic.name,
        VMId: vm.id,
        VMName: vm.name,
      },
    ];
  }

  'Set-VMNetworkAdapterVlan'(args: Args): unknown {
    const { nic } = this.adapterOf(args);
    if (args.access === true) {
      const id = Number(args.vlanId);
      if (args.vlanIdGiven !== true || id < 1 || id > 4094)
        throw new PlatformError(
          'The VLAN identifier must be between 1 and 4094 in access mode.',
          'VirtualizationInvalidArgumentException',
          'InvalidArgument',
          'InvalidParameter',
        );
      nic.vlanId = id;
    } else if (args.untagged === true) {
      nic.vlanId = 0;
    }
    return null;
  }

  'Set-VMNetworkAdapter'(args: Args): unknown {
    const { vm, nic } = this.adapterOf(args);
    if ('staticMacAddress' in args || args.dynamicMacAddress === true) {
      // "We cannot change the MAC address whilst the VM is running" (HyperVDsc): Hyper-V refuses any MAC setting change.
      if (vm.state !== 'Off') throw wrongState(vm, 'Network Adapter');
      if ('staticMacAddress' in args) {
        nic.mac = this.validMac(str(args, 'staticMacAddress'));
        nic.staticMac = true;
      } else {
        nic.staticMac = false;
        nic.mac = UNSET_MAC;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------ DVD
  'Get-VMDvdDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    const dvd = this.dvdDrive(vm);
    return dvd ? [this.driveObject(vm, dvd, 'DvdDrive')] : [];
  }

  'Add-VMDvdDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.dvdDrive)
      throw new PlatformError(
        `'${vm.name}' already has a DVD drive at that location.`,
        'VirtualizationException',
        'ResourceExists',
        'InvalidParameter',
      );
    // No DVD hot-add: a drive is added to a stopped VM (Generation 2: SCSI; Generation 1: IDE 1:0).
    if (vm.state !== 'Off') throw wrongState(vm, 'DVD Drive');
    const path = str(args, 'path');
    if (path !== '' && !this.ctx.files.exists(path))
      throw new PlatformError(
        `Failed to add device 'Virtual CD/DVD Disk'. The system cannot find the file '${path}'.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    vm.dvdDrive =
      vm.generation === 1
        ? { path: '', controllerType: 'IDE', controllerNumber: 1, controllerLocation: 0 }
        : { path: '', controllerType: 'SCSI', controllerNumber: 0, controllerLocation: vm.disks.length };
    vm.dvd = path;
    return null;
  }

  'Set-VMDvdDrive'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (!vm.dvdDrive)
      throw new PlatformError(
        `No DVD drive found on '${vm.name}'.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    const path = str(args, 'path');
    if (path !== '' && !this.ctx.files.exists(path))
      throw new PlatformError(
        `Failed to add device 'Virtual CD/DVD Disk'. The system cannot find the file '${path}'.`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    vm.dvd = path;
    return null;
  }

  // --------------------------------------------------------------------------------------- integration services
  'Get-VMIntegrationService'(args: Args): unknown {
    const vm = this.vmOf(args);
    return INTEGRATION_SERVICES.map(([name, guid]) => ({
      Name: name,
      Id: `Microsoft:${vm.id.toUpperCase()}\\${guid}`,
      Enabled: guid === KVP_COMPONENT ? vm.kvpIntegration : guid !== '6C09BB55-D683-4DA0-8931-C9BF705F6480',
      VMId: vm.id,
      VMName: vm.name,
    }));
  }

  'Enable-VMIntegrationService'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (str(args, 'id').toUpperCase().endsWith(KVP_COMPONENT)) vm.kvpIntegration = true;
    return null;
  }

  // ------------------------------------------------------------------------------------------------ power
  'Start-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.state === 'Running') return null;
    if (vm.state === 'Paused') {
      vm.state = 'Running';
      return null;
    }
    if (vm.disks.length === 0 && vm.guest !== 'plain' && vm.guest !== 'linux-agent' && vm.guest !== 'unresponsive')
      throw wrongState(vm, 'Boot');
    vm.state = 'Running';
    // Hyper-V assigns a dynamic adapter's MAC from the host's pool at the VM's first start, and keeps it after.
    for (const nic of vm.nics) if (!nic.staticMac && nic.mac === UNSET_MAC) nic.mac = this.ctx.registry.nextMac();
    const nic = vm.nics[0];
    const sw = nic ? this.ctx.registry.switches.find((s) => s.name === nic.switchName) : undefined;
    if (sw) {
      const index = [...this.ctx.registry.vms.keys()].indexOf(vm.id) + 10;
      vm.intrinsic.set('NetworkAddressIPv4', `${sw.subnet}.${index}`);
    }
    vm.intrinsic.set('OSName', vm.guest === 'linux-agent' ? 'Linux' : 'Simulated OS');
    this.ctx.guests.boot(vm);
    return null;
  }

  private halt(vm: SimVm, state: SimVm['state'] = 'Off'): void {
    this.ctx.guests.halt(vm);
    vm.state = state;
    vm.intrinsic.delete('NetworkAddressIPv4');
  }

  'Stop-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (args.save === true) return this['Save-VM'](args);
    if (vm.state === 'Off') return null;
    if (args.turnOff === true || vm.state === 'Saved' || vm.state === 'Paused') {
      // A saved VM is turned off by discarding its saved state.
      this.halt(vm);
      return null;
    }
    if (vm.guest === 'unresponsive' || !vm.kvpIntegration) {
      throw new PlatformError(
        `'${vm.name}' failed to shut down: the shutdown integration service did not respond. Use -TurnOff to turn the virtual machine off.`,
      );
    }
    this.halt(vm);
    return null;
  }

  'Save-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    if (vm.state !== 'Running') throw wrongState(vm, 'Save');
    this.halt(vm, 'Saved');
    return null;
  }

  // ---------------------------------------------------------------------------------------------- checkpoints
  private snapshotObject(vm: SimVm, c: SimCheckpoint): Record<string, unknown> {
    const saved = JSON.parse(c.snapshot) as Partial<SimVm>;
    const parent = vm.checkpoints.find((p) => p.id === c.parentId);
    return {
      ComputerName: this.ctx.registry.host.name,
      Name: c.name,
      Id: c.id,
      VMId: vm.id,
      VMName: vm.name,
      State: saved.state ?? 'Off',
      Generation: vm.generation,
      Path: vm.path,
      ProcessorCount: saved.cpuCount ?? vm.cpuCount,
      Notes: saved.notes ?? '',
      ParentSnapshotId: parent ? parent.id : null,
      ParentSnapshotName: parent ? parent.name : null,
      CreationTime: c.createdAt,
      SnapshotType: 'Standard',
      CheckpointType: c.type ?? 'Production',
    };
  }

  'Get-VMSnapshot'(args: Args): unknown {
    const vm = this.vmOf(args);
    return vm.checkpoints.map((c) => this.snapshotObject(vm, c));
  }

  'Checkpoint-VM'(args: Args): unknown {
    const vm = this.vmOf(args);
    const type = vm.checkpointType ?? 'Production';
    if (type === 'Disabled')
      throw new PlatformError(
        `Checkpoint operation failed for '${vm.name}'. Checkpoints are disabled for this virtual machine.`,
      );
    // Production checkpoints need the guest's VSS / file-system freeze; without it 'Production' falls back to a
    // standard checkpoint and 'ProductionOnly' fails (checkpoints.md).
    const guestCooperates = vm.state === 'Running' ? vm.guest === 'linux-agent' && vm.kvpIntegration : true;
    let kind: 'Production' | 'Standard' = type === 'Standard' ? 'Standard' : 'Production';
    if (kind === 'Production' && !guestCooperates) {
      if (type === 'ProductionOnly')
        throw new PlatformError(
          `Checkpoint operation failed for '${vm.name}'. Production checkpoints could not be created because the guest did not respond.`,
        );
      kind = 'Standard';
    }
    const { kvpGuest: _g, intrinsic: _i, checkpoints: _c, ...rest } = vm;
    const state = kind === 'Production' ? 'Off' : vm.state;
    // Each disk becomes read-only and new writes go to <name>_<GUID>.avhdx beside it (checkpoints.md).
    const children = this.drives(vm).map((d) => {
      const guid = randomUUID().toUpperCase();
      const base = d.path;
      const child = `${winDirname(base)}\\${base.slice(base.lastIndexOf('\\') + 1).replace(/\.a?vhdx?$/i, '')}_${guid}.avhdx`;
      const size = this.vhdInfo(base)?.sizeBytes ?? 0;
      this.writeVhd(child, size, base);
      d.path = child;
      return { base, child };
    });
    const checkpoint: SimCheckpoint = {
      id: randomUUID(),
      name: str(args, 'snapshotName') || `${vm.name} - (${new Date(this.ctx.clock.now()).toISOString()})`,
      createdAt: new Date(this.ctx.clock.now()).toISOString(),
      parentId: vm.currentCheckpoint ?? '',
      snapshot: JSON.stringify({
        ...rest,
        kvpHost: [...vm.kvpHost],
        state,
        disks: children.map((c, i) => ({ ...vm.disks[i], path: c.base })),
      }),
      type: kind,
      children,
    };
    vm.checkpoints.push(checkpoint);
    vm.currentCheckpoint = checkpoint.id;
    return [this.snapshotObject(vm, checkpoint)];
  }

  private snapshotOf(vm: SimVm, args: Args): SimCheckpoint {
    const c = vm.checkpoints.find(
      (x) => x.id === str(args, 'snapshotId').toLowerCase() || x.id === str(args, 'snapshotId'),
    );
    if (!c)
      throw new PlatformError(
        `Hyper-V was unable to find a checkpoint with ID "${str(args, 'snapshotId')}".`,
        'VirtualizationException',
        'ObjectNotFound',
        'ObjectNotFound',
      );
    return c;
  }

  'Restore-VMSnapshot'(args: Args): unknown {
    const vm = this.vmOf(args);
    const c = this.snapshotOf(vm, args);
    const saved = JSON.parse(c.snapshot) as Partial<SimVm> & { kvpHost: [string, string][]; disks: SimDrive[] };
    if (vm.state === 'Running') this.halt(vm);
    // The current state's differencing disks are discarded; the VM continues from a new .avhdx on the checkpoint's disks.
    const previous = vm.disks.map((d) => d.path);
    const disks = saved.disks.map((d) => {
      const guid = randomUUID().toUpperCase();
      const child = `${winDirname(d.path)}\\${d.path.slice(d.path.lastIndexOf('\\') + 1).replace(/\.a?vhdx?$/i, '')}_${guid}.avhdx`;
      this.writeVhd(child, this.vhdInfo(d.path)?.sizeBytes ?? 0, d.path);
      return { ...d, path: child };
    });
    // Deleting this checkpoint later merges the new differencing disks into its disks.
    (c as { children?: { base: string; child: string }[] }).children = saved.disks.map((d, i) => ({
      base: d.path,
      child: disks[i]!.path,
    }));
    for (const path of previous) this.discardIfUnused(vm, path);
    const { kvpHost, disks: _d, ...config } = saved;
    Object.assign(vm, config, { disks, kvpHost: new Map(kvpHost), guest: vm.guest });
    // A production checkpoint holds no memory: after applying it the VM is Off (checkpoints.md); a standard one
    // taken while running restores the saved state.
    vm.state =
      c.type === 'Standard' && saved.state === 'Running'
        ? 'Saved'
        : c.type === 'Standard'
          ? (saved.state ?? 'Off')
          : 'Off';
    vm.currentCheckpoint = c.id;
    this.ctx.guests.hostItemsChanged(vm);
    return null;
  }

  private discardIfUnused(vm: SimVm, path: string): void {
    if (!/\.avhdx$/i.test(path)) return;
    const referenced = vm.checkpoints.some((c) => c.children?.some((x) => x.base.toLowerCase() === path.toLowerCase()));
    const parentOf = [...this.ctx.registry.vhds.values()].some(
      (v) => v.parentPath.toLowerCase() === path.toLowerCase() && this.ctx.files.exists(v.path),
    );
    if (referenced || parentOf) return;
    rmSync(this.ctx.files.local(path), { force: true });
    this.ctx.registry.vhds.delete(path.toLowerCase());
  }

  'Remove-VMSnapshot'(args: Args): unknown {
    const vm = this.vmOf(args);
    const c = this.snapshotOf(vm, args);
    if (args.includeChildren === true) {
      for (const child of vm.checkpoints.filter((x) => x.parentId === c.id))
        this['Remove-VMSnapshot']({ vmId: vm.id, snapshotId: child.id, includeChildren: true });
    }
    // Deleting a checkpoint merges its differencing disk into the parent (checkpoints.md): whatever used the .avhdx
    // (the running state or a later checkpoint's disk) now uses the parent, and the .avhdx goes.
    for (const { base, child } of c.children ?? []) {
      if (!this.ctx.files.exists(child)) continue;
      for (const d of vm.disks) if (d.path.toLowerCase() === child.toLowerCase()) d.path = base;
      for (const v of this.ctx.registry.vhds.values()) {
        if (v.parentPath.toLowerCase() === child.toLowerCase() && this.ctx.files.exists(v.path))
          this.writeVhd(v.path, v.sizeBytes, base);
      }
      for (const other of vm.checkpoints) {
        if (other === c || !other.children) continue;
        for (const x of other.children as { base: string; child: string }[])
          if (x.base.toLowerCase() === child.toLowerCase()) x.base = base;
      }
      rmSync(this.ctx.files.local(child), { force: true });
      this.ctx.registry.vhds.delete(child.toLowerCase());
    }
    for (const other of vm.checkpoints)
      if (other.parentId === c.id) (other as { parentId: string }).parentId = c.parentId;
    vm.checkpoints = vm.checkpoints.filter((x) => x !== c);
    if (vm.currentCheckpoint === c.id) vm.currentCheckpoint = c.parentId || undefined;
    return null;
  }

  // ---------------------------------------------------------------------------------------------------- CIM
  private cimNamespace(args: Args): string {
    const ns = str(args, 'namespace').replace(/\//g, '\\').toLowerCase();
    if (ns === 'root\\virtualization\\v2') return ns;
    if (ns === 'root\\mscluster' && this.ctx.registry.host.cluster) return ns;
    throw new PlatformError(
      'Invalid namespace ',
      'CimException',
      'MetadataError',
      'HRESULT 0x8004100e,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand',
    );
  }

  private cim(className: string, namespace: string, properties: Record<string, unknown>): Record<string, unknown> {
    return { className, namespace, properties };
  }

  private kvpJob(instanceId: string): Record<string, unknown> {
    const entry = this.kvpJobs.get(instanceId);
    const done = entry?.job.state === 'completed';
    const failed = done ? entry?.failed : undefined;
    return this.cim('Msvm_ConcreteJob', 'root\\virtualization\\v2', {
      InstanceID: instanceId,
      JobState: !entry ? 7 : !done ? 4 : failed ? 10 : 7,
      ErrorCode: failed ? failed.code : 0,
      ErrorDescription: failed ? failed.text : '',
      PercentComplete: done ? 100 : 0,
    });
  }

  'cim.enumerate'(args: Args): unknown {
    const ns = this.cimNamespace(args);
    const cls = str(args, 'className');
    const vms = [...this.ctx.registry.vms.values()];
    if (ns === 'root\\virtualization\\v2') {
      switch (cls) {
        case 'Msvm_ComputerSystem':
          return [
            this.cim(cls, ns, {
              Name: this.ctx.registry.host.name,
              ElementName: this.ctx.registry.host.name,
              EnabledState: 2,
            }),
            ...vms.map((v) =>
              this.cim(cls, ns, {
                Name: v.id.toUpperCase(),
                ElementName: v.name,
                EnabledState: v.state === 'Running' ? 2 : 3,
              }),
            ),
          ];
        case 'Msvm_VirtualSystemManagementService':
          return [this.cim(cls, ns, { Name: 'vmms', SystemName: this.ctx.registry.host.name })];
        case 'Msvm_KvpExchangeComponent':
          // The component (and the guest's pools) exists while the VM runs with the KVP integration service on.
          return vms
            .filter((v) => v.state === 'Running' && v.kvpIntegration)
            .map((v) => {
              this.ctx.guests.refresh(v);
              return this.cim(cls, ns, {
                SystemName: v.id.toUpperCase(),
                GuestExchangeItems: [...v.kvpGuest].map(([k, d]) => kvpItemXml(k, d, 1)),
                GuestIntrinsicExchangeItems: [...v.intrinsic].map(([k, d]) => kvpItemXml(k, d, 2)),
              });
            });
        case 'Msvm_KvpExchangeComponentSettingData':
          return vms.map((v) =>
            this.cim(cls, ns, {
              InstanceID: `Microsoft:${v.id.toUpperCase()}\\${KVP_COMPONENT}`,
              HostExchangeItems: [...v.kvpHost].map(([k, d]) => kvpItemXml(k, d, 0)),
            }),
          );
        case 'Msvm_ShutdownComponent':
          return vms
            .filter((v) => v.state === 'Running' && v.kvpIntegration)
            .map((v) =>
              this.cim(cls, ns, {
                SystemName: v.id.toUpperCase(),
                DeviceID: `Microsoft:${v.id.toUpperCase()}\\9F8233AC-BE49-4C79-8EE3-E7E1985B2077`,
              }),
            );
        case 'Msvm_ConcreteJob':
          return [...this.kvpJobs.keys()].map((id) => this.kvpJob(id));
        default:
          throw new PlatformError(
            'Invalid class ',
            'CimException',
            'MetadataError',
            'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand',
          );
      }
    }
    const cluster = this.ctx.registry.host.cluster!;
    switch (cls) {
      case 'MSCluster_Cluster':
        return [this.cim(cls, ns, { Name: cluster.name })];
      case 'MSCluster_Node':
        return cluster.nodes.map((n) => this.cim(cls, ns, { Name: n }));
      case 'MSCluster_Resource':
        return [
          this.cim(cls, ns, { Name: 'Cluster IP Address', Type: 'IP Address', OwnerGroup: 'Cluster Group' }),
          ...vms
            .filter((v) => v.clustered)
            .map((v) =>
              this.cim(cls, ns, {
                Name: `Virtual Machine ${v.name}`,
                Type: 'Virtual Machine',
                OwnerGroup: v.name,
                vmId: v.id.toUpperCase(),
              }),
            ),
        ];
      case 'MSCluster_ResourceGroup':
        return [
          this.cim(cls, ns, { Name: 'Cluster Group', Id: 'cluster' }),
          ...vms.filter((v) => v.clustered).map((v) => this.cim(cls, ns, { Name: v.name, Id: v.id })),
        ];
      default:
        throw new PlatformError(
          'Invalid class ',
          'CimException',
          'MetadataError',
          'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand',
        );
    }
  }

  'cim.get'(args: Args): unknown {
    const instance = args.instance as { className: string; properties: Record<string, unknown> };
    if (instance.className === 'Msvm_ConcreteJob')
      return [this.kvpJob(String(instance.properties.InstanceID ?? instance.properties.instanceID))];
    const all = this['cim.enumerate']({ namespace: args.namespace, className: instance.className }) as {
      properties: Record<string, unknown>;
    }[];
    const key = ['Name', 'InstanceID', 'SystemName'].find(
      (k) => instance.properties[k] !== undefined && instance.properties[k] !== '',
    );
    const found = all.filter(
      (c) => key !== undefined && String(c.properties[key]) === String(instance.properties[key]),
    );
    if (found.length === 0)
      throw new PlatformError(
        'Not found ',
        'CimException',
        'ObjectNotFound',
        'HRESULT 0x80041002,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand',
      );
    return found;
  }

  'cim.associated'(args: Args): unknown {
    const instance = args.instance as { className: string; properties: Record<string, unknown> };
    const ns = this.cimNamespace(args);
    if (
      instance.className === 'MSCluster_Resource' &&
      (str(args, 'resultClassName') === '' || str(args, 'resultClassName') === 'MSCluster_ResourceGroup')
    ) {
      const group = String(instance.properties.OwnerGroup ?? '');
      return (
        this['cim.enumerate']({ namespace: ns, className: 'MSCluster_ResourceGroup' }) as {
          properties: Record<string, unknown>;
        }[]
      ).filter((g) => g.properties.Name === group);
    }
    return [];
  }

  async 'cim.invoke'(args: Args): Promise<unknown> {
    const instance = args.instance as { className: string; properties: Record<string, unknown> };
    const method = str(args, 'method');
    const given = (args.arguments ?? {}) as Record<
      string,
      { value?: unknown; ref?: { className: string; properties: Record<string, unknown> } }
    >;
    const value = (name: string): unknown => given[name]?.value;
    const vmByRef = (name: string): SimVm => {
      const ref = given[name]?.ref;
      const id = String(ref?.properties.Name ?? '').toLowerCase();
      const vm = ref?.className === 'Msvm_ComputerSystem' ? this.ctx.registry.vm(id) : undefined;
      if (!vm)
        throw new PlatformError(
          'Invalid parameter ',
          'CimException',
          'InvalidArgument',
          'HRESULT 0x80041008,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand',
        );
      return vm;
    };
    switch (`${instance.className}.${method}`) {
      case 'Msvm_VirtualSystemManagementService.AddKvpItems':
      case 'Msvm_VirtualSystemManagementService.ModifyKvpItems':
      case 'Msvm_VirtualSystemManagementService.RemoveKvpItems': {
        const vm = vmByRef('TargetSystem');
        if (!vm.kvpIntegration) return { returnValue: 32775 };
        const texts = (value('DataItems') as unknown[] | undefined) ?? [];
        const items = texts.map((t) => parseKvpItem(String(t)));
        // Msvm_KvpExchangeDataItem: Name and Data are strings of at most 1024 characters (MAXLEN in the MOF).
        if (items.some((i) => i === undefined || i.name.length > 1024 || i.data.length > 1024 || i.name === ''))
          return { returnValue: 32773 };
        const job = this.ctx.jobs.run('kvp', vm.id, this.ctx.timings.kvpJobMs);
        const instanceId = randomUUID().toUpperCase();
        const entry: { job: SimJob; failed?: { code: number; text: string } } = {
          job: this.ctx.jobs.all[this.ctx.jobs.all.length - 1]!,
        };
        this.kvpJobs.set(instanceId, entry);
        const apply = (): void => {
          if (method === 'ModifyKvpItems' && items.some((i) => !vm.kvpHost.has(i!.name))) {
            // Modifying a key that does not exist fails the job (32779 on hosts since build 10000; LISAv2).
            entry.failed = { code: 32779, text: 'The operation failed because the key does not exist.' };
            return;
          }
          if (method === 'AddKvpItems' && items.some((i) => vm.kvpHost.has(i!.name))) {
            entry.failed = { code: 32780, text: 'The operation failed because the key already exists.' };
            return;
          }
          for (const i of items) {
            if (method === 'RemoveKvpItems')
              vm.kvpHost.delete(i!.name); // success even when absent (build >= 9600)
            else vm.kvpHost.set(i!.name, i!.data);
          }
          this.ctx.guests.hostItemsChanged(vm);
        };
        if (this.ctx.timings.kvpJobMs <= 0) {
          await job;
          apply();
        } else {
          void job.then(apply);
        }
        return { returnValue: 4096, job: this.kvpJob(instanceId) };
      }
      case 'Msvm_ShutdownComponent.InitiateShutdown': {
        const vm = this.ctx.registry.vm(String(instance.properties.SystemName ?? '').toLowerCase());
        if (vm?.state !== 'Running') return { returnValue: 32775 };
        if (vm.guest === 'unresponsive') return { returnValue: 0 };
        void this.ctx.jobs.run('shutdown', vm.id, this.ctx.timings.guestShutdownMs).then(() => {
          if (vm.state === 'Running') this.halt(vm);
        });
        return { returnValue: 0 };
      }
      case 'MSCluster_Cluster.AddVirtualMachine': {
        const name = String(value('VirtualMachine') ?? '');
        const matches = this.ctx.registry.vmsNamed(name);
        if (matches.length !== 1) return { returnValue: matches.length === 0 ? 5 : 183 };
        matches[0]!.clustered = true;
        return { returnValue: 0 };
      }
      case 'MSCluster_ResourceGroup.DestroyGroup': {
        // Options: None (1), PerformCleanup (2) (MSCluster_ResourceGroup.DestroyGroup).
        if (![1, 2].includes(Number(value('Options')))) return { returnValue: 87 };
        const vm = this.ctx.registry.vm(String(instance.properties.Id ?? ''));
        if (vm) vm.clustered = false;
        return { returnValue: 0 };
      }
      default:
        throw new PlatformError(
          'Method not found ',
          'CimException',
          'MetadataError',
          'HRESULT 0x80041055,Microsoft.Management.Infrastructure.CimCmdlets.InvokeCimMethodCommand',
        );
    }
  }
}
