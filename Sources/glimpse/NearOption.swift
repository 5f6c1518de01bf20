import ArgumentParser
import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch

/// `--near PLACE [--within KM]` of `search`: the photos taken within a distance of a place, given as
/// coordinates (`48.8584,2.2945`), as a photo whose file (or entry in the index) records where it was taken,
/// or by name (`Lisbon`, `Paris, Texas`: the most populous town of that name in the gazetteer).
enum NearOption {
    /// Kilometres around coordinates or a photo when `--within` is not given (a named place suggests its own).
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
            return try named(near, within: within)
        }
        guard let center = PhotoTags.read(from: data, format: ImageFormat.detect(data.prefix(16))).location else {
            throw CommandError("\(path) records no place where it was taken (no GPS in its EXIF or XMP): give coordinates to --near.")
        }
        return NearbyArea(center: center, kilometres: kilometres)
    }

    /// The area of a place named `name` in the gazetteer (`Gazetteer.locate()`).
    static func named(_ name: String, within: Double?) throws -> NearbyArea {
        guard let url = Gazetteer.locate() else {
            throw CommandError("--near takes coordinates (48.8584,2.2945: latitude,longitude in degrees), a photo, or a place's name; "
                               + "\"\(name)\" is no file, and place names need the gazetteer: run scripts/fetch-places "
                               + "(scripts/bootstrap does) or set GLIMPSE_PLACES to its places.tsv.")
        }
        let gazetteer: Gazetteer
        do {
            gazetteer = try Gazetteer(contentsOf: url)
        } catch {
            throw CommandError("The gazetteer \(url.path) cannot be read (\(error.localizedDescription)): run scripts/fetch-places, "
                               + "or set GLIMPSE_PLACES to its places.tsv.")
        }
        guard let place = gazetteer.places(named: name, limit: 1).first else {
            throw CommandError("--near: no place is named \"\(name)\" among the towns of 1,000 people or more (GeoNames); give its "
                               + "name as the map writes it, add its country (\"Paris, France\"), or give coordinates (48.8584,2.2945).")
        }
        return NearbyArea(center: place.location, kilometres: within ?? place.suggestedKilometres, name: place.title)
    }
}
