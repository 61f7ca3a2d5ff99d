import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { childEnv } from '../../../src/netbox/local-launcher';
import { checkAnswer } from '../../../src/netbox/survey-rules';
import { unsafeExtraVarsYaml } from '../../../src/netbox/unsafe-vars';

const HOSTILE = [
  "O'Brien",
  'a b',
  '$(Remove-Item C:\\)',
  '"; rm -rf /',
  '`id`',
  '{{ 7*7 }}',
  '{% raw %}',
  'Привет 🙂',
  'tab\there\nline',
  '\\"\\u0041',
  'x'.repeat(5000),
];

describe('netbox values are data', () => {
  it('writes extra vars that ansible-core reads back unchanged, every string unsafe', function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-unsafe-'));
    try {
      const vars: Record<string, string | number | boolean> = { n: 4, b: false };
      for (const [i, h] of HOSTILE.entries()) vars[`v${i}`] = h;
      writeFileSync(join(dir, 'vars.yml'), unsafeExtraVarsYaml(vars));
      // ansible-core's own loader, the one `-e @file` uses.
      const script = [
        'import json, sys',
        'from ansible.parsing.dataloader import DataLoader',
        'from ansible.utils.unsafe_proxy import AnsibleUnsafe',
        'd = DataLoader().load_from_file(sys.argv[1])',
        'print(json.dumps({"vars": d, "unsafe": sorted(k for k, v in d.items() if isinstance(v, AnsibleUnsafe))}))',
      ].join('\n');
      const out = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', script, join(dir, 'vars.yml')], { encoding: 'utf8' }),
      );
      expect(out.vars).to.deep.equal(vars);
      expect(out.unsafe).to.deep.equal(HOSTILE.map((_, i) => `v${i}`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks each answer against its survey question and names the variable, never the value', () => {
    expect(checkAnswer('create', 'vm_name', 'web-01')).to.equal('web-01');
    expect(checkAnswer('create', 'vm_name', 'x'.repeat(101)))
      .to.be.instanceOf(Error)
      .with.property('message', 'vm_name is longer than 100 characters (rule of the create survey question)');
    expect((checkAnswer('create', 'vm_name', 'a\nb') as Error).message).to.contain('control character');
    expect((checkAnswer('create', 'vm_cpu_count', 500) as Error).message).to.contain('at most 240');
    expect((checkAnswer('create', 'vm_cpu_count', '4' as unknown as number) as Error).message).to.contain(
      'must be an integer',
    );
    expect((checkAnswer('create', 'vm_start', 'maybe') as Error).message).to.contain('must be one of yes, no');
    expect(checkAnswer('create', 'vm_ssh_authorized_key', 'ssh-ed25519 AAAA a\nssh-rsa BBBB b')).to.be.a('string');
    expect(checkAnswer('create', 'vm_network', 42)).to.equal('42');
    expect((checkAnswer('start', 'vm_image', 'x') as Error).message).to.contain('not a question of the start survey');
    const secret = checkAnswer('create', 'vm_admin_password', 'Secret\u0000canary') as Error;
    expect(secret.message).not.to.contain('canary');
  });

  it('passes ansible-playbook an allowlisted environment without the bridge secrets', () => {
    const env = childEnv(
      {
        PATH: '/usr/bin',
        HOME: '/h',
        LC_ALL: 'C',
        ANSIBLE_PIPELINING: 'True',
        VIRTSEAL_HOST_PASSWORD: 'hv',
        VIRTSEAL_WEBHOOK_SECRET: 's',
        VIRTSEAL_AWX_TOKEN: 't',
        VIRTSEAL_NETBOX_TOKEN: 'n',
        VM_ADMIN_PASSWORD: 'p',
        AWS_SECRET_ACCESS_KEY: 'a',
        EXTRA: 'e',
      },
      ['EXTRA', 'VIRTSEAL_WEBHOOK_SECRET'],
    );
    expect(env).to.deep.equal({
      PATH: '/usr/bin',
      HOME: '/h',
      LC_ALL: 'C',
      ANSIBLE_PIPELINING: 'True',
      VIRTSEAL_HOST_PASSWORD: 'hv',
      EXTRA: 'e',
    });
  });
});
