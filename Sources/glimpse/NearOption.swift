import ArgumentParser
import Foundation
import GlimpseImage
import GlimpseIndex

/// `--near PLACE [--within KM]` of `search`: the photos taken within a distance of a place, given as
/// coordinates (`48.8584,2.2945`) or as a photo whose file (or entry in the index) records where it was taken.
enum NearOption {
    /// Kilometres around the place when `--within` is not given.
    static let defaultKilometres = 2.0

    /// The coordinates `text` holds (`LATITUDE,LONGITUDE` in degrees, south and west negative), nil when it
    /// holds none.
    static func coordinates(_ text: String) -> PhotoLocation? {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let latitude = parts[0], let longitude = parts[1] else { return nil }
        return PhotoLocation(latitude: latitude, longitude: longitude)
    }

    /// Refuses a distance that is not a positive number of kilometres, at most half the globe around.
    static func validate(near: String?, within: Double?) throws {
        if let within, !(within > 0 && within <= 20_040) {
            throw ValidationError("--within is a distance in kilometres, more than 0 and at most 20040; got \(within).")
        }
        if within != nil && near == nil { throw ValidationError("--within says how far from the place of --near: give --near too.") }
    }

    /// The area of `--near` and `--within`; nil without `--near`. A photo is looked up in `store` first, then
    /// read from its file.
    static func area(near: String?, within: Double?, store: SQLiteIndexStore) throws -> NearbyArea? {
        guard let near else { return nil }
        let kilometres = within ?? defaultKilometres
        if let center = coordinates(near) { return NearbyArea(center: center, kilometres: kilometres) }
        let path = URL(filePath: near).standardizedFileURL.path
        if let image = try store.image(atPath: path), let center = try store.searchDocuments([image.id]).first?.tags?.location {
            return NearbyArea(center: center, kilometres: kilometres)
        }
        guard let data = try? Data(contentsOf: URL(filePath: path), options: .alwaysMapped) else {
            throw CommandError("--near takes coordinates (48.8584,2.2945: latitude,longitude in degrees) or a photo; "
                               + "\"\(near)\" is neither.")
        }
        guard let center = PhotoTags.read(from: data, format: ImageFormat.detect(data.prefix(16))).location else {
            throw CommandError("\(path) records no place where it was taken (no GPS in its EXIF or XMP): give coordinates to --near.")
        }
        return NearbyArea(center: center, kilometres: kilometres)
    }
}
