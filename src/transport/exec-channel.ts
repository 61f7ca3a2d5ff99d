/**
 * One exec channel: writes stdin whole, sends EOF (Windows OpenSSH hands stdin to the child through a pipe that must
 * close), collects stdout/stderr and the exit status. A channel that closes without an exit status was cut off.
 */
import type { ClientChannel } from 'ssh2';
import { HostUnreachable, OperationTimeout } from '../core/errors';
import type { ExecResult } from './ssh-connection';

export function collect(
  channel: ClientChannel,
  stdin: string | Buffer | undefined,
  timeoutMs: number,
  what: string,
  target: string,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let exited = false;
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      channel.close();
      reject(new OperationTimeout(`${what} on ${target} did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    channel.on('data', (chunk: Buffer) => out.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    channel.on('exit', (exitCode: number | null) => {
      exited = true;
      code = typeof exitCode === 'number' ? exitCode : null;
    });
    channel.on('close', () => {
      clearTimeout(timer);
      if (done) return;
      done = true;
      // A channel that closes without an exit status was cut off (dropped connection), not finished.
      if (!exited) return reject(new HostUnreachable(`connection to ${target} was lost while running ${what}`));
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code });
    });
    channel.on('error', (error: Error) => {
      clearTimeout(timer);
      if (done) return;
      done = true;
      reject(new HostUnreachable(`${what} on ${target} failed: ${error.message}`, { cause: error }));
    });
    if (stdin !== undefined) channel.write(stdin);
    channel.end();
  });
}
