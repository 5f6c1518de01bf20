import Foundation

/// A small photo library for a test that runs `glimpse` on it: a temporary folder holding `photos/`, the
/// index's path beside it, and the image fixtures to copy in. `remove()` deletes it all.
struct PhotoLibrary {
    let folder: URL
    /// Where the photos go (`add`).
    let photos: URL
    /// The index database's path, for `--index`.
    var index: String { folder.appending(path: "index.sqlite").path }
    /// `Tests/GlimpseImageTests/Fixtures`.
    static let fixtures = GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseImageTests/Fixtures")

    /// A new, empty library whose folder's name starts with `glimpse-NAME-`.
    init(_ name: String) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-\(name)-\(UUID().uuidString)")
        photos = folder.appending(path: "photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
    }

    /// Copies the fixture at `path` (under `fixtures`) into `photos` as `name`.
    func add(_ path: String, as name: String) throws {
        try FileManager.default.copyItem(at: Self.fixtures.appending(path: path), to: photos.appending(path: name))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
