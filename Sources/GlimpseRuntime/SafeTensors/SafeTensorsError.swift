import Foundation

/// Everything that can go wrong while mapping, validating or reading SafeTensors files and checkpoints.
///
/// `file` values are file names (last path component); `path` values are full paths.
public enum SafeTensorsError: Error, LocalizedError, Equatable, Sendable {
    // MARK: File access

    /// The file could not be opened, inspected or mapped (`reason` is the system's message).
    case fileUnreadable(path: String, reason: String)
    /// The path names a directory, device or other non-regular file.
    case notARegularFile(path: String)
    /// The file is empty.
    case emptyFile(path: String)

    // MARK: Header framing

    /// The file is shorter than the 8-byte header length prefix.
    case fileTooSmall(file: String, size: Int)
    /// The header length prefix is zero.
    case headerLengthZero(file: String)
    /// The header length prefix exceeds the 100 MB limit (corrupt or not a SafeTensors file).
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header length prefix is larger than the bytes that follow it.
    case headerLengthExceedsFile(file: String, length: UInt64, available: Int)
    /// The header is not valid UTF-8.
    case headerNotUTF8(file: String)
    /// The header is not valid JSON; `detail` says where parsing stopped.
    case headerNotJSON(file: String, detail: String)
    /// The header is valid JSON but not an object.
    case headerNotObject(file: String)
    /// `__metadata__` is not an object mapping strings to strings.
    case invalidMetadata(file: String, detail: String)

    // MARK: Tensor entries

    /// A name appears twice in the header.
    case duplicateTensor(file: String, tensor: String)
    /// The entry for a tensor is not a JSON object.
    case entryNotObject(file: String, tensor: String)
    /// The entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(file: String, tensor: String, field: String)
    /// The `dtype` is not a SafeTensors data type name.
    case unknownDataType(file: String, tensor: String, dtype: String)
    /// `shape` is not an array.
    case shapeNotArray(file: String, tensor: String)
    /// A dimension is negative, fractional, not a number or too large; `value` is its JSON text.
    case invalidDimension(file: String, tensor: String, value: String)
    /// The element count or byte count of the shape does not fit in `Int`.
    case shapeOverflow(file: String, tensor: String)
    /// A sub-byte data type (F4, F6) whose elements do not fill whole bytes.
    case partialByte(file: String, tensor: String)
    /// `data_offsets` is not an array of two non-negative integers.
    case invalidDataOffsets(file: String, tensor: String, detail: String)
    /// `data_offsets` has `end < begin`.
    case offsetsReversed(file: String, tensor: String, begin: Int, end: Int)
    /// `data_offsets` ends past the data section.
    case offsetsBeyondData(file: String, tensor: String, end: Int, dataSize: Int)
    /// The byte range does not match shape × element size.
    case byteCountMismatch(file: String, tensor: String, expected: Int, actual: Int)
    /// Two tensors share bytes.
    case overlappingTensors(file: String, first: String, second: String)

    // MARK: Reading

    /// No tensor of this name exists.
    case missingTensor(String)
    /// Several required tensors are missing (all of them listed).
    case missingTensors([String])
    /// The tensor is stored as a type this view cannot read.
    case dataTypeMismatch(tensor: String, actual: SafeTensorsDataType, supported: [SafeTensorsDataType])
    /// The tensor's bytes are not aligned for a zero-copy typed view.
    case misaligned(tensor: String, alignment: Int)

    // MARK: Checkpoints

    /// The directory holds neither `model.safetensors` nor `model.safetensors.index.json`.
    case checkpointNotFound(directory: String)
    /// `model.safetensors.index.json` is malformed.
    case indexMalformed(path: String, detail: String)
    /// The index names a shard outside the checkpoint directory (absolute, `..`, or with `/`).
    case unsafeShardName(String)
    /// The index maps a tensor to a shard file that does not exist.
    case missingShard(shard: String, tensor: String)
    /// The index maps a tensor to a shard that does not contain it.
    case tensorNotInShard(tensor: String, shard: String)

