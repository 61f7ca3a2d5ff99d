#!/usr/bin/env bash
# Installs the Debian packages virtseal's build, tests and demo need on a fresh Debian 12 machine (run as root).
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail
packages=(
  ansible-core ansible-lint        # runs the built collection; lints playbooks
  openssh-server openssh-client    # the loopback SSH "remote host" in tests
  openssl                          # the Linux guest agent's crypto
  xorriso genisoimage cpio kmod    # provisioning media and the test guest's initramfs
  debootstrap                      # the Debian golden image of the libvirt end-to-end test (build/guest-image)
  qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients   # real guests under TCG
  swtpm swtpm-tools                                                  # the TPM emulator behind a VM's TPM
  ovmf mtools dosfstools                                             # UEFI guests: firmware, the test EFI partition
  sqlite3 ca-certificates
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Keep package postinsts from starting daemons on machines without an init system; tests start their own.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
echo "install-deps: all ${#packages[@]} packages present"
