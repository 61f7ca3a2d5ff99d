#!/bin/busybox sh
# The test bed's stand-in for xenopsd, in dom0: it builds PV domains with xl and keeps their xenstore as xenopsd
# does for XAPI, against the real oxenstored. One line per request from the test machine on the serial port $1:
#   <id> create <uuid> <name>     xl create -p; data, attr, control, feature, drivers, error, messages and vm-data
#                                 owned by the guest, others none (xenopsd's domain build); replies the domid
#   <id> unpause <domid>          xl unpause
#   <id> vmdata <domid> [<path>=<value> ...]
#                                 VM.set_xenstore_data on a running VM: vm-data removed and rewritten by dom0, so
#                                 the guest can read it but no longer write it
#   <id> destroy <domid>          xl destroy
#   <id> ls                       xenstore-ls -f (the whole store, as dom0 sees it)
#   <id> console <name>           the guest's console log
#   <id> state                    every file this shim holds
# Replies: `p <id> <base64 piece>` lines, then `ok <id>` or `err <id> <base64 message>`. The guest's writes under
# data/service and control come back unasked, as XAPI's guest metrics would see them: `ev <domid> <path> <value>`
# (the rest of the line) or `rm <domid> <path>`. Values travel in xenstore-utils' own escaped form (what xenstore-read
# prints without -R and xenstore-write takes without -R; a space as \x20 on the way in), so no value is ever
# decoded by this shell: paths are checked, values passed as arguments. Few processes per request: each one costs
# a lot in a dom0 under TCG.
TTY=$1
S=/run/shim
mkdir -p "$S" /root/guest
printf 'kernel="/root/guest/vmlinux"\nramdisk="/root/guest/initrd.cpio"\ntype="pv"\nmemory=256\nvcpus=1\nextra="console=hvc0 quiet"\non_poweroff="destroy"\non_crash="destroy"\n' > /root/guest/domU.cfg
set -f

lock() { until mkdir "$S/lock" 2> /dev/null; do usleep 1000; done; }
unlock() { rmdir "$S/lock"; }
send() { lock; printf '%s\n' "$1" > "$TTY"; unlock; }
# reply ID FILE: the file's bytes in base64 pieces, then ok
reply() { lock; base64 -w 600 < "$2" | sed "s/^/p $1 /" > "$TTY"; printf 'ok %s\n' "$1" > "$TTY"; unlock; }
fail() { send "err $1 $(printf '%s' "$2" | base64 -w 0)"; }
note() { read -r _up _ < /proc/uptime; echo "VIRTSEAL-SHIM[$_up] $*"; }
num() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

# watch DOMID SUBPATH: relays every change under /local/domain/DOMID/SUBPATH to the test machine
watch() {
  _base=/local/domain/$1
  xenstore-watch "$_base/$2" | while read -r _p; do
    case $_p in "$_base"/*) ;; *) continue ;; esac
    if _v=$(xenstore-read "$_p" 2> /dev/null); then
      send "ev $1 ${_p#"$_base"/} $_v"
    else
      send "rm $1 ${_p#"$_base"/}"
    fi
  done
}

# Held open from here on: a tty drops what arrives while nobody has it open.
exec 3< "$TTY"
send ready
while read -r id op a b rest <&3; do
  num "$id" || continue
  case $op in
    create)
      echo "$a" | grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' || { fail "$id" "bad uuid"; continue; }
      echo "$b" | grep -Eqx '[a-z0-9-]{1,40}' || { fail "$id" "bad name"; continue; }
      note "xl create $b"
      if ! xl create -p /root/guest/domU.cfg "name=\"$b\"" "uuid=\"$a\"" > "$S/xl.out" 2>&1; then
        fail "$id" "xl create: $(tail -3 "$S/xl.out")"; rm -f "$S/xl.out"; continue
      fi
      rm -f "$S/xl.out"
      D=$(xl domid "$b")
      note "domain $D built (paused)"
      P=/local/domain/$D
      # Directories (no values of their own): created where missing by one write, then given to the guest.
      xenstore-write "$P/data" "" "$P/attr" "" "$P/control" "" "$P/feature" "" "$P/drivers" "" "$P/error" "" \
        "$P/messages" "" "$P/vm-data" ""
      for d in data attr control feature drivers error messages vm-data; do xenstore-chmod "$P/$d" "n$D"; done
      watch "$D" data/service &
      watch "$D" control &
      printf '%s' "$D" > "$S/out.$id"; reply "$id" "$S/out.$id"; rm -f "$S/out.$id" ;;
    unpause)
      num "$a" && xl unpause "$a" > /dev/null 2>&1 && send "ok $id" || fail "$id" "xl unpause $a failed" ;;
    vmdata)
      num "$a" || { fail "$id" "bad domid"; continue; }
      P=/local/domain/$a
      set -- ; bad=
      for kv in $b $rest; do
        k=${kv%%=*}
        case $k in vm-data/*) ;; *) bad=$k; break ;; esac
        case $k in *[!A-Za-z0-9/_-]*) bad=$k; break ;; esac
        set -- "$@" "$P/$k" "${kv#*=}"
      done
      [ -z "$bad" ] || { fail "$id" "refused path $bad"; continue; }
      xenstore-rm "$P/vm-data" 2> /dev/null
      if [ $# -gt 0 ] && ! xenstore-write "$@" 2> "$S/err"; then
        fail "$id" "xenstore-write: $(cat "$S/err")"; rm -f "$S/err"; continue
      fi
      rm -f "$S/err"; set -- ; send "ok $id" ;;
    destroy)
      num "$a" && xl destroy "$a" > /dev/null 2>&1 && send "ok $id" || fail "$id" "xl destroy $a failed" ;;
    ls)
      xenstore-ls -f > "$S/out.$id" 2>&1; reply "$id" "$S/out.$id"; rm -f "$S/out.$id" ;;
    console)
      echo "$a" | grep -Eqx '[a-z0-9-]{1,40}' || { fail "$id" "bad name"; continue; }
      cat "/var/log/xen/guest-$a.log" > "$S/out.$id" 2>&1; reply "$id" "$S/out.$id"; rm -f "$S/out.$id" ;;
    state)
      (cd "$S" && for f in *; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done) > /tmp/shim-state 2>&1
      reply "$id" /tmp/shim-state; rm -f /tmp/shim-state ;;
    *) fail "$id" "unknown request $op" ;;
  esac
done
