/**
 * virtseal's argument normalisation (src/ansible/coerce.ts) against ansible-core's own ArgumentSpecValidator.
 *
 * For every module schema an argument_spec is generated (src/ansible/argspec.ts) and handed to ansible-core (Debian's
 * python3 package) in one python3 process, fed JSON lines (argspec_oracle.py). fast-check generates inputs from the
 * schema: right and wrong types, strings that convert, YAML 1.1 booleans against string choices, aliases, unknown
 * keys, nulls, nested lists and dicts, and VIRTSEAL_HOST_* environment fallbacks. Both sides must agree on
 * acceptance, on the option named by the first error, and on the converted values. The differences that remain on
 * purpose are classified by `documentedDifference` and listed in docs/ansible-modules.md.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { loadResolvedSchemas } from '../../build/generate';
import { argumentSpec } from '../../src/ansible/argspec';
import { normalizeObject } from '../../src/ansible/coerce';
import { ansibleType, type OptionSchema } from '../../src/ansible/schema';
import { validateArguments } from '../../src/ansible/validate';
import { InvalidArgument } from '../../src/core/errors';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const RUNS = Number(process.env.VIRTSEAL_DIFF_RUNS ?? 300);

interface OracleError {
  type: string;
  msg: string;
  names: string[];
}
interface OracleAnswer {
  id: number;
  errors: OracleError[];
  validated: Record<string, unknown> | null;
}

const hasAnsible =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import ansible.module_utils.common.arg_spec']).status === 0;

class Oracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number | string, (answer: unknown) => void>();
  private next = 1;
  constructor() {
    this.child = spawn(PYTHON, [join(HERE, 'argspec_oracle.py')], { stdio: 'pipe' });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as { id?: number; spec_id?: string };
      const key = answer.id ?? `spec:${answer.spec_id}`;
      this.waiting.get(key)?.(answer);
      this.waiting.delete(key);
    });
  }
  private send(key: number | string, message: object): Promise<unknown> {
    return new Promise((resolve) => {
      this.waiting.set(key, resolve);
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }
  register(specId: string, spec: object): Promise<unknown> {
    return this.send(`spec:${specId}`, { spec_id: specId, spec });
  }
  validate(specId: string, params: unknown, env: Record<string, string>): Promise<OracleAnswer> {
    const id = this.next++;
    return this.send(id, { id, spec_id: specId, params, env }) as Promise<OracleAnswer>;
  }
  stop(): void {
    this.child.stdin.end();
    if (this.child.pid !== undefined && this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

// ---- input generation -------------------------------------------------------------------------------------------

const word = fc.constantFrom(
  'web01',
  'LAN',
  'a,b',
  ' x ',
  'on',
  'off',
  'yes',
  'True',
  'False',
  '',
  'hyperv',
  'libvirt',
  'debian-12',
  'k=v',
);
const intText = fc.oneof(
  fc.integer({ min: -3, max: 300 }).map(String),
  fc.constantFrom(' 42 ', '+7', '1_0', '_1', '4.0', '0x10', '٣', 'lots'),
);
const boolish = fc.constantFrom<unknown>(
  true,
  false,
  'yes',
  'no',
  'on',
  'off',
  'True',
  'false',
  ' Y ',
  '1',
  '0',
  1,
  0,
  2,
  'maybe',
  1.5,
);
const oddball = fc.constantFrom<unknown>(null, 2.5, [], {}, ['x'], { a: 1 }, true, 7);

function stringArb(s: OptionSchema, noisy: boolean): fc.Arbitrary<unknown> {
  if (s.enum) {
    const yaml = s.enum.some((c) => typeof c === 'string' && ['on', 'off', 'yes', 'no', 'true', 'false'].includes(c));
    const parts: fc.Arbitrary<unknown>[] = [fc.constantFrom(...s.enum)];
    if (yaml) parts.push(fc.constantFrom<unknown>(true, false, 'True', 'False'));
    if (noisy) parts.push(word, fc.constantFrom<unknown>(true, false, 'True', 'False', 1));
    return fc.oneof(...parts);
  }
  const parts: fc.Arbitrary<unknown>[] = [fc.constantFrom('web01', 'LAN', 'debian-12', 'hv1', 'C:\\vms', 'a b')];
  if (s['x-ansible-type'] === 'path')
    parts.push(
      fc.constantFrom('~/img.vhdx', '~root/x', '$HOME/a', '${HOME}/b', '$NOPE/c', '~nobody_here/d', '/srv/$', '~'),
    );
  if (noisy)
    parts.push(
      word,
      fc.string({ maxLength: 6 }),
      fc.integer({ min: -5, max: 5000 }),
      fc.double({ min: -1e20, max: 1e20, noNaN: true }),
    );
  return fc.oneof(...parts);
}

function valueArb(s: OptionSchema, depth: number, noisy: boolean): fc.Arbitrary<unknown> {
  const type = ansibleType(s);
  const inRange = fc.integer({ min: Math.max(s.minimum ?? 0, -5), max: Math.min(s.maximum ?? 5000, 5000) });
  let main: fc.Arbitrary<unknown>;
  switch (type) {
    case 'str':
    case 'path':
      main = stringArb(s, noisy);
      break;
    case 'int': {
      const good = s.enum ? fc.constantFrom(...s.enum) : inRange;
      main = noisy
        ? fc.oneof(good, intText)
        : fc.oneof(
            good,
            good.map((n) => String(n)),
            good.map((n) => ` ${String(n)} `),
          );
      break;
    }
    case 'float':
      main = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), intText);
      break;
    case 'bool':
      main = noisy
        ? boolish
        : fc.constantFrom<unknown>(true, false, 'yes', 'no', 'on', 'off', 'True', 'false', ' Y ', '1', '0', 1, 0);
      break;
    case 'dict':
      if (s.properties && depth < 3) {
        const parts: fc.Arbitrary<unknown>[] = [objectArb(s, depth + 1, noisy)];
        if (noisy)
          parts.push(fc.constantFrom<unknown>('a=1 b=2', '{"x": 1}', 'nonsense', "{'x': 1}", 'x="a b",y=\\,z'));
        main = fc.oneof({ weight: 4, arbitrary: parts[0]! }, ...parts.slice(1));
      } else {
        main = fc.oneof(
          fc.dictionary(fc.constantFrom('a', 'b'), word, { maxKeys: 2 }),
          fc.constantFrom('a=1 b=2', 'k="v w"'),
        );
      }
      break;
    case 'list': {
      const items = s.items ?? {};
      const element = depth < 3 ? valueArb(items, depth + 1, noisy) : word;
      const parts: fc.Arbitrary<unknown>[] = [fc.array(element, { maxLength: 3 })];
      if (ansibleType(items) !== 'dict')
        parts.push(fc.constantFrom<unknown>('a,b', 'x', ''), fc.integer({ min: 0, max: 9 }));
      else if (noisy) parts.push(fc.constantFrom<unknown>(['size_gb=10,name=data'], 'x', [5]));
      main = fc.oneof(...parts);
      break;
    }
    default:
      main = fc.oneof(word, oddball);
  }
  return noisy ? fc.oneof({ weight: 6, arbitrary: main }, { weight: 1, arbitrary: oddball }) : main;
}

/**
 * Options of one level: mostly well-formed values (in the many spellings ansible converts), with aliases, and in
 * `noisy` mode wrong types, nulls, unknown keys and strings that must parse as dicts.
 */
