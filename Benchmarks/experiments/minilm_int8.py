"""What int8 would cost all-MiniLM-L6-v2 (real weights): speed and agreement with fp32.

ONNX Runtime's own quantizers on PyTorch's export of the model, in ONNX Runtime with 2 threads:
dynamic int8 (`DynamicQuantizeMatMul`: int8 weights per output channel, activations quantized per
tensor at run time), the same without the MLP's down projections, and 8-bit weight-only `MatMulNBits`
(blocks of 32, int8 compute). Prints sentences per second (1,000 sentences of about 16 tokens, batches of
64 longest first, alternating the variants) and the cosine of each variant's embeddings with fp32's.

    .deps/fixture-venv/bin/python Benchmarks/experiments/minilm_int8.py .deps/test-data/all-MiniLM-L6-v2
"""
import os, sys, tempfile, time

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
from transformers import BertModel, BertTokenizerFast

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from sentence_peer import by_length, pooled, sentences  # noqa: E402

INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def export(model, tokenizer, path):
    sample = tokenizer(["a cat", "two dogs on a couch"], padding=True, return_tensors="pt")
    torch.onnx.export(model, tuple(sample[name] for name in INPUTS), path, input_names=INPUTS, output_names=["states"],
                      dynamic_axes={name: {0: "batch", 1: "tokens"} for name in INPUTS}, opset_version=17, dynamo=False)


def variants(fp32, folder):
    paths = {"fp32": fp32}
    down = [node.name for node in onnx.load(fp32).graph.node
            if node.op_type == "MatMul" and "/output/dense/" in node.name and "attention" not in node.name]
    for name, excluded in [("dynamic int8", []), ("dynamic int8, fp32 MLP down", down)]:
        paths[name] = os.path.join(folder, name.replace(" ", "_").replace(",", "") + ".onnx")
        quantize_dynamic(fp32, paths[name], weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"],
                         nodes_to_exclude=excluded, extra_options={"MatMulConstBOnly": True})
    quantizer = MatMulNBitsQuantizer(onnx.load(fp32), bits=8, block_size=32, is_symmetric=True, accuracy_level=4)
    quantizer.process()
    paths["MatMulNBits 8-bit"] = os.path.join(folder, "nbits8.onnx")
    quantizer.model.save_model_to_file(paths["MatMulNBits 8-bit"], use_external_data_format=False)
    return paths


def main():
    model_dir = sys.argv[1]
    tokenizer = BertTokenizerFast.from_pretrained(model_dir)
    texts = sentences(1000)
    ordered = by_length(texts, tokenizer)
    with tempfile.TemporaryDirectory() as folder:
        fp32 = os.path.join(folder, "fp32.onnx")
        export(BertModel.from_pretrained(model_dir).eval(), tokenizer, fp32)
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = 2, 1
        sessions = {name: ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
                    for name, path in variants(fp32, folder).items()}

        def embed(session, batch_texts):
            batch = tokenizer(batch_texts, padding=True, truncation=True, max_length=256, return_tensors="np")
            return pooled(session.run(None, {name: batch[name].astype(np.int64) for name in INPUTS})[0], batch["attention_mask"])

        rates = {name: [] for name in sessions}
        for _ in range(3):
            for name, session in sessions.items():
                embed(session, texts[:64])
                start = time.perf_counter()
                for i in range(0, len(ordered), 64):
                    embed(session, ordered[i:i + 64])
                rates[name].append(len(texts) / (time.perf_counter() - start))
        reference = embed(sessions["fp32"], texts[:300])
        for name, session in sessions.items():
            cosine = (reference * embed(session, texts[:300])).sum(1)
            print(f"{name:30s} sentences/s {', '.join(f'{r:.0f}' for r in rates[name])}   "
                  f"cosine with fp32: min {cosine.min():.5f} mean {cosine.mean():.5f}")


if __name__ == "__main__":
    main()
