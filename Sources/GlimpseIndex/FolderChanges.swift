import Foundation

/// Where files changed under a watched folder (`FolderMonitor.takeChanges()`): what a watching index run
/// looks at again instead of every folder.
public struct FolderChanges: Sendable, Hashable {
    /// Folders whose own files were added, changed or removed (their subfolders need no new look).
    public var folders: Set<String> = []
    /// Folders to look at whole: created, moved in, gone or moved out (a path that no longer exists), a
    /// folder itself watched that went away (its parent), or one whose `.glimpseignore` changed.
    public var trees: Set<String> = []
    /// Everything must be looked at again: events were lost (the kernel's queue overflowed) or a watched
    /// drive was unmounted.
    public var everything = false

    public init(folders: Set<String> = [], trees: Set<String> = [], everything: Bool = false) {
        self.folders = folders
        self.trees = trees
        self.everything = everything
    }

    public var isEmpty: Bool { folders.isEmpty && trees.isEmpty && !everything }

    /// Records an event on entry `name` of `folder` (an empty name: the watched folder itself, which went
    /// away or changed its permissions).
    mutating func record(in folder: String, name: String, isFolder: Bool) {
        if name.isEmpty {
            trees.insert(folder)
        } else if isFolder {
            trees.insert(folder == "/" ? "/" + name : folder + "/" + name)
        } else if name == Exclusions.ignoreFileName {
            trees.insert(folder)
        } else {
            folders.insert(folder)
        }
    }

    /// More places than this make a whole pass instead (a large copy or move touched most of the library).
    public static let mostPlaces = 1_000

    /// What to scan for these changes under `roots`: the folders whose own files changed and the trees,
    /// without what a tree already holds; nil when everything must be scanned (`everything`, a root
    /// itself among the trees, a change outside the roots, or more than `mostPlaces` places).
    public func places(within roots: [String]) -> [ScanPlace]? {
        guard !everything, folders.count + trees.count <= Self.mostPlaces else { return nil }
        let roots = roots.map { FileScanner.normalise($0) }
        // Shortest first: a tree's ancestors among the trees are kept before it is looked at.
        var kept = Set<String>()
        for tree in trees.sorted(by: { $0.count < $1.count }) where !Self.isInside(tree, anyOf: kept) { kept.insert(tree) }
        for tree in kept {
            guard roots.contains(where: { Indexer.path(tree, isIn: $0) && tree != $0 }) else { return nil }
        }
        var places = kept.sorted().map { ScanPlace(path: $0, wholeTree: true) }
        for folder in folders.sorted() where !Self.isInside(folder, anyOf: kept) {
            guard roots.contains(where: { Indexer.path(folder, isIn: $0) }) else { return nil }
            places.append(ScanPlace(path: folder, wholeTree: false))
        }
        return places
    }

    /// Whether `path` is one of `places` or lies inside one, by its ancestors (not by every place).
    static func isInside(_ path: String, anyOf places: Set<String>) -> Bool {
        var current = path
        while true {
            if places.contains(current) { return true }
            guard current != "/", let slash = current.lastIndex(of: "/") else { return false }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }
}

/// A place a partial scan looks at (`Indexer.run(_:only:progress:)`): a folder's own files, or a whole tree.
public struct ScanPlace: Sendable, Hashable {
    /// An absolute, normalised path.
    public var path: String
    /// The folder and everything under it; false: the files directly in the folder only.
    public var wholeTree: Bool

    public init(path: String, wholeTree: Bool) {
        self.path = path
        self.wholeTree = wholeTree
    }
}
