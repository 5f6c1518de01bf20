import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tags (`PhotoTags`) of an XMP packet, whatever program wrote it.
///
/// Read: `dc:title`, `dc:description` (the `x-default` language, else the first), `dc:subject`,
/// Lightroom's `lr:hierarchicalSubject` and digiKam's `digiKam:TagsList` (their last part),
/// `photoshop:Headline` (a title when there is none), `xmp:Rating`, and the names of people: MWG face
/// regions (`mwg-rs:Name`, as Lightroom, digiKam and Picasa write them), Windows' `MPReg:PersonDisplayName`
/// and IPTC's `Iptc4xmpExt:PersonInImage`, and the location (`exif:GPSLatitude` and `exif:GPSLongitude`,
/// `DDD,MM.mmK` or `DDD,MM,SSK`, as a photo manager's map writes them) and the place's names
/// (`Iptc4xmpCore:Location`, `photoshop:City`, `photoshop:State`, `photoshop:Country`, as Lightroom's map
/// fills them; else the first of IPTC's `Iptc4xmpExt:LocationShown`/`LocationCreated` structures), and the
/// camera (`tiff:Make` and `tiff:Model`, which Lightroom and darktable copy from the raw file's EXIF).
/// Properties may be elements or attributes, with any prefixes.
/// darktable's own tags (`darktable|format|nef`, `darktable|changed`, `darktable|style|…` in the hierarchy,
/// their last parts also in `dc:subject` since darktable 5) say how a file was edited, not what it shows:
/// they are left out.
enum XMPTags {
    /// What precedes the packet in a JPEG's APP1 segment.
    static let jpegSignature = Array("http://ns.adobe.com/xap/1.0/\0".utf8)

    private enum Property {
        case title, headline, caption, keyword, hierarchicalKeyword(Character), rating, person, latitude, longitude, make, model
        case place(PlacePart, structured: Bool)
    }

    /// The parts of a place's name, most specific first.
    private enum PlacePart: Int, CaseIterable { case sublocation, city, region, country }

