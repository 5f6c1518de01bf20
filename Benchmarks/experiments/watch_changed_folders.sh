#!/bin/bash
# `glimpse index --watch` on a large tree: what a pass costs when one photo arrives.
# Makes /tmp/scantree (100,000 small non-image files in 400 folders under 20 parents, and one PNG) when it
# is missing, indexes it with the model-free test describer, then
#   1. times a whole pass with nothing changed, three times (what every watch pass was before passes
#      looked only at changed folders);
#   2. starts a watch and copies a photo into one of the 400 folders, three times, printing the seconds
#      from the copy to the pass's summary line (2 s of that is the quiet time the watch waits for) and
#      the summary line itself, whose "in X s" is the pass;
#   3. prints the watching process's CPU time.
# Needs the release build: swift build -c release --scratch-path .build-bench --product glimpse
cd "$(dirname "$0")/../.." && G=$PWD/.build-bench/release/glimpse
export GLIMPSE_TEST_DESCRIBER=colour
TREE=/tmp/scantree INDEX=/tmp/scan.sqlite
PNG=$PWD/Tests/GlimpseModelsTests/Fixtures/tiny-sam/reference_image.png
if [ ! -d $TREE ]; then
  python3 - <<'PY'
import os
for parent in range(20):
    for child in range(20):
        folder = f"/tmp/scantree/{parent}/{child}"
        os.makedirs(folder, exist_ok=True)
        for n in range(250):
            with open(f"{folder}/note{n}.txt", "w") as f: f.write(f"{parent} {child} {n}\n")
PY
  cp $PNG $TREE/photo.png
fi
rm -f $INDEX*
$G index $TREE --index $INDEX | tail -1
for round in 1 2 3; do /usr/bin/time -f "whole pass, nothing changed: %e s wall, %U s user, %S s system" $G index $TREE --index $INDEX >/dev/null; done
OUT=$(mktemp)
$G index $TREE --watch --every 3600 --index $INDEX > $OUT 2>/dev/null &
WATCH=$!
until grep -q described $OUT; do sleep 0.2; done
for round in 1 2 3; do
  lines=$(wc -l < $OUT)
  start=$(date +%s.%N)
  cp $PNG $TREE/$((round * 3))/$((round * 5))/new-$round-$RANDOM.png
  until [ $(wc -l < $OUT) -gt $lines ]; do sleep 0.05; done
  echo "copy to summary: $(echo "$(date +%s.%N) - $start" | bc) s — $(tail -1 $OUT)"
done
echo "watching process CPU (user + system, clock ticks): $(awk '{print $14 + $15}' /proc/$WATCH/stat)"
kill -INT $WATCH; wait $WATCH 2>/dev/null
rm -f $TREE/*/*/new-*.png $OUT
