/// The standard ONNX operators (opset 17) that model graphs use, named as in the ONNX specification.
extension GraphBuilder {
    public func add(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("Add", a, b) }
    public func sub(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("Sub", a, b) }
    public func mul(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("Mul", a, b) }
    public func div(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("Div", a, b) }
    public func matMul(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("MatMul", a, b) }
    public func sigmoid(_ x: GraphValue) -> GraphValue { op("Sigmoid", x) }
    public func tanh(_ x: GraphValue) -> GraphValue { op("Tanh", x) }
    public func relu(_ x: GraphValue) -> GraphValue { op("Relu", x) }
    public func erf(_ x: GraphValue) -> GraphValue { op("Erf", x) }
    public func sqrt(_ x: GraphValue) -> GraphValue { op("Sqrt", x) }
    public func identity(_ x: GraphValue) -> GraphValue { op("Identity", x) }

    /// `alpha · A · Bᵀ + beta · C` with `transB`; Hugging Face `Linear` weights are `[out, in]`, so use `transB: true`.
    public func gemm(_ a: GraphValue, _ b: GraphValue, _ c: GraphValue?, transB: Bool = false) -> GraphValue {
        op("Gemm", a, b, c, attributes: transB ? ["transB": 1] : [:])
    }

    public func softmax(_ x: GraphValue, axis: Int = -1) -> GraphValue {
        op("Softmax", x, attributes: ["axis": .int(axis)])
    }

    public func transpose(_ x: GraphValue, permutation: [Int]) -> GraphValue {
        op("Transpose", x, attributes: ["perm": .ints(permutation)])
    }

    /// Reshape to a fixed shape; 0 copies the input's dimension, -1 is inferred.
    public func reshape(_ x: GraphValue, _ shape: [Int64]) -> GraphValue {
        op("Reshape", x, constant(shape))
    }

    /// Reshape to a shape computed in the graph (an int64 vector).
    public func reshape(_ x: GraphValue, shape: GraphValue) -> GraphValue {
        op("Reshape", x, shape)
    }

    /// The shape of `x` as an int64 vector, optionally only dimensions `start..<end`.
    public func shape(_ x: GraphValue, start: Int? = nil, end: Int? = nil) -> GraphValue {
        var attributes: [String: ONNXAttribute.Value] = [:]
        if let start { attributes["start"] = .int(start) }
        if let end { attributes["end"] = .int(end) }
        return op("Shape", x, attributes: attributes)
    }

    public func concat(_ values: [GraphValue], axis: Int) -> GraphValue {
        node("Concat", values, attributes: ["axis": .int(axis)])[0]
    }

    public func gather(_ x: GraphValue, indices: GraphValue, axis: Int = 0) -> GraphValue {
        op("Gather", x, indices, attributes: ["axis": .int(axis)])
    }

    public func unsqueeze(_ x: GraphValue, axes: [Int64]) -> GraphValue {
        op("Unsqueeze", x, constant(axes))
    }

    public func squeeze(_ x: GraphValue, axes: [Int64]) -> GraphValue {
        op("Squeeze", x, constant(axes))
    }

    /// `x[starts:ends]` along `axes` (ends may be `Int64.max`).
    public func slice(_ x: GraphValue, starts: [Int64], ends: [Int64], axes: [Int64], steps: [Int64]? = nil) -> GraphValue {
        op("Slice", x, constant(starts), constant(ends), constant(axes), steps.map { constant($0) })
    }

    public func cast(_ x: GraphValue, to elementType: TensorElementType) -> GraphValue {
        op("Cast", x, attributes: ["to": .int(Int(elementType.rawValue))])
    }

    /// Layer normalisation over the last axis (ONNX `LayerNormalization`, opset 17).
    public func layerNorm(_ x: GraphValue, scale: GraphValue, bias: GraphValue?, epsilon: Float) -> GraphValue {
        op("LayerNormalization", x, scale, bias, attributes: ["axis": -1, "epsilon": .float(epsilon)])
    }

    /// Exact GELU: `0.5 · x · (1 + erf(x / √2))`.
    public func gelu(_ x: GraphValue) -> GraphValue {
        let inner = erf(mul(x, scalar(Float(0.5.squareRoot()))))
        return mul(mul(x, scalar(0.5)), add(inner, scalar(1)))
    }

    /// GELU with the tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
    public func geluTanh(_ x: GraphValue) -> GraphValue {
        let cube = mul(mul(x, x), x)
        let inner = mul(add(x, mul(cube, scalar(0.044715))), scalar(Float((2.0 / Double.pi).squareRoot())))
        return mul(mul(x, scalar(0.5)), add(tanh(inner), scalar(1)))
    }

    /// CLIP's `quick_gelu`: `x · sigmoid(1.702 · x)`.
    public func quickGelu(_ x: GraphValue) -> GraphValue {
        mul(x, sigmoid(mul(x, scalar(1.702))))
    }
}

/// Reductions and element-wise extremes.
extension GraphBuilder {
    /// Sum over `axes` (opset 13+: axes as an input).
    public func reduceSum(_ x: GraphValue, axes: [Int64], keepDims: Bool) -> GraphValue {
        op("ReduceSum", x, constant(axes), attributes: ["keepdims": .int(keepDims ? 1 : 0)])
    }

    public func max(_ a: GraphValue, _ b: GraphValue) -> GraphValue { op("Max", a, b) }

    /// `x / max(‖x‖₂, epsilon)` along the last axis, as `torch.nn.functional.normalize`.
    public func l2Normalize(_ x: GraphValue, epsilon: Float = 1e-12) -> GraphValue {
        let norm = sqrt(reduceSum(mul(x, x), axes: [-1], keepDims: true))
        return div(x, max(norm, scalar(epsilon)))
    }
}
