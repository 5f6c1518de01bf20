import GlimpseImage

/// Cameras set to "RAW + JPEG" write two files for every shot, `IMG_0001.CR2` and `IMG_0001.JPG`: the same
/// picture twice. Indexing leaves out a raw file that has a JPEG or HEIF of the same name (in any case)
/// beside it in its folder — the camera's own rendering is described once, and search shows the shot once.
/// A raw file alone, or whose JPEG is left out by an exclusion, is indexed.
enum RawJPEGPairs {
    /// Extensions of the renderings a camera writes beside its raw files.
    static let renderingExtensions: Set<String> = ["jpg", "jpeg", "jpe", "heic", "heif", "hif"]

    /// The names in one folder that may be a camera's rendering, by their lowercased stem.
    static func renderings(among names: [String]) -> [String: [String]] {
        var found: [String: [String]] = [:]
        for name in names {
            guard let (stem, ext) = parts(name), renderingExtensions.contains(ext) else { continue }
            found[stem, default: []].append(name)
        }
        return found
    }

    /// The lowercased stem of a raw file's name; nil for any other name.
    static func stem(ofRaw name: String) -> String? {
        guard let (stem, ext) = parts(name), ImageFormat.rawFileExtensions.contains(ext) else { return nil }
        return stem
    }

    /// A file name's stem and extension, both lowercased; nil without an extension.
    private static func parts(_ name: String) -> (String, String)? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return (name[..<dot].lowercased(), name[name.index(after: dot)...].lowercased())
    }
}