function objectArb(s: OptionSchema, depth: number, noisy: boolean): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const fields = props.map(([name, prop]) => {
    const keys = [name, ...(prop['x-aliases'] ?? [])];
    const include = required.has(name) ? 0.95 : 0.2;
    return fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...keys), valueArb(prop, depth, noisy))
      .map(([roll, key, value]) => {
        if (roll > include) return [] as [string, unknown][];
        const out: [string, unknown][] = [[key, value]];
        if (key !== name && roll < include / 6) out.push([name, value]);
        return out;
      });
  });
  const extra = noisy
    ? fc.option(fc.constantFrom<[string, unknown]>(['bogus', 1], ['admin_user', { name: 'x' }], ['memory', '4GB']), {
        freq: 8,
      })
    : fc.constant(null);
  return fc.tuple(fc.tuple(...fields), extra).map(([chosen, unknown]) => {
    const out: Record<string, unknown> = {};
    for (const pairs of chosen) for (const [k, v] of pairs) out[k] = v;
    if (unknown) out[unknown[0]] = unknown[1];
    return out;
  });
}

/** Well-formed inputs, inputs with one wrong option, and inputs with wrong values anywhere. */
function inputArb(s: OptionSchema): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(s.properties ?? {});
  const oneFault = fc
    .tuple(
      objectArb(s, 0, false),
      fc.constantFrom(...names).chain((n) => fc.tuple(fc.constant(n), valueArb(s.properties![n]!, 0, true))),
    )
    .map(([clean, [name, value]]) => ({ ...clean, [name]: value }));
  return fc.oneof(
    { weight: 3, arbitrary: objectArb(s, 0, false) },
    { weight: 3, arbitrary: oneFault },
    { weight: 1, arbitrary: objectArb(s, 0, true) },
  );
}

