import Foundation
import GlimpseImage

/// Names the place where a photo was taken from its GPS location (reverse geocoding), so that its
/// place's names can be searched and shown: "beach Lisbon" finds the beach photos taken there.
public protocol PlaceNaming: Sendable {
    /// Which names it gives: when it changes (another gazetteer, other rules), every located photo is named again.
    var identity: String { get }
    /// The names of the place at `location`, most specific first (`Santa Monica`, `Los Angeles`,
    /// `California`, `United States`); empty when no place is near enough to name. An error (its
    /// gazetteer cannot be read) leaves the photos unnamed, to be named by a later run.
    func names(at location: PhotoLocation) throws -> [String]
    /// `names(at:)` with the other names of those places (`Köln`: `Cologne`, `Colonia`, …), by name.
    func namedPlace(at location: PhotoLocation) throws -> NamedPlace
}

/// The names of the place at a location (`PlaceNaming.names(at:)`), and other names of those places by the
/// name they stand for, so that a query saying "in Cologne" finds the photos named after Köln.
public struct NamedPlace: Sendable, Hashable {
    /// Most specific first (`Santa Monica`, `Los Angeles`, `California`, `United States`).
    public var names: [String]
    public var otherNames: [String: [String]]

    public init(names: [String], otherNames: [String: [String]] = [:]) {
        self.names = names
        self.otherNames = otherNames
    }
}

extension PlaceNaming {
    /// The names alone, no other names.
    public func namedPlace(at location: PhotoLocation) throws -> NamedPlace { NamedPlace(names: try names(at: location)) }
}

/// A place's name as the index compares it: lowercased, accents dropped, spaces collapsed (`São  Paulo` →
/// `sao paulo`).
public enum PlaceNameKey {
    public static func of(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
