/**
 * `virtseal console` end to end: a real QEMU guest (TCG) under libvirt with its VNC display on the host's loopback,
 * the CLI serving noVNC behind a one-time token, and Debian's Chromium (headless, playwright-core) showing the
 * guest's screen. The test writes a line on the guest's VGA console, then reads it back from the browser's canvas:
 * the canvas must be the same picture as QEMU's own screendump (`virsh screenshot`), and OCR of it must find the line.
 */
import { expect } from 'chai';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { mebibytes } from '../../../src/core/units';
import { waitFor } from '../../../src/core/wait';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../../src/drivers/libvirt/index';
import { GuestFiles } from '../../../src/drivers/libvirt/guest-files';
import { LocalRunner } from '../../../src/transport/local-exec';
import { buildGuest, imageDir, makePool, repoRoot } from '../libvirt/guest-fixture';
import { type LibvirtHost, libvirtOrSkip } from '../libvirt/libvirt-host';
import { browserSkipReason, launchChromium } from './browser';

const MARKER_NUMBER = process.pid % 100000;
const MARKER = `VIRTSEAL CONSOLE ${MARKER_NUMBER}`;
// What OCR of the 8x16 VGA font must read: the number exactly; letters allowing the confusions tesseract is known for
// at that size (V/U, O/0).
const MARKER_READ = new RegExp(`[VU]IRTSEAL CONS[O0]LE ${MARKER_NUMBER}`);

