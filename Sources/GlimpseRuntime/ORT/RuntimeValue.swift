/// A tensor left in ONNX Runtime's memory by ``InferenceSession/runKeeping(_:values:outputs:)``:
/// it can be fed to another run without a copy, read in place, or copied into a ``Tensor``.
///
/// Worth it for large intermediate results that Swift only passes on (SAM's per-prompt image state,
/// hundreds of megabytes per run): copying them out costs a fresh allocation and a pass over memory
/// each time. The memory goes back to ONNX Runtime when the value is released.
public final class RuntimeValue: @unchecked Sendable {
    let runtime: OnnxRuntime
    /// The `OrtValue*`, owned: released with this object.
    let handle: OpaquePointer
    public let elementType: TensorElementType
    public let shape: [Int]

    /// Takes ownership of `handle`, a tensor `OrtValue*`, releasing it if it cannot be described.
    init(runtime: OnnxRuntime, owning handle: OpaquePointer) throws {
        self.runtime = runtime
        self.handle = handle
        do {
            (elementType, shape) = try OrtValueFactory.elementTypeAndShape(runtime, of: handle)
        } catch {
            runtime.api.releaseValue(handle)
            throw error
        }
    }

    deinit { runtime.api.releaseValue(handle) }

    /// A copy of the values in a Swift tensor.
    public func tensor() throws -> Tensor { try OrtValueFactory.copyTensor(runtime, handle) }

    /// Calls `body` with the float values where ONNX Runtime holds them, valid only during the call.
    ///
    /// - Throws: ``RuntimeError/unsupportedElementType(_:)`` when the tensor is not float32.
    public func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard elementType == .float else { throw RuntimeError.unsupportedElementType(elementType.rawValue) }
        var data: UnsafeMutableRawPointer?
        try runtime.api.check(runtime.api.getTensorMutableData(handle, &data), "GetTensorMutableData")
        let count = Tensor.elementCount(of: shape)
        guard count > 0, let data else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try withExtendedLifetime(self) {
            try body(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: count))
        }
    }
}
