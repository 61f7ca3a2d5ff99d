#!/usr/bin/env bash
# Builds the test guests from Debian packages only (run as root; no loop devices, no network in the guest).
#
#   build/guest-image/build.sh kernel     kernel + busybox initramfs with qemu-guest-agent (and openssl)
#   build/guest-image/build.sh rootfs     debootstrap minbase + systemd + cloud-init + qemu-guest-agent + openssl
#   build/guest-image/build.sh debian     rootfs + the virtseal Linux agent and its unit → ext4 qcow2 disk
#   build/guest-image/build.sh esp        the kernel + initramfs on an EFI system partition that boots through
#                                         Debian's signed shim and GRUB (UEFI and secure boot under OVMF)
#
# Everything lands in $VIRTSEAL_IMAGE_DIR (default <repo>/.tmp/guest-image), keyed by the inputs' hash so reruns
# are fast: the debootstrap tree is built once; the disk is rebuilt only when the agent or this script changes.
# The disk carries no kernel or boot loader: VMs boot it with the kernel + initramfs built here (direct kernel
# boot, `virtseal.root=/dev/vda`), which keeps the image small and avoids loop devices at build time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${VIRTSEAL_IMAGE_DIR:-$repo/.tmp/guest-image}
mirror=${VIRTSEAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$out"
log() { printf 'guest-image: %s\n' "$*" >&2; }

build_kernel() {
  local stamp
  stamp=$(cat "$here/init.sh" "$here/build.sh" | sha256sum | cut -c1-16)
  [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ "$(cat "$out/initrd.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  local kpkg kver w="$out/work-kernel"
  kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  kver=${kpkg#linux-image-}
  [ -n "$kver" ] || { log "cannot resolve the kernel package behind linux-image-amd64"; exit 1; }
  rm -rf "$w" && mkdir -p "$w/debs" "$w/k" "$w/bb" "$w/qga"
  (cd "$w/debs" && apt-get download -qq "$kpkg" busybox-static qemu-guest-agent >/dev/null)
  dpkg-deb -x "$w/debs/${kpkg}"_*.deb "$w/k"
  dpkg-deb -x "$w/debs"/busybox-static_*.deb "$w/bb"
  dpkg-deb -x "$w/debs"/qemu-guest-agent_*.deb "$w/qga"
  depmod -b "$w/k" "$kver"
  local r="$w/root"
  mkdir -p "$r/bin" "$r/lib/modules" "$r/usr/sbin" "$r/usr/bin" "$r/lib/x86_64-linux-gnu" "$r/lib64" "$r/etc"
  cp "$w/bb/bin/busybox" "$r/bin/busybox"
  : > "$r/lib/modules/load.order"
  local top ko n
  # button: the ACPI power button, without which logind never hears an ACPI shutdown request.
  for top in virtio_pci virtio_console virtio_blk virtio_net qemu_fw_cfg ata_piix ahci sr_mod isofs ext4 button; do
    for ko in $(modprobe -d "$w/k" -S "$kver" --show-depends "$top" | awk '$1=="insmod"{print $2}'); do
      n=$(basename "$ko" .ko)
      grep -qx "$n" "$r/lib/modules/load.order" || { cp "$ko" "$r/lib/modules/"; echo "$n" >> "$r/lib/modules/load.order"; }
    done
  done
  # glibc binaries with the host's copies of their shared libraries (same Debian release as the packages)
  local bin lib
  for bin in "$w/qga/usr/sbin/qemu-ga" /usr/bin/openssl; do
    case $bin in */sbin/*) cp "$bin" "$r/usr/sbin/";; *) cp "$bin" "$r/usr/bin/";; esac
    for lib in $(ldd "$bin" | awk '/=>/{print $3} /ld-linux/{print $1}'); do
      case $lib in /lib64/*) cp -L "$lib" "$r/lib64/";; *) cp -L "$lib" "$r/lib/x86_64-linux-gnu/";; esac
    done
  done
  # dash and GNU tools for the Linux agent (POSIX sh + coreutils + openssl): busybox-static's sh runs its own
  # applets before PATH, and its cut/fold/tr mangle NUL bytes.
  mkdir -p "$r/usr/local/bin"
  local tool real
  for tool in dash tr fold cut paste od base64 head tail wc dd truncate mktemp cat cksum stat sort awk sed grep date sleep; do
    real=$(readlink -f "$(command -v "$tool")")
    cp "$real" "$r/usr/local/bin/$tool"
    for lib in $(ldd "$real" | awk '/=>/{print $3} /ld-linux/{print $1}'); do
      case $lib in /lib64/*) cp -L "$lib" "$r/lib64/";; *) cp -L "$lib" "$r/lib/x86_64-linux-gnu/";; esac
    done
  done
  [ -d /usr/lib/x86_64-linux-gnu/ossl-modules ] && cp -r /usr/lib/x86_64-linux-gnu/ossl-modules "$r/lib/x86_64-linux-gnu/"
  cp "$here/init.sh" "$r/init" && chmod 755 "$r/init"
  (cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz.new"
  cp "$w/k/boot/vmlinuz-$kver" "$out/vmlinuz"
  mv "$out/initrd.gz.new" "$out/initrd.gz"
  echo "$stamp" > "$out/initrd.stamp"
  rm -rf "$w"
  log "kernel $kver + initramfs $(du -k "$out/initrd.gz" | cut -f1) KiB"
}

build_rootfs() {
  [ -f "$out/rootfs.done" ] && return 0
  command -v debootstrap >/dev/null || { log "debootstrap is missing (build/install-deps.sh installs it)"; exit 1; }
  rm -rf "$out/rootfs"
  # python3-cffi-backend: debootstrap's resolver does not follow the virtual package python3-cryptography needs.
  debootstrap --variant=minbase \
    --include=systemd-sysv,udev,kmod,dbus,qemu-guest-agent,cloud-init,python3-cffi-backend,openssl,ca-certificates \
    bookworm "$out/rootfs" "$mirror" > "$out/debootstrap.log" 2>&1 || { log "debootstrap failed (see $out/debootstrap.log)"; exit 1; }
  rm -rf "$out/rootfs/var/cache/apt/archives/"*.deb "$out/rootfs/var/lib/apt/lists/"*
  touch "$out/rootfs.done"
  log "rootfs $(du -sm "$out/rootfs" | cut -f1) MiB"
}

build_debian() {
  build_kernel
  build_rootfs
  local agent="$repo/src/guest/linux/virtseal-agent" unit="$repo/src/guest/linux/virtseal-agent.service"
  local key
  if [ -f "$agent" ]; then
    key=$( (cat "$agent" "$unit" "$here/build.sh") | sha256sum | cut -c1-16)
  else
    log "the Linux guest agent $agent is missing: building the disk without it"
    key=noagent-$(sha256sum < "$here/build.sh" | cut -c1-16)
  fi
  [ -s "$out/debian.qcow2" ] && [ "$(cat "$out/debian.stamp" 2>/dev/null)" = "$key" ] && { echo "$out/debian.qcow2"; return 0; }
  local t="$out/work-debian"
  rm -rf "$t" && cp -a "$out/rootfs" "$t"
  mkdir -p "$t/etc/cloud/cloud.cfg.d"
  # Until the sealed configuration arrives, cloud-init leaves hostname and network alone: a fallback DHCP file
  # rendered now (10-cloud-init-<name>.network) could outrank the sealed static address later. The
  # agent replaces this very file with its own (hostname, NoCloud seed) before it reboots the guest.
  printf 'datasource_list: [ NoCloud, None ]\npreserve_hostname: true\nlocale: C.UTF-8\nnetwork: {config: disabled}\n' > "$t/etc/cloud/cloud.cfg.d/90-virtseal.cfg"
  : > "$t/etc/machine-id"
  echo 'LABEL=virtseal-root / ext4 rw,relatime 0 1' > "$t/etc/fstab"
  if [ -f "$agent" ]; then
    # The agent and unit exactly as shipped on provisioning media (they remove themselves once applied).
    install -D -m 0755 "$agent" "$t/usr/local/sbin/virtseal-agent"
    install -m 0644 "$unit" "$t/etc/systemd/system/virtseal-agent.service"
    ln -sf /etc/systemd/system/virtseal-agent.service "$t/etc/systemd/system/multi-user.target.wants/virtseal-agent.service"
  fi
  # cloud-init renders the sealed network configuration for systemd-networkd (no ifupdown or netplan in minbase).
  ln -sf /lib/systemd/system/systemd-networkd.service "$t/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
  mkdir -p "$t/etc/systemd/system/sockets.target.wants"
  ln -sf /lib/systemd/system/systemd-networkd.socket "$t/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"
  # Boot this disk with the kernel + initramfs built beside it (see docs/libvirt.md, direct kernel boot).
  # A headless test guest: no console getty, no periodic maintenance jobs competing for an emulated CPU, and a
  # journal kept in memory (flushing it to disk took minutes on a busy machine under TCG).
  rm -f "$t/etc/systemd/system/getty.target.wants/"* "$t/etc/systemd/system/timers.target.wants/"* \
    "$t/etc/systemd/system/multi-user.target.wants/e2scrub_reap.service"
  mkdir -p "$t/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=volatile\n' > "$t/etc/systemd/journald.conf.d/90-virtseal-test.conf"
  rm -f "$out/debian.raw"
  mkfs.ext4 -q -F -L virtseal-root -d "$t" "$out/debian.raw" 1400M >&2
  qemu-img convert -O qcow2 "$out/debian.raw" "$out/debian.qcow2.new"
  mv "$out/debian.qcow2.new" "$out/debian.qcow2"
  rm -rf "$t" "$out/debian.raw"
  printf '{"kernel": "vmlinuz", "initrd": "initrd.gz", "cmdline": "console=ttyS0 panic=-1 virtseal.root=/dev/vda"}\n' > "$out/debian.qcow2.boot.json"
  echo "$key" > "$out/debian.stamp"
  log "debian disk $(du -m "$out/debian.qcow2" | cut -f1) MiB (qcow2)"
  echo "$out/debian.qcow2"
}

build_esp() {
  build_kernel
  local key
  key=$( (cat "$out/initrd.stamp" "$here/build.sh"; sha256sum < "$out/vmlinuz") | sha256sum | cut -c1-16)
  [ -s "$out/esp.qcow2" ] && [ "$(cat "$out/esp.stamp" 2>/dev/null)" = "$key" ] && { echo "$out/esp.qcow2"; return 0; }
  command -v mcopy >/dev/null && command -v mkfs.vfat >/dev/null || { log "mtools and dosfstools are missing (build/install-deps.sh installs them)"; exit 1; }
  local w="$out/work-esp"
  rm -rf "$w" && mkdir -p "$w/debs" "$w/x"
  # Debian's shim (signed by the Microsoft UEFI CA, carrying Debian's CA) and GRUB and kernel (signed by Debian):
  # the chain a stock secure boot firmware with Microsoft's keys enrolled accepts.
  (cd "$w/debs" && apt-get download -qq shim-signed grub-efi-amd64-signed >/dev/null 2>&1) || { log "cannot download shim-signed and grub-efi-amd64-signed"; exit 1; }
  local deb
  for deb in "$w/debs"/*.deb; do dpkg-deb -x "$deb" "$w/x"; done
  # The signed monolithic GRUB reads $prefix/grub.cfg (/EFI/debian) and else the one beside itself.
  printf 'set timeout=0\nlinux /vmlinuz console=ttyS0 panic=-1\ninitrd /initrd.gz\nboot\n' > "$w/grub.cfg"
  # A FAT file system over the whole disk: firmware boots \EFI\BOOT\BOOTX64.EFI from it as removable media,
  # and building it with mtools needs no loop device or partitioning tool.
  rm -f "$w/esp.raw"
  mkfs.vfat -C -n VIRTSEALESP "$w/esp.raw" 40960 >/dev/null
  export MTOOLS_SKIP_CHECK=1
  mmd -i "$w/esp.raw" ::/EFI ::/EFI/BOOT ::/EFI/debian
  mcopy -i "$w/esp.raw" "$w/x/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i "$w/esp.raw" "$w/x/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi
  mcopy -i "$w/esp.raw" "$w/grub.cfg" ::/EFI/debian/grub.cfg
  mcopy -i "$w/esp.raw" "$w/grub.cfg" ::/EFI/BOOT/grub.cfg
  mcopy -i "$w/esp.raw" "$out/vmlinuz" ::/vmlinuz
  mcopy -i "$w/esp.raw" "$out/initrd.gz" ::/initrd.gz
  qemu-img convert -O qcow2 "$w/esp.raw" "$out/esp.qcow2.new"
  mv "$out/esp.qcow2.new" "$out/esp.qcow2"
  rm -rf "$w"
  echo "$key" > "$out/esp.stamp"
  log "EFI system partition $(du -m "$out/esp.qcow2" | cut -f1) MiB (qcow2)"
  echo "$out/esp.qcow2"
}

case ${1:-} in
  kernel) build_kernel; echo "$out" ;;
  rootfs) build_rootfs; echo "$out/rootfs" ;;
  debian) build_debian ;;
  esp) build_esp ;;
  *) echo "usage: $0 kernel|rootfs|debian|esp" >&2; exit 2 ;;
esac