const envArb = fc
  .record({
    VIRTSEAL_HOST: fc.constantFrom(undefined, 'hv1', 'hv2:2222'),
    VIRTSEAL_HOST_HYPERVISOR: fc.constantFrom(undefined, 'libvirt', 'hyperv', 'xen', ''),
    VIRTSEAL_HOST_PORT: fc.constantFrom(undefined, '2222', 'x', ' 22 '),
    VIRTSEAL_HOST_USER: fc.constantFrom(undefined, 'admin'),
    VIRTSEAL_HOST_PASSWORD: fc.constantFrom(undefined, 's3cret-from-env'),
  })
  .map((r) => {
    const env: Record<string, string> = { HOME: '/home/tester' };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) env[k] = v;
    return env;
  });

// ---- comparison -------------------------------------------------------------------------------------------------

/** ansible's validated parameters reduced to what virtseal returns: option names only (no aliases), no None. */
function canonical(schema: OptionSchema, value: unknown): unknown {
  const type = ansibleType(schema);
  if (value === null || value === undefined) return undefined;
  if (type === 'list' && Array.isArray(value)) return value.map((v) => canonical(schema.items ?? {}, v));
  if (type === 'dict' && schema.properties && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, prop] of Object.entries(schema.properties)) {
      const v = canonical(prop, (value as Record<string, unknown>)[name]);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  return value;
}

/**
 * The differences kept on purpose (docs/ansible-modules.md, "Where virtseal differs from ansible"). Returns the
 * name of the first one the input hits, or undefined.
 */
