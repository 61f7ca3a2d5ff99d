/** image-find, image-commit, image-list over the real files the SFTP subsystem wrote. */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { sha256File } from '../../transport/file-hash';
import { winDirname, winJoin } from '../files';
import { stop, str, type Handler } from './context';

// Hashing on a worker thread stands in for the host's own CPU (Get-FileHash runs on the Windows host).
const sha256 = sha256File;

/** The publish-time .sha256 record while it is newer than the image, else a fresh hash (as image-find.ps1). */
async function recordedOrComputed(local: string): Promise<string> {
  const sidecar = `${local}.sha256`;
  if (existsSync(sidecar) && statSync(sidecar).mtimeMs >= statSync(local).mtimeMs) {
    const recorded = readFileSync(sidecar, 'utf8').trim().toLowerCase();
    if (/^[0-9a-f]{64}$/.test(recorded)) return recorded;
  }
  return sha256(local);
}

export const imageHandlers: Record<string, Handler> = {
  'image-find': async (ctx, args) => {
    const path = str(args, 'Path');
    mkdirSync(ctx.files.local(winDirname(path)), { recursive: true });
    const local = ctx.files.local(path);
    const partial = ctx.files.local(str(args, 'PartialPath'));
    const final = existsSync(local) ? { sizeBytes: statSync(local).size, sha256: args.Hash === false ? '' : await recordedOrComputed(local) } : null;
    return { final, partialBytes: existsSync(partial) ? statSync(partial).size : -1 };
  },
  'image-commit': async (ctx, args) => {
    const partial = ctx.files.local(str(args, 'PartialPath'));
    const path = str(args, 'Path');
    if (!existsSync(partial)) stop('not_found', `Cannot find path '${str(args, 'PartialPath')}' because it does not exist.`);
    const actual = await sha256(partial);
    const expected = str(args, 'Sha256').toLowerCase();
    if (actual !== expected) {
      rmSync(partial, { force: true });
      stop('checksum_mismatch', `uploaded file has SHA256 ${actual}, expected ${expected}; removed it`);
    }
    const local = ctx.files.local(path);
    renameSync(partial, local);
    writeFileSync(`${local}.sha256`, `${actual}\r\n`);
    const size = statSync(local).size;
    ctx.registry.vhds.set(path.toLowerCase(), { path, sizeBytes: size, parentPath: '' });
    return { sizeBytes: size, sha256: actual };
  },
  'image-list': (ctx, args) => {
    const folder = str(args, 'Folder');
    const local = ctx.files.local(folder);
    if (!existsSync(local)) return { images: [] };
    const images = readdirSync(local)
      .filter((f) => /\.vhdx?$/i.test(f))
      .map((file) => {
        const sidecar = `${local}/${file}.sha256`;
        return {
          file,
          path: winJoin(folder, file),
          sizeBytes: statSync(`${local}/${file}`).size,
          sha256: existsSync(sidecar) ? readFileSync(sidecar, 'utf8').trim() : '',
        };
      });
    return { images };
  },
};
