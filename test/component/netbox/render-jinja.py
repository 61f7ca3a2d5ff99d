# Renders rulebook Jinja templates the way a native-types Jinja environment does, with undefined names an error.
# stdin: [{"templates": {name: template}, "context": {...}}]; stdout: [{name: value}].
import json
import sys

from jinja2 import StrictUndefined
from jinja2.nativetypes import NativeEnvironment

env = NativeEnvironment(undefined=StrictUndefined)
out = []
for case in json.load(sys.stdin):
    out.append({k: env.from_string(t).render(case["context"]) for k, t in case["templates"].items()})
json.dump(out, sys.stdout)
