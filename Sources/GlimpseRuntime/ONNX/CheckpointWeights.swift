import Foundation

/// Declares checkpoint tensors as graph initializers and lends their memory-mapped bytes to ONNX Runtime.
///
/// Each weight is declared as external data pointing into its `.safetensors` file (so a saved model
/// stays valid next to the checkpoint) and, when the session is created, replaced by the mapped
/// bytes themselves through `AddInitializer`: nothing is copied or read twice.
/// Float16 and bfloat16 weights are declared in their stored type and cast to float32 in the graph.
/// Use one instance per graph: its ``buffers`` are exactly the weights that graph declares.
public final class CheckpointWeights {
    public let checkpoint: SafeTensorsCheckpoint
    public let graph: GraphBuilder
    private var declared: [String: GraphValue] = [:]
    public private(set) var buffers: [InitializerBuffer] = []

    /// The folder external-data declarations are relative to.
    ///
    /// Where the weight files are symbolic links into one other folder (a Hugging Face hub cache:
    /// `snapshots/REV/model.safetensors` → `blobs/SHA`), that folder: ONNX Runtime refuses external
    /// data that resolves outside its folder.
    public let folder: URL

    public init(checkpoint: SafeTensorsCheckpoint, graph: GraphBuilder) {
        self.checkpoint = checkpoint
        self.graph = graph
        let targets = Set(checkpoint.files.map { $0.url.resolvingSymlinksInPath().deletingLastPathComponent().path })
        folder = targets.count == 1 ? URL(filePath: targets.first!, directoryHint: .isDirectory) : checkpoint.directory
    }

    /// The name an external-data declaration uses for `url`: its target's name when `folder` is the targets' folder.
    private func location(of url: URL) -> String {
        folder.path == checkpoint.directory.path ? url.lastPathComponent : url.resolvingSymlinksInPath().lastPathComponent
    }

    /// Declares the checkpoint tensor `name` in the graph and returns it as float32.
    ///
    /// - Parameter shape: the shape the architecture expects; a different stored shape is an error
    ///   naming the tensor (the checkpoint does not match its configuration).
    public func float(_ name: String, shape: [Int]? = nil) throws -> GraphValue {
        if let value = declared[name] { return value }
        let (file, info) = try checkpoint.tensor(name)
        try check(name, info, expected: shape)
        return try declare(name, file: file, info: info, shape: info.shape, bytes: 0..<info.byteCount)
    }

    /// Declares rows `rows` of the checkpoint tensor `name` (ranges of its first dimension) as a weight
    /// of their own, pointing into the same stored bytes, and returns it as float32: one part of a fused
    /// projection (`qkv`) without a copy, where a `Slice` of the whole tensor is folded into one when
    /// the session is created.
    ///
    /// - Parameter shape: the shape the architecture expects of the whole tensor.
    public func float(_ name: String, rows: Range<Int>, shape: [Int]? = nil) throws -> GraphValue {
        let key = "\(name)[\(rows.lowerBound):\(rows.upperBound)]"
        if let value = declared[key] { return value }
        let (file, info) = try checkpoint.tensor(name)
        try check(name, info, expected: shape)
        guard let count = info.shape.first, !rows.isEmpty, rows.lowerBound >= 0, rows.upperBound <= count else {
            throw RuntimeError.invalidGraph("rows \(rows) of checkpoint tensor '\(name)' with shape \(info.shape) do not exist")
        }
        let rowBytes = info.byteCount / count
        return try declare(key, file: file, info: info, shape: [rows.count] + info.shape.dropFirst(),
                           bytes: rows.lowerBound * rowBytes..<rows.upperBound * rowBytes)
    }

    private func check(_ name: String, _ info: SafeTensorInfo, expected shape: [Int]?) throws {
        if let shape, shape != info.shape {
            throw RuntimeError.invalidGraph("checkpoint tensor '\(name)' has shape \(info.shape), the configuration expects \(shape)")
        }
    }

    /// Declares `bytes` (relative to the tensor's data) of the stored tensor `info` as initializer `key` of `shape`.
    private func declare(_ key: String, file: SafeTensorsFile, info: SafeTensorInfo, shape: [Int], bytes: Range<Int>) throws -> GraphValue {
        guard let elementType = TensorElementType(rawValue: info.dtype.onnxElementType) else {
            throw RuntimeError.invalidGraph("checkpoint tensor '\(key)' has dtype \(info.dtype.rawValue), which Glimpse cannot use as a weight")
        }
        let stored = graph.initializer(TensorDeclaration(
            name: key, elementType: elementType, shape: shape,
            contents: .external(location: location(of: file.url), offset: info.fileOffset + bytes.lowerBound, length: bytes.count)))
        let all = file.rawBytes(of: info)
        buffers.append(InitializerBuffer(name: key, elementType: elementType, shape: shape,
                                         bytes: UnsafeRawBufferPointer(rebasing: all[bytes]), owner: file))
        let value: GraphValue
        switch elementType {
        case .float: value = stored
        case .float16, .bfloat16, .double: value = graph.cast(stored, to: .float)
        default:
            throw RuntimeError.invalidGraph("checkpoint tensor '\(key)' is \(elementType), not a floating-point weight")
        }
        declared[key] = value
        return value
    }

    /// Session options that resolve the external declarations against the checkpoint's folder.
    public func sessionOptions(_ base: SessionOptions = SessionOptions()) -> SessionOptions {
        var options = base
        options.externalDataFolder = folder
        return options
    }

    /// Tells the kernel the mapped weight pages may be dropped (they are re-read from the file if touched).
    ///
    /// Useful after creating a session with pre-packing, which keeps its own packed copy of most weights.
    public func releaseMappedPages() {
        for file in checkpoint.files { _ = file.mappedFile.adviseDontNeed() }
    }
}

extension InferenceSession {
    /// Creates a session for the graph `weights` was declared in, lending it the checkpoint weights.
    ///
    /// With pre-packing on, ONNX Runtime keeps its own packed copy of the matrix weights, so the mapped
    /// pages it read while packing are released afterwards: resident memory stays near one copy.
    public convenience init(runtime: OnnxRuntime, weights: CheckpointWeights, options: SessionOptions = SessionOptions()) throws {
        try self.init(runtime: runtime, modelBytes: weights.graph.model().serializedBytes(),
                      options: weights.sessionOptions(options), initializers: weights.buffers)
        if options.prepacking { weights.releaseMappedPages() }
    }
}
