#!/bin/busybox sh
# /init of the virtseal test initramfs. Loads the virtio/ata/iso9660/ext4 modules, then either
#  - switches to the root disk named by `virtseal.root=DEV` (the debootstrap golden image, systemd as init), or
#  - stays a tiny busybox guest that runs qemu-guest-agent (the fast exchange test).
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /mnt /newroot /usr/bin /usr/sbin /sbin /bin /var/lib
/bin/busybox --install -s
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/load.order); do insmod /lib/modules/$m.ko 2>/dev/null; done
echo "VIRTSEAL-INIT modules loaded uptime=$(cut -d' ' -f1 /proc/uptime)"
root=$(sed -n 's/.*virtseal\.root=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$root" ]; then
  for i in $(seq 1 50); do [ -b "$root" ] && break; sleep 0.1; done
  fsck.ext4 -p "$root" >/dev/null 2>&1
  mount -t ext4 -o rw "$root" /newroot || { echo "VIRTSEAL-INIT cannot mount $root"; sleep 5; poweroff -f; }
  mount --move /dev /newroot/dev; umount /proc /sys
  exec switch_root /newroot /sbin/init
fi
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp
hostname virtseal-mini
# GNU tools first (guest-exec children inherit qemu-ga's environment).
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
for p in /sys/class/virtio-ports/*; do
  [ "$(cat $p/name 2>/dev/null)" = org.qemu.guest_agent.0 ] || continue
  mkdir -p /run/qga; /usr/sbin/qemu-ga -m virtio-serial -p /dev/$(basename $p) -t /run/qga -f /run/qga.pid -l /run/qga.log -d
done
echo "VIRTSEAL-READY uptime=$(cut -d' ' -f1 /proc/uptime)"
# ACPI power button: busybox has no acpid here, so an ACPI shutdown is ignored (tests use that for forced stops).
exec setsid cttyhack sh
