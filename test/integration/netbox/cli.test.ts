import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { signBody } from '../../../src/netbox/signature';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { postEvent, fixture } from './events';
import { runCli, ServeProcess } from './child';

const SECRET = 'cli-webhook-canary-8e8-5f0c2d7a91b34e6f';

describe('virtseal netbox (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-netbox-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a secret on the command line, naming the environment variable to use instead', async () => {
    const r = await runCli(['serve', `--webhook-secret=${SECRET}`, '--dry-run']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      'virtseal netbox: --webhook-secret must not be given on the command line: set VIRTSEAL_WEBHOOK_SECRET or use --webhook-secret-file\n',
    );
  });

  it('names the missing secret, the missing target and a bad mapping key in one line each', async () => {
    expect((await runCli(['serve', '--dry-run'])).stderr).to.equal(
      'virtseal netbox: --webhook-secret: set VIRTSEAL_WEBHOOK_SECRET or --webhook-secret-file\n',
    );
    const env = { VIRTSEAL_WEBHOOK_SECRET: SECRET };
    expect((await runCli(['serve'], env)).stderr).to.equal(
      'virtseal netbox: --awx-url or --playbook-dir is required (or --dry-run)\n',
    );
    expect((await runCli(['serve', '--awx-url', 'http://127.0.0.1:9'], env)).stderr).to.equal(
      'virtseal netbox: --awx-token: set VIRTSEAL_AWX_TOKEN or --awx-token-file\n',
    );
    const mapping = join(dir, 'mapping.yml');
    writeFileSync(mapping, 'defaults:\n  vm_cpus: 4\n');
    const r = await runCli(['serve', '--dry-run', '--mapping', mapping], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      `virtseal netbox: ${mapping}: defaults.vm_cpus is not a survey variable of the virtseal playbooks\n`,
    );
    expect((await runCli(['serve', '--dry-run', '--port', '70000'], env)).stderr).to.contain('--port must be 0-65535');
  });

  it('refuses a weak webhook secret, and plain HTTP beyond loopback unless --insecure-http', async () => {
    const weak = await runCli(['serve', '--dry-run'], { VIRTSEAL_WEBHOOK_SECRET: 'short-secret' });
    expect(weak.code).to.equal(2);
    expect(weak.stderr).to.equal(
      'virtseal netbox: --webhook-secret: the webhook secret is 12 characters; at least 32 are required (for example `openssl rand -hex 32`)\n',
    );
    const env = { VIRTSEAL_WEBHOOK_SECRET: SECRET, VIRTSEAL_AWX_TOKEN: 'awx-token-canary' };
    expect((await runCli(['serve', '--dry-run', '--listen', '0.0.0.0'], env)).stderr).to.equal(
      'virtseal netbox: --listen 0.0.0.0 is not a loopback address: serve HTTPS with --tls-cert/--tls-key, or pass --insecure-http\n',
    );
    expect((await runCli(['serve', '--awx-url', 'http://awx.example.com'], env)).stderr).to.equal(
      'virtseal netbox: --awx-url: http to awx.example.com would send its token in clear: use https, or pass --insecure-http\n',
    );
    expect(
      (
        await runCli(['serve', '--dry-run', '--netbox-url', 'http://netbox.example.com'], {
          ...env,
          VIRTSEAL_NETBOX_TOKEN: 'n',
        })
      ).stderr,
    ).to.contain('--netbox-url: http to netbox.example.com would send its token in clear');
    const p = await new ServeProcess(
      ['--dry-run', '--listen', '0.0.0.0', '--insecure-http', '--db', join(dir, 'q.db')],
      env,
    ).ready();
    try {
      expect(p.url).to.match(/^http:\/\/0\.0\.0\.0:\d+\/webhook$/);
    } finally {
      await p.stop();
    }
  });

  it('--dry-run prints the launch, with secret references unresolved, and stores nothing', async () => {
    const mapping = join(dir, 'mapping.yml');
    writeFileSync(
      mapping,
      'targets:\n  start: {job_template: 22}\ndefaults:\n  vm_admin_password: {from_env: VM_PW}\n',
    );
    const p = await new ServeProcess(['--dry-run', '--mapping', mapping, '--db', join(dir, 'q.db')], {
      VIRTSEAL_WEBHOOK_SECRET: SECRET,
      VM_PW: 'dry-run-password-canary',
    }).ready();
    try {
      const r = await postEvent(p.url, fixture(), SECRET);
      expect(r.status).to.equal(202);
      expect(r.body).to.deep.equal({ status: 'dry_run', action: 'start', vm: 'web-01' });
      expect(JSON.parse(p.stdout)).to.deep.equal({
        dry_run: true,
        action: 'start',
        vm: 'web-01',
        job_template: 22,
        playbook: 'playbooks/start.yml',
        extra_vars: { vm_hypervisor: 'hyperv', vm_name: 'web-01', vm_host: 'hv-cluster-01', vm_owner: 'netbox/vm/42' },
      });
    } finally {
      expect(await p.stop(), 'exit code after SIGTERM').to.equal(0);
    }
    expect(p.stderr).to.contain('"msg":"stopping"');
    expect(p.stdout + p.stderr).not.to.contain('dry-run-password-canary');
    expect(p.stdout + p.stderr).not.to.contain(SECRET);
    const status = await runCli(['status', '--db', join(dir, 'q.db')]);
    expect(status.stderr).to.equal(
      `virtseal netbox: --db: ${join(dir, 'q.db')} does not exist (the queue is created by \`netbox serve\`)\n`,
    );
  });

  it('reads flags from VIRTSEAL_* variables and serves HTTPS with the given certificate', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const p = await new ServeProcess(['--dry-run'], {
      VIRTSEAL_WEBHOOK_SECRET: SECRET,
      VIRTSEAL_TLS_CERT: join(dir, 'cert.pem'),
      VIRTSEAL_TLS_KEY: join(dir, 'key.pem'),
      VIRTSEAL_PATH: '/hooks/netbox',
    }).ready();
    try {
      expect(p.url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/hooks\/netbox$/);
      // A signed event over HTTPS, the certificate verified against itself as the CA.
      const { request } = await import('node:https');
      const raw = JSON.stringify(fixture());
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          p.url,
          {
            method: 'POST',
            ca: readFileSync(join(dir, 'cert.pem')),
            headers: { 'x-hook-signature': signBody(raw, SECRET) },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(raw);
      });
      expect(answer.status).to.equal(202);
      expect(JSON.parse(answer.body).status).to.equal('dry_run');
    } finally {
      await p.stop();
    }
  });
});
