/**
 * The simulated host's SFTP subsystem, serving Windows paths (`/C:/x/y`, as Win32-OpenSSH does) from the host's root
 * directory. Writes honour their offsets, so a resumed upload (`r+` at an offset) behaves as on Windows. The
 * `sftp.write` fault rule can drop the connection once enough bytes have arrived.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import ssh2, { type SFTPWrapper } from 'ssh2';
import type { FaultRules } from './faults';
import type { SimFiles } from './files';

const { STATUS_CODE, flagsToString } = ssh2.utils.sftp;

function attrs(s: Stats): { mode: number; uid: number; gid: number; size: number; atime: number; mtime: number } {
  return {
    mode: s.mode,
    uid: 0,
    gid: 0,
    size: s.size,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
  };
}

export interface SftpSessionOptions {
  readonly files: SimFiles;
  readonly faults: FaultRules;
  readonly drop: () => void;
  readonly onBytes?: (n: number) => void;
}

export function serveSftp(sftp: SFTPWrapper, o: SftpSessionOptions): void {
  const handles = new Map<number, { fd?: number; path: string; dir?: string[]; written: number }>();
  let next = 1;
  const handleOf = (buf: Buffer): number => buf.readUInt32BE(0);
  const newHandle = (entry: { fd?: number; path: string; dir?: string[] }): Buffer => {
    const id = next++;
    handles.set(id, { ...entry, written: 0 });
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const local = (path: string): string | undefined => {
    try {
      return o.files.local(path);
    } catch {
      return undefined;
    }
  };
  const fail = (reqid: number, error: unknown): void => {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE;
    sftp.status(reqid, code, (error as Error).message);
  };

  sftp.on('OPEN', (reqid, filename, flags) => {
    const path = local(filename);
    if (!path) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    try {
      const mode = flagsToString(flags) ?? 'r';
      sftp.handle(reqid, newHandle({ fd: openSync(path, mode), path }));
    } catch (error) {
      fail(reqid, error);
    }
  });
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const h = handles.get(handleOf(handle));
    if (!h || h.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
    try {
      writeSync(h.fd, data, 0, data.length, offset);
      h.written += data.length;
      o.onBytes?.(data.length);
    } catch (error) {
      return fail(reqid, error);
    }
    const rule = o.faults.match('sftp.write', [h.path], { bytes: h.written });
    if (rule) {
      o.drop();
      return;
    }
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('READ', (reqid, handle, offset, length) => {
    const h = handles.get(handleOf(handle));
    if (!h || h.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
    const buffer = Buffer.alloc(length);
    const n = readSync(h.fd, buffer, 0, length, offset);
    if (n === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    sftp.data(reqid, buffer.subarray(0, n));
  });
  sftp.on('FSTAT', (reqid, handle) => {
    const h = handles.get(handleOf(handle));
    if (!h || h.fd === undefined) return sftp.status(reqid, STATUS_CODE.FAILURE);
    sftp.attrs(reqid, attrs(fstatSync(h.fd)));
  });
  sftp.on('CLOSE', (reqid, handle) => {
    const id = handleOf(handle);
    const h = handles.get(id);
    if (h?.fd !== undefined) closeSync(h.fd);
    handles.delete(id);
    sftp.status(reqid, STATUS_CODE.OK);
  });
  const statHandler = (reqid: number, path: string): void => {
    const p = local(path);
    if (!p || !existsSync(p)) sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    else sftp.attrs(reqid, attrs(statSync(p)));
  };
  sftp.on('STAT', statHandler);
  sftp.on('LSTAT', statHandler);
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('REALPATH', (reqid, path) => {
    const name = path === '.' || path === '' ? '/C:/Users/virtseal' : path;
    sftp.name(reqid, [{ filename: name, longname: name, attrs: {} as never }]);
  });
  sftp.on('OPENDIR', (reqid, path) => {
    const p = local(path);
    if (!p || !existsSync(p)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(reqid, newHandle({ path: p, dir: readdirSync(p) }));
  });
  sftp.on('READDIR', (reqid, handle) => {
    const h = handles.get(handleOf(handle));
    if (!h?.dir) return sftp.status(reqid, STATUS_CODE.FAILURE);
    if (h.dir.length === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    const names = h.dir
      .splice(0)
      .map((filename) => ({ filename, longname: filename, attrs: attrs(statSync(`${h.path}/${filename}`)) }));
    sftp.name(reqid, names);
  });
  sftp.on('MKDIR', (reqid, path) => {
    const p = local(path);
    if (!p) return sftp.status(reqid, STATUS_CODE.FAILURE);
    mkdirSync(p, { recursive: true });
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('REMOVE', (reqid, path) => {
    const p = local(path);
    if (!p || !existsSync(p)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    rmSync(p);
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('RENAME', (reqid, from, to) => {
    const a = local(from);
    const b = local(to);
    if (!a || !b || !existsSync(a)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    renameSync(a, b);
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.fd !== undefined) closeSync(h.fd);
    handles.clear();
  });
}
