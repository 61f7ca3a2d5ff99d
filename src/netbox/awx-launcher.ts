import { requestJson } from './http-json';
import type { FollowOutcome, LaunchOutcome, Launcher, ReconcileOutcome } from './launcher';
import type { LaunchPlan } from './map-event';
import { type Redactor, resolveVars } from './secrets';

export interface AwxLauncherOptions {
  /** Base URL of AWX/AAP, for example https://awx.example.net (AAP 2.5 gateway: .../api/controller). */
  readonly url: string;
  /** OAuth2 / personal access token, sent as `Authorization: Bearer`. */
  readonly token: string;
  /** Follow each job to its end before the VM's next event is launched and before write-back. Default true. */
  readonly follow?: boolean;
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly env: NodeJS.ProcessEnv;
  readonly redactor: Redactor;
  /** Allowed clock difference between the bridge and AWX when looking for a job after a crash. Default 10 s. */
  readonly clockSkewMs?: number;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** AWX's 400 bodies are `{field: [messages]}` or `{variables_needed_to_start: [...]}`: flatten them to one line. */
export function describeAwxError(body: unknown, text: string): string {
  if (typeof body !== 'object' || body === null) return text.trim() || '(empty answer)';
  return Object.entries(body as Record<string, unknown>)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.map(String).join('; ') : typeof v === 'string' ? v : JSON.stringify(v)}`,
    )
    .join('; ');
}

export class AwxLauncher implements Launcher {
  readonly name: string;
  private readonly base: string;
  /** Lookups by name in flight or done; concurrent launches share one request, failures are not kept. */
  private readonly templateIds = new Map<string, Promise<number | { error: string; retry: boolean }>>();

  constructor(private readonly options: AwxLauncherOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.name = `AWX ${this.base}`;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}` };
  }

  private async get(path: string) {
    return requestJson({
      method: 'GET',
      url: `${this.base}${path}`,
      headers: this.headers(),
      timeoutMs: this.options.timeoutMs,
      ca: this.options.ca,
    });
  }

  /** A template given by name is looked up once; ids are used as they are. */
  private templateId(ref: number | string): Promise<number | { error: string; retry: boolean }> {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return Promise.resolve(Number(ref));
    let lookup = this.templateIds.get(ref);
    if (!lookup) {
      lookup = this.lookupTemplate(ref);
      this.templateIds.set(ref, lookup);
      lookup.then(
        (id) => typeof id !== 'number' && this.templateIds.delete(ref),
        () => this.templateIds.delete(ref),
      );
    }
    return lookup;
  }

  private async lookupTemplate(ref: string): Promise<number | { error: string; retry: boolean }> {
    const res = await this.get(`/api/v2/job_templates/?name=${encodeURIComponent(ref)}`);
    if (res.status !== 200)
      return { error: `looking up job template "${ref}": HTTP ${res.status}`, retry: RETRYABLE.has(res.status) };
    const results = (res.body as { results?: { id: number }[] } | undefined)?.results ?? [];
    if (results.length !== 1)
      return { error: `job template "${ref}" not found in AWX (${results.length} matches)`, retry: false };
    return results[0]!.id;
  }

  async launch(plan: LaunchPlan): Promise<LaunchOutcome> {
    if (plan.jobTemplate === undefined) {
      return { kind: 'failed', error: `the mapping names no targets.${plan.action}.job_template` };
    }
    let extraVars: ReturnType<typeof resolveVars>;
    try {
      extraVars = resolveVars(plan.extraVars, this.options.env, this.options.redactor);
    } catch (error) {
      return { kind: 'failed', error: (error as Error).message };
    }
    try {
      const id = await this.templateId(plan.jobTemplate);
      if (typeof id !== 'number')
        return id.retry ? { kind: 'retry', error: id.error } : { kind: 'failed', error: id.error };
      const res = await requestJson({
        method: 'POST',
        url: `${this.base}/api/v2/job_templates/${id}/launch/`,
        headers: this.headers(),
        body: { extra_vars: extraVars },
        timeoutMs: this.options.timeoutMs,
        ca: this.options.ca,
      });
      const where = `job template ${id} (${plan.action} ${plan.vmName})`;
      if (res.status === 201 || res.status === 200) {
        const body = res.body as { job?: number; id?: number; ignored_fields?: Record<string, unknown> } | undefined;
        const jobId = body?.job ?? body?.id;
        if (typeof jobId !== 'number')
          return { kind: 'failed', error: `AWX answered ${res.status} without a job id for ${where}` };
        const ignored = Object.keys(body?.ignored_fields ?? {});
        const note = ignored.length ? ` (AWX ignored: ${ignored.join(', ')})` : '';
        const summary = `AWX job ${jobId} launched from ${where}${note}`;
        return this.options.follow === false ? { kind: 'done', summary, jobId } : { kind: 'launched', jobId, summary };
      }
      const detail = this.options.redactor.redact(describeAwxError(res.body, res.text));
      const error = `AWX refused the launch of ${where}: HTTP ${res.status}: ${detail}`;
      return RETRYABLE.has(res.status) ? { kind: 'retry', error } : { kind: 'failed', error };
    } catch (error) {
      return { kind: 'retry', error: `AWX unreachable: ${this.options.redactor.redact((error as Error).message)}` };
    }
  }

  /**
   * AWX has no idempotency key for launches, so after a crash mid-launch the job list decides: a job of this
   * template, created since the attempt began (less the allowed clock skew), for the same vm_name, and not yet
   * attributed to another event, is this launch.
   */
  async reconcile(plan: LaunchPlan, sinceMs: number, isKnown: (jobId: number) => boolean): Promise<ReconcileOutcome> {
    if (plan.jobTemplate === undefined) return { kind: 'absent' };
    try {
      const id = await this.templateId(plan.jobTemplate);
      if (typeof id !== 'number') return { kind: 'unknown', error: id.error };
      const since = new Date(sinceMs - (this.options.clockSkewMs ?? 10_000)).toISOString();
      const res = await this.get(
        `/api/v2/job_templates/${id}/jobs/?created__gte=${encodeURIComponent(since)}&order_by=created&page_size=200`,
      );
      if (res.status !== 200) return { kind: 'unknown', error: `listing jobs of template ${id}: HTTP ${res.status}` };
      const jobs = (res.body as { results?: { id: number; extra_vars?: string }[] } | undefined)?.results ?? [];
      for (const job of jobs) {
        if (isKnown(job.id)) continue;
        let extra = job.extra_vars;
        if (extra === undefined) {
          const detail = await this.get(`/api/v2/jobs/${job.id}/`);
          extra = (detail.body as { extra_vars?: string } | undefined)?.extra_vars;
        }
        let vars: Record<string, unknown> = {};
        try {
          vars = typeof extra === 'string' ? JSON.parse(extra) : {};
        } catch {
          vars = {};
        }
        if (vars.vm_name === plan.vmName) return { kind: 'found', jobId: job.id };
      }
      return { kind: 'absent' };
    } catch (error) {
      return { kind: 'unknown', error: `AWX unreachable: ${this.options.redactor.redact((error as Error).message)}` };
    }
  }

  async follow(jobId: number): Promise<FollowOutcome> {
    try {
      const res = await this.get(`/api/v2/jobs/${jobId}/`);
      if (res.status !== 200)
        return RETRYABLE.has(res.status)
          ? { kind: 'running' }
          : { kind: 'failed', error: `AWX job ${jobId}: HTTP ${res.status}` };
      const status = (res.body as { status?: string } | undefined)?.status ?? '';
      if (status === 'successful') return { kind: 'done', summary: `AWX job ${jobId} successful` };
      if (['failed', 'error', 'canceled'].includes(status))
        return { kind: 'failed', error: `AWX job ${jobId} ${status}` };
      return { kind: 'running' };
    } catch {
      return { kind: 'running' };
    }
  }
}
