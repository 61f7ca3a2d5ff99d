import { expect } from 'chai';
import { parse } from 'yaml';
import { runCli } from '../../../src/cli/app';
import pkg from '../../../package.json';
import { surveySpecError } from '../../helpers/awx-survey-rules';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await runCli(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
  }
}

describe('cli', () => {
  it('accepts the module variables an AWX credential injects (VIRTSEAL_HOST_*) and keeps them for the command', async () => {
    process.env.VIRTSEAL_HOST_USER = 'provisioner';
    try {
      const r = await cli(['version']);
      expect(r.code, r.err).to.equal(0);
      expect(process.env.VIRTSEAL_HOST_USER).to.equal('provisioner');
    } finally {
      delete process.env.VIRTSEAL_HOST_USER;
    }
  });

  it('ignores VIRTSEAL_* variables that are no flag of the command (the bridge secret, a typo), keeps real flags', async () => {
    const envs: Record<string, string>[] = [
      { VIRTSEAL_WEBHOOK_SECRET: 'x' },
      { VIRTSEAL_NO_SUCH_FLAG: '1' },
      { VIRTSEAL_FORMAT: 'json' },
      { VIRTSEAL_NETBOX_URL: 'http://127.0.0.1:1' },
    ];
    for (const env of envs) {
      const r = await cli(['version'], env);
      expect(r.code, `${JSON.stringify(env)}: ${r.err}`).to.equal(0);
      expect(r.out).to.match(/^virtseal \d+\.\d+\.\d+/);
    }
    const json = await cli(['version'], { VIRTSEAL_WEBHOOK_SECRET: 'x', VIRTSEAL_JSON: 'true' });
    expect(JSON.parse(json.out)).to.have.property('virtseal');
    const doc = await cli(['doc', 'ping'], { VIRTSEAL_JSON: 'true', VIRTSEAL_FORMAT: 'json' });
    expect(doc.code, doc.err).to.equal(0);
    expect(JSON.parse(doc.out)).to.have.property('RETURN');
    const typo = await cli(['version', '--no-such-flag'], { VIRTSEAL_WEBHOOK_SECRET: 'x' });
    expect(typo.code).to.equal(2);
    expect(typo.err).to.match(/Unknown argument/);
  });

  it('--help lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).to.equal(0);
    for (const c of ['version', 'doc <module>', 'survey [module]']) expect(r.out).to.include(c);
  });

  it('version prints the package version, as JSON with --json or VIRTSEAL_JSON', async () => {
    expect((await cli(['version'])).out.trim()).to.equal(`virtseal ${pkg.version}`);
    expect(JSON.parse((await cli(['version', '--json'])).out)).to.include({ virtseal: pkg.version });
    expect(JSON.parse((await cli(['version'], { VIRTSEAL_JSON: 'true' })).out)).to.include({ virtseal: pkg.version });
  });

  it('doc prints the generated documentation, in JSON with VIRTSEAL_FORMAT=json', async () => {
    const yaml = parse((await cli(['doc', 'virtseal.core.ping'])).out) as {
      DOCUMENTATION: { module: string; options: object };
    };
    expect(yaml.DOCUMENTATION.module).to.equal('ping');
    expect(yaml.DOCUMENTATION.options).to.have.property('secret');
    const json = JSON.parse((await cli(['doc', 'ping'], { VIRTSEAL_FORMAT: 'json' })).out) as { RETURN: object };
    expect(json.RETURN).to.have.property('ping');
  });

  it('survey prints a spec AWX accepts', async () => {
    const r = await cli(['survey', 'ping']);
    expect(r.code).to.equal(0);
    const spec = JSON.parse(r.out) as { spec: { variable: string; type: string }[] };
    expect(surveySpecError(spec)).to.equal(undefined);
    expect(spec.spec.find((q) => q.variable === 'secret')?.type).to.equal('password');
  });

  it('fails with one line on bad input', async () => {
    for (const argv of [['doc', 'nope'], ['bogus'], ['survey'], []]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).to.equal(2);
      expect(r.err.trim().split('\n'), argv.join(' ')).to.have.length(1);
      expect(r.err).to.match(/^virtseal: /);
    }
  });
});
