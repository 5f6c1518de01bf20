import Foundation

/// One dimension of a tensor's shape: a number, or a name fixed only when the model runs.
public enum TensorDimension: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case fixed(Int)
    case symbolic(String)

    public init(integerLiteral value: Int) { self = .fixed(value) }
    public init(stringLiteral value: String) { self = .symbolic(value) }
}

/// A model input or output as ONNX Runtime reports it.
public struct ValueMetadata: Sendable, Equatable {
    public let name: String
    /// ONNX element type number (1 = float32, 7 = int64, …); see ``TensorElementType``.
    public let elementType: Int32
    public let shape: [TensorDimension]
}

/// Weight memory handed to ONNX Runtime as an initializer without a copy.
///
/// `owner` keeps the memory alive (for example the memory-mapped checkpoint) for as long as the session lives.
public struct InitializerBuffer: @unchecked Sendable {
    public let name: String
    public let elementType: TensorElementType
    public let shape: [Int]
    public let bytes: UnsafeRawBufferPointer
    public let owner: AnyObject

    public init(name: String, elementType: TensorElementType, shape: [Int], bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
        self.owner = owner
    }
}

/// A loaded model, ready to run. Runs may be made from several tasks at once.
public final class InferenceSession: @unchecked Sendable {
    public let runtime: OnnxRuntime
    public let inputs: [ValueMetadata]
    public let outputs: [ValueMetadata]

    private let handle: OpaquePointer
    /// `OrtValue*`s given with `AddInitializer`, and what owns their memory; released with the session.
    private let initializerValues: [OpaquePointer]
    private let initializerOwners: [AnyObject]

    /// Creates a session from serialised ONNX model bytes.
    ///
    /// - Parameter initializers: weights supplied from memory the caller owns (no copy is made);
    ///   they replace same-named initializers declared in the graph.
    public init(
        runtime: OnnxRuntime,
        modelBytes: [UInt8],
        options: SessionOptions = SessionOptions(),
        initializers: [InitializerBuffer] = []
    ) throws {
        let api = runtime.api
        let optionsHandle = try options.makeHandle(api)
        defer { api.releaseSessionOptions(optionsHandle) }

        var values: [OpaquePointer] = []
        do {
            for buffer in initializers {
                let value = try OrtValueFactory.borrowing(
                    runtime, bytes: UnsafeMutableRawPointer(mutating: buffer.bytes.baseAddress),
                    byteCount: buffer.bytes.count, shape: buffer.shape, elementType: buffer.elementType.rawValue,
                    name: buffer.name)
                values.append(value)
                try api.check(api.addInitializer(optionsHandle, buffer.name, value), "AddInitializer(\(buffer.name))")
            }
            var session: OpaquePointer?
            try modelBytes.withUnsafeBytes { bytes in
                try api.check(
                    api.createSessionFromArray(runtime.environment, bytes.baseAddress!, bytes.count, optionsHandle, &session),
                    "CreateSessionFromArray")
            }
            guard let session else { throw RuntimeError.invalidGraph("ONNX Runtime created no session") }
            do {
                self.inputs = try Self.metadata(api, session, input: true)
                self.outputs = try Self.metadata(api, session, input: false)
            } catch {
                api.releaseSession(session)
                throw error
            }
            self.handle = session
        } catch {
            values.forEach { api.releaseValue($0) }
            throw error
        }
        self.runtime = runtime
        self.initializerValues = values
        self.initializerOwners = initializers.map(\.owner)
    }

    deinit {
        runtime.api.releaseSession(handle)
        initializerValues.forEach { runtime.api.releaseValue($0) }
        _ = initializerOwners
    }

    /// Runs the model.
    ///
    /// - Parameters:
    ///   - feeds: a tensor for every input, by name; the memory is lent to ONNX Runtime, not copied.
    ///   - values: inputs given as values kept from earlier runs (no copy either).
    ///   - outputNames: the outputs wanted, all of them when `nil`.
    /// - Returns: the outputs by name, copied into Swift tensors.
    public func run(_ feeds: [String: Tensor], values: [String: RuntimeValue] = [:],
                    outputs outputNames: [String]? = nil) throws -> [String: Tensor] {
        try runKeeping(feeds, values: values, outputs: outputNames).mapValues { try $0.tensor() }
    }

