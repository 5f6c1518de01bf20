"""SAM's encoder, then its two-way transformer, in one fresh process: with an ONNX Runtime arena per session, or
one arena registered with the environment and shared (`session.use_env_allocators`), as Glimpse's sessions now
share. Prints each run's time (the first runs meet fresh memory) and the process's peak resident memory. Start a
fresh process for each way, with glibc's huge pages as `glimpse` starts itself:

    for way in own shared own shared; do GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \\
        .deps/fixture-venv/bin/python Benchmarks/experiments/shared_arena.py DIR $way; done

DIR holds `sam_vision.onnx` and `sam_mask_tokens.onnx` from `GlimpseBenchmarks sam MODEL --dump DIR`.
"""
import resource, sys, time

import numpy as np
import onnxruntime as ort


def main():
    folder, way = sys.argv[1], sys.argv[2]
    if way == "shared":
        memory = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
        ort.create_and_register_allocator(memory, ort.OrtArenaCfg(0, -1, -1, -1))

    def session(name):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        options.enable_mem_pattern = False
        options.add_session_config_entry("session.force_spinning_stop", "1")
        if way == "shared":
            options.add_session_config_entry("session.use_env_allocators", "1")
        return ort.InferenceSession(f"{folder}/{name}", options, providers=["CPUExecutionProvider"])

    vision, tokens = session("sam_vision.onnx"), session("sam_mask_tokens.onnx")
    rng = np.random.default_rng(0)
    pixels = rng.standard_normal((1, 3, 1024, 1024)).astype(np.float32)
    line = []
    for _ in range(2):
        start = time.perf_counter()
        embedding = vision.run(None, {"pixel_values": pixels})[0]
        line.append(f"encoder {time.perf_counter() - start:.2f} s")
        for _ in range(4):
            points = (rng.random((1, 32, 1, 2)) * 1024).astype(np.float32)
            start = time.perf_counter()
            tokens.run(["iou_scores_all", "image_state", "hyper_weights"],
                       {"image_embeddings": embedding, "input_points": points, "input_labels": np.ones((1, 32, 1), np.int64)})
            line.append(f"tokens {(time.perf_counter() - start) * 1000:.0f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{way}: {', '.join(line)}; peak {peak} MB")


if __name__ == "__main__":
    main()
