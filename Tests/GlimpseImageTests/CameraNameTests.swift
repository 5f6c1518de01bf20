import Foundation
import Testing
@testable import GlimpseImage

@Suite("Which camera took a photo (EXIF's Make and Model)")
struct CameraNameTests {
    /// The camera of a fixture written by ExifTool (`Tools/fixtures/make_camera_fixtures.sh`).
    static func camera(_ name: String) throws -> String? {
        let data = try Fixtures.data("cameras/\(name)")
        let format = try #require(ImageFormat.detect(data.prefix(16)))
        return data.withUnsafeBytes { CameraName.read(from: $0, format: format) }
    }

    @Test("IFD0's Make and Model in JPEG, TIFF, PNG, WebP and HEIF files", arguments: [
        ("x100v.jpg", "FUJIFILM X100V"), ("xt3.jpg", "FUJIFILM X-T3"), ("d750.tif", "NIKON D750"), ("pixel.png", "Google Pixel 7"),
        ("a7.webp", "SONY ILCE-7M3"), ("iphone.heic", "Apple iPhone 12 Pro"),
    ])
    func formats(_ file: String, _ expected: String) throws {
        #expect(try Self.camera(file) == expected, "\(file)")
    }

    @Test("a camera raw file (DNG) and a scanner's TIFF")
    func rawAndScanner() throws {
        let dng = try Fixtures.data("raw/preview.dng")
        #expect(dng.withUnsafeBytes { CameraName.read(from: $0, format: .cameraRaw) } == "Glimpse Fixture Camera")
        let scan = try Fixtures.data("raw/maker.tif")
        #expect(scan.withUnsafeBytes { CameraName.read(from: $0, format: .tiff) } == "EPSON Perfection V600")
    }

    @Test("blank tags, or none, name no camera")
    func none() throws {
        #expect(try Self.camera("blank.jpg") == nil)
        let plain = try Fixtures.data("images/photo_400x267.jpg")
        #expect(plain.withUnsafeBytes { CameraName.read(from: $0, format: .jpeg) } == nil)
    }

    @Test("the maker's company words are left out and the maker is not named twice")
    func joining() {
        let cases: [(String?, String?, String?)] = [
            ("NIKON CORPORATION", "NIKON D750", "NIKON D750"),
            ("Canon", "Canon EOS R5", "Canon EOS R5"),
            ("OLYMPUS IMAGING CORP.", "E-M10", "OLYMPUS E-M10"),
            ("RICOH IMAGING COMPANY, LTD.", "PENTAX K-1", "RICOH PENTAX K-1"),
            ("EASTMAN KODAK COMPANY", "KODAK EASYSHARE C813 ZOOM DIGITAL CAMERA", "KODAK EASYSHARE C813 ZOOM DIGITAL CAMERA"),
            ("LEICA CAMERA AG", "LEICA Q2", "LEICA Q2"),
            ("samsung", "SM-G991B", "samsung SM-G991B"),
            ("  Apple\u{0}", " iPhone   12 Pro ", "Apple iPhone 12 Pro"),
            ("FUJIFILM", nil, "FUJIFILM"),
            (nil, "X100V", "X100V"),
            ("Unknown", "  ", nil),
            (nil, nil, nil),
            ("Canon", String(repeating: "x", count: 101), "Canon"),
        ]
        for (make, model, expected) in cases {
            #expect(CameraName.joined(make: make, model: model) == expected, "\(make ?? "nil") / \(model ?? "nil")")
        }
    }

    @Test("XMP's tiff:Make and tiff:Model in a sidecar name the camera, over the file's own EXIF")
    func sidecar() throws {
        let photo = try Fixtures.data("cameras/x100v.jpg")
        let tags = PhotoTags.read(from: photo, format: .jpeg, sidecar: try Fixtures.data("cameras/sidecar.xmp"))
        #expect(tags.camera == "Canon EOS R5" && tags.keywords == ["wedding"])
        #expect(PhotoTags.read(from: photo, format: .jpeg).camera == "FUJIFILM X100V")
    }

    @Test("the camera goes through JSON, is not searched as text and is not in the summary")
    func stored() throws {
        let tags = PhotoTags(keywords: ["beach"], camera: "FUJIFILM X100V")
        let json = try JSONEncoder().encode(tags)
        #expect(try JSONDecoder().decode(PhotoTags.self, from: json) == tags)
        #expect(!tags.searchText.contains("X100V") && !tags.summary.contains("X100V"))
        #expect(!PhotoTags(camera: "X100V").isEmpty && PhotoTags(camera: "  ").normalised().isEmpty)
    }

    @Test("mutated EXIF blocks give a short name or none, never a crash")
    func mutations() throws {
        let files = try ["x100v.jpg", "d750.tif", "iphone.heic"].map { try Fixtures.data("cameras/\($0)") }
        for bytes in FuzzTests.mutations(of: files, count: 600, seed: 1_005) {
            guard let format = ImageFormat.detect(bytes.prefix(16)),
                  let found = bytes.withUnsafeBytes({ CameraName.read(from: $0, format: format) }) else { continue }
            #expect(!found.isEmpty && found.count <= 201 && !found.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) })
        }
    }
}
