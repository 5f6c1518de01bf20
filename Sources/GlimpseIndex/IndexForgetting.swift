import Foundation

/// What `IndexStore.forgetImages(under:)` found and removed.
public struct ForgetReport: Sendable, Hashable, Codable {
    /// A place asked for, as an absolute path, and the number of indexed images under it.
    public struct Place: Sendable, Hashable, Codable {
        public var path: String
        public var images: Int
    }

    public var places: [Place]
    /// Images removed from the index (0 for a dry run); an image under two places counts once.
    public var removed: Int
    /// Images under the places, whether removed or not (a dry run's count).
    public var found: Int
}

extension IndexStore {
    /// Removes from the index the images under `places` (folders or files, which need not exist any more;
    /// relative paths are taken from the current folder) with their descriptions; the files are not
    /// touched. Holds the run lock meanwhile, so it is refused while an index run works on this index.
    /// With `dryRun`, counts and changes nothing.
    public func forgetImages(under places: [String], dryRun: Bool = false) throws -> ForgetReport {
        let lock = try lockRuns()
        defer { withExtendedLifetime(lock) {} }
        var ids = Set<ImageID>()
        var found: [ForgetReport.Place] = []
        for place in places.map({ FileScanner.normalise($0) }) {
            let images = try images(under: [place])
            ids.formUnion(images.map(\.id))
            found.append(ForgetReport.Place(path: place, images: images.count))
        }
        guard !dryRun, !ids.isEmpty else { return ForgetReport(places: found, removed: 0, found: ids.count) }
        try removeImages(ids.sorted())
        // Without it search still works (through SQLite's own ranking), so a failure here loses nothing.
        try? prepareForSearch()
        return ForgetReport(places: found, removed: ids.count, found: ids.count)
    }
}
