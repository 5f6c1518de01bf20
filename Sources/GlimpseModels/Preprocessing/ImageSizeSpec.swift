import Foundation

/// A size field of `preprocessor_config.json` (`size`, `crop_size`, `pad_size`, `mask_size`,
/// `mask_pad_size`), normalized as transformers' `get_size_dict` does.
///
/// The file may hold a dictionary with one of transformers' five key sets, a bare integer, or a
/// `[height, width]` pair. What a bare integer means depends on the processor and the field: CLIP's
/// `size: 224` is the shortest edge, its `crop_size: 224` a 224×224 square; BLIP's `size: 384` a square;
/// SAM's `size: 1024` the longest edge.
public enum ImageSizeSpec: Sendable, Hashable, Codable {
    /// `{"height": h, "width": w}`: exactly this size.
    case exact(height: Int, width: Int)
    /// `{"shortest_edge": s}`: scale so the shorter side is `s`, keeping the aspect ratio.
    case shortestEdge(Int)
    /// `{"shortest_edge": s, "longest_edge": l}`: shorter side `s`, unless the longer side would pass `l`.
    case shortestEdgeBounded(shortestEdge: Int, longestEdge: Int)
    /// `{"longest_edge": l}`: scale so the longer side is `l` (SAM).
    case longestEdge(Int)
    /// `{"max_height": h, "max_width": w}`: fit inside `h × w`, keeping the aspect ratio.
    case maxSize(height: Int, width: Int)

    /// What a bare integer in the file means.
    enum IntegerMeaning {
        case square, shortestEdge, longestEdge
    }

    /// The size as transformers writes it, e.g. `["height": 384, "width": 384]`.
    public var dictionary: [String: Int] {
        switch self {
        case .exact(let height, let width): ["height": height, "width": width]
        case .shortestEdge(let edge): ["shortest_edge": edge]
        case .shortestEdgeBounded(let shortest, let longest): ["shortest_edge": shortest, "longest_edge": longest]
        case .longestEdge(let edge): ["longest_edge": edge]
        case .maxSize(let height, let width): ["max_height": height, "max_width": width]
        }
    }

    /// Builds the case for a dictionary with one of the valid key sets, else `nil`.
    public init?(dictionary d: [String: Int]) {
        switch Set(d.keys) {
        case ["height", "width"]: self = .exact(height: d["height"]!, width: d["width"]!)
        case ["shortest_edge"]: self = .shortestEdge(d["shortest_edge"]!)
        case ["shortest_edge", "longest_edge"]:
            self = .shortestEdgeBounded(shortestEdge: d["shortest_edge"]!, longestEdge: d["longest_edge"]!)
        case ["longest_edge"]: self = .longestEdge(d["longest_edge"]!)
        case ["max_height", "max_width"]: self = .maxSize(height: d["max_height"]!, width: d["max_width"]!)
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let dictionary = try container.decode([String: Int].self)
        guard let size = ImageSizeSpec(dictionary: dictionary) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.keySetMessage(dictionary))
        }
        self = size
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(dictionary)
    }

    static func keySetMessage(_ dictionary: [String: Int]) -> String {
        "keys \(dictionary.keys.sorted()) are not one of {height, width}, {shortest_edge}, "
            + "{shortest_edge, longest_edge}, {longest_edge}, {max_height, max_width}"
    }
}

extension KeyedDecodingContainer {
    /// Decodes a size field in any of the shapes transformers accepts (see `ImageSizeSpec`), or
    /// returns `fallback` when it is absent or `null`.
    func imageSize(_ key: Key, integer: ImageSizeSpec.IntegerMeaning, or fallback: ImageSizeSpec) throws -> ImageSizeSpec {
        guard contains(key), try !decodeNil(forKey: key) else {
            return fallback
        }
        if let side = try? decode(Int.self, forKey: key) {
            switch integer {
            case .square: return .exact(height: side, width: side)
            case .shortestEdge: return .shortestEdge(side)
            case .longestEdge: return .longestEdge(side)
            }
        }
        if let pair = try? decode([Int].self, forKey: key) {
            guard pair.count == 2, integer != .longestEdge else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: self,
                    debugDescription: "a size list must be [height, width] (and SAM takes no list)")
            }
            return .exact(height: pair[0], width: pair[1])
        }
        // A dictionary, or the wrong type: let the decoder name the problem with the field's path.
        let dictionary = try optionalValue([String: Int].self, key) ?? [:]
        guard let size = ImageSizeSpec(dictionary: dictionary) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: ImageSizeSpec.keySetMessage(dictionary))
        }
        return size
    }

    /// Decodes a per-channel list such as `image_mean`; a single number means the same value for the
    /// three channels. Returns `fallback` when absent or `null`.
    func channelValues(_ key: Key, or fallback: [Double]) throws -> [Double] {
        guard contains(key), try !decodeNil(forKey: key) else {
            return fallback
        }
        if let value = try? decode(Double.self, forKey: key) {
            return [value, value, value]
        }
        return try optionalValue([Double].self, key) ?? fallback
    }
}
