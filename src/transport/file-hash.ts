/**
 * SHA-256 of a file computed on a worker thread, so hashing a multi-gigabyte image does not stall the event loop
 * that drives the SSH connection (the upload runs while the hash is computed).
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const hash = createHash('sha256');
createReadStream(workerData, { highWaterMark: 1 << 20 })
  .on('data', (chunk) => hash.update(chunk))
  .on('error', (error) => parentPort.postMessage({ error: error.message }))
  .on('end', () => parentPort.postMessage({ hex: hash.digest('hex') }));
`;

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: path });
    worker.once('message', (m: { hex?: string; error?: string }) => {
      void worker.terminate();
      if (m.hex) resolve(m.hex);
      else reject(new Error(`cannot hash ${path}: ${m.error}`));
    });
    worker.once('error', reject);
  });
}
