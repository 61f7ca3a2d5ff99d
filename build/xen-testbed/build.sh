#!/usr/bin/env bash
# Builds the real-Xen test bed from Debian 12's own packages (no install on this machine, no network in the
# guests): Xen 4.17's hypervisor, a dom0 initramfs with oxenstored, xenconsoled, xl and the xenopsd shim
# (dom0-shim.sh), and inside it a PV guest initramfs that runs the real Linux guest agent
# (src/guest/linux/virtseal-agent) with its xenstore transport. Boot it with QEMU (TCG):
#   qemu-system-x86_64 -accel tcg -cpu qemu64,+svm -kernel OUT/xen.bin -initrd "OUT/vmlinuz ...,OUT/dom0-initrd.cpio"
# test/helpers/xen-testbed.ts does that and talks to the shim over a second serial port.
#
#   build/xen-testbed/build.sh OUT_DIR
#
# The .debs are fetched with `apt-get download` into OUT_DIR/debs once and reused; the initramfs images are rebuilt
# only when this directory or the agent changes. Needs dpkg-deb, cpio, xz, apt-get (root for the download).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:?usage: build.sh OUT_DIR}
agent=$repo/src/guest/linux/virtseal-agent
XV=4.17
log() { printf 'xen-testbed: %s\n' "$*" >&2; }
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)

kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$kpkg" ] || { log "cannot resolve the kernel behind linux-image-amd64 (apt-get update?)"; exit 1; }
pkgs=(xen-hypervisor-$XV-amd64 xen-utils-$XV xen-utils-common xenstore-utils libxenstore4 libxenmisc$XV libxencall1
  libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
  libyajl2 busybox-static "$kpkg")
