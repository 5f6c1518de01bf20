import Foundation

/// Creating `OrtValue`s over Swift memory and copying ONNX Runtime's tensors back into Swift.
enum OrtValueFactory {
    /// A tensor `OrtValue` that uses `bytes` in place; the caller keeps the memory alive and releases the value.
    static func borrowing(
        _ runtime: OnnxRuntime, bytes: UnsafeMutableRawPointer?, byteCount: Int,
        shape: [Int], elementType: Int32, name: String
    ) throws -> OpaquePointer {
        let api = runtime.api
        let dimensions = shape.map { Int64($0) }
        var placeholder: UInt64 = 0
        var value: OpaquePointer?
        try withUnsafeMutableBytes(of: &placeholder) { fallback in
            let data = bytes ?? fallback.baseAddress
            try dimensions.withUnsafeBufferPointer { dims in
                try api.check(
                    api.createTensorWithDataAsOrtValue(
                        runtime.cpuMemoryInfo, data, byteCount, dims.baseAddress, dims.count, elementType, &value),
                    "CreateTensorWithDataAsOrtValue(\(name))")
            }
        }
        guard let value else { throw RuntimeError.invalidGraph("ONNX Runtime created no tensor for '\(name)'") }
        return value
    }

    /// Calls `body` with `OrtValue`s that borrow the memory of `tensors`, releasing them afterwards.
    static func withBorrowedValues<R>(
        _ tensors: ArraySlice<Tensor>, runtime: OnnxRuntime, names: ArraySlice<String>,
        collected: [OpaquePointer?] = [], _ body: ([OpaquePointer?]) throws -> R
    ) throws -> R {
        guard let tensor = tensors.first, let name = names.first else {
            return try body(collected.isEmpty ? [nil] : collected)
        }
        return try tensor.withUnsafeBytes { bytes in
            let value = try borrowing(
                runtime, bytes: UnsafeMutableRawPointer(mutating: bytes.baseAddress), byteCount: bytes.count,
                shape: tensor.shape, elementType: tensor.elementType.rawValue, name: name)
            defer { runtime.api.releaseValue(value) }
            return try withBorrowedValues(
                tensors.dropFirst(), runtime: runtime, names: names.dropFirst(), collected: collected + [value], body)
        }
    }

    /// The element type and shape described by an `OrtTensorTypeAndShapeInfo*`.
    static func typeAndShape(_ api: ORTFunctions, _ info: OpaquePointer) throws -> (Int32, [TensorDimension]) {
        var elementType: Int32 = 0
        try api.check(api.getTensorElementType(info, &elementType), "GetTensorElementType")
        var rank = 0
        try api.check(api.getDimensionsCount(info, &rank), "GetDimensionsCount")
        var values = [Int64](repeating: 0, count: rank)
        var names = [UnsafePointer<CChar>?](repeating: nil, count: rank)
        if rank > 0 {
            try api.check(api.getDimensions(info, &values, rank), "GetDimensions")
            try api.check(api.getSymbolicDimensions(info, &names, rank), "GetSymbolicDimensions")
        }
        let shape: [TensorDimension] = zip(values, names).map { value, name in
            if value >= 0 { return .fixed(Int(value)) }
            let symbol = name.map { String(cString: $0) } ?? ""
            return .symbolic(symbol)
        }
        return (elementType, shape)
    }

    /// The element type and concrete shape of a tensor `OrtValue`.
    static func elementTypeAndShape(_ runtime: OnnxRuntime, of value: OpaquePointer) throws -> (TensorElementType, [Int]) {
        let api = runtime.api
        var info: OpaquePointer?
        try api.check(api.getTensorTypeAndShape(value, &info), "GetTensorTypeAndShape")
        guard let info else { throw RuntimeError.invalidGraph("an output is not a tensor") }
        defer { api.releaseTensorTypeAndShapeInfo(info) }
        let (rawType, dimensions) = try typeAndShape(api, info)
        guard let elementType = TensorElementType(rawValue: rawType) else {
            throw RuntimeError.unsupportedElementType(rawType)
        }
        let shape = dimensions.map { dimension -> Int in
            if case .fixed(let size) = dimension { return size }
            return 0
        }
        return (elementType, shape)
    }

    /// Copies a tensor `OrtValue` produced by ONNX Runtime into a Swift ``Tensor``.
    static func copyTensor(_ runtime: OnnxRuntime, _ value: OpaquePointer) throws -> Tensor {
        let (elementType, shape) = try elementTypeAndShape(runtime, of: value)
        let count = Tensor.elementCount(of: shape)
        var data: UnsafeMutableRawPointer?
        try runtime.api.check(runtime.api.getTensorMutableData(value, &data), "GetTensorMutableData")
        func copy<T>(_: T.Type) -> [T] {
            guard count > 0, let data else { return [] }
            return Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: T.self), count: count))
        }
        switch elementType {
        case .float: return try Tensor(shape: shape, storage: .float(copy(Float.self)))
        case .int64: return try Tensor(shape: shape, storage: .int64(copy(Int64.self)))
        case .int32: return try Tensor(shape: shape, storage: .int32(copy(Int32.self)))
        case .uint8: return try Tensor(shape: shape, storage: .uint8(copy(UInt8.self)))
        case .bool: return try Tensor(shape: shape, storage: .bool(copy(UInt8.self).map { $0 != 0 }))
        default: throw RuntimeError.unsupportedElementType(elementType.rawValue)
        }
    }
}
