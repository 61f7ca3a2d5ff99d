import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { decide } from '../../../src/netbox/map-event';
import { DEFAULT_MAPPING, loadMapping } from '../../../src/netbox/mapping';
import { parseEvent } from '../../../src/netbox/payload';
import { Redactor, resolveVars } from '../../../src/netbox/secrets';

interface Question {
  variable: string;
  type: string;
  required: boolean;
  min?: number | null;
  max?: number | null;
  default?: unknown;
  choices?: string[] | string;
}

const repo = (p: string) => new URL(`../../../${p}`, import.meta.url);
const survey = (action: string): Question[] => JSON.parse(readFileSync(repo(`surveys/${action}.json`), 'utf8')).spec;
const fixture = () =>
  JSON.parse(readFileSync(repo('test/fixtures/netbox/vm-updated-staged-to-active-v4.6.json'), 'utf8'));

/** AWX's launch-time survey checks (see its JobTemplateSurveySpec validation), applied to what the bridge sends. */
function awxLaunchErrors(spec: Question[], vars: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const known = new Set(spec.map((q) => q.variable));
  for (const k of Object.keys(vars))
    if (!known.has(k)) errors.push(`${k}: not a survey variable (AWX would ignore it)`);
  for (const q of spec) {
    const v = vars[q.variable];
    if (v === undefined) {
      // AWX's launch API checks required answers before it layers in defaults: a default does not help here.
      if (q.required) errors.push(`'${q.variable}' value missing`);
      continue;
    }
    const choices = typeof q.choices === 'string' ? q.choices.split('\n') : q.choices;
    if (q.type === 'integer') {
      if (!Number.isInteger(v)) errors.push(`${q.variable}: ${JSON.stringify(v)} is not an integer`);
      else if ((q.min != null && (v as number) < q.min) || (q.max != null && (v as number) > q.max))
        errors.push(`${q.variable}: out of range`);
    } else if (q.type === 'multiplechoice') {
      if (!choices?.includes(String(v)) || typeof v !== 'string')
        errors.push(`${q.variable}: ${JSON.stringify(v)} not among ${choices}`);
    } else if (typeof v !== 'string') {
      errors.push(`${q.variable}: ${JSON.stringify(v)} is not text`);
    } else if ((q.min != null && v.length < q.min) || (q.max != null && v.length > q.max)) {
      errors.push(`${q.variable}: length out of range`);
    }
  }
  return errors;
}

function event(event: string, from: string | null, to: string) {
  const b = fixture();
  b.event = event;
  b.data.status = { value: to, label: to };
  b.snapshots.prechange = from === null ? null : { ...b.snapshots.prechange, status: from };
  return b;
}

describe('netbox mapping against the AWX surveys of the playbooks', () => {
  const mapping = loadMapping(repo('examples/netbox/mapping.yml').pathname);
  const cases: [string, ReturnType<typeof event>][] = [
    ['create', event('created', null, 'staged')],
    ['create', event('updated', 'planned', 'active')],
    ['start', event('updated', 'staged', 'active')],
    ['stop', event('updated', 'active', 'offline')],
    ['delete', event('deleted', 'offline', 'offline')],
  ];
  for (const [action, body] of cases) {
    it(`sends only answers surveys/${action}.json accepts (${body.event} ${body.snapshots.prechange?.status ?? '-'} → ${body.data.status.value})`, () => {
      const d = decide(mapping, parseEvent(body));
      if (d.kind !== 'launch') throw new Error(d.reason);
      expect(d.plan.action).to.equal(action);
      const vars = resolveVars(d.plan.extraVars, { VM_ADMIN_PASSWORD: 'x-Pw-1234' }, new Redactor());
      expect(awxLaunchErrors(survey(action), vars)).to.deep.equal([]);
    });
  }

  it("fills in the required answers that AWX's launch form would, for a VM that gives none of them", () => {
    const b = event('created', null, 'active');
    for (const k of ['vcpus', 'memory', 'disk']) delete b.data[k];
    const d = decide(DEFAULT_MAPPING, parseEvent(b));
    if (d.kind !== 'launch') throw new Error(d.reason);
    const vars = resolveVars(d.plan.extraVars, {}, new Redactor());
    expect(awxLaunchErrors(survey('create'), vars)).to.deep.equal([]);
    expect(vars).to.include({
      vm_cpu_count: 2,
      vm_network: 'LAN',
      vm_cluster_role: 'no',
      vm_generation: 2,
      vm_secure_boot: 'MicrosoftUEFICertificateAuthority',
      vm_start: 'yes',
    });
  });

  it('the checker itself catches what AWX refuses', () => {
    expect(awxLaunchErrors(survey('start'), { vm_name: 'a' })).to.deep.equal(["'vm_host' value missing"]);
    expect(
      awxLaunchErrors(survey('stop'), { vm_name: 'a', vm_host: 'h', vm_force: 'maybe', vm_cpu_count: 2 }),
    ).to.deep.equal([
      'vm_cpu_count: not a survey variable (AWX would ignore it)',
      'vm_force: "maybe" not among yes,no',
    ]);
    expect(
      awxLaunchErrors(survey('create'), { vm_name: 'a', vm_host: 'h', vm_image: 'i', vm_cpu_count: '4' }),
    ).to.include('vm_cpu_count: "4" is not an integer');
  });
});
