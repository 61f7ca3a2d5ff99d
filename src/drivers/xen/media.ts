/** ISO media: a VDI of an ISO SR (by name label) inserted into the VM's CD drive, which is created when missing. */
import { InvalidArgument } from '../../core/errors';
import type { MediaDriver } from '../types';
import { type XenContext, readParts, vmRef } from './context';

export class XenMediaDriver implements MediaDriver {
  constructor(private readonly ctx: XenContext) {}

  async attachIso(options: { readonly vmId: string; readonly path: string }): Promise<void> {
    const c = this.ctx.client;
    const ref = await vmRef(this.ctx, options.vmId);
    const isos = [];
    for (const v of await c.call('VDI.get_by_name_label', options.path)) {
      const sr = await c.call('VDI.get_SR', v);
      if ((await c.call('SR.get_content_type', sr)) === 'iso') isos.push(v);
    }
    if (isos.length !== 1)
      throw new InvalidArgument(
        `iso: ${isos.length ? 'several ISOs are' : 'no ISO is'} named '${options.path}' in the pool's ISO SRs`,
        'iso',
      );
    const p = await readParts(this.ctx, ref);
    let cd = p.vbds.find(([, b]) => b.type === 'CD')?.[0];
    if (!cd) {
      cd = await c.call('VBD.create', {
        VM: ref,
        VDI: 'OpaqueRef:NULL',
        userdevice: '3',
        bootable: false,
        mode: 'RO',
        type: 'CD',
        empty: true,
        other_config: {},
        qos_algorithm_type: '',
        qos_algorithm_params: {},
      });
    } else if (!(await c.call('VBD.get_empty', cd))) {
      await c.callAsync('VBD.eject', cd);
    }
    await c.callAsync('VBD.insert', cd, isos[0]!);
  }

  async detachIso(options: { readonly vmId: string }): Promise<void> {
    const p = await readParts(this.ctx, await vmRef(this.ctx, options.vmId));
    const cd = p.vbds.find(([, b]) => b.type === 'CD' && !b.empty);
    if (cd) await this.ctx.client.callAsync('VBD.eject', cd[0]);
  }
}
