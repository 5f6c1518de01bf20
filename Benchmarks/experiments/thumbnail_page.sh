#!/bin/bash
# Seconds for a results page's 20 thumbnails from a fresh `glimpse serve`, for each binary given, in turn,
# ROUNDS times (default 3): 20 copies of PHOTO (default .bench/photo-12mp.jpg) imported without embeddings,
# then 20 thumbnail requests at once, as the search page sends them.
#
#   Benchmarks/experiments/thumbnail_page.sh /tmp/glimpse-before .build-bench/release/glimpse
set -euo pipefail
PHOTO=${PHOTO:-.bench/photo-12mp.jpg}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for i in $(seq 1 20); do
    cp "$PHOTO" "$WORK/$i.jpg"
    echo "{\"path\": \"$WORK/$i.jpg\", \"caption\": \"photo $i\"}" >> "$WORK/d.jsonl"
done
"$1" import "$WORK/d.jsonl" --no-embeddings --index "$WORK/index.sqlite" > /dev/null
PORT=8950
for round in $(seq 1 "$ROUNDS"); do
    for binary in "$@"; do
        PORT=$((PORT + 1))
        "$binary" serve --text-only --port "$PORT" --index "$WORK/index.sqlite" > /dev/null 2>&1 &
        server=$!
        for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/status" && break; sleep 0.1; done
        start=$(date +%s.%N)
        seq 1 20 | xargs -P 20 -I{} curl -s -o /dev/null "http://127.0.0.1:$PORT/api/images/{}/thumbnail"
        end=$(date +%s.%N)
        kill "$server"; wait "$server" 2>/dev/null || true
        echo "round $round  $binary  $(echo "$end - $start" | bc) s"
    done
done
