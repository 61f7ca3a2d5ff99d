/**
 * The simulated Windows side of an exec channel: checks that the command is exactly the fixed bootstrap, that stdin
 * is 7-bit ASCII, that the runner and the script are the repository's static files (so no value was spliced into
 * code), binds the JSON arguments to the script's declared parameters, and renders the runner's output.
 */
import { asciiJson, BOOTSTRAP_TEXT, RESULT_SENTINEL, RUNNER_TEXT } from '../transport/powershell-runner';
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

/** Throws HostRejection (`shell` = cmd.exe refused the command line, `powershell` = the runner failed). */
export function parseInvocation(command: string, stdin: string): Invocation {
  const match = COMMAND.exec(command);
  if (!match) throw new HostRejection(`'${command.split(' ')[0]}' is not recognized as an internal or external command,`, 'shell');
  if (Buffer.from(match[2]!, 'base64').toString('utf16le') !== BOOTSTRAP_TEXT) {
    throw new HostRejection('simulator: the encoded command is not the virtseal bootstrap', 'powershell');
  }
  if (/[^\x00-\x7f]/.test(stdin)) throw new HostRejection('simulator: stdin is not 7-bit ASCII (the host would decode it with the OEM code page)', 'powershell');
  const lines = stdin.split(/\r?\n/);
  if (lines.length < 4) throw new HostRejection('virtseal runner: incomplete input (expected runner, name, script and arguments lines)', 'powershell');
  if (Buffer.from(lines[0]!, 'base64').toString('utf8') !== RUNNER_TEXT) throw new HostRejection('simulator: the runner is not the static runner.ps1', 'powershell');
  const name = lines[1]!.trim();
  const text = Buffer.from(lines[2]!, 'base64').toString('utf8');
  const known = embeddedScripts[name];
  if (known === undefined || name === PRELUDE_NAME) throw new HostRejection(`simulator: no script named ${name}`, 'powershell');
  if (text !== known) throw new HostRejection(`simulator: ${name} differs from the static script (was a value spliced into it?)`, 'powershell');
  if ((lines[4] ?? '') !== '' || (lines[5] ?? '') !== '') {
    if (lines[4] !== PRELUDE_NAME || Buffer.from(lines[5] ?? '', 'base64').toString('utf8') !== embeddedScripts[PRELUDE_NAME]) {
      throw new HostRejection('simulator: the prelude is not the static hyperv-common.ps1', 'powershell');
    }
  }
  let args: unknown;
  try {
    args = JSON.parse(lines[3]!);
  } catch (error) {
    throw new HostRejection(`Invalid JSON primitive: ${(error as Error).message}`, 'powershell');
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) throw new HostRejection('virtseal runner: arguments must be a JSON object', 'powershell');
  const record = args as Record<string, unknown>;
  return { script: name, operation: name.replace(/\.ps1$/, ''), args: record, bound: bindArguments(params(name, text), record) };
}

/** Stdout of the runner for an envelope; `noise` imitates profile output printed before it. */
export function renderEnvelope(envelope: unknown, noise = ''): string {
  return `${noise}\n${RESULT_SENTINEL}\n${asciiJson(envelope)}\n`;
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
