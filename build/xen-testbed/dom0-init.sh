#!/bin/busybox sh
# /init of the test bed's dom0: Xen's control tools as a Debian dom0 runs them (oxenstored, xen-init-dom0,
# xenconsoled), then the xenopsd shim on the second serial port (ttyS1), the test machine's end of the bed.
/bin/busybox --install -s /bin
export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run
say() { echo "VIRTSEAL-DOM0[$(cut -d' ' -f1 /proc/uptime)] $*"; }
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do insmod /lib/modules/$m.ko* || say "insmod $m failed"; done
mount -t xenfs xenfs /proc/xen
mkdir -p /var/run/xen /var/lib/xen /var/log/xen /var/lib/xenstored /run/xen
oxenstored --pid-file /var/run/xen/xenstored.pid
i=0; until xenstore-read / > /dev/null 2>&1 || [ $i -gt 100 ]; do i=$((i + 1)); usleep 100000; done
xen-init-dom0 > /dev/null || say "xen-init-dom0 failed"
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=/var/log/xen
say "oxenstored and xenconsoled ready"
[ -c /dev/ttyS1 ] || { say "no second serial port (ttyS1) for the shim"; poweroff -f; }
stty -F /dev/ttyS1 raw -echo -echoe -echok -echoctl -echoke 115200
exec /usr/sbin/virtseal-xs-shim /dev/ttyS1