    public var errorDescription: String? {
        let corrupt = "The file is corrupt, truncated or not a SafeTensors file; download it again."
        switch self {
        case .fileUnreadable(let path, let reason):
            return "Cannot read \(path): \(reason). Check that the file exists and is readable."
        case .notARegularFile(let path):
            return "\(path) is not a regular file. Point to a .safetensors file."
        case .emptyFile(let path):
            return "\(path) is empty. \(corrupt)"
        case .fileTooSmall(let file, let size):
            return "\(file) has \(size) bytes, fewer than the 8-byte header length. \(corrupt)"
        case .headerLengthZero(let file):
            return "\(file) declares an empty header. \(corrupt)"
        case .headerTooLarge(let file, let length, let limit):
            return "\(file) declares a \(length)-byte header, over the \(limit)-byte limit. \(corrupt)"
        case .headerLengthExceedsFile(let file, let length, let available):
            return "\(file) declares a \(length)-byte header but only \(available) bytes follow. \(corrupt)"
        case .headerNotUTF8(let file):
            return "The header of \(file) is not valid UTF-8. \(corrupt)"
        case .headerNotJSON(let file, let detail):
            return "The header of \(file) is not valid JSON (\(detail)). \(corrupt)"
        case .headerNotObject(let file):
            return "The header of \(file) is not a JSON object. \(corrupt)"
        case .invalidMetadata(let file, let detail):
            return "__metadata__ in \(file) must map strings to strings: \(detail). Fix the writer that produced it."
        case .duplicateTensor(let file, let tensor):
            return "\(file) lists tensor '\(tensor)' twice. \(corrupt)"
        case .entryNotObject(let file, let tensor):
            return "The entry for '\(tensor)' in \(file) is not a JSON object. \(corrupt)"
        case .missingField(let file, let tensor, let field):
            return "The entry for '\(tensor)' in \(file) has no '\(field)'. \(corrupt)"
        case .unknownDataType(let file, let tensor, let dtype):
            let known = SafeTensorsDataType.allCases.map(\.rawValue).joined(separator: ", ")
            return "Tensor '\(tensor)' in \(file) has unknown dtype '\(dtype)'; known: \(known). Convert the checkpoint to a supported type."
        case .shapeNotArray(let file, let tensor):
            return "The shape of '\(tensor)' in \(file) is not an array. \(corrupt)"
        case .invalidDimension(let file, let tensor, let value):
            return "Tensor '\(tensor)' in \(file) has invalid dimension \(value); dimensions must be non-negative integers. \(corrupt)"
        case .shapeOverflow(let file, let tensor):
            return "The shape of '\(tensor)' in \(file) is too large to address. \(corrupt)"
        case .partialByte(let file, let tensor):
            return "Tensor '\(tensor)' in \(file) has a sub-byte type whose elements do not fill whole bytes. \(corrupt)"
        case .invalidDataOffsets(let file, let tensor, let detail):
            return "data_offsets of '\(tensor)' in \(file) \(detail); it must be [begin, end] with non-negative integers. \(corrupt)"
        case .offsetsReversed(let file, let tensor, let begin, let end):
            return "data_offsets of '\(tensor)' in \(file) end (\(end)) before they begin (\(begin)). \(corrupt)"
        case .offsetsBeyondData(let file, let tensor, let end, let dataSize):
            return "Tensor '\(tensor)' in \(file) ends at byte \(end) of a \(dataSize)-byte data section. \(corrupt)"
        case .byteCountMismatch(let file, let tensor, let expected, let actual):
            return "Tensor '\(tensor)' in \(file) needs \(expected) bytes for its shape and dtype but spans \(actual). \(corrupt)"
        case .overlappingTensors(let file, let first, let second):
            return "Tensors '\(first)' and '\(second)' in \(file) share bytes. \(corrupt)"
        case .missingTensor(let name):
            return "No tensor named '\(name)'. Check the checkpoint matches the model configuration."
        case .missingTensors(let names):
            return "Missing tensors: \(names.joined(separator: ", ")). Check the checkpoint matches the model configuration."
        case .dataTypeMismatch(let tensor, let actual, let supported):
            let list = supported.map(\.rawValue).joined(separator: ", ")
            return "Tensor '\(tensor)' is \(actual.rawValue); this view reads only \(list). Use rawBytes or a converting accessor."
        case .misaligned(let tensor, let alignment):
            return "Tensor '\(tensor)' is not \(alignment)-byte aligned in the file, so it cannot be viewed without copying. Use floats(_:) to copy it."
        case .checkpointNotFound(let directory):
            return "\(directory) holds neither model.safetensors nor model.safetensors.index.json. Point to a Hugging Face model folder."
        case .indexMalformed(let path, let detail):
            return "The checkpoint index \(path) is malformed: \(detail). Download it again."
        case .unsafeShardName(let name):
            return "The checkpoint index names shard '\(name)', which is not a plain file name in the model folder. Refusing to read it."
        case .missingShard(let shard, let tensor):
            return "Shard \(shard) (holding '\(tensor)') is missing from the model folder. Download the complete checkpoint."
        case .tensorNotInShard(let tensor, let shard):
            return "The checkpoint index places '\(tensor)' in \(shard), but that shard does not contain it. Download the checkpoint again."
        }
    }
}
