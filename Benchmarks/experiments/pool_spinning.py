"""A greedy BLIP caption (vision pass, then 20 decoder runs) on two ONNX Runtime sessions with thread pools
of their own, under one spinning policy per process: what a pool that keeps spinning after its run costs
the next session's run.

Runs the graphs written by `GlimpseBenchmarks blip MODEL --phases --images 1 --runs 1 --dump DIR`
(vision.onnx, decoder.onnx) with 2 threads per session, and prints the median whole caption of a few.
Policies: `spin` (ONNX Runtime's default: a pool spins after its run), `vision-quiet` (the vision pool never
spins), `quiet` (neither spins), `stop` (both spin during a run and stop when it returns:
`session.force_spinning_stop`, what Glimpse's sessions do). Alternate policies in separate processes:

    for p in spin stop quiet vision-quiet; do .deps/fixture-venv/bin/python Benchmarks/experiments/pool_spinning.py DIR $p; done
"""
import statistics, sys, time

import numpy as np
import onnxruntime as ort

POLICIES = {"spin": ({}, {}),
            "vision-quiet": ({"session.intra_op.allow_spinning": "0"}, {}),
            "quiet": ({"session.intra_op.allow_spinning": "0"}, {"session.intra_op.allow_spinning": "0"}),
            "stop": ({"session.force_spinning_stop": "1"}, {"session.force_spinning_stop": "1"})}
LAYERS, HEADS, HEAD_SIZE, BOS = 12, 12, 64, 30522


def session(path, entries):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    for key, value in entries.items():
        options.add_session_config_entry(key, value)
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def caption(vision, decoder, pixels):
    """Milliseconds of the vision pass, of the whole caption, and of the first decoder run."""
    start = time.perf_counter()
    image = vision.run(None, {"pixel_values": pixels})[0]
    seen = time.perf_counter()
    names = [f"past_{kind}_{layer}" for layer in range(LAYERS) for kind in ("key", "value")]
    past = {name: np.zeros((1, HEADS, 0, HEAD_SIZE), np.float32) for name in names}
    token, first = BOS, None
    for step in range(20):
        begun = time.perf_counter()
        outputs = decoder.run(["logits"] + [name.replace("past", "present") for name in names],
                              {"input_ids": np.array([[token]], np.int64), "attention_mask": np.ones((1, step + 1), np.int64),
                               "image_embeds": image, **past})
        first = first or (time.perf_counter() - begun) * 1e3
        token = int(outputs[0][0, -1].argmax())
        past = dict(zip(names, outputs[1:]))
    return (seen - start) * 1e3, (time.perf_counter() - start) * 1e3, first


def main():
    folder, policy = sys.argv[1], sys.argv[2]
    vision_entries, decoder_entries = POLICIES[policy]
    vision = session(f"{folder}/vision.onnx", vision_entries)
    decoder = session(f"{folder}/decoder.onnx", decoder_entries)
    pixels = np.random.default_rng(0).uniform(-2, 2, (1, 3, 384, 384)).astype(np.float32)
    caption(vision, decoder, pixels)
    runs = [caption(vision, decoder, pixels) for _ in range(6)]
    print(f"{policy}: vision {statistics.median(r[0] for r in runs):.0f} ms, caption {statistics.median(r[1] for r in runs):.0f} ms, "
          f"first decoder run {statistics.median(r[2] for r in runs):.1f} ms (medians of {len(runs)})")


if __name__ == "__main__":
    main()
