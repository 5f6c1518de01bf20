"""Real sentence embeddings with real structure, for measuring an approximate vector index's recall.

The search benchmarks fill their stores with random unit vectors: latency does not depend on what the
vectors mean, but recall does, and random vectors have no clusters for an inverted file to find. The
one real checkpoint we have is all-MiniLM-L6-v2, and WordNet (installed by scripts/bootstrap) holds
about 117,000 glosses of ordinary English. This embeds every gloss of data.{noun,verb,adj,adv} with
MiniLM (mean pooling, unit length, as sentence-transformers does) and writes them as one raw
little-endian Float32 matrix, rows × 384 (`glosses.f32`), for `inverted_lists_recall.py`. The
queries (`queries.f32`) are 1,000 synsets' lemma names (the "word" side) embedded the same way.

    .deps/fixture-venv/bin/python Benchmarks/experiments/gloss_embeddings.py \
        .deps/test-data/all-MiniLM-L6-v2 /tmp/glosses   # about 5 minutes on 2 cores
"""
import os, sys

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer


def synsets(folder="/usr/share/wordnet"):
    for part in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(folder, "data." + part), encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("  "):
                    continue  # the licence
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                count = int(fields[3], 16)
                words = [fields[4 + 2 * i].replace("_", " ") for i in range(count)]
                yield ", ".join(words), gloss.strip()


def embed(texts, tokenizer, model, batch=256):
    out = np.empty((len(texts), model.config.hidden_size), dtype=np.float32)
    order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            picked = order[start:start + batch]
            encoded = tokenizer([texts[i] for i in picked], padding=True, truncation=True, max_length=64,
                                return_tensors="pt")
            hidden = model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[picked] = torch.nn.functional.normalize(pooled, dim=1).numpy()
            if start // batch % 50 == 0:
                print(f"{start}/{len(texts)}", file=sys.stderr, flush=True)
    return out


def main():
    model_dir, target = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    pairs = list(synsets())
    os.makedirs(target, exist_ok=True)
    embed([gloss for _, gloss in pairs], tokenizer, model).tofile(os.path.join(target, "glosses.f32"))
    rng = np.random.default_rng(7)
    picked = rng.choice(len(pairs), size=1000, replace=False)
    embed([pairs[i][0] for i in picked], tokenizer, model).tofile(os.path.join(target, "queries.f32"))
    print(len(pairs), "glosses,", len(picked), "queries, dimension", model.config.hidden_size)


if __name__ == "__main__":
    main()
