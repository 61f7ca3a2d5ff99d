#!/bin/busybox sh
# /init of the test bed's PV guest: checks the size limit oxenstored enforces on a guest, then runs the real
# virtseal Linux agent (xenstore transport, picked by itself) and reports each run on the console. An agent that
# failed is started again, as its service would be, up to three runs.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp
export PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
say() { echo "VIRTSEAL-GUEST $*"; }
hostname "$(cat /etc/hostname)"
say "boot domid=$(xenstore-read domid) uptime=$(cut -d' ' -f1 /proc/uptime)"
# oxenstored's quota: a guest's value may be 2,048 bytes, not one more (attr/ is the guest's own).
for n in 2048 2049; do
  v=$(head -c $n /dev/zero | tr '\0' A)
  if xenstore-write attr/virtseal-probe "$v" 2> /dev/null; then say "probe $n bytes accepted"; else say "probe $n bytes refused"; fi
  xenstore-rm attr/virtseal-probe 2> /dev/null
done
n=0
while [ $n -lt 3 ]; do
  n=$((n + 1))
  dash /usr/local/sbin/virtseal-agent run --kvp-dir auto --timeout 900 --ack-timeout 60 2> /run/agent.log
  rc=$?
  say "run $n agent exit=$rc hostname=$(cat /etc/hostname) uname=$(hostname) admin=$(grep -c '^ops:\$6\$' /etc/shadow)"
  sed "s/^/VIRTSEAL-GUEST log $n /" /run/agent.log
  say "done $n"
  [ $rc = 0 ] && break
done
exec sleep 100000
