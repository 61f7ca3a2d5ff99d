/**
 * qemu-img on the controller, as argument vectors: what a file is (format, virtual size), whether its metadata is
 * sound, and conversion between the formats the hypervisors take.
 */
import { execFile } from 'node:child_process';
import { InvalidArgument } from '../core/errors';

export type DiskFormat = 'qcow2' | 'raw' | 'vmdk' | 'vhdx' | 'vpc';

/** Formats virtseal reads; `vpc` is the older VHD. */
export const SOURCE_FORMATS: readonly DiskFormat[] = ['qcow2', 'raw', 'vmdk', 'vhdx', 'vpc'];

export interface ImageFileInfo {
  readonly format: string;
  readonly virtualSizeBytes: number;
  readonly actualSizeBytes?: number;
  readonly backingFile?: string;
}

function run(
  args: readonly string[],
  timeoutMs = 30 * 60_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'qemu-img',
      args,
      { encoding: 'utf8', maxBuffer: 16 << 20, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error && typeof error.code === 'string') {
          reject(
            new InvalidArgument(
              `qemu-img is needed on the machine running the module to read or convert images (${error.code}); install qemu-utils`,
              'src',
            ),
          );
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

export async function imageInfo(path: string): Promise<ImageFileInfo> {
  const r = await run(['info', '--output=json', '-U', '--', path]);
  if (r.code !== 0)
    throw new InvalidArgument(`src is not a disk image qemu-img can read: ${r.stderr.trim().split('\n')[0]}`, 'src');
  const info = JSON.parse(r.stdout) as {
    format: string;
    'virtual-size': number;
    'actual-size'?: number;
    'backing-filename'?: string;
  };
  return {
    format: info.format,
    virtualSizeBytes: info['virtual-size'],
    ...(info['actual-size'] !== undefined && { actualSizeBytes: info['actual-size'] }),
    ...(info['backing-filename'] !== undefined && { backingFile: info['backing-filename'] }),
  };
}

/** `qemu-img check` for the formats that have metadata to check; raw and vmdk pass as they are. */
export async function checkImage(path: string, format: string): Promise<void> {
  if (format !== 'qcow2' && format !== 'vhdx' && format !== 'vmdk') return;
  const r = await run(['check', '-f', format, '--', path]);
  if (r.code !== 0) {
    const why = (r.stdout + r.stderr).trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.code}`;
    throw new InvalidArgument(`src: qemu-img check finds the ${format} image damaged: ${why}`, 'src');
  }
}

export async function convertImage(input: string, from: string, output: string, to: DiskFormat): Promise<void> {
  // Hyper-V takes dynamically expanding VHDX; qcow2 stays sparse by default.
  const options = to === 'vhdx' ? ['-o', 'subformat=dynamic'] : [];
  const r = await run(['convert', '-f', from, '-O', to, ...options, '--', input, output]);
  if (r.code !== 0)
    throw new InvalidArgument(
      `src: qemu-img cannot convert the ${from} image to ${to}: ${r.stderr.trim().split('\n')[0]}`,
      'src',
    );
}