    /// Runs the model and leaves the outputs in ONNX Runtime's memory, to be fed to another run or read
    /// in place: for large intermediate results, a copy out of ONNX Runtime can cost as much as the work.
    ///
    /// - Parameters: as ``run(_:values:outputs:)``.
    public func runKeeping(_ feeds: [String: Tensor], values: [String: RuntimeValue] = [:],
                           outputs outputNames: [String]? = nil) throws -> [String: RuntimeValue] {
        let api = runtime.api
        let inputNames = inputs.map(\.name)
        for name in Array(feeds.keys) + Array(values.keys) where !inputNames.contains(name) {
            throw RuntimeError.unknownName(name, kind: "input", known: inputNames)
        }
        if let name = feeds.keys.first(where: { values[$0] != nil }) {
            throw RuntimeError.invalidGraph("input '\(name)' is given twice, as a tensor and as a kept value")
        }
        let wanted = outputNames ?? outputs.map(\.name)
        for name in wanted where !outputs.contains(where: { $0.name == name }) {
            throw RuntimeError.unknownName(name, kind: "output", known: outputs.map(\.name))
        }
        let ordered = feeds.sorted { $0.key < $1.key }, kept = values.sorted { $0.key < $1.key }
        let results = try OrtValueFactory.withBorrowedValues(ArraySlice(ordered.map(\.value)), runtime: runtime,
                                                             names: ArraySlice(ordered.map(\.key))) { borrowed in
            let inputValues = (ordered.isEmpty ? [] : borrowed) + kept.map { Optional($0.value.handle) }
            var results = [OpaquePointer?](repeating: nil, count: wanted.count)
            do {
                try withCStrings(ordered.map(\.key) + kept.map(\.key)) { inputNamePointers in
                    try withCStrings(wanted) { outputNamePointers in
                        try withExtendedLifetime(kept) {
                            try api.check(
                                api.run(handle, nil, inputNamePointers, inputValues.isEmpty ? [nil] : inputValues, inputValues.count,
                                        outputNamePointers, wanted.count, &results),
                                "Run")
                        }
                    }
                }
            } catch {
                results.forEach { if let value = $0 { api.releaseValue(value) } }
                throw error
            }
            return results
        }
        // Every handle is owned from here: by a RuntimeValue, or released on the way out.
        var owned: [String: RuntimeValue] = [:]
        var failure: (any Error)?
        for (name, value) in zip(wanted, results) {
            guard failure == nil, let value else {
                if let value { api.releaseValue(value) }
                failure = failure ?? RuntimeError.invalidGraph("ONNX Runtime returned no value for output '\(name)'")
                continue
            }
            do { owned[name] = try RuntimeValue(runtime: runtime, owning: value) } catch { failure = error }
        }
        if let failure { throw failure }
        return owned
    }

    private static func metadata(_ api: ORTFunctions, _ session: OpaquePointer, input: Bool) throws -> [ValueMetadata] {
        var count = 0
        try api.check(input ? api.sessionGetInputCount(session, &count) : api.sessionGetOutputCount(session, &count), "SessionGetCount")
        var allocator: OpaquePointer?
        try api.check(api.getAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions")
        guard let allocator else { return [] }
        return try (0..<count).map { index in
            var namePointer: UnsafeMutablePointer<CChar>?
            try api.check(
                input ? api.sessionGetInputName(session, index, allocator, &namePointer)
                      : api.sessionGetOutputName(session, index, allocator, &namePointer),
                "SessionGetName")
            let name = namePointer.map { String(cString: $0) } ?? ""
            _ = api.allocatorFree(allocator, namePointer)
            var typeInfo: OpaquePointer?
            try api.check(
                input ? api.sessionGetInputTypeInfo(session, index, &typeInfo)
                      : api.sessionGetOutputTypeInfo(session, index, &typeInfo),
                "SessionGetTypeInfo")
            defer { api.releaseTypeInfo(typeInfo) }
            var tensorInfo: OpaquePointer?
            if let typeInfo { try api.check(api.castTypeInfoToTensorInfo(typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo") }
            guard let tensorInfo else { return ValueMetadata(name: name, elementType: 0, shape: []) }
            let (elementType, shape) = try OrtValueFactory.typeAndShape(api, tensorInfo)
            return ValueMetadata(name: name, elementType: elementType, shape: shape)
        }
    }
}

/// Calls `body` with C strings for `strings`, valid only during the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R) rethrows -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    var pointers = duplicates.map { UnsafePointer($0) }
    if pointers.isEmpty { pointers = [nil] }
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
