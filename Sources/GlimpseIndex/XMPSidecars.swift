import Foundation
import GlimpseImage

/// Photo managers that never write into image files keep what people tag in an XMP file beside each photo:
/// darktable and digiKam name it `NAME.EXT.xmp`, Lightroom and Capture One (for raw files) `NAME.xmp`. The
/// index reads it with the photo (`PhotoTags`), and reads the tags again when only the sidecar changed.
enum XMPSidecars {
    /// The XMP files among one folder's names, by lowercased name.
    static func index(_ names: [String]) -> [String: String] {
        var found: [String: String] = [:]
        for name in names where name.count > 4 && name.lowercased().hasSuffix(".xmp") { found[name.lowercased()] = name }
        return found
    }

    /// The name of the sidecar of the image named `name`: `NAME.EXT.xmp`, else `NAME.xmp` (in any case).
    static func sidecar(of name: String, in sidecars: [String: String]) -> String? {
        guard !sidecars.isEmpty else { return nil }
        let lowered = name.lowercased()
        if let full = sidecars[lowered + ".xmp"] { return full }
        guard let dot = lowered.lastIndex(of: "."), dot != lowered.startIndex else { return nil }
        return sidecars[lowered[..<dot] + ".xmp"]
    }

    /// The sidecar of the file at `path`, found by listing its folder (for a file named on the command line).
    static func sidecar(ofFileAt path: String) -> ScannedFile.Sidecar? {
        let folder = (path as NSString).deletingLastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "/" : folder),
              let name = sidecar(of: (path as NSString).lastPathComponent, in: index(names)) else { return nil }
        return ScannedFile.Sidecar(at: (folder as NSString).appendingPathComponent(name))
    }

    /// The largest sidecar file read (a real one is a few kilobytes).
    static let maximumBytes = 16 << 20

    /// The sidecar's bytes, or nil when it is missing, too large or unreadable (the photo's own tags stand).
    static func contents(of sidecar: ScannedFile.Sidecar?) -> Data? {
        guard let sidecar, sidecar.size <= maximumBytes else { return nil }
        return try? Data(contentsOf: URL(filePath: sidecar.path))
    }
}

extension ScannedFile {
    /// An XMP sidecar file beside an image, with what `stat` says about it.
    public struct Sidecar: Sendable, Hashable {
        public var path: String
        public var size: Int64
        public var modified: Double

        /// The sidecar at `path`; nil when it is not a regular file.
        init?(at path: String) {
            guard let status = FileScanner.status(path), status.isRegular else { return nil }
            self.path = path
            size = status.size
            modified = status.modified
        }
    }

    /// What the image's tags were read from besides the file itself, as the index records it: a new stamp
    /// (a sidecar added, changed or removed) means the tags are read again. The version prefix changes
    /// when Glimpse learns to read more.
    public var tagsStamp: String {
        guard let sidecar else { return Self.tagsReaderVersion }
        return "\(Self.tagsReaderVersion) \(sidecar.size) \(sidecar.modified) \((sidecar.path as NSString).lastPathComponent)"
    }

    /// t2: the place's names (`PhotoTags.place`); t3: the camera (`PhotoTags.camera`).
    static let tagsReaderVersion = "t3"
}
