import Foundation

/// Everything that can go wrong while loading ONNX Runtime, building a model graph or running it.
public enum RuntimeError: Error, LocalizedError, Equatable {
    /// No ONNX Runtime library was found at any of the paths tried.
    case onnxRuntimeNotFound(tried: [String])
    /// A library was found but could not be loaded or is not ONNX Runtime.
    case onnxRuntimeUnloadable(path: String, reason: String)
    /// The library is ONNX Runtime, but older than the API version Glimpse needs.
    case onnxRuntimeTooOld(path: String, version: String, requiredAPI: UInt32)
    /// ONNX Runtime reported an error; `code` is its `OrtErrorCode`.
    case onnxRuntime(operation: String, code: Int32, message: String)
    /// A tensor's element count does not match its shape.
    case tensorShapeMismatch(shape: [Int], elementCount: Int)
    /// A tensor holds elements of another type than the one asked for.
    case tensorTypeMismatch(expected: TensorElementType, actual: TensorElementType)
    /// A tensor of this element type cannot be exchanged with Swift yet.
    case unsupportedElementType(Int32)
    /// A run named an input or output the model does not have.
    case unknownName(String, kind: String, known: [String])
    /// The graph is malformed (reported while building it, before ONNX Runtime sees it).
    case invalidGraph(String)

    public var errorDescription: String? {
        let fix = "Run scripts/bootstrap to install it, or set GLIMPSE_ORT_LIBRARY to the path of a libonnxruntime shared library."
        switch self {
        case .onnxRuntimeNotFound(let tried):
            return "ONNX Runtime was not found. Tried: \(tried.joined(separator: ", ")). \(fix)"
        case .onnxRuntimeUnloadable(let path, let reason):
            return "ONNX Runtime at \(path) could not be loaded: \(reason). \(fix)"
        case .onnxRuntimeTooOld(let path, let version, let requiredAPI):
            return "ONNX Runtime \(version) at \(path) is too old: Glimpse needs API version \(requiredAPI) (ONNX Runtime 1.\(requiredAPI) or newer). \(fix)"
        case .onnxRuntime(let operation, let code, let message):
            return "ONNX Runtime failed in \(operation) (code \(code)): \(message)"
        case .tensorShapeMismatch(let shape, let count):
            return "A tensor of shape \(shape) needs \(shape.reduce(1, *)) elements, but \(count) were given."
        case .tensorTypeMismatch(let expected, let actual):
            return "Expected a tensor of \(expected) elements, found \(actual)."
        case .unsupportedElementType(let raw):
            return "Tensors with ONNX element type \(raw) are not supported."
        case .unknownName(let name, let kind, let known):
            return "The model has no \(kind) named '\(name)'. Its \(kind)s are: \(known.joined(separator: ", "))."
        case .invalidGraph(let reason):
            return "Invalid model graph: \(reason)"
        }
    }
}
