import Foundation

/// What people wrote about a photo in their photo manager (Lightroom, darktable, digiKam, Photo Mechanic,
/// a phone's gallery): its title, caption, keywords, the names of the people in it, and its rating; where
/// it was taken (the camera's GPS, or a place set on a map in the manager, and the place's names); and
/// which camera took it.
///
/// Read from the file's XMP packet and IPTC block, and from an XMP sidecar file beside it (`NAME.xmp` or
/// `NAME.EXT.xmp`). Never an error: a file with no such metadata, or damaged metadata, has empty tags.
public struct PhotoTags: Sendable, Hashable, Codable {
    public var title: String?
    public var caption: String?
    /// Keywords as written (a hierarchical keyword `Places|France|Paris` contributes its last part).
    public var keywords: [String]
    /// Names of the people (and pets) in the photo, from face regions and "person shown" fields.
    public var people: [String]
    /// 1 to 5 stars, or -1 for a photo marked rejected; nil when unrated.
    public var rating: Int?
    /// Where the photo was taken: XMP's `exif:GPSLatitude`/`GPSLongitude`, else the EXIF GPS tags.
    public var location: PhotoLocation?
    /// The names of the place it was taken at, most specific first — sublocation, city, region, country
    /// (`Belém`, `Lisbon`, `Lisboa`, `Portugal`) — as a photo manager's map or its location fields set them.
    public var place: [String]
    /// The camera that took it (`CameraName`: EXIF's Make and Model, or XMP's `tiff:Make` and `tiff:Model`).
    /// Not searched as text (model names are ordinary words: "Galaxy", "Pixel", "Mark"); `--camera` filters by it.
    public var camera: String?

    public init(title: String? = nil, caption: String? = nil, keywords: [String] = [], people: [String] = [], rating: Int? = nil,
                location: PhotoLocation? = nil, place: [String] = [], camera: String? = nil) {
        self.camera = camera
        self.location = location
        self.place = place
        self.title = title
        self.caption = caption
        self.keywords = keywords
        self.people = people
        self.rating = rating
    }

    private enum CodingKeys: String, CodingKey { case title, caption, keywords, people, rating, location, place, camera }

