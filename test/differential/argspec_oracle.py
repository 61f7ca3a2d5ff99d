#!/usr/bin/python3
"""ansible-core's own argument validation, as an oracle for the differential test (argspec.test.ts).

Reads JSON lines on stdin and answers one JSON line each on stdout:
  {"spec_id": "vm", "spec": {...}}              registers an argument_spec (as written by src/ansible/argspec.ts)
  {"id": 1, "spec_id": "vm", "params": {...}, "env": {...}}
      -> {"id": 1, "errors": [{"type": ..., "msg": ..., "names": [...]}], "validated": {...}}
The environment of each request replaces os.environ, so env_fallback and path expansion see exactly that.
"""
import json
import os
import re
import sys

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback

validators = {}


def to_python_spec(options):
    out = {}
    for name, opt in options.items():
        opt = dict(opt)
        if 'fallback' in opt:
            opt['fallback'] = (env_fallback, opt['fallback']['env_fallback'])
        if 'options' in opt:
            opt['options'] = to_python_spec(opt['options'])
        out[name] = opt
    return out


def context_of(text):
    """'... found in a -> b' or "... found in 'a -> b'" -> ['a', 'b']."""
    m = re.search(r" found in '?([A-Za-z0-9_ >-]+?)'?(?:\.|$| and| is)", text)
    return [p.strip() for p in m.group(1).split('->')] if m else []


def names_of(error):
    kind = type(error).__name__
    msg = error.msg
    ctx = context_of(msg)
    join = lambda leaf: '.'.join(ctx + [leaf])
    if kind == 'NoLogError':
        # The no_log scan names the option only when a value is neither a dict nor a string.
        m = re.search(r"in the sub parameter field '([^']+)'", msg)
        return ['*.' + m.group(1)] if m else ['?dict']
    if kind == 'UnsupportedError':
        listed = msg.split('. Supported parameters include:')[0]
        return [n.strip() for n in listed.split(',')]
    if kind == 'MutuallyExclusiveError':
        groups = msg.split(': ', 1)[1].split(' found in ')[0]
        return [join(n) for g in groups.split(', ') for n in g.split('|')]
    if kind in ('RequiredError', 'RequiredTogetherError'):
        listed = msg.split(': ', 1)[1].split(' found in ')[0]
        return [join(n.strip()) for n in listed.split(',')]
    m = re.match(r"(?:argument|Elements value for option) '([^']+)'", msg)
    if m:
        return [join(m.group(1))]
    m = re.match(r"value of '?([A-Za-z0-9_]+)'? must be", msg)
    if m:
        return [join(m.group(1))] if kind != 'SubParameterTypeError' else ['*.' + m.group(1)]
    return []


def main():
    for line in sys.stdin:
        req = json.loads(line)
        if 'spec' in req:
            spec = req['spec']
            validators[req['spec_id']] = ArgumentSpecValidator(
                to_python_spec(spec['argument_spec']),
                mutually_exclusive=spec.get('mutually_exclusive'),
                required_together=spec.get('required_together'),
            )
            print(json.dumps({'spec_id': req['spec_id'], 'ok': True}), flush=True)
            continue
        os.environ.clear()
        os.environ.update(req.get('env', {}))
        try:
            result = validators[req['spec_id']].validate(req['params'])
            errors = [{'type': type(e).__name__, 'msg': e.msg, 'names': names_of(e)} for e in result.errors]
            answer = {'id': req['id'], 'errors': errors, 'validated': result.validated_parameters}
        except Exception as e:  # a crash inside ansible's validator is an answer too
            answer = {'id': req['id'], 'errors': [{'type': 'Crash:' + type(e).__name__, 'msg': str(e), 'names': []}], 'validated': None}
        print(json.dumps(answer, default=repr), flush=True)


if __name__ == '__main__':
    main()
