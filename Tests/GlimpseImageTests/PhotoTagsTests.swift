import Foundation
import Testing
@testable import GlimpseImage

@Suite("Tags people wrote: XMP, IPTC and sidecar files")
struct PhotoTagsTests {
    /// The tags of a fixture written by ExifTool (`Tools/fixtures/make_tag_fixtures.sh`).
    static func tags(_ name: String, sidecar: String? = nil) throws -> PhotoTags {
        let data = try Fixtures.data("tags/\(name)")
        let format = ImageFormat.detect(data.prefix(16))
        return PhotoTags.read(from: data, format: format, sidecar: try sidecar.map { try Fixtures.data("tags/\($0)") })
    }

    @Test("Lightroom's way: title in two languages, caption with markup characters, keywords, hierarchy, faces, rating")
    func lightroom() throws {
        let tags = try Self.tags("lightroom.jpg")
        #expect(tags.title == "Grandma's birthday", "the x-default language wins over fr")
        #expect(tags.caption == "Cake on the terrace & candles <lit>")
        #expect(tags.keywords == ["birthday", "Café de Flore", "cake", "Paris"])
        #expect(tags.people == ["Anna Karenina", "Rex"])
        #expect(tags.rating == 4)
    }

    @Test("IPTC only, in UTF-8")
    func iptc() throws {
        let tags = try Self.tags("iptc.jpg")
        #expect(tags == PhotoTags(title: "Harbour at dawn", caption: "Fishing boats, Ålesund", keywords: ["boat", "Norway", "harbour"]))
    }

    @Test("XMP and IPTC in one file: XMP's title wins, keywords of both")
    func both() throws {
        let tags = try Self.tags("both.jpg")
        #expect(tags.title == "XMP title")
        #expect(tags.keywords == ["from-xmp", "from-iptc"])
    }

    @Test("XMP inside PNG, WebP, TIFF and HEIF files; Windows' and IPTC's people fields", arguments: ["png", "webp", "tif", "heic"])
    func otherFormats(_ ext: String) throws {
        let tags = try Self.tags("tagged.\(ext)")
        #expect(tags == PhotoTags(keywords: ["sunset", "beach"], people: ["Carol", "Bob"], rating: 5), "\(ext)")
    }

    @Test("a rejected photo is -1; rating 0 means unrated")
    func ratings() throws {
        #expect(try Self.tags("rejected.jpg").rating == -1)
        let unrated = try Self.tags("unrated.jpg")
        #expect(unrated.rating == nil)
        #expect(unrated.keywords == ["plain"])
    }

    @Test("a sidecar file: its caption and rating win, keywords of both kept, a digiKam hierarchy's last part")
    func sidecar() throws {
        let tags = try Self.tags("lightroom.jpg", sidecar: "sidecar.xmp")
        #expect(tags.title == "Grandma's birthday")
        #expect(tags.caption == "Summit cross in the fog")
        #expect(tags.rating == 2)
        #expect(tags.keywords == ["mountain", "Grandpa", "birthday", "Café de Flore", "cake", "Paris"])
        #expect(tags.people == ["Anna Karenina", "Rex"])
    }

    @Test("a file without tags has none")
    func untagged() throws {
        let data = try Fixtures.data("images/photo_400x267.jpg")
        #expect(PhotoTags.read(from: data, format: .jpeg).isEmpty)
        #expect(PhotoTags.read(from: Data("not an image".utf8), format: nil).isEmpty)
    }

    @Test("Adobe's compact form: properties as attributes, with other prefixes than the usual ones")
    func attributes() {
        let packet = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:a="http://ns.adobe.com/xap/1.0/" xmlns:p="http://ns.adobe.com/photoshop/1.0/"
              a:Rating="3.0" p:Headline="Headline only"><!-- a comment -->
              <d:subject xmlns:d="http://purl.org/dc/elements/1.1/"><rdf:Bag><rdf:li>one</rdf:li><rdf:li><![CDATA[two & <three>]]></rdf:li>
              <rdf:li>ONE</rdf:li><rdf:li>  </rdf:li></rdf:Bag></d:subject>
              <mwg-rs:RegionList xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"><rdf:Bag>
                <rdf:li><rdf:Description mwg-rs:Name="Dora &#x1F600;" mwg-rs:Type="Face"/></rdf:li></rdf:Bag></mwg-rs:RegionList>
            </rdf:Description></rdf:RDF></x:xmpmeta>
            """
        let tags = XMPTags.read(Array(packet.utf8))
        #expect(tags == PhotoTags(title: "Headline only", keywords: ["one", "two & <three>"], people: ["Dora 😀"], rating: 3))
    }

    @Test("darktable's own tags (format, changed, style) are left out; the user's are kept")
    func darktableTags() {
        // As darktable 5 writes a sidecar (darktable-org/darktable#18162).
        let packet = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
              xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="1">
            <dc:subject><rdf:Bag><rdf:li>1. Develop Filmic</rdf:li><rdf:li>changed</rdf:li><rdf:li>Green Street</rdf:li>
              <rdf:li>rw2</rdf:li></rdf:Bag></dc:subject>
            <lr:hierarchicalSubject><rdf:Bag><rdf:li>darktable|changed</rdf:li><rdf:li>darktable|format|rw2</rdf:li>
              <rdf:li>darktable|style|1. Develop Filmic</rdf:li><rdf:li>place|Green Street</rdf:li></rdf:Bag></lr:hierarchicalSubject>
            </rdf:Description></rdf:RDF></x:xmpmeta>
            """
        #expect(XMPTags.read(Array(packet.utf8)) == PhotoTags(keywords: ["Green Street"], rating: 1))
    }