    /// Every field may be missing (an imported line that gives only keywords); the result is normalised.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = PhotoTags(title: try container.decodeIfPresent(String.self, forKey: .title),
                         caption: try container.decodeIfPresent(String.self, forKey: .caption),
                         keywords: try container.decodeIfPresent([String].self, forKey: .keywords) ?? [],
                         people: try container.decodeIfPresent([String].self, forKey: .people) ?? [],
                         rating: try container.decodeIfPresent(Int.self, forKey: .rating),
                         location: try container.decodeIfPresent(PhotoLocation.self, forKey: .location),
                         place: try container.decodeIfPresent([String].self, forKey: .place) ?? [],
                         camera: try container.decodeIfPresent(String.self, forKey: .camera)).normalised()
    }

    /// Only what is present: empty lists and missing fields are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encodeIfPresent(caption, forKey: .caption)
        if !keywords.isEmpty { try container.encode(keywords, forKey: .keywords) }
        if !people.isEmpty { try container.encode(people, forKey: .people) }
        try container.encodeIfPresent(rating, forKey: .rating)
        try container.encodeIfPresent(location, forKey: .location)
        if !place.isEmpty { try container.encode(place, forKey: .place) }
        try container.encodeIfPresent(camera, forKey: .camera)
    }

    /// Whether nothing was found.
    public var isEmpty: Bool {
        title == nil && caption == nil && keywords.isEmpty && people.isEmpty && rating == nil && location == nil && place.isEmpty
            && camera == nil
    }

    /// These tags over `base`: a title, caption, rating, location, place or camera here wins; keywords and people of both are kept.
    public func merged(over base: PhotoTags) -> PhotoTags {
        PhotoTags(title: title ?? base.title, caption: caption ?? base.caption, keywords: keywords + base.keywords,
                  people: people + base.people, rating: rating ?? base.rating, location: location ?? base.location,
                  place: place.isEmpty ? base.place : place, camera: camera ?? base.camera).normalised()
    }

    /// The text full-text search reads: title, caption, keywords, people and the place's names, one per line.
    public var searchText: String {
        ([title, caption].compactMap { $0 } + keywords + people + place).joined(separator: "\n")
    }

    /// One line for people: `"Grandma's birthday" · birthday, cake · people Anna, Rex · ★★★★` (the location
    /// and place are not in it).
    public var summary: String {
        var parts: [String] = []
        if let title { parts.append("\"\(title)\"") }
        if !keywords.isEmpty { parts.append(keywords.joined(separator: ", ")) }
        if !people.isEmpty { parts.append("people " + people.joined(separator: ", ")) }
        if let rating { parts.append(rating < 0 ? "rejected" : String(repeating: "★", count: rating)) }
        if let caption { parts.append(caption.count > 80 ? caption.prefix(79) + "…" : caption) }
        return parts.joined(separator: " · ")
    }

    /// The longest keyword or name kept (longer ones are dropped), and the most of each kept.
    static let maximumEntryLength = 200
    static let maximumEntries = 500
    /// Titles and captions are cut at this many characters.
    static let maximumTextLength = 5000

    /// Whitespace collapsed, empty and over-long entries dropped, repeats (in any case) dropped, a rating
    /// outside -1…5 or of 0 (unrated) dropped.
    func normalised() -> PhotoTags {
        func clean(_ text: String?) -> String? {
            guard let text else { return nil }
            let collapsed = text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
            return collapsed.isEmpty ? nil : String(collapsed.prefix(Self.maximumTextLength))
        }
        func list(_ entries: [String]) -> [String] {
            var seen = Set<String>()
            return entries.compactMap(clean).filter { $0.count <= Self.maximumEntryLength && seen.insert($0.lowercased()).inserted }
                .prefix(Self.maximumEntries).map { $0 }
        }
        let stars = rating.flatMap { (-1...5).contains($0) && $0 != 0 ? $0 : nil }
        return PhotoTags(title: clean(title), caption: clean(caption), keywords: list(keywords), people: list(people), rating: stars,
                         location: location, place: list(place), camera: clean(camera).flatMap { $0.count <= Self.maximumEntryLength ? $0 : nil })
    }

    /// The tags of an image file (`data`, of `format` when known) and of its XMP sidecar file, if any:
    /// the sidecar's over the file's own XMP, over its IPTC block and EXIF GPS, Make and Model tags.
    public static func read(from data: Data, format: ImageFormat?, sidecar: Data? = nil) -> PhotoTags {
        let own = data.withUnsafeBytes { bytes -> PhotoTags in
            var tags = PhotoTags()
            if format == .jpeg {
                if let packet = ExifOrientation.jpegSegment(bytes, marker: 0xE1, signature: XMPTags.jpegSignature) {
                    tags = XMPTags.read(Array(bytes[packet])) ?? tags
                }
                if let block = ExifOrientation.jpegSegment(bytes, marker: 0xED, signature: IPTCTags.jpegSignature) {
                    tags = tags.merged(over: IPTCTags.read(photoshopResources: UnsafeRawBufferPointer(rebasing: bytes[block])))
                }
            } else if let packet = XMPTags.packet(in: bytes, format: format) {
                tags = XMPTags.read(Array(bytes[packet])) ?? tags
            }
            if tags.location == nil, let format { tags.location = PhotoLocation.read(from: bytes, format: format) }
            if tags.camera == nil, let format { tags.camera = CameraName.read(from: bytes, format: format) }
            return tags
        }
        let beside = sidecar.flatMap { XMPTags.read(Array($0)) } ?? PhotoTags()
        return beside.merged(over: own)
    }
}
