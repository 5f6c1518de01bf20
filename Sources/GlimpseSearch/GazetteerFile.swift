import Foundation
import GlimpseImage
import GlimpseIndex

/// A gazetteer file read only when it is first needed, then kept: to name the places of located photos
/// (`PlaceNaming`, through a `PlaceNamer`) and to look places up by name. Most index runs name no place,
/// and reading the file takes about half a second. Its identity comes from the file's size, so the same
/// gazetteer gives the same identity wherever it is installed.
public final class GazetteerFile: PlaceNaming, @unchecked Sendable {
    public let url: URL
    public let identity: String
    private let lock = NSLock()
    private var namer: PlaceNamer?
    private var failure: (any Error)?

    /// Nil when the file cannot be found.
    public init?(url: URL) {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int else { return nil }
        self.url = url
        identity = "\(PlaceNamer.rules) \(size) bytes"
    }

    /// The names at `location` (`PlaceNamer.names(at:)`).
    public func names(at location: PhotoLocation) throws -> [String] {
        try loaded { $0.names(at: location) }
    }

    /// The names at `location` and their other names (`PlaceNamer.namedPlace(at:)`).
    public func namedPlace(at location: PhotoLocation) throws -> NamedPlace {
        try loaded { $0.namedPlace(at: location) }
    }

    /// The places `name` names, most populous first (`Gazetteer.places(named:limit:)`).
    public func places(named name: String, limit: Int = 10) throws -> [Gazetteer.Place] {
        try loaded { $0.gazetteer.places(named: name, limit: limit) }
    }

    /// `body` over the namer, read on first use; throws when the file cannot be read (tried once).
    private func loaded<T>(_ body: (PlaceNamer) -> T) throws -> T {
        try lock.withLock {
            if namer == nil, failure == nil {
                do { namer = PlaceNamer(gazetteer: try Gazetteer(contentsOf: url)) } catch { failure = error }
            }
            if let failure { throw failure }
            return body(namer!)
        }
    }
}
