"""SAM's global attention (4096 tokens, 12 heads of 64) four ways in ONNX Runtime, 2 threads: explicit scores with a
relative-position bias, com.microsoft.MultiHeadAttention with the bias as attention_bias, without a bias, and with the
bias folded into wider heads (192: query and key with 64 + 2 x 64 extra columns). Prints the median milliseconds.

    .deps/fixture-venv/bin/python Benchmarks/experiments/global_attention_bias.py
"""
import numpy as np, onnx, onnxruntime as ort, time
from onnx import helper, TensorProto as T
N, H, D = 4096, 12, 64
def sess(nodes, inputs, outputs):
    g = helper.make_graph(nodes, 'g', [helper.make_tensor_value_info(n, T.FLOAT, s) for n, s in inputs],
                          [helper.make_tensor_value_info(o, T.FLOAT, None) for o in outputs])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('com.microsoft', 1)]); m.ir_version = 8
    o = ort.SessionOptions(); o.intra_op_num_threads = 2; o.enable_mem_pattern = False
    return ort.InferenceSession(m.SerializeToString(), o, providers=['CPUExecutionProvider'])
def bench(s, feeds, runs=4):
    out = s.run(None, feeds)[0]
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); s.run(None, feeds); ts.append(time.perf_counter() - t)
    return out, sorted(ts)[len(ts)//2] * 1e3
rng = np.random.default_rng(0)
q = rng.standard_normal((1, N, H*D)).astype(np.float32)
k = rng.standard_normal((1, N, H*D)).astype(np.float32)
v = rng.standard_normal((1, N, H*D)).astype(np.float32)
bias = (rng.standard_normal((1, H, N, N)) * 0.5).astype(np.float32)
scale = 1 / 8.0
c = lambda name, arr: helper.make_node('Constant', [], [name], value=onnx.numpy_helper.from_array(np.array(arr, dtype=np.int64), name))
# (a) explicit
nodes = [c('s1', [1, N, H, D]), c('s2', [1, N, H*D]),
         helper.make_node('Reshape', ['q', 's1'], ['q4']), helper.make_node('Transpose', ['q4'], ['qt'], perm=[0, 2, 1, 3]),
         helper.make_node('Reshape', ['k', 's1'], ['k4']), helper.make_node('Transpose', ['k4'], ['kt'], perm=[0, 2, 3, 1]),
         helper.make_node('Reshape', ['v', 's1'], ['v4']), helper.make_node('Transpose', ['v4'], ['vt'], perm=[0, 2, 1, 3]),
         helper.make_node('Constant', [], ['sc'], value=onnx.numpy_helper.from_array(np.array(scale, np.float32), 'sc')),
         helper.make_node('Mul', ['qt', 'sc'], ['qs']), helper.make_node('MatMul', ['qs', 'kt'], ['sco']),
         helper.make_node('Add', ['sco', 'bias'], ['sb']), helper.make_node('Softmax', ['sb'], ['p'], axis=-1),
         helper.make_node('MatMul', ['p', 'vt'], ['ctx4']), helper.make_node('Transpose', ['ctx4'], ['ctxt'], perm=[0, 2, 1, 3]),
         helper.make_node('Reshape', ['ctxt', 's2'], ['ctx'])]
sa = sess(nodes, [('q', [1, N, H*D]), ('k', [1, N, H*D]), ('v', [1, N, H*D]), ('bias', [1, H, N, N])], ['ctx'])
oa, ta = bench(sa, {'q': q, 'k': k, 'v': v, 'bias': bias})
print('explicit (one bias add), ms', round(ta))
sb = sess([helper.make_node('MultiHeadAttention', ['q', 'k', 'v', '', '', 'bias'], ['ctx'], domain='com.microsoft', num_heads=H, scale=scale)],
          [('q', [1, N, H*D]), ('k', [1, N, H*D]), ('v', [1, N, H*D]), ('bias', [1, H, N, N])], ['ctx'])
ob, tb = bench(sb, {'q': q, 'k': k, 'v': v, 'bias': bias})
print('MHA with attention_bias, ms', round(tb), 'max diff', np.abs(oa - ob).max())
sc_ = sess([helper.make_node('MultiHeadAttention', ['q', 'k', 'v'], ['ctx'], domain='com.microsoft', num_heads=H, scale=scale)],
          [('q', [1, N, H*D]), ('k', [1, N, H*D]), ('v', [1, N, H*D])], ['ctx'])
oc, tc = bench(sc_, {'q': q, 'k': k, 'v': v})
print('MHA without bias, ms', round(tc))
W = 192
q2 = rng.standard_normal((1, N, H*W)).astype(np.float32); k2 = rng.standard_normal((1, N, H*W)).astype(np.float32)
sd = sess([helper.make_node('MultiHeadAttention', ['q', 'k', 'v'], ['ctx'], domain='com.microsoft', num_heads=H, scale=scale)],
          [('q', [1, N, H*W]), ('k', [1, N, H*W]), ('v', [1, N, H*D])], ['ctx'])
od, td = bench(sd, {'q': q2, 'k': k2, 'v': v})
print('MHA width 192, ms', round(td))
