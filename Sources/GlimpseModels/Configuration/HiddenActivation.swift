/// The activation named by a configuration's `hidden_act` string.
///
/// The cases are exactly the keys of transformers 4.46's `ACT2FN` table; any other string is rejected
/// when the configuration is decoded (transformers would fail later, when it builds the model).
/// Defaults differ by family: CLIP uses `quick_gelu`, BLIP and BERT `gelu`, SAM's mask decoder `relu`.
public enum HiddenActivation: String, Sendable, Hashable, CaseIterable, Codable {
    /// Exact GELU, `x · Φ(x)` (erf form).
    case gelu
    /// GELU clipped to [-10, 10].
    case gelu10 = "gelu_10"
    /// tanh approximation, `0.5x(1 + tanh(x · 0.7978845608 · (1 + 0.044715x²)))`.
    case geluFast = "gelu_fast"
    /// tanh approximation of Google's BERT and OpenAI's GPT, `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    case geluNew = "gelu_new"
    /// Exact GELU written out in Python (same values as `gelu`).
    case geluPython = "gelu_python"
    /// PyTorch's `gelu(approximate="tanh")` (same formula as `gelu_new`).
    case geluPytorchTanh = "gelu_pytorch_tanh"
    /// The `gelu_new` formula with √(2/π) precomputed (introduced with MEGA).
    case geluAccurate = "gelu_accurate"
    case laplace
    case leakyReLU = "leaky_relu"
    /// Identity.
    case linear
    case mish
    /// `x · sigmoid(1.702x)`, the original CLIP activation.
    case quickGELU = "quick_gelu"
    case relu
    /// `relu(x)²`.
    case relu2
    case relu6
    case sigmoid
    case silu
    /// Same as `silu`.
    case swish
    case tanh

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let activation = HiddenActivation(rawValue: name) else {
            let known = HiddenActivation.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown activation \"\(name)\"; known: \(known)")
        }
        self = activation
    }
}
