#!/bin/bash
# pcap text output with Chinese headings (UTF-8 through RowBytes) against English and against
# another build: interleaved runs on one capture, CPU time (user, sys) and peak RSS per run.
# Usage: bench/pcap-lang.sh CAPTURE OTHER_TREE [ROUNDS]
#   CAPTURE: e.g. the file bench/pcap.mjs --keep --file /tmp/x.pcap leaves behind
#   OTHER_TREE: a built checkout to compare with (e.g. /work/main)
set -eu
capture=$1 other=$2 rounds=${3:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
for _ in $(seq "$rounds"); do
  /usr/bin/time -f "other en %e s wall %U user %S sys %M KB" node "$other/bin/tcpstate.js" pcap "$capture" > /dev/null
  for l in en zh; do
    /usr/bin/time -f "this  $l %e s wall %U user %S sys %M KB" node "$here/bin/tcpstate.js" pcap "$capture" --lang $l > /dev/null
  done
done
