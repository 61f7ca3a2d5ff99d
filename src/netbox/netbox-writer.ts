import { requestJson } from './http-json';

export interface NetboxWriterOptions {
  /** NetBox base URL, for example https://netbox.example.net */
  readonly url: string;
  /** API token: `nbt_...` v2 tokens go as Bearer, v1 tokens as `Token`. */
  readonly token: string;
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export type JournalKind = 'info' | 'success' | 'warning' | 'danger';

/** Write-back to NetBox's REST API: a journal entry on the VM, optionally its status. Best effort, never retried forever. */
export class NetboxWriter {
  private readonly base: string;

  constructor(private readonly options: NetboxWriterOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    const t = this.options.token;
    return { authorization: t.startsWith('nbt_') ? `Bearer ${t}` : `Token ${t}` };
  }

  private async send(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<void> {
    const res = await requestJson({
      method,
      url: `${this.base}${path}`,
      headers: this.headers(),
      body,
      ca: this.options.ca,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    if (res.status < 200 || res.status > 299) throw new Error(`NetBox ${method} ${path}: HTTP ${res.status}`);
  }

  journal(objectType: string, objectId: number, kind: JournalKind, comments: string): Promise<void> {
    return this.send('POST', '/api/extras/journal-entries/', {
      assigned_object_type: objectType,
      assigned_object_id: objectId,
      kind,
      comments,
    });
  }

  setVmStatus(objectId: number, status: string): Promise<void> {
    return this.send('PATCH', `/api/virtualization/virtual-machines/${objectId}/`, { status });
  }
}
