#!/usr/bin/python3
"""Lays out an ansible-runner private data directory the way AWX lays one out for a job, then runs it.

Reads one JSON object on stdin:
  private_data_dir  directory to create (must not exist)
  project           directory copied to <pdd>/project (AWX: the project's checkout)
  playbook          playbook path inside the project
  survey_answers    the job's extra vars (AWX: survey answers, written to env/extravars)
  credential_type   {"inputs": ..., "injectors": ...} of a custom credential type
  credential        the credential's input values
  inventory         the inventory as script JSON (AWX: an executable inventory/hosts printing it)
  ident             the runner ident (AWX: the job id)
Prints {"rc": ..., "status": ..., "artifacts": <dir>} on stdout.

The credential is injected as AWX's inject_credential does it for a custom credential type: the injector templates
are rendered in Jinja2's ImmutableSandboxedEnvironment with the inputs that have a value (secret or not), an
ssh_private_key field gets a trailing newline, each `file` injector is written to a 0600 temporary file under env/
whose path is `tower.filename.<name>`, `env` injectors go to the job environment (env/envvars), and `extra_vars`
injectors go to a YAML file under env/ passed as `-e @file` on the command line (env/cmdline). Passwords for
prompts are written to env/passwords as AWX's expect_passwords (every known prompt, empty without a machine
credential), and the runner settings to env/settings.
"""
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
from types import SimpleNamespace

import ansible_runner
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

# AWX's prompts for a job (RunJob.get_password_prompts) with the value of each when no machine/vault credential
# is attached.
PASSWORD_PROMPTS = {
    r'Enter passphrase for .*:\s*?$': '',
    r'Bad passphrase, try again for .*:\s*?$': '',
    r'sudo password.*:\s*?$': '',
    r'SUDO password.*:\s*?$': '',
    r'BECOME password.*:\s*?$': '',
    r'SSH password:\s*?$': '',
    r'Password:\s*?$': '',
    r'Vault password:\s*?$': '',
}


def write(path, text, mode=0o600):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    os.chmod(path, mode)


def inject(cred_type, inputs, pdd, env, cmdline):
    fields = cred_type['inputs'].get('fields', [])
    namespace = {}
    for field in fields:
        fid = field['id']
        value = inputs.get(fid, field.get('default'))
        if isinstance(value, bool):
            namespace[fid] = value
        elif value:
            namespace[fid] = value
        if field.get('format') == 'ssh_private_key' and fid in namespace and not str(namespace[fid]).endswith('\n'):
            namespace[fid] = str(namespace[fid]) + '\n'
    tower = SimpleNamespace(filename=None)
    namespace['tower'] = tower
    sandbox = ImmutableSandboxedEnvironment()
    injectors = cred_type.get('injectors', {})
    files = injectors.get('file', {})
    paths = {}
    for label in files:
        handle, path = tempfile.mkstemp(dir=os.path.join(pdd, 'env'))
        os.close(handle)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        paths[label] = path
        if '.' in label:
            if not isinstance(tower.filename, SimpleNamespace):
                tower.filename = SimpleNamespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
        else:
            tower.filename = path
    for label, template in files.items():
        write(paths[label], sandbox.from_string(template).render(**namespace))
    for name, template in injectors.get('env', {}).items():
        env[name] = sandbox.from_string(template).render(**namespace)

    def render(node):
        if isinstance(node, dict):
            return {str(render(k)): render(v) for k, v in node.items()}
        if isinstance(node, list):
            return [render(v) for v in node]
        return sandbox.from_string(node).render(**namespace)

    extra_vars = render(injectors.get('extra_vars', {}))
    if extra_vars:
        handle, path = tempfile.mkstemp(dir=os.path.join(pdd, 'env'))
        with os.fdopen(handle, 'w') as f:
            f.write(yaml.safe_dump(extra_vars))
        os.chmod(path, stat.S_IRUSR)
        cmdline.extend(['-e', '@%s' % path])


def main():
    job = json.load(sys.stdin)
    pdd = job['private_data_dir']
    os.makedirs(os.path.join(pdd, 'env'), mode=0o700)
    os.makedirs(os.path.join(pdd, 'inventory'))
    shutil.copytree(job['project'], os.path.join(pdd, 'project'))

    env = {'JOB_ID': str(job['ident']), 'AWX_HOST': 'https://awx.example.com', 'ANSIBLE_FORCE_COLOR': 'False'}
    cmdline = []
    inject(job['credential_type'], job.get('credential', {}), pdd, env, cmdline)

    write(os.path.join(pdd, 'env', 'extravars'), yaml.safe_dump(job.get('survey_answers', {})))
    write(os.path.join(pdd, 'env', 'envvars'), yaml.safe_dump(env))
    write(os.path.join(pdd, 'env', 'passwords'), yaml.safe_dump(PASSWORD_PROMPTS))
    write(os.path.join(pdd, 'env', 'settings'), yaml.safe_dump({'job_timeout': 0, 'pexpect_timeout': 5, 'suppress_ansible_output': True}))
    if cmdline:
        write(os.path.join(pdd, 'env', 'cmdline'), ' '.join(shlex.quote(a) for a in cmdline))
    script = "#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n" % json.dumps(job['inventory'])
    write(os.path.join(pdd, 'inventory', 'hosts'), script, 0o700)

    result = ansible_runner.run(private_data_dir=pdd, playbook=job['playbook'], ident=str(job['ident']), quiet=True)
    json.dump({'rc': result.rc, 'status': result.status, 'artifacts': os.path.join(pdd, 'artifacts', str(job['ident']))}, sys.stdout)


if __name__ == '__main__':
    main()
