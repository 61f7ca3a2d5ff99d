/**
 * A libvirt VM's console: its VNC server (always on the host's loopback, see domain-xml.ts) and its serial pty.
 * The VNC stream is opened through the driver's own runner, so over SSH it is a channel inside that connection.
 */
import type { Duplex } from 'node:stream';
import { VirtsealError } from '../../core/errors';
import type { ConsoleDriver, ConsoleInfo } from '../types';
import type { LibvirtContext } from './context';

/** `vnc://127.0.0.1:0` (display 0 is port 5900) as printed by `virsh domdisplay --type vnc`. */
export function parseVncDisplay(text: string): { readonly listen: string; readonly port: number } | undefined {
  const match = /^vnc:\/\/(\[[^\]]+\]|[^:/\s]+):(\d+)/.exec(text.trim());
  if (!match) return undefined;
  return { listen: match[1]!.replace(/^\[|\]$/g, ''), port: 5900 + Number(match[2]) };
}

export class LibvirtConsoleDriver implements ConsoleDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async describe(options: { readonly vmId: string }): Promise<ConsoleInfo> {
    const command = `virsh -c ${this.ctx.host.uri} console ${options.vmId}`;
    const state = (await this.ctx.host.virsh(['domstate', `--domain=${options.vmId}`])).trim();
    if (state !== 'running' && state !== 'paused') {
      return { kind: 'vnc', available: false, reason: `the VM is ${state}; start it to see its screen`, command };
    }
    const display = parseVncDisplay(
      await this.ctx.host.virsh(['domdisplay', '--type=vnc', `--domain=${options.vmId}`]).catch(() => ''),
    );
    const serialPty = (await this.ctx.host.virsh(['ttyconsole', `--domain=${options.vmId}`]).catch(() => '')).trim();
    if (display === undefined) {
      return {
        kind: 'vnc',
        available: false,
        reason:
          'the VM has no VNC display (it was defined before virtseal added one; any change through virtseal.core.vm redefines it)',
        command,
        ...(serialPty ? { serialPty } : {}),
      };
    }
    return {
      kind: 'vnc',
      available: true,
      listen: display.listen,
      port: display.port,
      command,
      ...(serialPty ? { serialPty } : {}),
    };
  }

  async openVnc(options: { readonly vmId: string }): Promise<Duplex> {
    const info = await this.describe(options);
    if (!info.available || info.port === undefined || info.listen === undefined) {
      throw new VirtsealError('console_unavailable', `no console for this VM: ${info.reason ?? 'no VNC display'}`);
    }
    const runner = this.ctx.host.runner;
    if (runner.connectTcp === undefined)
      throw new VirtsealError('console_unavailable', 'this connection cannot carry a console stream');
    return runner.connectTcp(info.listen, info.port);
  }
}
