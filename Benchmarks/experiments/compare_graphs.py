"""Two or more versions of one of Glimpse's dumped graphs, run alternately in one process: their outputs'
largest difference from the first and the median milliseconds of each (2 threads, memory patterns off).

    .deps/fixture-venv/bin/python Benchmarks/experiments/compare_graphs.py blip-vision OLD/vision.onnx NEW/vision.onnx [--batch 4]
    .deps/fixture-venv/bin/python Benchmarks/experiments/compare_graphs.py blip-decoder OLD/decoder.onnx NEW/decoder.onnx
    .deps/fixture-venv/bin/python Benchmarks/experiments/compare_graphs.py sam-tokens OLD/sam_mask_tokens.onnx NEW/sam_mask_tokens.onnx
    .deps/fixture-venv/bin/python Benchmarks/experiments/compare_graphs.py sam-vision OLD/sam_vision.onnx NEW/sam_vision.onnx --rounds 6

Graphs come from `GlimpseBenchmarks blip … --phases --dump DIR` and `GlimpseBenchmarks sam … --dump DIR`, built
from the two commits compared. `--transpose-gemms OUT.onnx` instead writes a copy of the one graph given with
every `Gemm(x, W, b, transB=1)` over a stored weight computed as `(W·xᵀ)ᵀ + b` (the weight as the left side of
a `MatMul`), the variant BENCHMARKS.md's 2026-12-05 section measured for BLIP's decoding steps.
"""
import argparse, time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper


def blip_vision(args, rng):
    yield f"batch {args.batch}", {"pixel_values": rng.standard_normal((args.batch, 3, 384, 384)).astype(np.float32)}


def blip_decoder(args, rng):
    past = 10
    for rows, images in ((1, 1), (3, 1), (16, 16), (24, 8)):
        embeddings = rng.standard_normal((images, 577, 768)).astype(np.float32)
        feeds = {"input_ids": np.full((rows, 1), 5, np.int64), "attention_mask": np.ones((rows, past + 1), np.int64),
                 "image_embeds": embeddings, "image_embeds_t": np.ascontiguousarray(embeddings.transpose(0, 2, 1))}
        for layer in range(12):
            for kind in ("key", "value"):
                feeds[f"past_{kind}_{layer}"] = rng.standard_normal((rows, 12, past, 64)).astype(np.float32)
        yield f"{rows} rows, {images} images", feeds


def sam_tokens(args, rng):
    yield f"{args.prompts} prompts", {
        "image_embeddings": rng.standard_normal((1, 256, 64, 64)).astype(np.float32),
        "input_points": (rng.random((1, args.prompts, 1, 2)) * 1024).astype(np.float32),
        "input_labels": np.ones((1, args.prompts, 1), np.int64)}


def sam_vision(args, rng):
    yield "one image", {"pixel_values": rng.standard_normal((1, 3, 1024, 1024)).astype(np.float32)}


CASES = {"blip-vision": blip_vision, "blip-decoder": blip_decoder, "sam-tokens": sam_tokens, "sam-vision": sam_vision}


def transpose_gemms(source, destination):
    model = onnx.load(source, load_external_data=False)
    stored = {initializer.name for initializer in model.graph.initializer}
    nodes, count = [], 0
    for node in model.graph.node:
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if (node.op_type == "Gemm" and node.input[1] in stored and attributes.get("transB") == 1
                and not attributes.get("transA") and attributes.get("alpha", 1.0) == 1.0 and attributes.get("beta", 1.0) == 1.0):
            x, weight, out = node.input[0], node.input[1], node.output[0]
            bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
            stem = node.name or out
            nodes.append(helper.make_node("Transpose", [x], [f"{stem}_xT"], perm=[1, 0]))
            nodes.append(helper.make_node("MatMul", [weight, f"{stem}_xT"], [f"{stem}_yT"]))
            nodes.append(helper.make_node("Transpose", [f"{stem}_yT"], [f"{stem}_y" if bias else out], perm=[1, 0]))
            if bias:
                nodes.append(helper.make_node("Add", [f"{stem}_y", bias], [out]))
            count += 1
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, destination)  # external data keeps pointing at the same checkpoint, so write it beside the source
    print(f"{count} Gemms rewritten into {destination}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("graphs", nargs="+")
    parser.add_argument("--batch", type=int, default=1, help="blip-vision: images per run")
    parser.add_argument("--prompts", type=int, default=32, help="sam-tokens: prompts per run")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--transpose-gemms", metavar="OUT")
    args = parser.parse_args()
    if args.transpose_gemms:
        transpose_gemms(args.graphs[0], args.transpose_gemms)
        return

    def session(path):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        options.enable_mem_pattern = False
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    sessions = [session(path) for path in args.graphs]
    for label, feeds in CASES[args.case](args, np.random.default_rng(0)):
        outputs = [s.run(None, feeds) for s in sessions]
        differences = [max(float(np.abs(a - b).max()) for a, b in zip(outputs[0], other)) for other in outputs[1:]]
        times = [[] for _ in sessions]
        for _ in range(args.rounds):
            for index, s in enumerate(sessions):
                start = time.perf_counter()
                s.run(None, feeds)
                times[index].append((time.perf_counter() - start) * 1000)
        medians = ", ".join(f"{sorted(t)[len(t) // 2]:.1f}" for t in times)
        print(f"{label}: median ms {medians}; largest difference from the first {', '.join(f'{d:.1e}' for d in differences)}")


if __name__ == "__main__":
    main()
