/**
 * virtseal.core.ping through real ansible-core: the collection tarball is built and installed with ansible-galaxy,
 * and ansible-playbook runs it by FQCN on localhost and over SSH (OpenSSH on loopback) with pipelining.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnsibleWorkspace, taskResult, type PlaybookRun } from '../../helpers/ansible';
import { startSshd, type TestSshd } from '../../helpers/sshd';

const CANARY = 'CANARY-5d1c0b7e-no-log';
const HOSTS = ['local', 'ssh'] as const;

function tasks(outDir: string) {
  return [
    { name: 'plain', 'virtseal.core.ping': {} },
    { name: 'coerced', 'virtseal.core.ping': { data: 'x', count: '{{ 1 + 2 }}', changed: 'no' } },
    { name: 'check', check_mode: true, diff: true, 'virtseal.core.ping': { data: 'new', changed: true } },
    { name: 'diff', diff: true, 'virtseal.core.ping': { data: 'new', changed: true } },
    {
      name: 'secret',
      register: 'secret_result',
      'virtseal.core.ping': { secret: '{{ canary }}', data: 'token {{ canary }} end', warnings: ['w {{ canary }}'] },
    },
    {
      name: 'dump secret',
      'ansible.builtin.copy': {
        content: '{{ secret_result | to_json }}',
        dest: `${outDir}/{{ inventory_hostname }}-secret.json`,
      },
    },
    { name: 'task no_log', no_log: true, 'virtseal.core.ping': { password: '{{ canary }}' } },
    { name: 'warnings', 'virtseal.core.ping': { warnings: ['first warning', 'second warning'] } },
    { name: 'failure', ignore_errors: true, 'virtseal.core.ping': { fail: true, fail_msg: 'requested failure' } },
    { name: 'bad type', ignore_errors: true, 'virtseal.core.ping': { count: 'lots' } },
    { name: 'unknown option', ignore_errors: true, 'virtseal.core.ping': { colour: 'red' } },
    { name: 'out of range', ignore_errors: true, 'virtseal.core.ping': { count: 11 } },
    { name: 'crash', ignore_errors: true, 'virtseal.core.ping': { data: 'crash' } },
  ];
}

describe('integration: virtseal.core.ping under ansible-core', function () {
  this.timeout(300_000);
  let ws: AnsibleWorkspace;
  let sshd: TestSshd;
  let inventory: string;
  let run: PlaybookRun;
  let verbose: PlaybookRun;
  let tarball: string;

  before(async () => {
    ws = new AnsibleWorkspace();
    sshd = await startSshd();
    tarball = await ws.buildCollection('embedded');
    ws.install(tarball);
    inventory = ws.inventory(sshd);
    const varsFile = join(ws.dir, 'secret-vars.yml');
    writeFileSync(varsFile, `canary: ${CANARY}\n`);
    const play = (hosts: string) => [{ hosts, gather_facts: false, vars_files: [varsFile], tasks: tasks(ws.dir) }];
    [run, verbose] = await Promise.all([
      ws.runPlaybook(play('all'), { inventory }),
      ws.runPlaybook(play('all'), { inventory, args: ['-vvvv'], callback: 'default' }),
    ]);
  });

  after(async () => {
    ws?.close();
    await sshd?.stop();
  });

  it('ships only what the collection needs (build_ignore)', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).to.include.members([
      'MANIFEST.json',
      'FILES.json',
      'meta/runtime.yml',
      'plugins/modules/ping',
      'plugins/modules/ping.yml',
    ]);
    expect(
      files.filter((f) => /(^|\/)(package(-lock)?\.json|node_modules|src|\.gitkeep)(\/|$)|\.ts$|\.tar\.gz$/.test(f)),
    ).to.deep.equal([]);
  });

  it('installs the module as an executable file under its FQCN', () => {
    const mode = statSync(ws.installedPath('plugins/modules/ping')).mode;
    expect(mode & 0o100, 'owner exec bit').to.equal(0o100);
    expect(readFileSync(ws.installedPath('plugins/modules/ping'), 'utf8').split('\n')[0]).to.equal(
      '#!/usr/bin/env node',
    );
  });

  it('runs the playbook on both hosts, failing only the tasks meant to fail', () => {
    expect(run.report, run.stderr).to.not.equal(undefined);
    for (const host of HOSTS) {
      expect(run.report!.stats[host], host).to.include({ unreachable: 0, failures: 0 });
      expect(run.report!.stats[host]!.ignored, host).to.equal(5);
    }
  });

  for (const host of HOSTS) {
    describe(`on ${host}`, () => {
      it('returns pong, coerces templated strings like ansible', () => {
        expect(taskResult(run.report, 'plain', host).result).to.include({ ping: 'pong', changed: false });
        const coerced = taskResult(run.report, 'coerced', host).result;
        expect(coerced.pings).to.deep.equal(['x', 'x', 'x']);
        expect(coerced.changed).to.equal(false);
      });

      it('honours check mode and diff mode', () => {
        const check = taskResult(run.report, 'check', host);
        expect(check.status).to.equal('changed');
        expect(check.result.changes).to.deep.equal(['would set data to new']);
        expect(check.result.diff).to.deep.include({ before: 'pong\n', after: 'new\n' });
        const diff = taskResult(run.report, 'diff', host);
        expect(diff.result.changes).to.deep.equal(['set data to new']);
        expect(diff.result.diff).to.deep.include({ after: 'new\n' });
      });

      it('masks the no_log value everywhere: invocation, result, warnings, registered variable', () => {
        const r = taskResult(run.report, 'secret', host).result;
        expect(r.ping).to.equal('token ******** end');
        expect(r.secret_length).to.equal(CANARY.length);
        expect((r.invocation as { module_args: Record<string, unknown> }).module_args.secret).to.equal(
          'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER',
        );
        const registered = readFileSync(join(ws.dir, `${host}-secret.json`), 'utf8');
        expect(registered).to.include('token ******** end');
        expect(registered).to.not.include(CANARY);
        expect(JSON.stringify(run.report)).to.not.include(CANARY);
      });

      it('returns warnings', () => {
        expect(taskResult(run.report, 'warnings', host).result.warnings).to.deep.equal([
          'first warning',
          'second warning',
        ]);
      });

      it('fails with the module message and reason', () => {
        const f = taskResult(run.report, 'failure', host);
        expect(f.status).to.equal('failed');
        expect(f.result).to.include({ msg: 'requested failure', reason: 'ping_failed' });
      });

      it('rejects bad arguments with one clear line naming the option', () => {
        const cases: [string, string][] = [
          [
            'bad type',
            'argument \'count\' is of type str and we were unable to convert to int: "lots" cannot be converted to an int',
          ],
          [
            'unknown option',
            'Unsupported parameters for (virtseal.core.ping) module: colour. Supported parameters include: changed, count, data, fail, fail_msg, mode, password, secret, warnings.',
          ],
          ['out of range', "argument 'count' must be <= 10, got 11"],
        ];
        for (const [task, msg] of cases) {
          const r = taskResult(run.report, task, host);
          expect(r.status, task).to.equal('failed');
          expect(r.result.msg, task).to.equal(msg);
          expect(r.result, task).to.not.have.property('exception');
        }
      });

      it('reports a crash as a failed result with a message and no trace at default verbosity', () => {
        const r = taskResult(run.report, 'crash', host);
        expect(r.status).to.equal('failed');
        expect(r.result.msg).to.match(/boom: crash requested/);
        expect(r.result).to.not.have.property('exception');
      });
    });
  }

  it('pipelines over SSH (-vvvv shows no module file transfer) and never prints the canary', () => {
    const text = verbose.stdout + verbose.stderr;
    expect(verbose.code, text.slice(-2000)).to.equal(0);
    expect(text).to.include('Pipelining is enabled');
    expect(text).to.not.match(/PUT .*AnsiballZ_ping/);
    expect(text).to.not.include(CANARY);
    expect(text).to.include('token ******** end');
  });

  it('shows the stack trace of a crash at -vvv', () => {
    expect(verbose.stdout).to.match(/The full traceback is:\nError: boom: crash requested/);
  });

  it('ansible-doc prints the module documentation', () => {
    const out = execFileSync('ansible-doc', ['virtseal.core.ping'], { env: ws.env(), encoding: 'utf8', cwd: ws.dir });
    expect(out).to.match(/VIRTSEAL\.CORE\.PING/);
    expect(out).to.include('Checks that the target can run virtseal modules');
    expect(out).to.match(/- secret\b/);
    expect(out).to.include('RETURN VALUES');
    const list = execFileSync('ansible-doc', ['-l', 'virtseal.core'], { env: ws.env(), encoding: 'utf8', cwd: ws.dir });
    expect(list).to.match(/virtseal\.core\.ping\s+Try to connect/);
    const json = JSON.parse(
      execFileSync('ansible-doc', ['--json', 'virtseal.core.ping'], { env: ws.env(), encoding: 'utf8', cwd: ws.dir }),
    ) as Record<string, { doc: { options: Record<string, unknown> } }>;
    expect(json['virtseal.core.ping']!.doc.options).to.have.property('count');
  });
});
