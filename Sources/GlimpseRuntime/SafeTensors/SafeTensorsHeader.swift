/// One tensor declared in a SafeTensors header, validated against the file.
public struct SafeTensorInfo: Sendable, Hashable {
    /// The tensor's name in the header (e.g. `vision_model.embeddings.patch_embedding.weight`).
    public let name: String
    /// The stored element type.
    public let dtype: SafeTensorsDataType
    /// The dimensions, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// The product of `shape` (1 for a scalar, 0 when any dimension is 0).
    public let elementCount: Int
    /// The byte range relative to the start of the data section (`data_offsets`).
    public let dataRange: Range<Int>
    /// The absolute byte offset of the first element in the file: 8 + header length + `dataRange.lowerBound`.
    /// This is the `offset` ONNX external data needs.
    public let fileOffset: Int

    /// The number of bytes the tensor occupies.
    public var byteCount: Int { dataRange.count }
}

/// The validated contents of a SafeTensors header.
struct SafeTensorsHeader: Sendable {
    /// The largest header accepted, as in the reference implementation (100 MB).
    static let maxHeaderLength = 100_000_000

    let headerLength: Int
    let metadata: [String: String]
    let tensors: [String: SafeTensorInfo]

    /// Validates the header of the SafeTensors file whose whole content is `bytes`; `file` names it in errors.
    /// Reads nothing outside `bytes` and accepts a tensor only if its bytes lie inside the data section.
    init(bytes: UnsafeRawBufferPointer, file: String) throws {
        guard bytes.count >= 8 else { throw SafeTensorsError.fileTooSmall(file: file, size: bytes.count) }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let available = bytes.count - 8
        guard declared > 0 else { throw SafeTensorsError.headerLengthZero(file: file) }
        guard declared <= UInt64(Self.maxHeaderLength) else {
            throw SafeTensorsError.headerTooLarge(file: file, length: declared, limit: Self.maxHeaderLength)
        }
        guard declared <= UInt64(available) else {
            throw SafeTensorsError.headerLengthExceedsFile(file: file, length: declared, available: available)
        }
        let length = Int(declared)
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<8 + length])
        guard SafeTensorsJSON.isValidUTF8(header) else { throw SafeTensorsError.headerNotUTF8(file: file) }

        let json: SafeTensorsJSON
        do {
            json = try SafeTensorsJSON.parse(header)
        } catch {
            throw SafeTensorsError.headerNotJSON(file: file, detail: error.description)
        }
        guard case .object(let members) = json else { throw SafeTensorsError.headerNotObject(file: file) }

        let dataSize = available - length
        var metadata: [String: String] = [:]
        var tensors: [String: SafeTensorInfo] = [:]
        var seen = Set<String>()
        for member in members {
            guard seen.insert(member.key).inserted else {
                throw SafeTensorsError.duplicateTensor(file: file, tensor: member.key)
            }
            if member.key == "__metadata__" {
                metadata = try Self.parseMetadata(member.value, file: file)
            } else {
                tensors[member.key] = try Self.parseEntry(
                    name: member.key, value: member.value, file: file,
                    dataSize: dataSize, dataSectionOffset: 8 + length)
            }
        }
        try Self.checkOverlaps(tensors.values, file: file)

        self.headerLength = length
        self.metadata = metadata
        self.tensors = tensors
    }

    // MARK: Pieces

    private static func parseMetadata(_ value: SafeTensorsJSON, file: String) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var result: [String: String] = [:]
            for member in members {
                guard case .string(let text) = member.value else {
                    throw SafeTensorsError.invalidMetadata(
                        file: file, detail: "value of '\(member.key)' is \(member.value.summary), not a string")
                }
                result[member.key] = text
            }
            return result
        default:
            throw SafeTensorsError.invalidMetadata(file: file, detail: "it is \(value.summary), not an object")
        }
    }

    private static func parseEntry(
        name: String, value: SafeTensorsJSON, file: String, dataSize: Int, dataSectionOffset: Int
    ) throws -> SafeTensorInfo {
        guard case .object(let fields) = value else {
            throw SafeTensorsError.entryNotObject(file: file, tensor: name)
        }
        func field(_ key: String) throws -> SafeTensorsJSON {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw SafeTensorsError.missingField(file: file, tensor: name, field: key)
            }
            return found.value
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue, let dtype = SafeTensorsDataType(rawValue: dtypeName) else {
            let shown: String
            if case .string(let text) = dtypeValue { shown = text } else { shown = dtypeValue.summary }
            throw SafeTensorsError.unknownDataType(file: file, tensor: name, dtype: shown)
        }

        guard case .array(let dims) = try field("shape") else {
            throw SafeTensorsError.shapeNotArray(file: file, tensor: name)
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        var elementCount = 1
        for dim in dims {
            guard let size = dim.exactInt, size >= 0 else {
                throw SafeTensorsError.invalidDimension(file: file, tensor: name, value: dim.summary)
            }
            shape.append(size)
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw SafeTensorsError.shapeOverflow(file: file, tensor: name) }
            elementCount = product
        }
        let (bits, bitsOverflow) = elementCount.multipliedReportingOverflow(by: dtype.bitWidth)
        guard !bitsOverflow else { throw SafeTensorsError.shapeOverflow(file: file, tensor: name) }
        guard bits % 8 == 0 else { throw SafeTensorsError.partialByte(file: file, tensor: name) }
        let expectedBytes = bits / 8

        guard case .array(let offsets) = try field("data_offsets") else {
            throw SafeTensorsError.invalidDataOffsets(file: file, tensor: name, detail: "is not an array")
        }
        guard offsets.count == 2 else {
            throw SafeTensorsError.invalidDataOffsets(
                file: file, tensor: name, detail: "has \(offsets.count) elements instead of 2")
        }
        for offset in offsets where (offset.exactInt ?? -1) < 0 {
            throw SafeTensorsError.invalidDataOffsets(file: file, tensor: name, detail: "holds \(offset.summary)")
        }
        let begin = offsets[0].exactInt!, end = offsets[1].exactInt!
        guard begin <= end else {
            throw SafeTensorsError.offsetsReversed(file: file, tensor: name, begin: begin, end: end)
        }
        guard end <= dataSize else {
            throw SafeTensorsError.offsetsBeyondData(file: file, tensor: name, end: end, dataSize: dataSize)
        }
        guard end - begin == expectedBytes else {
            throw SafeTensorsError.byteCountMismatch(
                file: file, tensor: name, expected: expectedBytes, actual: end - begin)
        }
        return SafeTensorInfo(
            name: name, dtype: dtype, shape: shape, elementCount: elementCount,
            dataRange: begin..<end, fileOffset: dataSectionOffset + begin)
    }

    /// Rejects any two non-empty tensors whose byte ranges intersect (empty tensors occupy no bytes).
    private static func checkOverlaps(_ infos: some Sequence<SafeTensorInfo>, file: String) throws {
        let ranges = infos.filter { !$0.dataRange.isEmpty }.sorted {
            ($0.dataRange.lowerBound, $0.name) < ($1.dataRange.lowerBound, $1.name)
        }
        guard var reach = ranges.first else { return }
        for info in ranges.dropFirst() {
            if info.dataRange.lowerBound < reach.dataRange.upperBound {
                throw SafeTensorsError.overlappingTensors(file: file, first: reach.name, second: info.name)
            }
            if info.dataRange.upperBound > reach.dataRange.upperBound { reach = info }
        }
    }
}
