"""How much of a matrix an inverted file (IVF) must read to find the exact nearest rows, on real embeddings.

Exact search scans an int8 copy of every row first (a quarter of the fp32 bytes) and rescores a proven
shortlist, so it is exact and costs one pass over `rows × dimension` bytes. An inverted file reads only
the rows of the lists whose centroids score best with the query; it pays only if it reads a small share
of the rows at a recall a search can live with. Random vectors (the latency benchmarks' stores) have no
clusters, so this measures it on the one real embedding model we have: MiniLM over WordNet's glosses
(`gloss_embeddings.py`), queried with lemma names.

Flat spherical k-means (√rows lists, 20 rounds on a sample of 256 rows per list, random initial rows):
the usual way to train an IVF, and a better partition than a cheaper two-level one. For each number of
lists read, prints recall@10 and recall@200 of the exact top k and the share of rows read.

    .deps/fixture-venv/bin/python Benchmarks/experiments/gloss_embeddings.py .deps/test-data/all-MiniLM-L6-v2 /tmp/glosses
    .deps/fixture-venv/bin/python Benchmarks/experiments/inverted_lists_recall.py /tmp/glosses
"""
import sys

import numpy as np


def main():
    folder = sys.argv[1]
    rows = np.fromfile(f"{folder}/glosses.f32", dtype=np.float32).reshape(-1, 384)
    queries = np.fromfile(f"{folder}/queries.f32", dtype=np.float32).reshape(-1, 384)[:300]
    count = len(rows)
    lists = int(np.sqrt(count))
    rng = np.random.default_rng(0)
    centroids = rows[rng.choice(count, lists, replace=False)].copy()
    sample = rows[rng.choice(count, min(count, 256 * lists), replace=False)]
    for _ in range(20):
        nearest = np.argmax(sample @ centroids.T, 1)
        for index in range(lists):
            members = sample[nearest == index]
            if len(members):
                centroids[index] = members.sum(0)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    assignment = np.argmax(rows @ centroids.T, 1)
    sizes = np.bincount(assignment, minlength=lists)
    scores = rows @ queries.T
    print(f"{count} rows, {lists} lists (sizes {sizes.min()}–{sizes.max()}), {len(queries)} queries")
    print("lists read | share of rows | recall@10 | recall@200")
    for read in (8, 15, 29, 58, 115):
        recalls = {10: [], 200: []}
        shares = []
        for column, query in enumerate(queries):
            chosen = np.argsort(-(centroids @ query))[:read]
            candidates = np.where(np.isin(assignment, chosen))[0]
            shares.append(len(candidates) / count)
            for k in recalls:
                truth = set(np.argsort(-scores[:, column])[:k])
                found = set(candidates[np.argsort(-scores[candidates, column])[:k]])
                recalls[k].append(len(truth & found) / k)
        print(f"{read} | {np.mean(shares):.3f} | {np.mean(recalls[10]):.3f} | {np.mean(recalls[200]):.3f}")


if __name__ == "__main__":
    main()
