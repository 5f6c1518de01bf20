import Foundation

/// The tags (`PhotoTags`) of a JPEG's IPTC block (the "IPTC-IIM" records older photo managers and news
/// agencies write, inside Photoshop's APP13 segment): object name (a title), keywords, caption and the
/// place's names.
enum IPTCTags {
    /// What precedes Photoshop's image resources in a JPEG's APP13 segment.
    static let jpegSignature = Array("Photoshop 3.0\0".utf8)

    /// The tags of the IPTC resource (id 0x0404) among Photoshop image resources; empty tags when there is none.
    static func read(photoshopResources bytes: UnsafeRawBufferPointer) -> PhotoTags {
        var position = 0
        while position + 12 <= bytes.count {
            guard bytes[position..<position + 4].elementsEqual("8BIM".utf8) else { break }
            let id = Int(bytes[position + 4]) << 8 | Int(bytes[position + 5])
            // A Pascal string, padded so that its length byte and text take an even number of bytes.
            let nameLength = Int(bytes[position + 6])
            var at = position + 6 + nameLength + 1
            if (nameLength + 1) % 2 == 1 { at += 1 }
            guard at + 4 <= bytes.count else { break }
            let size = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let start = at + 4
            guard size >= 0, start + size <= bytes.count else { break }
            if id == 0x0404 { return records(UnsafeRawBufferPointer(rebasing: bytes[start..<start + size])) }
            position = start + size + size % 2
        }
        return PhotoTags()
    }

    /// Datasets of record 2 (application): 5 object name, 25 keywords, 120 caption; the place: 92
    /// sublocation, 90 city, 95 province or state, 101 country name. Text is read as UTF-8 when it is valid
    /// UTF-8, else as ISO 8859-1.
    static func records(_ bytes: UnsafeRawBufferPointer) -> PhotoTags {
        var tags = PhotoTags()
        var place: [UInt8: String] = [:]
        var position = 0
        while position + 5 <= bytes.count, bytes[position] == 0x1C {
            let record = bytes[position + 1], dataset = bytes[position + 2]
            let length = Int(bytes[position + 3]) << 8 | Int(bytes[position + 4])
            // A length with its top bit set is an extended length: not used by these datasets.
            guard length & 0x8000 == 0, position + 5 + length <= bytes.count else { break }
            let value = bytes[position + 5..<position + 5 + length]
            if record == 2 {
                let text = String(validating: Array(value), as: UTF8.self) ?? String(value.map { Character(Unicode.Scalar($0)) })
                switch dataset {
                case 5: tags.title = text
                case 25: tags.keywords.append(text)
                case 120: tags.caption = text
                case 90, 92, 95, 101: place[dataset] = place[dataset] ?? text
                default: break
                }
            }
            position += 5 + length
        }
        tags.place = [92, 90, 95, 101].compactMap { place[$0] }
        return tags.normalised()
    }
}
