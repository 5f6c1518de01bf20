"""What 8-bit weights would save the two query encoders of a search: one query at a time.

A search encodes one short query with CLIP's text tower and with MiniLM; at batch 1 their matrix
products read every weight once per query, so 8-bit weights could pay where batch throughput
(minilm_int8.py) says they barely do. This runs Glimpse's own graphs (written by
`GlimpseBenchmarks dump-text-graphs`), their packed Q/K/V and Gemm weights unfolded into MatMuls that
ONNX Runtime's quantizers take, as: fp32 (Glimpse's graph and the unfolded one), dynamic int8
(`DynamicQuantizeMatMul`, with and without `QAttention`) and weight-only 8-bit `MatMulNBits` (int8
compute, blocks of 32 and 128). Two threads, no spinning, variants alternating; medians of 180 runs of
one query, twice. Cosine with fp32: MiniLM (real weights) over 300 sentences; CLIP (random weights:
only time means something) over 7 random queries.

    swift build -c release --product GlimpseBenchmarks --scratch-path .build-bench
    .build-bench/release/GlimpseBenchmarks dump-text-graphs .bench/models/clip-vit-b32 \
        .deps/test-data/all-MiniLM-L6-v2 /tmp/text-graphs
    .deps/fixture-venv/bin/python Benchmarks/experiments/query_encoders_int8.py /tmp/text-graphs \
        .deps/test-data/all-MiniLM-L6-v2
"""
import os, shutil, sys, time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
from transformers import BertTokenizerFast

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from sentence_peer import sentences  # noqa: E402


def unfolded(source, target):
    """Folds constant Concat/Transpose (the packed Q/K/V weights) and turns Gemm(transB) into MatMul + Add."""
    model = onnx.load(source)
    graph = model.graph
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes = []
    for node in graph.node:
        if node.op_type == "Concat" and all(i in values for i in node.input):
            values[node.output[0]] = np.concatenate([values[i] for i in node.input], axis=node.attribute[0].i)
        elif node.op_type == "Transpose" and node.input[0] in values:
            values[node.output[0]] = np.ascontiguousarray(values[node.input[0]].T)
        elif node.op_type == "Gemm" and node.input[1] in values:
            weight = node.input[1] + "_T"
            values[weight] = np.ascontiguousarray(values[node.input[1]].T)
            if len(node.input) < 3 or not node.input[2]:
                nodes.append(helper.make_node("MatMul", [node.input[0], weight], [node.output[0]]))
            else:
                product = node.output[0] + "_product"
                nodes.append(helper.make_node("MatMul", [node.input[0], weight], [product]))
                nodes.append(helper.make_node("Add", [product, node.input[2]], [node.output[0]]))
        else:
            nodes.append(node)
    used = {name for node in nodes for name in node.input}
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in values.items() if k in used)
    onnx.save(model, target)


def variants(folder, name):
    """Glimpse's graph and its quantized variants, written next to it."""
    # ONNX's loader refuses external data behind a hard link (how dump-text-graphs places the weights).
    weights = os.path.join(folder, name, "model.safetensors")
    if os.stat(weights).st_nlink > 1:
        shutil.copyfile(weights, weights + ".copy")
        os.replace(weights + ".copy", weights)
    ours = os.path.join(folder, name, "model.onnx")
    plain = os.path.join(folder, f"{name}-unfolded.onnx")
    unfolded(ours, plain)
    paths = {"fp32 (Glimpse's graph)": ours, "fp32 unfolded": plain}
    options = {"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT}
    for label, ops in [("dynamic int8 + QAttention", ["MatMul", "Attention"]), ("dynamic int8", ["MatMul"])]:
        paths[label] = os.path.join(folder, f"{name}-{'-'.join(ops)}.onnx")
        quantize_dynamic(plain, paths[label], weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=ops,
                         extra_options=options)
    for block in [32, 128]:
        quantizer = MatMulNBitsQuantizer(onnx.load(plain), bits=8, block_size=block, is_symmetric=True, accuracy_level=4)
        quantizer.process()
        paths[f"MatMulNBits 8-bit, block {block}"] = os.path.join(folder, f"{name}-nbits-{block}.onnx")
        quantizer.model.save_model_to_file(paths[f"MatMulNBits 8-bit, block {block}"], use_external_data_format=False)
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = 2, 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return {label: ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]) for label, path in paths.items()}


def medians(sessions, feeds, runs=200, warm=20):
    times = {label: [] for label in sessions}
    for run in range(runs):
        feed = feeds[run % len(feeds)]
        for label, session in sessions.items():
            start = time.perf_counter()
            session.run(None, feed)
            times[label].append((time.perf_counter() - start) * 1e3)
    return {label: float(np.median(t[warm:])) for label, t in times.items()}


def main():
    folder, minilm_folder = sys.argv[1], sys.argv[2]
    tokenizer = BertTokenizerFast.from_pretrained(minilm_folder)
    texts = sentences(300)
    inputs = ["input_ids", "attention_mask", "token_type_ids"]

    def batch(items):
        encoded = tokenizer(items, padding=True, return_tensors="np")
        return {name: encoded[name].astype(np.int64) for name in inputs}

    minilm = variants(folder, "minilm")
    reference = minilm["fp32 (Glimpse's graph)"].run(["sentence_embedding"], batch(texts))[0]
    cosines = {label: (s.run(["sentence_embedding"], batch(texts))[0] * reference).sum(1) for label, s in minilm.items()}
    for round in range(2):
        for label, ms in medians(minilm, [batch([t]) for t in texts[:20]]).items():
            print(f"MiniLM  {label:28s} {ms:6.2f} ms   cosine min {cosines[label].min():.5f} mean {cosines[label].mean():.5f}")

    clip = variants(folder, "clip")
    rng = np.random.default_rng(0)
    feeds = [{"input_ids": rng.integers(0, 49000, (1, n)).astype(np.int64)} for n in [8, 10, 12, 14, 9, 11, 13]]
    reference = [clip["fp32 (Glimpse's graph)"].run(None, f)[0] for f in feeds]
    low = {label: min(float((s.run(None, f)[0] * r).sum()) for f, r in zip(feeds, reference)) for label, s in clip.items()}
    for round in range(2):
        for label, ms in medians(clip, feeds).items():
            print(f"CLIP    {label:28s} {ms:6.2f} ms   cosine min {low[label]:.5f} (random weights)")


if __name__ == "__main__":
    main()