    @Test("a location set on a photo manager's map (XMP's GPS form) wins over the camera's EXIF GPS")
    func location() throws {
        let packet = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="22,57.11496S"
              exif:GPSLongitude="43,12,37.7532W"/></rdf:RDF></x:xmpmeta>
            """
        let paris = try Fixtures.data("places/paris.jpg")
        let camera = try #require(PhotoTags.read(from: paris, format: .jpeg).location)
        #expect(abs(camera.latitude - 48.85837) < 1e-6)
        let moved = try #require(PhotoTags.read(from: paris, format: .jpeg, sidecar: Data(packet.utf8)).location)
        #expect(abs(moved.latitude + 22.951916) < 1e-6 && abs(moved.longitude + 43.210487) < 1e-6, "\(moved)")
        #expect(XMPTags.coordinate("91,0N", negative: "S") == 91, "read as written; PhotoLocation refuses it")
        #expect(XMPTags.coordinate("48.5", negative: "S") == nil && XMPTags.coordinate("x,1N", negative: "S") == nil)
    }

    @Test("the place's names: Lightroom's map fields, IPTC's datasets, the first IPTC Extension structure")
    func placeNames() throws {
        let xmp = try Self.tags("place-xmp.jpg")
        #expect(xmp == PhotoTags(keywords: ["tower"], place: ["Belém", "Lisbon", "Lisboa", "Portugal"]))
        #expect(xmp.searchText.split(separator: "\n") == ["tower", "Belém", "Lisbon", "Lisboa", "Portugal"])
        #expect(try Self.tags("place-iptc.jpg").place == ["Brosundet", "Ålesund", "Møre og Romsdal", "Norway"])
        #expect(try Self.tags("place-shown.png").place == ["Pena Palace", "Sintra", "Portugal"], "Cascais is a second structure")
        // A sidecar's place replaces the file's whole (its parts do not mix with the file's).
        let sidecar = Data("""
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:ps="http://ns.adobe.com/photoshop/1.0/" ps:City="Porto"/></rdf:RDF></x:xmpmeta>
            """.utf8)
        #expect(PhotoTags.read(from: try Fixtures.data("tags/place-xmp.jpg"), format: .jpeg, sidecar: sidecar).place == ["Porto"])
        let decoded = try JSONDecoder().decode(PhotoTags.self, from: try JSONEncoder().encode(xmp))
        #expect(decoded == xmp)
        #expect(try JSONDecoder().decode(PhotoTags.self, from: Data(#"{"place": [" Lisbon ", "lisbon", ""]}"#.utf8)).place == ["Lisbon"])
    }

    @Test("damaged or hostile packets give no tags and no crash", arguments: [
        "<x:xmpmeta><rdf:RDF>",
        "<a><b></a></b>",
        "<a attr=novalue></a>",
        String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000),
        "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>",
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><",
    ])
    func hostile(_ packet: String) {
        let tags = XMPTags.read(Array(packet.utf8)) ?? PhotoTags()
        #expect(tags.keywords.isEmpty && tags.title == nil)
    }

    @Test("a packet over the size limit is not read")
    func oversized() {
        let keyword = #"<r xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject>big</dc:subject>"#
        let packet = Array((keyword + String(repeating: " ", count: XMPTags.maximumPacketBytes) + "</r>").utf8)
        #expect(XMPTags.read(packet) == nil)
        #expect(XMPTags.read(Array((keyword + "</r>").utf8))?.keywords == ["big"])
    }

    @Test("a document type's entities are left as written, never expanded")
    func entitiesNotExpanded() {
        let packet = """
            <!DOCTYPE x [<!ENTITY e "expanded">]><r xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject>&e; &amp;</dc:subject></r>
            """
        #expect(XMPTags.read(Array(packet.utf8))?.keywords == ["&e; &"])
    }

    @Test("over-long entries are dropped, long captions cut, repeats in any case dropped")
    func limits() {
        let long = String(repeating: "x", count: PhotoTags.maximumEntryLength + 1)
        let tags = PhotoTags(caption: String(repeating: "y", count: 9000), keywords: ["Dog", long, "dog", " a   b "], rating: 7)
            .normalised()
        #expect(tags.keywords == ["Dog", "a b"])
        #expect(tags.caption?.count == PhotoTags.maximumTextLength)
        #expect(tags.rating == nil)
    }

    @Test("IPTC: Latin-1 text, and a truncated block stops cleanly")
    func iptcRecords() {
        var records: [UInt8] = [0x1C, 2, 25, 0, 4] + [0x43, 0x61, 0x66, 0xE9]  // "Café" in ISO 8859-1
        records += [0x1C, 2, 120, 0, 50, 0x41]  // claims 50 bytes, holds 1
        let tags = records.withUnsafeBytes { IPTCTags.records($0) }
        #expect(tags.keywords == ["Café"])
        #expect(tags.caption == nil)
    }
}
