#!/bin/bash
# Warm search latency with and without --in on the 100,000-image synthetic store that
# `GlimpseBenchmarks search-scale --store /tmp/search-store` builds (100 folders /synthetic/N of 1,000 images):
# the whole index, one folder, 50 folders and /synthetic (every image). Prints the median of the
# response's `timings.total` over 20 queries of one `glimpse search -` process (the first 2 dropped).
# Needs the release build: swift build -c release --scratch-path .build-bench --product glimpse
cd "$(dirname "$0")/../.." && G=.build-bench/release/glimpse
export GLIMPSE_ORT_LIBRARY=.deps/onnxruntime/lib/libonnxruntime.so
queries() { for i in $(seq 1 22); do echo "a black cat near a sunny beach number $i but no cartoon"; done; }
run() {
  queries | $G search - --json --index /tmp/search-store/index.sqlite --clip .bench/models/clip-vit-b32 \
     --minilm .deps/test-data/all-MiniLM-L6-v2 "$@" 2>/dev/null | python3 -c '
import sys, json, statistics
t=[json.loads(l)["timings"]["total"] for l in sys.stdin][2:]
print(f"median {statistics.median(t):.1f} ms, min {min(t):.1f}, max {max(t):.1f} ({len(t)} queries)")'
}
fifty=(); for i in $(seq 0 49); do fifty+=(--in /synthetic/$i); done
for round in 1 2; do
  echo -n "whole index:            "; run
  echo -n "--in one folder (1%):   "; run --in /synthetic/5
  echo -n "--in 50 folders (50%):  "; run "${fifty[@]}"
  echo -n "--in /synthetic (100%): "; run --in /synthetic
done