function documentedDifference(schema: OptionSchema, params: unknown, env: Record<string, string>): string | undefined {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return undefined;
  const given = params as Record<string, unknown>;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const keys = [name, ...(prop['x-aliases'] ?? [])].filter((k) => k in given);
    const fallback = prop['x-env-fallback'] ?? [];
    if (keys.length === 0 && fallback.some((v) => env[v] === '')) return 'empty environment variable';
    if (keys.length === 0) continue;
    const type = ansibleType(prop);
    for (const key of keys) {
      const v = given[key];
      if ((type === 'str' || type === 'path') && v !== null && typeof v === 'object')
        return 'list or dict for a string';
      if ((type === 'int' || type === 'float') && typeof v === 'boolean') return 'boolean for a number';
      if (type === 'dict' && typeof v === 'string' && v.startsWith('{') && !isJson(v))
        return 'Python literal for a dict';
      if (type === 'list' && Array.isArray(v) && prop.items) {
        const el = ansibleType(prop.items);
        if ((el === 'str' || el === 'path') && v.some((x) => x !== null && typeof x === 'object'))
          return 'list or dict for a string';
        if ((el === 'str' || el === 'path') && v.some((x) => x === null)) return 'null in a list of strings';
        if ((el === 'int' || el === 'float') && v.some((x) => typeof x === 'boolean')) return 'boolean for a number';
        if (el === 'dict' && v.some((x) => typeof x === 'string' && x.startsWith('{') && !isJson(x)))
          return 'Python literal for a dict';
      }
    }
    const sub =
      type === 'dict'
        ? prop
        : type === 'list' && prop.items && ansibleType(prop.items) === 'dict'
          ? prop.items
          : undefined;
    if (sub?.properties) {
      for (const key of keys) {
        const v = given[key];
        for (const element of Array.isArray(v) ? v : [v]) {
          const inner = documentedDifference(sub, element, env);
          if (inner) return inner;
        }
      }
    }
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const flat = (path: string | undefined) => (path ?? '').replace(/\[\d+\]/g, '');

function virtsealRun(
  schema: OptionSchema,
  params: Record<string, unknown>,
  env: Record<string, string>,
  module: string,
) {
  try {
    return {
      options: normalizeObject(schema, params, '', { moduleName: module, warnings: [], env }),
      error: undefined,
    };
  } catch (err) {
    if (!(err instanceof InvalidArgument)) throw err;
    return { options: undefined, error: err };
  }
}

(hasAnsible ? describe : describe.skip)(
  'differential: argument semantics against ansible-core ArgumentSpecValidator',
  function () {
    this.timeout(120_000);
    const schemas = loadResolvedSchemas();
    let oracle: Oracle;
    const tally = { compared: 0, accepted: 0, rejected: 0, stricterSchema: 0, documented: new Map<string, number>() };

    before(async () => {
      oracle = new Oracle();
      for (const [name, schema] of Object.entries(schemas)) await oracle.register(name, argumentSpec(schema));
    });
    after(() => {
      oracle.stop();
      const documented = [...tally.documented].map(([k, n]) => `${k}: ${n}`).join(', ');
      console.log(
        `      ${tally.compared} inputs compared: ${tally.accepted} accepted by both, ${tally.rejected} rejected by both naming the same option; ${tally.stricterSchema} accepted by ansible and refused by virtseal's JSON Schema constraints; documented differences: ${documented || 'none'}`,
      );
    });

    it('the oracle is ansible-core itself (2.14 on Debian 12)', () => {
      const out = spawnSync(PYTHON, ['-c', 'import ansible.release as r; print(r.__version__)'], { encoding: 'utf8' });
      expect(out.stdout.trim()).to.match(/^2\.\d+\./);
    });

    it('known cases: secure_boot on, the hypervisor env fallback, an alias with its option, a nested missing option', async () => {
      const vm = schemas.vm!;
      const cases: [Record<string, unknown>, Record<string, string>][] = [
        [{ name: 'a', secure_boot: true }, {}],
        [{ name: 'a', secure_boot: 'False' }, {}],
        [{ name: 'a' }, { VIRTSEAL_HOST_HYPERVISOR: 'libvirt' }],
        [{ name: 'a', hypervisor: 'hyperv' }, { VIRTSEAL_HOST_HYPERVISOR: 'libvirt' }],
        [{ name: 'a', disks: [{ size_gb: 10 }] }, {}],
        [{ name: 'a', cpu_count: 'lots', bogus: 1 }, {}],
      ];
      for (const [params, env] of cases) {
        const py = await oracle.validate('vm', params, env);
        const ours = virtsealRun(vm, params, env, 'vm');
        expect(
          ours.error === undefined,
          `${JSON.stringify(params)}: ${ours.error?.message} vs ${JSON.stringify(py.errors)}`,
        ).to.equal(py.errors.length === 0);
        if (py.errors.length === 0) expect(canonical(vm, ours.options)).to.deep.equal(canonical(vm, py.validated));
        else expect(py.errors[0]!.names).to.include(flat(ours.error!.option));
      }
      expect(virtsealRun(vm, { name: 'a', secure_boot: true }, {}, 'vm').options!.secure_boot).to.equal('on');
      expect(
        virtsealRun(vm, { name: 'a' }, { VIRTSEAL_HOST_HYPERVISOR: 'libvirt' }, 'vm').options!.hypervisor,
      ).to.equal('libvirt');
    });

    for (const module of Object.keys(loadResolvedSchemas())) {
      it(`${module}: generated inputs are accepted, rejected and converted as ansible-core does`, async () => {
        const schema = schemas[module]!;
        await fc.assert(
          fc.asyncProperty(inputArb(schema), envArb, async (params, env) => {
            const py = await oracle.validate(module, params, env);
            const ours = virtsealRun(schema, params, env, module);
            tally.compared++;
            const difference = documentedDifference(schema, params, env);
            if (difference) {
              tally.documented.set(difference, (tally.documented.get(difference) ?? 0) + 1);
              return;
            }
            if (py.errors.some((e) => e.type.startsWith('Crash'))) {
              // ansible-core's validator itself raised (a number where a dict of sub-options belongs): virtseal must
              // refuse with a message instead.
              expect(ours.error, `ansible crashed on ${JSON.stringify(params)}, virtseal accepted`).to.not.equal(
                undefined,
              );
              tally.documented.set('ansible-core raises', (tally.documented.get('ansible-core raises') ?? 0) + 1);
              return;
            }
            const first = py.errors[0];
            if (first) {
              expect(
                ours.error,
                `ansible rejects (${first.msg}), virtseal accepts ${JSON.stringify(params)}`,
              ).to.not.equal(undefined);
              const named = flat(ours.error!.option);
              const leaf = named.split('.').pop();
              const agrees =
                first.names.includes(named) ||
                first.names.includes(`*.${leaf}`) ||
                (first.names.includes('?dict') && /unable to convert to dict/.test(ours.error!.message));
              expect(
                agrees,
                `ansible: "${first.msg}" names ${JSON.stringify(first.names)}; virtseal: "${ours.error!.message}" names ${named}`,
              ).to.equal(true);
              tally.rejected++;
              return;
            }
            expect(ours.error, `ansible accepts, virtseal rejects: ${ours.error?.message}`).to.equal(undefined);
            expect(canonical(schema, ours.options)).to.deep.equal(canonical(schema, py.validated));
            tally.accepted++;
            // The JSON Schema layer may refuse more (ranges, lengths, patterns, formats, null for a typed option).
            try {
              validateArguments(schema, params, module, env);
            } catch (err) {
              expect(err).to.be.instanceOf(InvalidArgument);
              tally.stricterSchema++;
            }
          }),
          { numRuns: RUNS, seed: process.env.VIRTSEAL_DIFF_SEED ? Number(process.env.VIRTSEAL_DIFF_SEED) : undefined },
        );
      });
    }
  },
);
