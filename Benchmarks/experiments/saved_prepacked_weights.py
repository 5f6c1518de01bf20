"""One graph's weights packed at every load (ONNX Runtime's default), packed once and saved beside an optimized copy
of the graph (`session.save_external_prepacked_constant_initializers`, then mapped from that file at load), or not
packed at all (`session.disable_prepacking`). Prints the load time, the process's own memory (RssAnon) and file
pages (RssFile) after loading, the first run and the median of five more, one way per process:

    python saved_prepacked_weights.py save GRAPH OUT_DIR      # writes OUT_DIR/opt.onnx and OUT_DIR/opt.data
    python saved_prepacked_weights.py load GRAPH [--no-prepack]

GRAPH is a graph that `GlimpseBenchmarks blip … --dump DIR` or `sam … --dump DIR` wrote (`vision.onnx`,
`sam_vision.onnx`); `load OUT_DIR/opt.onnx` loads the saved copy. Inputs are random, with every named dimension 1.
ONNX Runtime warns that the saved copy holds optimizations for this CPU only.
"""
import os, sys, time

import numpy as np
import onnxruntime as ort


def own_and_file_megabytes():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return int(fields["RssAnon"].split()[0]) // 1024, int(fields["RssFile"].split()[0]) // 1024


def options(prepacking=True):
    chosen = ort.SessionOptions()
    chosen.intra_op_num_threads = 2
    chosen.inter_op_num_threads = 1
    if not prepacking:
        chosen.add_session_config_entry("session.disable_prepacking", "1")
    return chosen


def save(graph, folder):
    chosen = options()
    chosen.optimized_model_filepath = os.path.join(folder, "opt.onnx")
    chosen.add_session_config_entry("session.optimized_model_external_initializers_file_name", "opt.data")
    chosen.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    chosen.add_session_config_entry("session.save_external_prepacked_constant_initializers", "1")
    start = time.perf_counter()
    ort.InferenceSession(graph, sess_options=chosen, providers=["CPUExecutionProvider"])
    print(f"saved in {time.perf_counter() - start:.2f} s")


def load(graph, prepacking):
    own_before, file_before = own_and_file_megabytes()
    start = time.perf_counter()
    session = ort.InferenceSession(graph, sess_options=options(prepacking), providers=["CPUExecutionProvider"])
    loading = time.perf_counter() - start
    own, file = own_and_file_megabytes()
    generator = np.random.default_rng(0)
    feeds = {value.name: generator.standard_normal([d if isinstance(d, int) else 1 for d in value.shape]).astype(np.float32)
             for value in session.get_inputs()}
    times = []
    for _ in range(6):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append(time.perf_counter() - start)
    print(f"{graph}{'' if prepacking else ' (no prepacking)'}: load {loading:.2f} s, own memory +{own - own_before} MB, "
          f"file pages +{file - file_before} MB, first run {times[0] * 1000:.0f} ms, median of 5 {sorted(times[1:])[2] * 1000:.0f} ms")


if __name__ == "__main__":
    if sys.argv[1] == "save":
        save(sys.argv[2], sys.argv[3])
    else:
        load(sys.argv[2], prepacking="--no-prepack" not in sys.argv)