    private static let properties: [XMLEventReader.Name: Property] = [
        .init(namespace: "http://purl.org/dc/elements/1.1/", local: "title"): .title,
        .init(namespace: "http://purl.org/dc/elements/1.1/", local: "description"): .caption,
        .init(namespace: "http://purl.org/dc/elements/1.1/", local: "subject"): .keyword,
        .init(namespace: "http://ns.adobe.com/photoshop/1.0/", local: "Headline"): .headline,
        .init(namespace: "http://ns.adobe.com/lightroom/1.0/", local: "hierarchicalSubject"): .hierarchicalKeyword("|"),
        .init(namespace: "http://www.digikam.org/ns/1.0/", local: "TagsList"): .hierarchicalKeyword("/"),
        .init(namespace: "http://ns.adobe.com/xap/1.0/", local: "Rating"): .rating,
        .init(namespace: "http://www.metadataworkinggroup.com/schemas/regions/", local: "Name"): .person,
        .init(namespace: "http://ns.microsoft.com/photo/1.2/t/Region#", local: "PersonDisplayName"): .person,
        .init(namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", local: "PersonInImage"): .person,
        .init(namespace: "http://ns.adobe.com/exif/1.0/", local: "GPSLatitude"): .latitude,
        .init(namespace: "http://ns.adobe.com/exif/1.0/", local: "GPSLongitude"): .longitude,
        .init(namespace: "http://ns.adobe.com/tiff/1.0/", local: "Make"): .make,
        .init(namespace: "http://ns.adobe.com/tiff/1.0/", local: "Model"): .model,
        .init(namespace: "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", local: "Location"): .place(.sublocation, structured: false),
        .init(namespace: "http://ns.adobe.com/photoshop/1.0/", local: "City"): .place(.city, structured: false),
        .init(namespace: "http://ns.adobe.com/photoshop/1.0/", local: "State"): .place(.region, structured: false),
        .init(namespace: "http://ns.adobe.com/photoshop/1.0/", local: "Country"): .place(.country, structured: false),
        .init(namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", local: "Sublocation"): .place(.sublocation, structured: true),
        .init(namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", local: "City"): .place(.city, structured: true),
        .init(namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", local: "ProvinceState"): .place(.region, structured: true),
        .init(namespace: "http://iptc.org/std/Iptc4xmpExt/2008-02-29/", local: "CountryName"): .place(.country, structured: true),
    ]

    private static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    private static let listItem = XMLEventReader.Name(namespace: rdf, local: "li")
    private static let languageAttribute = XMLEventReader.Name(namespace: XMLEventReader.xmlNamespace, local: "lang")

    /// The largest packet read (a real one holds kilobytes; Photoshop's edit history, at most a few megabytes).
    static let maximumPacketBytes = 16 << 20

    /// The tags of a packet (or of a whole sidecar file); nil when it is not well-formed XML or is larger
    /// than `maximumPacketBytes`.
    static func read(_ packet: [UInt8]) -> PhotoTags? {
        guard packet.count <= maximumPacketBytes, let events = XMLEventReader.read(packet) else { return nil }
        var tags = PhotoTags()
        var headline: String?
        var titleIsDefault = false, captionIsDefault = false
        var automatic = Set<String>()  // the last parts of darktable's own tags
        var latitude: Double?, longitude: Double?
        var make: String?, model: String?
        // The place's parts from the flat properties, and from the first structure that gives any.
        var flatPlace = [PlacePart: String](), structuredPlace = [PlacePart: String]()
        var structuredPlaceDone = false
        var stack: [(name: XMLEventReader.Name, language: String?)] = []

        func record(_ property: Property, _ value: String, language: String?) {
            let isDefault = language == nil || language == "x-default"
            switch property {
            case .title:
                if tags.title == nil || (isDefault && !titleIsDefault) { tags.title = value; titleIsDefault = isDefault }
            case .caption:
                if tags.caption == nil || (isDefault && !captionIsDefault) { tags.caption = value; captionIsDefault = isDefault }
            case .headline: headline = headline ?? value
            case .keyword: tags.keywords.append(value)
            case let .hierarchicalKeyword(separator):
                let parts = value.split(separator: separator)
                guard let leaf = parts.last.map(String.init) else { return }
                if parts.count > 1, parts[0].lowercased() == "darktable" {
                    automatic.insert(leaf.lowercased())
                } else {
                    tags.keywords.append(leaf)
                }
            case .rating:
                if let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite {
                    tags.rating = Int(number.rounded())
                }
            case .person: tags.people.append(value)
            case .latitude: latitude = coordinate(value, negative: "S")
            case .longitude: longitude = coordinate(value, negative: "W")
            case .make: make = make ?? value
            case .model: model = model ?? value
            case let .place(part, structured):
                if !structured {
                    flatPlace[part] = flatPlace[part] ?? value
                } else if !structuredPlaceDone {
                    structuredPlace[part] = structuredPlace[part] ?? value
                }
            }
        }

        for event in events {
            switch event {
            case let .open(name, attributes):
                let language = attributes[languageAttribute] ?? stack.last?.language
                stack.append((name, language))
                for (attribute, value) in attributes {
                    if let property = properties[attribute] { record(property, value, language: language) }
                }
            case .close:
                // A structure (an `rdf:li` of LocationShown) ends: later ones do not mix into its place.
                if let closed = stack.popLast(), closed.name == listItem, !structuredPlace.isEmpty { structuredPlaceDone = true }
            case let .text(text):
                guard !text.allSatisfy({ $0.isWhitespace }) else { continue }
                // The property is the nearest element that is not RDF's own (a container, an item, a description).
                guard let owner = stack.last(where: { $0.name.namespace != rdf }), let property = properties[owner.name] else { continue }
                record(property, text, language: stack.last?.language)
            }
        }
        if tags.title == nil { tags.title = headline }
        tags.keywords.removeAll { automatic.contains($0.lowercased()) }
        if let latitude, let longitude { tags.location = PhotoLocation(latitude: latitude, longitude: longitude) }
        let place = flatPlace.isEmpty ? structuredPlace : flatPlace
        tags.place = PlacePart.allCases.compactMap { place[$0] }
        tags.camera = CameraName.joined(make: make, model: model)
        return tags.normalised()
    }

    /// Degrees from XMP's GPS coordinate form, `DDD,MM.mmK` or `DDD,MM,SSK` (K the direction), negative
    /// toward `negative`; nil when malformed.
    static func coordinate(_ text: String, negative: Character) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let direction = trimmed.last?.uppercased().first, "NSEW".contains(direction) else { return nil }
        let parts = trimmed.dropLast().split(separator: ",").map { Double($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.map { $0 >= 0 && $0.isFinite } ?? false }) else { return nil }
        let numbers = parts.compactMap { $0 }
        let degrees = numbers[0] + numbers[1] / 60 + (numbers.count == 3 ? numbers[2] / 3600 : 0)
        return direction == negative ? -degrees : degrees
    }

    /// Where the XMP packet lies in a file that is not a JPEG. A TIFF-structured file (TIFF, DNG and most
    /// camera raw files) names it in IFD0 (tag 700). Elsewhere (PNG, WebP, HEIF, other raw files) writers
    /// store it uncompressed, so the file is searched for its `x:xmpmeta` element (or a bare `rdf:RDF`):
    /// the whole file, but only the first `rawScanLimit` bytes of a TIFF or raw file without the tag, which
    /// may be large (a DNG is a TIFF to `ImageFormat.detect`).
    static func packet(in bytes: UnsafeRawBufferPointer, format: ImageFormat?) -> Range<Int>? {
        if format == .tiff || format == .cameraRaw, let tiff = TIFFBlock(bytes), let ifd0 = tiff.firstIFD,
           let packet = tiff.value(of: 700, inIFDAt: ifd0).flatMap({ tiff.range(of: $0) }) {
            return packet
        }
        let searched = format == .tiff || format == .cameraRaw ? UnsafeRawBufferPointer(rebasing: bytes.prefix(rawScanLimit)) : bytes
        for (open, close) in [("<x:xmpmeta", "</x:xmpmeta>"), ("<rdf:RDF", "</rdf:RDF>")] {
            guard let start = find(open, in: searched, from: 0) else { continue }
            guard let end = find(close, in: searched, from: start) else { return nil }
            return start..<end + close.utf8.count
        }
        return nil
    }

    /// How much of a TIFF or camera raw file whose IFD0 names no packet (CR3 and RAF have no IFD0) is searched.
    static let rawScanLimit = 4 << 20

    /// The offset of the first `marker` at or after `start` (`memchr` finds each candidate first byte).
    private static func find(_ marker: String, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let needle = Array(marker.utf8)
        guard let base = bytes.baseAddress, start >= 0, start + needle.count <= bytes.count else { return nil }
        var at = start
        while at + needle.count <= bytes.count {
            guard let hit = memchr(base + at, Int32(needle[0]), bytes.count - needle.count + 1 - at) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + offset, needle, needle.count) == 0 { return offset }
            at = offset + 1
        }
        return nil
    }
}
