"""The fp32 throughput ONNX Runtime reaches on this machine: one MatMul of each shape, 2 threads, warm runs.

The ceiling the model benchmarks are compared with in BENCHMARKS.md ("what the targets ask of the machine").

    .deps/fixture-venv/bin/python Benchmarks/experiments/sgemm_peak.py
"""
import numpy as np, onnx, onnxruntime as ort, time
from onnx import helper, TensorProto as T, numpy_helper
for (M,K,N) in [(2048,2048,2048),(4096,768,3072),(577*4,768,3072)]:
    w = numpy_helper.from_array(np.random.randn(K,N).astype(np.float32),'w')
    g = helper.make_graph([helper.make_node('MatMul',['x','w'],['y'])],'g',
        [helper.make_tensor_value_info('x',T.FLOAT,[M,K])],[helper.make_tensor_value_info('y',T.FLOAT,None)],[w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('',17)]); m.ir_version=8
    o = ort.SessionOptions(); o.intra_op_num_threads=2
    s = ort.InferenceSession(m.SerializeToString(), o, providers=['CPUExecutionProvider'])
    x = np.random.randn(M,K).astype(np.float32)
    io=s.io_binding(); io.bind_cpu_input('x',x); yv=ort.OrtValue.ortvalue_from_numpy(np.empty((M,N),np.float32)); io.bind_ortvalue_output('y',yv)
    for _ in range(3): s.run_with_iobinding(io)
    ts=[]
    for _ in range(10):
        t=time.perf_counter(); s.run_with_iobinding(io); ts.append(time.perf_counter()-t)
    t=sorted(ts)[0]; tm=sorted(ts)[5]
    print(M,K,N, 'best %.1f ms  %.0f GFLOP/s; median %.0f GFLOP/s' % (t*1e3, 2*M*K*N/t/1e9, 2*M*K*N/tm/1e9))
