#!/usr/bin/env bash
# Cold and warm loads of two pathplanner versions, interleaved, on a shared machine.
#
#   bash bench/compare_loads.sh OLD_SRC OLD_ROOT NEW_SRC NEW_ROOT [ROUNDS]
#
# OLD_SRC / NEW_SRC: a `src` directory of each version (e.g. `git archive a3ace4a src graph
# templates | tar -x -C /tmp/old`, then /tmp/old/src). OLD_ROOT / NEW_ROOT: a directory with
# `esco-graph` and `synthetic` as bench_esco.py makes them with that version. Each round: a
# cold load into an empty cache, then three warm loads, for each version in turn. Prints
# "label wall-seconds cpu-seconds" (imports included, interpreter start not).
set -euo pipefail
old_src=$1 old_root=$2 new_src=$3 new_root=$4 rounds=${5:-3}
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
run() {  # label src root cache
  PYTHONPATH=$2 PATHPLANNER_CACHE_DIR=$4 python -c "
import time; t = time.perf_counter(); c = time.process_time()
from pathplanner.load import load_catalog
load_catalog(['$3/esco-graph', '$3/synthetic'])
print('$1', round(time.perf_counter() - t, 3), round(time.process_time() - c, 3))"
}
for _ in $(seq "$rounds"); do
  rm -rf "$cache/old" "$cache/new"
  run before-cold "$old_src" "$old_root" "$cache/old"
  run after-cold "$new_src" "$new_root" "$cache/new"
  sleep 3  # graph files count as settled 2 s after their last change
  for _ in 1 2 3; do
    run before-warm "$old_src" "$old_root" "$cache/old"
    run after-warm "$new_src" "$new_root" "$cache/new"
  done
done
