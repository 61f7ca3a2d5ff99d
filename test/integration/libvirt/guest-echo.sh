#!/bin/sh
# Runs inside the busybox test guest: answers every host record (.kvp_pool_0 as echo.<key>, .kvp_pool_3 as
# fact.<key>) in .kvp_pool_1, record for record, in the same 2,560-byte layout. ASCII values only.
dir=$1
out=$dir/.kvp_pool_1
: > "$out.tmp"
emit() {
  in=$1; prefix=$2
  [ -f "$in" ] || return 0
  n=$(( $(wc -c < "$in") / 2560 )); i=0
  while [ $i -lt $n ]; do
    key=$(dd if="$in" bs=2560 skip=$i count=1 2>/dev/null | head -c 512 | tr -d '\000')
    val=$(dd if="$in" bs=2560 skip=$i count=1 2>/dev/null | tail -c 2048 | tr -d '\000')
    k="$prefix$key"
    { printf '%s' "$k"; head -c $((512 - ${#k})) /dev/zero; printf '%s' "$val"; head -c $((2048 - ${#val})) /dev/zero; } >> "$out.tmp"
    i=$((i + 1))
  done
}
emit "$dir/.kvp_pool_0" echo.
emit "$dir/.kvp_pool_3" fact.
mv "$out.tmp" "$out"
