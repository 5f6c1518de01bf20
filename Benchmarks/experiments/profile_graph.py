"""Where the time goes in one of Glimpse's graphs: ONNX Runtime's profiler, per operator, warm runs only.

Runs a graph written by a `--dump` option of GlimpseBenchmarks (`sam … --dump DIR`: sam_vision.onnx,
sam_mask_decoder.onnx, sam_mask_tokens.onnx; `blip … --phases --dump DIR`: vision.onnx, decoder.onnx;
`dump-text-graphs`: clip/model.onnx, minilm/model.onnx) on random inputs of the given shapes, with 2
threads and memory patterns off as Glimpse runs SAM, and prints the milliseconds per run of each operator
type and of the slowest nodes, leaving out the first runs (a session's first runs fault in fresh memory).

    .deps/fixture-venv/bin/python Benchmarks/experiments/profile_graph.py /tmp/samdump/sam_mask_tokens.onnx \
        --input image_embeddings=1,256,64,64 --input input_points=1,32,1,2:1024 --input input_labels=1,32,1:1 \
        --outputs iou_scores_all,hyper_weights

An input is NAME=SHAPE[:VALUE]: floats are standard normal, or uniform in [0, VALUE) with a value; integer
inputs are VALUE (default 1). Profiles are written to the working directory's temporary folder, not kept.
"""
import argparse, collections, json, os, tempfile, time

import numpy as np
import onnxruntime as ort

TYPES = {"tensor(float)": np.float32, "tensor(int64)": np.int64, "tensor(int32)": np.int32}


def feeds_for(session, specs, rng):
    declared = {i.name: i.type for i in session.get_inputs()}
    feeds = {}
    for spec in specs:
        name, rest = spec.split("=", 1)
        shape_text, _, value = rest.partition(":")
        shape = tuple(int(d) for d in shape_text.split(","))
        kind = TYPES[declared[name]]
        if kind is np.float32:
            data = rng.random(shape) * float(value) if value else rng.standard_normal(shape)
        else:
            data = np.full(shape, int(value) if value else 1)
        feeds[name] = data.astype(kind)
    missing = set(declared) - set(feeds)
    if missing:
        raise SystemExit(f"no --input for {sorted(missing)}; the graph takes {declared}")
    return feeds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--input", action="append", default=[], help="NAME=SHAPE[:VALUE], once per input")
    parser.add_argument("--outputs", help="comma-separated outputs to compute (all by default)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.enable_mem_pattern = False
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "profile")
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    feeds = feeds_for(session, args.input, np.random.default_rng(0))
    outputs = args.outputs.split(",") if args.outputs else None

    walls = []
    for _ in range(args.warmup + args.runs):
        start = time.perf_counter()
        session.run(outputs, feeds)
        walls.append((time.perf_counter() - start) * 1000)
    events = json.load(open(session.end_profiling()))
    runs = [e for e in events if e.get("name") == "model_run"]
    cut = runs[args.warmup - 1]["ts"] + runs[args.warmup - 1]["dur"] if args.warmup else 0
    per_node, per_type, shapes = collections.defaultdict(float), collections.defaultdict(float), {}
    for event in events:
        if event.get("cat") != "Node" or not event["name"].endswith("_kernel_time") or event["ts"] <= cut:
            continue
        node, op = event["name"][: -len("_kernel_time")], event["args"]["op_name"]
        milliseconds = event["dur"] / 1000 / args.runs
        per_node[(op, node)] += milliseconds
        per_type[op] += milliseconds
        shapes[node] = [next(iter(s.values())) for s in event["args"].get("output_type_shape", [])]

    print(f"wall ms per run: first {walls[0]:.0f}, warm median {sorted(walls[args.warmup:])[args.runs // 2]:.1f}; "
          f"operators {sum(per_type.values()):.1f} ms per warm run")
    print("by operator type:", ", ".join(f"{op} {ms:.1f}" for op, ms in sorted(per_type.items(), key=lambda x: -x[1])))
    for (op, node), milliseconds in sorted(per_node.items(), key=lambda x: -x[1])[: args.top]:
        print(f"{milliseconds:8.2f}  {op:20s} {node}  -> {shapes.get(node)}")


if __name__ == "__main__":
    main()
