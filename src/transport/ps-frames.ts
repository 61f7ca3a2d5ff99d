/**
 * Framing between virtseal and its long-lived PowerShell runner (runner.ps1). Everything is 7-bit ASCII, so a
 * length in characters is a length in bytes whatever code page the host uses.
 *   request  (stdin):  `VSREQ <id> <n>\n` + n characters of JSON + `\n`
 *   response (stdout): `\n__VIRTSEAL_RESULT__ <id> <n>\n` + n characters of base64 of UTF-8 JSON + `\n`
 * Text outside a frame on stdout (a profile's greeting, Write-Host) is skipped, never parsed.
 */

export const REQUEST_MARKER = 'VSREQ';
export const RESULT_SENTINEL = '__VIRTSEAL_RESULT__';

/** JSON with every character outside printable ASCII escaped, so no code page can alter it. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function encodeFrame(marker: string, fields: readonly (string | number)[], payload: string): string {
  return `${marker}${fields.map((f) => ` ${f}`).join('')} ${payload.length}\n${payload}\n`;
}

export interface Frame {
  /** Header fields between the marker and the length. */
  readonly fields: readonly string[];
  readonly payload: string;
}

/**
 * Finds frames in a stream fed chunk by chunk (as latin1 text, one character per byte). A frame header is a line
 * that starts with the marker; the last field is the payload length. Anything between frames is dropped.
 */
export class FrameScanner {
  private buffer = '';
  private readonly header: RegExp;
  /** Header of the frame whose payload is still arriving. */
  private open: { readonly fields: string[]; readonly length: number; parts: string[]; have: number } | undefined;

  constructor(
    readonly marker: string,
    private readonly maxNoise = 64 * 1024,
  ) {
    this.header = new RegExp(`(?:^|\\n)${marker}((?: [^ \\n]+)*) (\\d{1,10})\\r?\\n`);
  }

  push(chunk: string): Frame[] {
    const frames: Frame[] = [];
    let rest = chunk;
    for (;;) {
      if (this.open) {
        const open = this.open;
        const take = Math.min(open.length - open.have, rest.length);
        open.parts.push(rest.slice(0, take));
        open.have += take;
        rest = rest.slice(take);
        if (open.have < open.length) return frames;
        frames.push({ fields: open.fields, payload: open.parts.join('') });
        this.open = undefined;
      }
      this.buffer += rest;
      rest = '';
      const match = this.header.exec(this.buffer);
      if (!match) {
        // Keep only a tail that could still start a header; the rest is noise.
        if (this.buffer.length > this.maxNoise) this.buffer = this.buffer.slice(-this.marker.length - 32);
        return frames;
      }
      const fields = match[1]!.trim() === '' ? [] : match[1]!.trim().split(' ');
      this.open = { fields, length: Number(match[2]), parts: [], have: 0 };
      rest = this.buffer.slice(match.index + match[0].length);
      this.buffer = '';
    }
  }
}
