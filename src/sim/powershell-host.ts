/**
 * The simulated Windows side of an exec channel: checks that the command is exactly the fixed bootstrap, that stdin
 * is 7-bit ASCII, that the runner and each requested script are the repository's static files (so no value was
 * spliced into code), binds each request's JSON arguments to the script's declared parameters, and renders the
 * runner's response frames.
 */
import { BOOTSTRAP_TEXT, RUNNER_TEXT, type RequestPayload } from '../transport/powershell-runner';
import { encodeFrame, RESULT_SENTINEL } from '../transport/ps-frames';
import { embeddedScripts } from '../drivers/hyperv/scripts/scripts.generated';
import { PRELUDE_NAME } from '../drivers/hyperv/scripts';
import { bindArguments, parseParamBlock, type ScriptParam } from './script-params';

export interface Invocation {
  readonly script: string;
  readonly operation: string;
  readonly args: Record<string, unknown>;
  readonly bound: Record<string, unknown>;
}

export class HostRejection extends Error {
  constructor(message: string, readonly kind: 'shell' | 'powershell') {
    super(message);
  }
}

const COMMAND = /^(powershell\.exe|pwsh\.exe) -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/=]+)$/;
const paramCache = new Map<string, ScriptParam[]>();

function params(name: string, text: string): ScriptParam[] {
  let p = paramCache.get(name);
  if (!p) {
    p = parseParamBlock(text);
    paramCache.set(name, p);
  }
  return p;
}

/** Throws HostRejection unless the exec command is exactly the fixed bootstrap. */
export function checkCommand(command: string): void {
  const match = COMMAND.exec(command);
  if (!match) throw new HostRejection(`'${command.split(' ')[0]}' is not recognized as an internal or external command,`, 'shell');
  if (Buffer.from(match[2]!, 'base64').toString('utf16le') !== BOOTSTRAP_TEXT) {
    throw new HostRejection('simulator: the encoded command is not the virtseal bootstrap', 'powershell');
  }
}

/** The first stdin line of a process: the runner, which must be the static runner.ps1. */
export function checkRunnerLine(line: string): void {
  if (/[^\x00-\x7f]/.test(line)) throw new HostRejection('simulator: stdin is not 7-bit ASCII (the host would decode it with the OEM code page)', 'powershell');
  if (Buffer.from(line.trim(), 'base64').toString('utf8') !== RUNNER_TEXT) throw new HostRejection('simulator: the runner is not the static runner.ps1', 'powershell');
}

/** Parses one request frame's payload; throws HostRejection (`powershell`: the runner reports it for this request). */
export function parseRequest(payload: string): Invocation {
  if (/[^\x00-\x7f]/.test(payload)) throw new HostRejection('simulator: stdin is not 7-bit ASCII (the host would decode it with the OEM code page)', 'powershell');
  let request: Partial<RequestPayload>;
  try {
    request = JSON.parse(payload) as Partial<RequestPayload>;
  } catch (error) {
    throw new HostRejection(`Invalid JSON primitive: ${(error as Error).message}`, 'powershell');
  }
  const name = String(request.name ?? '');
  const text = Buffer.from(String(request.script ?? ''), 'base64').toString('utf8');
  const known = embeddedScripts[name];
  if (known === undefined || name === PRELUDE_NAME) throw new HostRejection(`simulator: no script named ${name}`, 'powershell');
  if (text !== known) throw new HostRejection(`simulator: ${name} differs from the static script (was a value spliced into it?)`, 'powershell');
  if (request.prelude) {
    if (request.prelude.name !== PRELUDE_NAME || Buffer.from(request.prelude.script, 'base64').toString('utf8') !== embeddedScripts[PRELUDE_NAME]) {
      throw new HostRejection('simulator: the prelude is not the static hyperv-common.ps1', 'powershell');
    }
  }
  const args = request.args;
  if (!args || typeof args !== 'object' || Array.isArray(args)) throw new HostRejection('virtseal runner: arguments must be a JSON object', 'powershell');
  const record = args as Record<string, unknown>;
  return { script: name, operation: name.replace(/\.ps1$/, ''), args: record, bound: bindArguments(params(name, text), record) };
}

/** The runner's response frame for an envelope; `noise` imitates profile output printed before it. */
export function renderEnvelope(id: number, envelope: unknown, noise = ''): string {
  return `${noise}\n${encodeFrame(RESULT_SENTINEL, [id], Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64'))}`;
}

/** How PowerShell reports an uncaught error on stderr when its output is redirected (CLIXML). */
export function clixmlError(message: string): string {
  const escaped = message
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]/g, (c) => (c === '\r' ? '_x000D_' : '_x000A_'));
  return `#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj><S S="Error">${escaped}_x000D__x000A_</S><S S="Error">    + CategoryInfo          : OperationStopped: (:) [], RuntimeException_x000D__x000A_</S></Objs>`;
}
