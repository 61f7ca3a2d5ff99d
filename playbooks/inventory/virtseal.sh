#!/bin/sh
# Dynamic inventory of the VMs on virtseal's hypervisor hosts (AWX: "Sourced from a Project", this file).
# Runs the inventory executable shipped in the installed virtseal.core collection; see docs/awx.md for the settings
# (VIRTSEAL_INVENTORY_HOSTS or VIRTSEAL_INVENTORY_CONFIG, credentials from the virtseal credential type).
set -eu
script="${VIRTSEAL_INVENTORY_SCRIPT:-}"
if [ -z "$script" ]; then
  paths="${ANSIBLE_COLLECTIONS_PATH:-${ANSIBLE_COLLECTIONS_PATHS:-}}:${HOME:-/root}/.ansible/collections:/usr/share/ansible/collections"
  old_ifs=$IFS
  IFS=:
  for base in $paths; do
    candidate="$base/ansible_collections/virtseal/core/scripts/virtseal_inventory"
    if [ -n "$base" ] && [ -f "$candidate" ]; then
      script=$candidate
      break
    fi
  done
  IFS=$old_ifs
fi
if [ -z "$script" ]; then
  echo "virtseal inventory: the virtseal.core collection is not installed (looked in $paths); set VIRTSEAL_INVENTORY_SCRIPT" >&2
  exit 1
fi
exec node "$script" "$@"
