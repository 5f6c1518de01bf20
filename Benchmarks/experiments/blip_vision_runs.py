"""How many images one run of BLIP's vision transformer should take: 16 random 384² images through the graph
written by `GlimpseBenchmarks blip MODEL --phases --images 1 --runs 1 --dump DIR` (DIR/vision.onnx), in runs
of each size given, the sizes alternating in one process (2 threads, as Glimpse's sessions), seconds per 16.

    .deps/fixture-venv/bin/python Benchmarks/experiments/blip_vision_runs.py DIR/vision.onnx --sizes 4,1,2 --rounds 5
"""
import argparse, statistics, time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph")
    parser.add_argument("--sizes", default="4,1,2")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.add_session_config_entry("session.force_spinning_stop", "1")
    session = ort.InferenceSession(args.graph, options, providers=["CPUExecutionProvider"])
    images = np.random.default_rng(0).uniform(-2, 2, (16, 3, 384, 384)).astype(np.float32)
    sizes = [int(size) for size in args.sizes.split(",")]

    def all_sixteen(size):
        for start in range(0, len(images), size):
            session.run(None, {"pixel_values": images[start:start + size]})

    for size in sizes:
        all_sixteen(size)  # each run size's shapes meet fresh memory once
    seconds = {size: [] for size in sizes}
    for _ in range(args.rounds):
        for size in sizes:
            start = time.perf_counter()
            all_sixteen(size)
            seconds[size].append(time.perf_counter() - start)
    for size in sizes:
        print(f"runs of {size}: {', '.join(f'{s:.2f}' for s in seconds[size])} s; median {statistics.median(seconds[size]):.2f}")


if __name__ == "__main__":
    main()
