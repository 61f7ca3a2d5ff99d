# Test-only stdout callback: records every task result as ansible hands it to callbacks, with timings, and writes
# one JSON document at the end of the run (to $VIRTSEAL_CALLBACK_OUT, else to the display). ansible-core alone
# lacks the json callback (it lives in ansible.posix).
from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: virtseal_json
    type: stdout
    short_description: one JSON document per playbook run (virtseal tests)
    description: Records each task's per-host status, result and duration; writes them as JSON at the end.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'virtseal_json'

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.by_uuid = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        entry = {'name': task.get_name(), 'start': time.monotonic(), 'hosts': {}}
        self.tasks.append(entry)
        self.by_uuid[task._uuid] = entry

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _record(self, result, status):
        entry = self.by_uuid.get(result._task._uuid)
        if entry is None:
            return
        data = dict(result._result)
        if status == 'ok' and data.get('changed'):
            status = 'changed'
        host = result._host.get_name()
        entry['hosts'][host] = {
            'status': status,
            'seconds': time.monotonic() - entry['start'],
            'items': entry.get('items', {}).get(host, []),
            'result': data,
        }

    def _item(self, result):
        entry = self.by_uuid.get(result._task._uuid)
        if entry is not None:
            # Seconds since the task started, when each loop item finished.
            entry.setdefault('items', {}).setdefault(result._host.get_name(), []).append(time.monotonic() - entry['start'])

    def v2_runner_item_on_ok(self, result):
        self._item(result)

    def v2_runner_item_on_failed(self, result):
        self._item(result)

    def v2_runner_item_on_skipped(self, result):
        self._item(result)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        for entry in self.tasks:
            entry.pop('start', None)
            entry.pop('items', None)
        doc = {
            'tasks': self.tasks,
            'stats': {h: stats.summarize(h) for h in sorted(stats.processed.keys())},
        }
        text = json.dumps(doc, default=str)
        out = os.environ.get('VIRTSEAL_CALLBACK_OUT')
        if out:
            with open(out, 'w') as fh:
                fh.write(text)
        else:
            self._display.display(text)
