import Foundation

/// A memory-mapped SafeTensors file with a validated header.
///
/// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor
/// (`dtype`, `shape`, `data_offsets` relative to the data section) plus optional `__metadata__`, then
/// the data section at byte 8 + N. Opening validates every entry, so all later reads stay inside the
/// mapping. Pointers handed out by the views point into the mapping and are valid while this object
/// (or its `mappedFile`) is alive.
public final class SafeTensorsFile: Sendable {
    /// The mapping of the whole file.
    public let mappedFile: MappedFile
    /// The length N of the JSON header in bytes (padding included).
    public let headerLength: Int
    /// The `__metadata__` strings (e.g. `["format": "pt"]`); empty when absent.
    public let metadata: [String: String]
    /// Every tensor in the file by name.
    public let tensors: [String: SafeTensorInfo]

    /// The file that was opened.
    public var url: URL { mappedFile.url }
    /// The absolute offset of the data section: 8 + `headerLength`.
    public var dataSectionOffset: Int { 8 + headerLength }
    /// The tensor names, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// Maps and validates the file at `url`.
    /// - Throws: `SafeTensorsError` naming what is wrong (and the tensor, for entry problems).
    public convenience init(url: URL) throws {
        try self.init(mappedFile: MappedFile(url: url))
    }

    /// Validates a file that is already mapped.
    public init(mappedFile: MappedFile) throws {
        let header = try SafeTensorsHeader(bytes: mappedFile.bytes, file: mappedFile.url.lastPathComponent)
        self.mappedFile = mappedFile
        self.headerLength = header.headerLength
        self.metadata = header.metadata
        self.tensors = header.tensors
    }

    /// The description of tensor `name`.
    /// - Throws: `SafeTensorsError.missingTensor` if there is none.
    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let info = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
        return info
    }

    /// The stored bytes of tensor `name`, without copying (a slice of the mapping; little-endian elements).
    public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        rawBytes(of: try info(name))
    }

    /// The stored bytes of a tensor of this file, without copying.
    public func rawBytes(of info: SafeTensorInfo) -> UnsafeRawBufferPointer {
        let start = dataSectionOffset + info.dataRange.lowerBound
        precondition(start + info.byteCount <= mappedFile.count, "tensor info from another file")
        return UnsafeRawBufferPointer(rebasing: mappedFile.bytes[start..<start + info.byteCount])
    }

    /// The elements of F32 tensor `name`, without copying.
    ///
    /// Files written by the `safetensors` library are always aligned (the header is padded to a multiple
    /// of 8 and tensors are ordered by element size), but the format does not promise it.
    /// - Throws: `.dataTypeMismatch` unless the tensor is F32; `.misaligned` if its address is not a
    ///   multiple of 4 (use `floats(_:)`, which copies).
    public func float32Buffer(_ name: String) throws -> UnsafeBufferPointer<Float> {
        try typedBuffer(name, dtype: .float32, as: Float.self)
    }

    /// The elements of a tensor stored as `dtype`, viewed as `T` without copying (native byte order).
    func typedBuffer<T>(_ name: String, dtype: SafeTensorsDataType, as type: T.Type) throws -> UnsafeBufferPointer<T> {
        let info = try info(name)
        guard info.dtype == dtype else {
            throw SafeTensorsError.dataTypeMismatch(tensor: name, actual: info.dtype, supported: [dtype])
        }
        let raw = rawBytes(of: info)
        guard let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 else {
            throw SafeTensorsError.misaligned(tensor: name, alignment: MemoryLayout<T>.alignment)
        }
        return UnsafeBufferPointer(start: base.bindMemory(to: T.self, capacity: info.elementCount), count: info.elementCount)
    }
}
