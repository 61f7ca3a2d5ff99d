/**
 * Images from URLs: download-and-publish throughput of virtseal.core.image's service (HTTP download with SHA-256
 * while receiving, qemu-img info and check, SFTP upload to the Hyper-V simulator with host-side verification)
 * against a plain `curl` of the same file from the same loopback server to disk, measured in the same run.
 * Run: npm run bench images [size MiB, default 128]
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishImage } from '../src/services/image';
import { startWorld } from '../test/component/services/sim-session';

export default async function bench(sizeMiB = Number(process.argv[3] ?? 128)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-bench-images-'));
  const world = await startWorld();
  const server = createServer((_req, res) => {
    const file = join(dir, 'image.vhdx');
    res.writeHead(200, { 'content-length': String(statSync(file).size) });
    createReadStream(file).pipe(res);
  });
  try {
    // Incompressible data, so the image is as large as its contents.
    writeFileSync(join(dir, 'image.raw'), randomBytes(sizeMiB * 1024 * 1024));
    execFileSync('qemu-img', [
      'convert',
      '-q',
      '-f',
      'raw',
      '-O',
      'vhdx',
      '-o',
      'subformat=dynamic',
      join(dir, 'image.raw'),
      join(dir, 'image.vhdx'),
    ]);
    rmSync(join(dir, 'image.raw'));
    const bytes = statSync(join(dir, 'image.vhdx')).size;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.vhdx`;
    const sha256 = execFileSync('sha256sum', [join(dir, 'image.vhdx')], { encoding: 'utf8' }).split(' ')[0]!;

    const t0 = process.hrtime.bigint();
    // Asynchronously: the server answering curl runs in this process.
    await promisify(execFile)('curl', ['-sS', '-o', join(dir, 'curl.out'), url]);
    const curlS = Number(process.hrtime.bigint() - t0) / 1e9;

    const session = await world.open();
    const t1 = process.hrtime.bigint();
    const result = await publishImage([{ host: 'sim', session }], {
      name: 'bench',
      src: url,
      sha256,
      cacheDir: join(dir, 'cache'),
    });
    const virtsealS = Number(process.hrtime.bigint() - t1) / 1e9;
    await session.close();
    if (!result.changed) throw new Error('the image was not published');

    console.log(`   image: ${(bytes / 1048576).toFixed(0)} MiB VHDX from a loopback HTTP server; no conversion`);
    console.log(
      `   download + verify + check + publish (SFTP to the simulator) vs curl to disk: throughput ratio ${(curlS / virtsealS).toFixed(2)} (curl = 1.00)`,
    );
    console.log(
      '   (virtseal also hashes while receiving, runs qemu-img info/check, uploads over SSH and verifies on the host)',
    );
  } finally {
    server.close();
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
