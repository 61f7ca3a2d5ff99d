import { expect } from 'chai';
import { ScriptFailed } from '../../../src/core/errors';
import { defineModule } from '../../../src/ansible/module';
import { runModule } from '../../../src/ansible/runner';
import ping from '../../../src/modules/ping';

const CANARY = 'canary-7f3a9c1e-SECRET';

describe('ansible/runner', () => {
  it('runs ping with defaults and reports invocation', async () => {
    const r = await runModule(ping, {});
    expect(r).to.deep.include({ changed: false, ping: 'pong', pings: ['pong'] });
    expect((r.invocation as { module_args: Record<string, unknown> }).module_args).to.include({
      data: 'pong',
      count: 1,
    });
  });

  it('honours check mode and diff mode flags', async () => {
    const checked = await runModule(ping, { changed: true, data: 'x', _ansible_check_mode: true, _ansible_diff: true });
    expect(checked.changes).to.deep.equal(['would set data to x']);
    expect(checked.diff).to.deep.include({ before: 'pong\n', after: 'x\n' });
    const applied = await runModule(ping, { changed: true, data: 'x' });
    expect(applied.changes).to.deep.equal(['set data to x']);
    expect(applied).to.not.have.property('diff');
  });

  it('masks no_log options in invocation and secrets anywhere in the result (substring, keys, aliases)', async () => {
    const r = await runModule(ping, {
      password: CANARY,
      data: `token=${CANARY};`,
      warnings: [`w ${CANARY}`],
      mode: 'verbose',
    });
    const text = JSON.stringify(r);
    expect(text).to.not.include(CANARY);
    expect(r.ping).to.equal('token=********;');
    expect(r.warnings).to.deep.equal(['w ********']);
    expect((r.invocation as { module_args: Record<string, unknown> }).module_args.secret).to.equal(
      'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER',
    );
    expect(r.secret_length).to.equal(CANARY.length);
  });

  it('masks secrets even when validation fails', async () => {
    const r = await runModule(ping, { secret: CANARY, count: 'lots', data: CANARY });
    expect(r.failed).to.equal(true);
    expect(JSON.stringify(r)).to.not.include(CANARY);
  });

  it('masks values registered with ctx.addSecret, in keys too', async () => {
    const mod = defineModule<Record<string, never>>({
      name: 'leaky',
      schema: { type: 'object', additionalProperties: false, properties: {} },
      async run(ctx) {
        ctx.addSecret('s3cr3t-token');
        return { changed: false, msg: 'got s3cr3t-token', nested: [{ 's3cr3t-token': 'deep s3cr3t-token' }] };
      },
    });
    const text = JSON.stringify(await runModule(mod, {}));
    expect(text).to.not.include('s3cr3t-token');
    expect(text).to.include('got ********');
  });

  it('a one-character password leaves keys and unrelated text alone and warns', async () => {
    const r = await runModule(ping, { password: 'o', data: 'pong', count: 'x' });
    expect(r).to.have.property('option', 'count');
    expect(r.msg).to.equal(
      'argument \'count\' is of type str and we were unable to convert to int: "x" cannot be converted to an int',
    );
    expect(r.warnings).to.satisfy((w: string[]) => w.some((x) => /shorter than 4 characters/.test(x)));
    expect((r.invocation as { module_args: Record<string, unknown> }).module_args).to.include({
      password: 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER',
      data: 'pong',
    });
  });

  it('turns a VirtsealError into failed with its reason and message', async () => {
    const r = await runModule(ping, { fail: true, fail_msg: 'nope' });
    expect(r).to.deep.include({ failed: true, changed: false, msg: 'nope', reason: 'ping_failed' });
    const mod = defineModule<Record<string, never>>({
      name: 'x',
      schema: { type: 'object', properties: {} },
      async run() {
        throw new ScriptFailed('Get-VM failed: not found', { details: { exit_code: 1 } });
      },
    });
    expect(await runModule(mod, {})).to.deep.include({
      failed: true,
      reason: 'script_failed',
      details: { exit_code: 1 },
    });
  });

  it('reports a crash with a useful message, and the stack trace only at -vvv', async () => {
    const quiet = await runModule(ping, { data: 'crash' });
    expect(quiet).to.include({ failed: true, reason: 'internal_error' });
    expect(quiet.msg).to.match(/boom: crash requested/);
    expect(quiet).to.not.have.property('exception');
    const loud = await runModule(ping, { data: 'crash', _ansible_verbosity: 3 });
    expect(loud.exception).to.be.a('string').and.match(/at /);
  });

  it('gives bad arguments as one line naming the option, without a trace even at -vvvv', async () => {
    const r = await runModule(ping, { count: 'x', _ansible_verbosity: 4 });
    expect(r.msg).to.equal(
      'argument \'count\' is of type str and we were unable to convert to int: "x" cannot be converted to an int',
    );
    expect(r.option).to.equal('count');
    expect(r).to.not.have.property('exception');
  });

  it('collects warnings from ctx.warn and conversions', async () => {
    const r = await runModule(ping, { warnings: ['first', 'second'], data: 5 });
    expect(r.warnings).to.have.length(3);
    expect(r.warnings).to.include('first');
  });

  it('exposes the _ansible_* keys to the module', async () => {
    const r = await runModule(ping, {
      mode: 'verbose',
      _ansible_verbosity: 2,
      _ansible_diff: true,
      _ansible_module_name: 'virtseal.core.ping',
      _ansible_tmpdir: '/tmp/x',
    });
    expect(r.runtime).to.deep.include({
      check_mode: false,
      diff_mode: true,
      verbosity: 2,
      module_name: 'virtseal.core.ping',
    });
    const bad = await runModule(ping, { nope: 1, _ansible_module_name: 'virtseal.core.ping' });
    expect(bad.msg).to.match(/^Unsupported parameters for \(virtseal\.core\.ping\) module: nope\./);
  });

  it('returns debug lines only at verbosity 3 or more', async () => {
    expect(await runModule(ping, {})).to.not.have.property('debug_log');
    expect((await runModule(ping, { _ansible_verbosity: 3 })).debug_log).to.deep.equal(['ping returns 1 item(s)']);
  });
});
