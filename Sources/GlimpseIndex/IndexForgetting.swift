import Foundation

/// What `IndexStore.forgetImages(under:)` found and removed.
public struct ForgetReport: Sendable, Hashable, Codable {
    /// A place asked for, as an absolute path, with the number of indexed images under it and of the
    /// kept descriptions of removed images last seen under it (`ShelvedDescription`).
    public struct Place: Sendable, Hashable, Codable {
        public var path: String
        public var images: Int
        public var keptDescriptions: Int
        /// The library folder that holds the place and stays remembered (`LibraryFolder`): the next run
        /// over it finds these images again unless they are excluded.
        public var libraryFolder: String?
    }

    public var places: [Place]
    /// Images removed from the index (0 for a dry run); an image under two places counts once.
    public var removed: Int
    /// Images under the places, whether removed or not (a dry run's count).
    public var found: Int
    /// Whether the descriptions went for good (`forGood`) rather than aside, where an index run of the
    /// same pictures takes them back.
    public var forGood: Bool
    /// Kept descriptions deleted (only `forGood`, 0 for a dry run).
    public var keptDescriptionsDeleted: Int
    /// Folders of the library at or below the places, no longer remembered (a dry run: that would be).
    public var libraryFoldersForgotten: [String] = []
}

extension IndexStore {
    /// Removes from the index the images under `places` (folders or files, which need not exist any more;
    /// relative paths are taken from the current folder) with their descriptions; the files are not
    /// touched. The descriptions are kept aside (`ShelvedDescription`) unless `forGood`, which also deletes
    /// those kept earlier from under the places. Folders of the library at or below the places are no longer
    /// remembered (`LibraryFolder`). Holds the run lock meanwhile, so it is refused while an index run works
    /// on this index. With `dryRun`, counts and changes nothing.
    public func forgetImages(under places: [String], forGood: Bool = false, dryRun: Bool = false) throws -> ForgetReport {
        let lock = try lockRuns()
        defer { withExtendedLifetime(lock) {} }
        let places = places.map { FileScanner.normalise($0) }
        var ids = Set<ImageID>()
        var found: [ForgetReport.Place] = []
        let kept = try discardShelvedDescriptions(under: places, dryRun: true)
        let folders = try libraryFolders(), remainingFolders = folders.forgetting(places)
        for (place, keptCount) in zip(places, kept) {
            let images = try images(under: [place])
            ids.formUnion(images.map(\.id))
            found.append(ForgetReport.Place(path: place, images: images.count, keptDescriptions: keptCount,
                                            libraryFolder: remainingFolders.folder(holding: place)?.path))
        }
        var report = ForgetReport(places: found, removed: 0, found: ids.count, forGood: forGood, keptDescriptionsDeleted: 0,
                                  libraryFoldersForgotten: folders.map(\.path).filter { path in !remainingFolders.contains { $0.path == path } })
        guard !dryRun else { return report }
        if remainingFolders != folders { try setLibraryFolders(remainingFolders) }
        if !ids.isEmpty {
            try removeImages(ids.sorted(), shelving: !forGood)
            report.removed = ids.count
            // Without it search still works (through SQLite's own ranking), so a failure here loses nothing.
            try? prepareForSearch()
        }
        if forGood {
            report.keptDescriptionsDeleted = try discardShelvedDescriptions(under: places, dryRun: false).reduce(0, +)
        }
        return report
    }
}
