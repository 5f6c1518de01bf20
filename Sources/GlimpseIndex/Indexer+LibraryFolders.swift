import Foundation

/// The library's folders in a run (`LibraryFolder`, `IndexOptions.roots`).
extension Indexer {
    /// The folders this index was built from: what a run with `IndexRoots.remembered` is given.
    public func libraryFolders() throws -> [LibraryFolder] { try store.libraryFolders() }

    /// The roots to scan: given ones all; of the remembered ones, those that are there. Each that is not (an
    /// unplugged drive, a renamed folder) is reported as a problem, and its images, outside the run's roots, are kept.
    func presentRoots(_ roots: [String], report: inout IndexReport) -> [String] {
        guard options.roots == .remembered else { return roots }
        return roots.filter { root in
            if FileScanner.status(root) != nil { return true }
            let reason = errno == ENOENT ? "not there" : String(cString: strerror(errno))
            report.problems.append(ScanProblem(path: root, message: "\(reason) (a folder of the library: what is indexed from it is kept; "
                                               + "`glimpse forget` it if it is gone for good)"))
            return false
        }
    }

    /// The exclusions to scan `roots` with: the run's, and the patterns remembered for the library's folders.
    /// Given folders are remembered (not by a dry run), and their own remembered patterns give way to the run's.
    func libraryExclusions(roots: [String], report: inout IndexReport) throws -> Exclusions {
        var exclusions = options.exclusions
        let remembered = try store.libraryFolders()
        switch options.roots {
        case .remembered:
            exclusions.rememberedFolders = remembered
        case .given:
            let folders = roots.filter { FileScanner.status($0)?.isDirectory == true }
            exclusions.rememberedFolders = remembered.filter { folder in !folders.contains { Self.path(folder.path, isIn: $0) } }
            let updated = remembered.remembering(folders, patterns: options.exclusions.patterns)
            if updated != remembered && !options.dryRun {
                try store.setLibraryFolders(updated)
                report.newlyRemembered = updated.map(\.path).filter { path in !remembered.contains { $0.path == path } }
            }
        }
        return exclusions
    }
}
