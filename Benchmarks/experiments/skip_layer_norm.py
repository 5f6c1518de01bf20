"""Add + LayerNormalization against com.microsoft.SkipLayerNormalization on SAM's image state ([32, 4096, 256]), with
the residual the same shape and broadcast from [1, 4096, 256]; outputs bound in place, 2 threads, median milliseconds.

ONNX Runtime's optimizer fuses an Add + LayerNormalization of two equal 3-D tensors into SkipLayerNormalization by
itself, so the pair is also timed with the optimizer off. None of Glimpse's graphs is fused this way (their
activations are 2-D or 4-D; checked on the dumped graphs with `optimized_model_filepath`).

    .deps/fixture-venv/bin/python Benchmarks/experiments/skip_layer_norm.py
"""
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto as T, helper

OPTIMIZED, UNOPTIMIZED = ort.GraphOptimizationLevel.ORT_ENABLE_ALL, ort.GraphOptimizationLevel.ORT_DISABLE_ALL


def session(kind, skip_shape, level):
    inputs = [helper.make_tensor_value_info('x', T.FLOAT, [32, 4096, 256]), helper.make_tensor_value_info('s', T.FLOAT, skip_shape)]
    output = helper.make_tensor_value_info('y', T.FLOAT, None)
    gamma = helper.make_tensor('g', T.FLOAT, [256], np.linspace(0.5, 1.5, 256).astype(np.float32))
    beta = helper.make_tensor('b', T.FLOAT, [256], np.linspace(-1, 1, 256).astype(np.float32))
    if kind == 'skip':
        nodes = [helper.make_node('SkipLayerNormalization', ['x', 's', 'g', 'b'], ['y'], domain='com.microsoft', epsilon=1e-6)]
    else:
        nodes = [helper.make_node('Add', ['x', 's'], ['t']),
                 helper.make_node('LayerNormalization', ['t', 'g', 'b'], ['y'], axis=-1, epsilon=1e-6)]
    model = helper.make_model(helper.make_graph(nodes, 'g', inputs, [output], [gamma, beta]),
                              opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('com.microsoft', 1)])
    model.ir_version = 8
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.enable_mem_pattern = False
    options.graph_optimization_level = level
    return ort.InferenceSession(model.SerializeToString(), options, providers=['CPUExecutionProvider'])


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4096, 256)).astype(np.float32)
    for skip_shape in ([32, 4096, 256], [1, 4096, 256]):
        s = rng.standard_normal(skip_shape).astype(np.float32)
        results = {}
        for label, kind, level in [('Add + LayerNormalization, optimizer on', 'add', OPTIMIZED),
                                   ('Add + LayerNormalization, optimizer off', 'add', UNOPTIMIZED),
                                   ('SkipLayerNormalization', 'skip', OPTIMIZED)]:
            sess = session(kind, skip_shape, level)
            binding = sess.io_binding()
            binding.bind_cpu_input('x', x)
            binding.bind_cpu_input('s', s)
            y = np.empty_like(x)
            binding.bind_ortvalue_output('y', ort.OrtValue.ortvalue_from_numpy(y))
            sess.run_with_iobinding(binding)
            times = []
            for _ in range(8):
                start = time.perf_counter()
                sess.run_with_iobinding(binding)
                times.append(time.perf_counter() - start)
            results[label] = y.copy()
            print(f'residual {skip_shape}: {label}: {sorted(times)[4] * 1e3:.1f} ms')
        reference = next(iter(results.values()))
        print('  largest difference between them:', max(float(np.abs(r - reference).max()) for r in results.values()))


if __name__ == '__main__':
    main()
