# -*- coding: utf-8 -*-
# Copyright: virtseal contributors
# Apache License 2.0 (see LICENSE)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: vms
short_description: Virtual machines on virtseal's Hyper-V and libvirt hosts
description:
  - Lists the VMs of one or more hypervisor hosts, with their power state, CPU count, memory, tags and the addresses
    the guests report.
  - The collection's Node.js inventory executable (C(scripts/virtseal_inventory)) reads the hosts; this plugin adds
    what every inventory plugin offers on top, C(keyed_groups), C(compose), C(groups) and caching.
  - Host credentials come from the C(VIRTSEAL_HOST_*) environment variables, as for the modules (in AWX, from the
    virtseal credential type). Nothing secret belongs in the inventory source file.
  - The inventory source file name must end in C(virtseal_vms.yml) or C(virtseal_vms.yaml).
  - Every host gets the groups C(virtseal), C(host_<hypervisor host>), C(power_<state>) and C(tag_<tag>), and the
    variables C(virtseal_vm_name), C(virtseal_vm_id), C(virtseal_hypervisor_host), C(virtseal_hypervisor),
    C(virtseal_power_state), C(virtseal_cpu_count), C(virtseal_memory_mb), C(virtseal_tags) and
    C(virtseal_ip_addresses), and C(virtseal_owner) for a VM made for a NetBox object (its ownership tag is not a
    C(tag_) group); C(ansible_host) is the first usable IPv4 address the guest reports.
  - A VM name found on two hosts is listed as C(<vm>@<host>) for each, so neither hides the other.
version_added: 0.1.0
requirements:
  - Node.js >= 20 on the Ansible controller or execution environment (where the inventory runs).
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a source for this plugin.
    type: str
    required: true
    choices: [virtseal.core.vms]
  hosts:
    description:
      - The hypervisor hosts to read. Each is a host name or address (C(hv01), C(hv01:2222)) or a mapping.
    type: list
    elements: raw
    required: true
    suboptions:
      host:
        description: Host name or address, optionally with C(:port).
        type: str
        required: true
      port:
        description: SSH port.
        type: int
      user:
        description: SSH user (otherwise C(VIRTSEAL_HOST_USER)).
        type: str
      hypervisor:
        description: C(hyperv) or C(libvirt) (otherwise C(VIRTSEAL_HOST_HYPERVISOR)).
        type: str
      host_key_fingerprint:
        description: Pinned SSH host key, C(SHA256:<base64>).
        type: str
      known_hosts:
        description: A known_hosts file on the controller.
        type: str
      libvirt_uri:
        description: libvirt connection URI on the host.
        type: str
      connect_timeout:
        description: Seconds to wait for the SSH connection.
        type: int
  fail_on_unreachable:
    description:
      - Fail the whole inventory when one host cannot be read. By default such a host is skipped with a warning
        (the inventory still fails when no host can be read).
    type: bool
    default: false
  node:
    description: The Node.js executable that runs the inventory.
    type: str
    default: node
'''

EXAMPLES = r'''
# virtseal_vms.yml
plugin: virtseal.core.vms
hosts:
  - hv01.example.com
  - host: kvm01.example.com
    hypervisor: libvirt
    host_key_fingerprint: SHA256:3b0c...
keyed_groups:
  - key: virtseal_power_state
    prefix: state
  - key: virtseal_tags
    prefix: role
compose:
  ansible_user: "'ansible'"
groups:
  big: virtseal_memory_mb >= 8192
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/virtseal_inventory_cache
cache_timeout: 300
'''

import json
import os
import subprocess

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable


def _script_path():
    return os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', 'scripts', 'virtseal_inventory'))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'virtseal.core.vms'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('virtseal_vms.yml', 'virtseal_vms.yaml'))

    def _host_entries(self):
        entries = []
        for item in self.get_option('hosts'):
            if isinstance(item, dict):
                entries.append(dict(item))
            elif isinstance(item, str) and item:
                entries.append({'host': item})
            else:
                raise AnsibleParserError('virtseal.core.vms: each entry of hosts is a host name or a mapping with host')
        return entries

    def _collect(self):
        env = dict(os.environ)
        env['VIRTSEAL_INVENTORY_HOSTS_JSON'] = json.dumps(self._host_entries())
        env['VIRTSEAL_INVENTORY_STRICT'] = '1' if self.get_option('fail_on_unreachable') else '0'
        for name in ('VIRTSEAL_INVENTORY_CONFIG', 'VIRTSEAL_INVENTORY_HOSTS'):
            env.pop(name, None)
        cmd = [self.get_option('node'), _script_path(), '--list']
        try:
            proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        except OSError as e:
            raise AnsibleParserError('virtseal.core.vms: cannot run %s: %s' % (cmd[0], to_native(e)))
        stderr = to_text(proc.stderr, errors='surrogate_or_strict')
        for line in stderr.splitlines():
            if line.strip() and proc.returncode == 0:
                self.display.warning(line)
        if proc.returncode != 0:
            last = [line for line in stderr.splitlines() if line.strip()]
            raise AnsibleParserError(last[-1] if last else 'virtseal.core.vms: the inventory executable failed (exit %d)' % proc.returncode)
        try:
            return json.loads(to_text(proc.stdout, errors='surrogate_or_strict'))
        except ValueError as e:
            raise AnsibleParserError('virtseal.core.vms: the inventory executable printed no JSON: %s' % to_native(e))

    def _populate(self, data):
        strict = self.get_option('strict')
        hostvars = data.get('_meta', {}).get('hostvars', {})
        for group, members in data.items():
            if group in ('_meta', 'all') or not isinstance(members, dict):
                continue
            self.inventory.add_group(group)
            for name in members.get('hosts', []):
                self.inventory.add_host(name, group=group)
        for name, variables in hostvars.items():
            self.inventory.add_host(name)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option('compose'), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if data is None:
            data = self._collect()
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data)
