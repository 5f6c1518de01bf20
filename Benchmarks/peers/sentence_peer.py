"""Peers for Glimpse's sentence benchmark: all-MiniLM-L6-v2 embeddings per second (tokenizer, encoder,
mean pooling, normalisation; batches of 64 sorted by length as sentence-transformers makes them), the
same sentences and thread count, in PyTorch +
transformers (what sentence-transformers runs) and in ONNX Runtime on PyTorch's export.

    python sentence_peer.py MODEL_DIR [--threads 2] [--count 1000]
"""
import argparse, json, os, tempfile, time

import numpy as np
import onnxruntime as ort
import torch
from transformers import BertModel, BertTokenizerFast

SUBJECTS = ["a black cat", "two small dogs", "an old man", "a red bicycle", "a wooden boat", "three children"]
VERBS = ["sitting on", "running across", "leaning against", "lying next to", "looking at"]
PLACES = ["a sunny beach near the sea", "a crowded street at night", "a green field with flowers",
          "the kitchen table in the morning", "a snowy mountain road"]
TIMES = ["in the late afternoon", "under a cloudy grey sky", "on a cold winter day", "at dawn"]


def sentences(count):
    """About 16 tokens each with [CLS] and [SEP], as issue 8 asks."""
    return [f"{SUBJECTS[i % 6]} {VERBS[(i // 6) % 5]} {PLACES[(i // 30) % 5]} {TIMES[i % 4]}" for i in range(count)]


def by_length(texts, tokenizer):
    """The texts longest first, as sentence-transformers' encode() batches them (less padding)."""
    return sorted(texts, key=lambda text: -len(tokenizer.tokenize(text)))


def pooled(states, mask):
    mask = mask[..., None].astype(np.float32)
    summed = (states * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
    return summed / np.clip(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12, None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tokenizer = BertTokenizerFast.from_pretrained(args.model_dir)
    model = BertModel.from_pretrained(args.model_dir).eval()
    texts = sentences(args.count)
    result = {"threads": args.threads, "sentences": args.count}

    def torch_run(batch_texts):
        batch = tokenizer(batch_texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
        with torch.inference_mode():
            states = model(**batch).last_hidden_state
        return pooled(states.numpy(), batch["attention_mask"].numpy())

    torch_run(texts[:64])
    start = time.perf_counter()
    ordered = by_length(texts, tokenizer)
    for i in range(0, len(ordered), 64):
        torch_run(ordered[i:i + 64])
    result["torch_sentences_per_second"] = args.count / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "minilm.onnx")
        sample = tokenizer(texts[:2], padding=True, return_tensors="pt")
        torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]), path,
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["states"],
                          dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ["input_ids", "attention_mask", "token_type_ids"]},
                          opset_version=17, dynamo=False)
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

        def ort_run(batch_texts):
            batch = tokenizer(batch_texts, padding=True, truncation=True, max_length=256, return_tensors="np")
            feed = {name: batch[name].astype(np.int64) for name in ["input_ids", "attention_mask", "token_type_ids"]}
            return pooled(session.run(None, feed)[0], batch["attention_mask"])

        ort_run(texts[:64])
        start = time.perf_counter()
        ordered = by_length(texts, tokenizer)
        for i in range(0, len(ordered), 64):
            ort_run(ordered[i:i + 64])
        result["ort_sentences_per_second"] = args.count / (time.perf_counter() - start)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
