import Foundation
import Testing

/// `glimpse index` reads which camera took each photo; `search`, `similar` and `export` filter by it
/// (`--camera`); `status` lists the cameras; `--why` says when a photo was taken with another.
@Suite("glimpse and the camera that took each photo")
struct CameraCommandTests {
    @Test("index photos of three cameras, list them, search, compare and export by camera, explain the others")
    func cameras() throws {
        let library = try PhotoLibrary("cameras")
        defer { library.remove() }
        let (photos, index) = (library.photos, library.index)
        for (fixture, name) in [("cameras/x100v.jpg", "street.jpg"), ("cameras/xt3.jpg", "market.jpg"), ("cameras/d750.tif", "wedding.tif"),
                                ("images/photo_400x267.jpg", "scan.jpg")] {
            try library.add(fixture, as: name)
        }
        let indexed = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(indexed.status == 0 && indexed.output.contains("4 described"), "\(indexed.output)")

        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains("Cameras: FUJIFILM X-T3 1, FUJIFILM X100V 1, NIKON D750 1 (search with --camera)"), "\(status.output)")
        #expect(!status.output.contains("Tagged in a photo manager"), "a camera's name is no tag: \(status.output)")

        let one = try GlimpseProcess.run(["search", "square", "--text-only", "--camera", "x100v", "--index", index])
        #expect(one.status == 0 && one.output.contains("street.jpg") && !one.output.contains("market.jpg"), "\(one.output)")
        #expect(one.output.contains("Searched the photos taken with FUJIFILM X100V: 1 indexed image(s)."), "\(one.output)")
        let maker = try GlimpseProcess.run(["search", "square", "--text-only", "--camera", "FUJIFILM", "--index", index])
        #expect(maker.output.contains("street.jpg") && maker.output.contains("market.jpg") && !maker.output.contains("wedding.tif"),
                "\(maker.output)")
        #expect(maker.output.contains("market.jpg  (with FUJIFILM X-T3)"), "each result says which camera: \(maker.output)")
        let unknown = try GlimpseProcess.run(["search", "square", "--text-only", "--camera", "eos r5", "--index", index])
        #expect(unknown.output.contains(#"No indexed photo was taken with a camera called "eos r5"; the index knows FUJIFILM X-T3, "#),
                "\(unknown.output)")
        let blank = try GlimpseProcess.run(["search", "square", "--camera", " - ", "--index", index])
        #expect(blank.status != 0 && blank.output.contains("--camera needs a camera's name or a word of it"), "\(blank.output)")

        let why = try GlimpseProcess.run(["search", "square", "--text-only", "--camera", "d750", "--why",
                                          photos.appending(path: "scan.jpg").path, "--index", index])
        #expect(why.output.contains("its file records no camera, not the camera searched (--camera)"), "\(why.output)")
        let alike = try GlimpseProcess.run(["similar", photos.appending(path: "street.jpg").path, "--camera", "nikon", "--index", index])
        #expect(alike.status == 0 && alike.output.contains("wedding.tif") && !alike.output.contains("market.jpg"), "\(alike.output)")

        let exported = try GlimpseProcess.run(["export", "-", "--camera", "xt3", "--index", index])
        let lines = exported.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(exported.status == 0 && lines.count == 1 && lines[0].contains("market.jpg"), "\(exported.output)")
        #expect(lines.first?.contains(#""camera":"FUJIFILM X-T3""#) == true, "the tags carry the camera: \(exported.output)")
        let none = try GlimpseProcess.run(["export", "-", "--camera", "leica", "--index", index])
        #expect(none.status == 1 && none.output.contains(#"No described photo matches the filters (taken with a camera called "leica")"#),
                "\(none.output)")
    }
}