key=$( (cat "$here"/*.sh "$agent"; echo "${pkgs[*]}") | sha256sum | cut -c1-16)
if [ -s "$out/xen.bin" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/dom0-initrd.cpio" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$key" ]; then
  exit 0
fi
need=()
for p in "${pkgs[@]}"; do compgen -G "$out/debs/${p}_*.deb" > /dev/null || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  log "downloading ${#need[@]} Debian packages"
  (cd "$out/debs" && apt-get download -qq "${need[@]}" 2>&1 | grep -v unsandboxed >&2) || true
  for p in "${need[@]}"; do compgen -G "$out/debs/${p}_*.deb" > /dev/null || { log "apt-get download $p failed"; exit 1; }; done
fi

w=$out/work
rm -rf "$w" && mkdir -p "$w/x" "$w/k" "$w/bb"
for p in "${pkgs[@]}"; do
  d=$(compgen -G "$out/debs/${p}_*.deb" | head -1)
  case $p in linux-image-*) dpkg-deb -x "$d" "$w/k" ;; busybox-static) dpkg-deb -x "$d" "$w/bb" ;; *) dpkg-deb -x "$d" "$w/x" ;; esac
done
kver=$(ls "$w/k/lib/modules")
xenlib=$w/x/usr/lib/x86_64-linux-gnu

# put ROOT SRC DEST: a binary at DEST inside ROOT with the shared libraries it loads (the Xen libraries from the
# packages, the rest from this machine: the same Debian release).
put() {
  local root=$1 src=$2 dest=$3 lib
  mkdir -p "$root$(dirname "$dest")"
  cp -L "$src" "$root$dest"
  LD_LIBRARY_PATH=$xenlib ldd "$src" | awk '/=>/ {print $3} /^\t\/lib64/ {print $1}' | while read -r lib; do
    [ -n "$lib" ] || continue
    case $lib in "$w"/x/*) d=${lib#"$w"/x} ;; *) d=$lib ;; esac
    [ -e "$root$d" ] || { mkdir -p "$root$(dirname "$d")"; cp -L "$lib" "$root$d"; }
  done
}
skeleton() {
  rm -rf "$1"
  mkdir -p "$1"/{bin,sbin,proc,sys,dev,tmp,run,root,etc,lib/modules,var/run,var/lib,var/log,usr/bin,usr/sbin}
  cp "$w/bb/bin/busybox" "$1/bin/busybox"
}
XS_TOOLS="xenstore xenstore-read xenstore-write xenstore-ls xenstore-rm xenstore-watch xenstore-list xenstore-exists xenstore-chmod"

# ---------------------------------------------------------------- the PV guest (domU)
g=$w/domU
skeleton "$g"
for t in $XS_TOOLS; do put "$g" "$w/x/usr/bin/$t" "/usr/bin/$t"; done
# dash, GNU tools and openssl for the agent (busybox's sh runs its own applets first and its tr/cut mangle NULs),
# the shadow tools its admin step calls.
for t in dash tr fold cut paste od base64 head tail wc dd truncate mktemp cat cksum stat sort awk sed grep date sleep \
  openssl; do
  put "$g" "$(readlink -f "$(command -v "$t")")" "/usr/local/bin/$t"
done
for t in useradd usermod chpasswd; do put "$g" "$(command -v "$t")" "/usr/sbin/$t"; done
[ -d /usr/lib/x86_64-linux-gnu/ossl-modules ] && cp -r /usr/lib/x86_64-linux-gnu/ossl-modules "$g/usr/lib/x86_64-linux-gnu/"
mkdir -p "$g/usr/lib/ssl" && cp -L /usr/lib/ssl/openssl.cnf "$g/usr/lib/ssl/openssl.cnf"
cp /etc/login.defs "$g/etc/login.defs"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$g/etc/passwd"
printf 'root:x:0:\nsudo:x:27:\n' > "$g/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$g/etc/shadow" && chmod 600 "$g/etc/shadow"
printf 'root:*::\nsudo:*::\n' > "$g/etc/gshadow" && chmod 600 "$g/etc/gshadow"
printf 'template\n' > "$g/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 template\n' > "$g/etc/hosts"
mkdir -p "$g/home" "$g/usr/local/sbin"
install -m 0755 "$agent" "$g/usr/local/sbin/virtseal-agent"
install -m 0755 "$here/domU-init.sh" "$g/init"
# Not compressed: unpacking gzip under TCG costs more than loading the bigger image.
(cd "$g" && find . | cpio -o -H newc --quiet) > "$w/domU-initrd.cpio"

# ---------------------------------------------------------------- dom0
d0=$w/dom0
skeleton "$d0"
for t in xl oxenstored xenconsoled xen-init-dom0; do put "$d0" "$w/x/usr/lib/xen-$XV/bin/$t" "/usr/lib/xen-$XV/bin/$t"; done
for t in $XS_TOOLS; do put "$d0" "$w/x/usr/bin/$t" "/usr/bin/$t"; done
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$d0/lib/x86_64-linux-gnu/"
cp -r "$w/x/etc/xen" "$d0/etc/"
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
  f=$(find "$w/k/lib/modules" -name "$m.ko*" | head -1)
  [ -n "$f" ] || { log "kernel module $m missing"; exit 1; }
  cp "$f" "$d0/lib/modules/"
done
mkdir -p "$d0/root/guest"
# The guest's kernel as a plain ELF: xl would otherwise unpack the xz inside the bzImage itself, which takes most
# of a minute under TCG.
off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$w/k/boot/vmlinuz-$kver" | head -1 | cut -d: -f1)
[ -n "$off" ] || { log "no xz payload in vmlinuz-$kver"; exit 1; }
tail -c +$((off + 1)) "$w/k/boot/vmlinuz-$kver" | xz -dc 2> /dev/null > "$d0/root/guest/vmlinux" || true
[ "$(head -c 4 "$d0/root/guest/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || { log "cannot unpack vmlinuz-$kver"; exit 1; }
cp "$w/domU-initrd.cpio" "$d0/root/guest/initrd.cpio"
install -m 0755 "$here/dom0-init.sh" "$d0/init"
install -m 0755 "$here/dom0-shim.sh" "$d0/usr/sbin/virtseal-xs-shim"
(cd "$d0" && find . | cpio -o -H newc --quiet) > "$out/dom0-initrd.cpio.new"

zcat "$w/x/boot/xen-$XV-amd64.gz" > "$out/xen.bin"   # a multiboot ELF: QEMU's -kernel loads it
cp "$w/k/boot/vmlinuz-$kver" "$out/vmlinuz"
mv "$out/dom0-initrd.cpio.new" "$out/dom0-initrd.cpio"
echo "$key" > "$out/stamp"
rm -rf "$w"
log "Xen $XV, kernel $kver, dom0 initramfs $(du -k "$out/dom0-initrd.cpio" | cut -f1) KiB"
