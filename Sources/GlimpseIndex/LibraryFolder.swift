/// A folder the index was built from: given to an index run, remembered so that a run without folders
/// (`glimpse index`) looks at the whole library again.
///
/// Each is remembered with the `--exclude` patterns it was last given, which apply under it (also to a
/// run that starts in one of its subfolders) until it is given again. Only folders are remembered, never
/// single files, and never a folder inside one already remembered: the library is a set of disjoint trees.
public struct LibraryFolder: Sendable, Hashable, Codable {
    /// An absolute, standardised path.
    public var path: String
    /// The `--exclude` patterns given with it, as typed (see `Exclusions`).
    public var exclusionPatterns: [String]

    public init(path: String, exclusionPatterns: [String] = []) {
        self.path = path
        self.exclusionPatterns = exclusionPatterns
    }
}

extension [LibraryFolder] {
    /// The folders remembered after a run over `folders` (absolute, standardised) with `patterns`: a folder
    /// inside one remembered already adds nothing; any other replaces the remembered folders inside it (or
    /// equal to it) and is remembered with `patterns`. Sorted by path.
    public func remembering(_ folders: [String], patterns: [String]) -> [LibraryFolder] {
        var result = self
        // Outer folders first, so that a folder given together with one inside it is remembered alone.
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            if result.contains(where: { $0.path != folder && Indexer.path(folder, isIn: $0.path) }) { continue }
            result.removeAll { Indexer.path($0.path, isIn: folder) }
            result.append(LibraryFolder(path: folder, exclusionPatterns: patterns))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The folders remembered once the images under `places` are forgotten: those at or below a place go.
    public func forgetting(_ places: [String]) -> [LibraryFolder] {
        filter { folder in !places.contains { Indexer.path(folder.path, isIn: $0) } }
    }

    /// The folders remembered once the images under `from` live at the same paths under `to`: a folder at
    /// or below `from` moves with them; when `from` lay inside a remembered folder, `to` joins the library
    /// (unless a remembered folder holds it already), so that a run without folders still finds them.
    public func relocating(from: String, to: String) -> [LibraryFolder] {
        var result = map { folder in
            guard Indexer.path(folder.path, isIn: from) else { return folder }
            return LibraryFolder(path: to + folder.path.dropFirst(from.count), exclusionPatterns: folder.exclusionPatterns)
        }
        if contains(where: { $0.path != from && Indexer.path(from, isIn: $0.path) }) {
            result = result.remembering([to], patterns: [])
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The remembered folder that holds `path` (a folder or file), if any.
    public func folder(holding path: String) -> LibraryFolder? {
        first { Indexer.path(path, isIn: $0.path) }
    }
}
