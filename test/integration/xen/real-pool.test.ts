/**
 * Opt-in: the open questions about xenstore_data on a real XAPI pool (docs/xen.md, "what is proven where"). Runs when
 * VIRTSEAL_XAPI_URL, VIRTSEAL_XAPI_PASSWORD and VIRTSEAL_XAPI_FINGERPRINT (or VIRTSEAL_XAPI_CA_FILE) are set; the
 * guest questions also need VIRTSEAL_XAPI_IMAGE, a golden template whose guest runs the virtseal agent with
 * xenstore-utils. Prints its answers; nothing it creates is left behind.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { XenHypervisor } from '../../../src/drivers/xen/index';
import { runSealedExchange } from '../../../src/seal/host-exchange';

const env = process.env;
const configured = Boolean(env.VIRTSEAL_XAPI_URL);

describe('Xen: open questions on a real pool (opt-in)', function () {
  this.timeout(900_000);
  let hv: XenHypervisor;
  const made: string[] = [];
  const run = randomBytes(3).toString('hex');

  before(async function () {
    if (!configured) {
      console.log(
        '      skipped: set VIRTSEAL_XAPI_URL, VIRTSEAL_XAPI_PASSWORD and VIRTSEAL_XAPI_FINGERPRINT (docs/xen.md)',
      );
      this.skip();
    }
    hv = await XenHypervisor.connect({
      url: env.VIRTSEAL_XAPI_URL!,
      username: env.VIRTSEAL_XAPI_USER ?? 'root',
      password: env.VIRTSEAL_XAPI_PASSWORD ?? '',
      ...(env.VIRTSEAL_XAPI_FINGERPRINT ? { fingerprint: env.VIRTSEAL_XAPI_FINGERPRINT } : {}),
      ...(env.VIRTSEAL_XAPI_CA_FILE ? { caPem: readFileSync(env.VIRTSEAL_XAPI_CA_FILE, 'utf8') } : {}),
      ...(env.VIRTSEAL_XAPI_SR ? { sr: env.VIRTSEAL_XAPI_SR } : {}),
    });
  });
  after(async () => {
    if (!hv) return;
    for (const id of made) await hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
    await hv.close();
  });

  it('reports the xapi version (data/service needs 25.15 or later)', async () => {
    const facts = await hv.facts();
    console.log(`      xapi ${String(facts.extra.xapi)}, API ${String(facts.extra.apiVersion)}, ${facts.version}`);
    expect(facts.hypervisor).to.equal('xen');
  });

  it('answers whether clone copies xenstore_data', async () => {
    const c = hv.ctx.client;
    const vm = await c.call('VM.create', {
      name_label: `vs-q-${run}`,
      user_version: 1,
      is_a_template: false,
      affinity: 'OpaqueRef:NULL',
      memory_static_max: 2 ** 28,
      memory_dynamic_max: 2 ** 28,
      memory_dynamic_min: 2 ** 28,
      memory_static_min: 2 ** 28,
      VCPUs_params: {},
      VCPUs_max: 1,
      VCPUs_at_startup: 1,
      actions_after_shutdown: 'destroy',
      actions_after_reboot: 'restart',
      actions_after_crash: 'restart',
      PV_bootloader: '',
      PV_kernel: '',
      PV_ramdisk: '',
      PV_args: '',
      PV_bootloader_args: '',
      PV_legacy_args: '',
      HVM_boot_policy: 'BIOS order',
      HVM_boot_params: {},
      platform: {},
      PCI_bus: '',
      other_config: {},
      recommendations: '',
    });
    made.push(await c.call('VM.get_uuid', vm));
    await c.call('VM.set_xenstore_data', vm, { 'vm-data/virtseal/probe': 'public' });
    const clone = (await c.callAsync('VM.clone', vm, `vs-q-${run}-clone`)) as string;
    made.push(await c.call('VM.get_uuid', clone));
    const copied = await c.call('VM.get_xenstore_data', clone);
    console.log(`      clone copies xenstore_data: ${copied['vm-data/virtseal/probe'] === 'public' ? 'yes' : 'no'}`);
  });

  it('answers whether set_xenstore_data is live, whether data/service arrives, and the exchange time', async function () {
    if (!env.VIRTSEAL_XAPI_IMAGE) {
      console.log(
        '      skipped: set VIRTSEAL_XAPI_IMAGE to a golden template with the virtseal agent and xenstore-utils',
      );
      this.skip();
    }
    const vm = await hv.vms.createVm({
      spec: {
        name: `vs-q-${run}-guest`,
        generation: 2,
        cpuCount: 1,
        memory: { startupMb: 1024 },
        disks: [{ name: 'os', image: env.VIRTSEAL_XAPI_IMAGE! }],
        nics: [{ name: 'eth0', network: env.VIRTSEAL_XAPI_NETWORK ?? 'Pool-wide network associated with eth0' }],
      },
    });
    made.push(vm.id);
    await hv.power.start({ id: vm.id });
    const started = Date.now();
    // The exchange succeeds only when the guest sees the live push (set_ is live) and the host sees its answer.
    const result = await runSealedExchange({
      channel: hv.guestChannel({ vmId: vm.id }),
      vmId: vm.id,
      config: { hostname: `vs-q-${run}` },
      timeoutMs: 600_000,
    });
    const gm = await hv.ctx.client.call('VM.get_guest_metrics', await hv.ctx.client.call('VM.get_by_uuid', vm.id));
    const metrics = await hv.ctx.client.call('VM_guest_metrics.get_record', gm);
    console.log(
      `      set_xenstore_data is live: yes (the guest read the envelope); exchange ${Date.now() - started} ms`,
    );
    console.log(
      `      data/service reaches VM_guest_metrics.services: ${metrics.services && Object.keys(metrics.services).some((k) => k.startsWith('virtseal/')) ? 'yes' : 'no (control/ fallback used)'}`,
    );
    expect(result.state).to.equal('applied');
  });
});