describe('virtseal console: the guest screen in a real browser', function () {
  this.timeout(400_000);
  let libvirt: LibvirtHost | undefined;
  let pool: Awaited<ReturnType<typeof makePool>> | undefined;
  let work = '';
  let hv: LibvirtHypervisor;
  let vmId = '';
  let browser: Browser | undefined;
  let cli: ChildProcess | undefined;
  let firstUrl = '';
  const name = `console <b>O'Brien & "x" ${process.pid}`;

  before(async function () {
    const noBrowser = browserSkipReason();
    if (noBrowser) {
      if (process.env.CI === 'true') throw new Error(noBrowser);
      console.log(`      skipped: ${noBrowser}`);
      this.skip();
    }
    libvirt = await libvirtOrSkip(this);
    await buildGuest('kernel');
    pool = await makePool();
    work = await mkdtemp(join(tmpdir(), 'virtseal-console-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(work, 'con.qcow2'), '64M']);
    // The kernel writes to the VGA console too, so the screen shows the guest's own text.
    await writeFile(
      join(work, 'con.qcow2.boot.json'),
      JSON.stringify({
        kernel: join(imageDir, 'vmlinuz'),
        initrd: join(imageDir, 'initrd.gz'),
        cmdline: 'console=ttyS0 console=tty0 panic=-1',
      }),
    );
    hv = (await createLibvirtHypervisor({
      runner: new LocalRunner(),
      uri: libvirt.uri,
      poolPath: pool.path,
    })) as LibvirtHypervisor;
    await hv.images.publishImage({ localPath: join(work, 'con.qcow2'), name: 'con' });
    const vm = await hv.vms.createVm({
      spec: {
        name,
        generation: 1,
        cpuCount: 1,
        memory: { startupMb: 256 },
        disks: [{ name: 'os', image: 'con', sizeBytes: mebibytes(128) }],
        nics: [],
        tags: [],
      },
    });
    vmId = vm.id;
    await hv.power.start({ id: vmId });
    await waitFor(
      async () =>
        hv.ctx.host.agent(vmId, { execute: 'guest-ping' }, 2).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 240_000, what: 'the guest agent' },
    );
    // A clean screen with one line the test can look for.
    const files = new GuestFiles(hv.ctx.host, vmId);
    const shown = await files.run([
      '/bin/sh',
      '-c',
      `printf '\\033[2J\\033[H\\n\\n  ${MARKER}\\n\\n' > /dev/tty0; echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null; true`,
    ]);
    expect(shown.exitCode, shown.stderr).to.equal(0);
    browser = await launchChromium();
  });

  after(async () => {
    if (cli?.pid !== undefined && cli.exitCode === null) cli.kill('SIGTERM');
    await browser?.close().catch(() => undefined);
    if (vmId && hv) await hv.vms.deleteVm({ id: vmId, removeOwnedDisks: true }).catch(() => undefined);
    await pool?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('vm_console describes the VNC display on the host loopback and the serial pty', async () => {
    const info = await hv.console.describe({ vmId });
    expect(info).to.include({ kind: 'vnc', available: true, listen: '127.0.0.1' });
    expect(info.port).to.be.within(5900, 65535);
    expect(info.serialPty).to.match(/^\/dev\/pts\/\d+$/);
    // The display is bound to loopback only.
    const local = execFileSync('ss', ['-Hltn', `sport = :${info.port}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((row) => row.trim().split(/\s+/)[3]);
    expect(local).to.deep.equal([`127.0.0.1:${info.port}`]);
  });

  it("shows the guest's screen in Chromium through `virtseal console`", async () => {
    cli = spawn(
      process.execPath,
      [
        join(repoRoot, 'dist/virtseal.js'),
        'console',
        name,
        '--host',
        'local',
        '--user',
        'root',
        '--hypervisor',
        'libvirt',
        '--libvirt-uri',
        libvirt!.uri,
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: cli!.stdout! }).once('line', resolve);
      cli!.once('exit', (code) => reject(new Error(`virtseal console exited ${code}: ${stderr}`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    firstUrl = url;

    const page = await browser!.newPage();
    const response = await page.goto(url);
    expect(response?.status()).to.equal(200);
    // The VM name is shown as text, never markup.
    expect(await page.title()).to.equal(`${name} - virtseal console`);
    await page.waitForSelector('body[data-state="connected"]', { timeout: 60_000 });
    // The framebuffer arrives after the handshake; wait until the marker's screen is drawn (not all black).
    const canvas = page.locator('#screen canvas');
    let pixels: { width: number; height: number; rgba: string } = { width: 0, height: 0, rgba: '' };
    await waitFor(
      async () => {
        pixels = await canvas.evaluate((c) => {
          const el = c as unknown as {
            width: number;
            height: number;
            getContext(kind: '2d'): {
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
            };
          };
          const ctx = el.getContext('2d');
          const data = ctx.getImageData(0, 0, el.width, el.height).data;
          let bin = '';
          for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
          return {
            width: el.width,
            height: el.height,
            rgba: (globalThis as unknown as { btoa(s: string): string }).btoa(bin),
          };
        });
        const rgba = Buffer.from(pixels.rgba, 'base64');
        return rgba.some((v, i) => i % 4 !== 3 && v > 64) ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'the guest screen in the browser' },
    );

    // The same picture as QEMU's own screendump of the VM (a PNG, decoded by the same browser).
    const dump = join(work, 'screen.png');
    execFileSync('virsh', ['-q', '-c', libvirt!.uri, 'screenshot', `--domain=${vmId}`, `--file=${dump}`]);
    const qemu = await page.evaluate(
      async (png: string) => {
        const g = globalThis as unknown as {
          Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
          OffscreenCanvas: new (
            w: number,
            h: number,
          ) => {
            getContext(k: '2d'): {
              drawImage(i: unknown, x: number, y: number): void;
              getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
            };
          };
          btoa(s: string): string;
        };
        const img = new g.Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const ctx = new g.OffscreenCanvas(img.width, img.height).getContext('2d');
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, img.width, img.height).data;
        let bin = '';
        for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
        return { width: img.width, height: img.height, rgba: g.btoa(bin) };
      },
      (await readFile(dump)).toString('base64'),
    );
    expect([pixels.width, pixels.height]).to.deep.equal([qemu.width, qemu.height]);
    const seen = Buffer.from(pixels.rgba, 'base64');
    const truth = Buffer.from(qemu.rgba, 'base64');
    let same = 0;
    for (let p = 0; p < qemu.width * qemu.height; p += 1) {
      if (seen[p * 4] === truth[p * 4] && seen[p * 4 + 1] === truth[p * 4 + 1] && seen[p * 4 + 2] === truth[p * 4 + 2])
        same += 1;
    }
    expect(same / (qemu.width * qemu.height), 'share of pixels equal to the screendump').to.be.greaterThan(0.995);

    // And a person would read the guest's line on it (OCR of the browser's screenshot of the canvas).
    const shot = join(work, 'browser.png');
    await canvas.screenshot({ path: shot });
    const text = execFileSync('tesseract', [shot, '-', '--psm', '6'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(text.toUpperCase().replace(/[ \t]+/g, ' ')).to.match(MARKER_READ);
    await page.close();
  });

  it('refuses a reused token and a wrong one, in the browser and on the WebSocket', async () => {
    expect(firstUrl, 'the previous test opened the console').not.to.equal('');
    const page = await browser!.newPage();
    const reused = await page.goto(firstUrl);
    expect(reused?.status()).to.equal(403);
    expect(await page.textContent('body')).to.include('console token spent');
    const wrong = await page.goto(firstUrl.replace(/token=.{8}/, 'token=AAAAAAAA'));
    expect(wrong?.status()).to.equal(403);
    expect(await page.textContent('body')).to.include('console token unknown');
    await page.close();

    const wsUrl = firstUrl.replace(/^http:/, 'ws:').replace('/?token=', '/websockify?token=');
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('a spent token opened a console')));
      ws.once('error', () => undefined);
    });
    expect(status).to.equal(403);
  });
});
