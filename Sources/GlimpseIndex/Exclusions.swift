import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an index run leaves out: folders of system files that are never a photo library, the patterns
/// given for the run (`glimpse index --exclude`), and those written in `.glimpseignore` files.
///
/// A pattern is a shell wildcard (`*`, `?`, `[…]`, as `fnmatch` reads them):
/// - without a `/` it matches the name of a file or folder at any depth (`@eaDir`, `*.lrdata`);
/// - with a `/` it matches a path relative to where the pattern was written (a root for `--exclude`,
///   the folder of a `.glimpseignore`), and `*` does not cross a `/` (`2019/raw`, `Export/*`); given to
///   `--exclude` and starting with `/` it matches whole absolute paths;
/// - `**` between slashes matches any number of folders, none included (`**/cache`: a `cache` anywhere
///   below where it was written; `Export/**`: everything inside `Export`; `2019/**/raw`), as in `.gitignore`;
/// - a trailing `/` matches folders only (`cache/`);
/// - a leading `!` takes back what an earlier pattern left out (`*.png`, then `!cover.png`); the last
///   pattern that matches decides, as in `.gitignore`, and nothing inside a folder left out comes back
///   (the folder is not entered). `\!` and `\#` start a pattern with a literal `!` or `#`.
///
/// A folder that matches is not entered. A folder or file named on the command line is never left out.
/// A `.glimpseignore` holds one pattern per line (blank lines and lines starting with `#` are skipped;
/// a leading `/` anchors a pattern to the file's folder); its patterns apply to everything under its
/// folder, including when a run starts in a subfolder of it.
public struct Exclusions: Sendable, Hashable {
    /// The name of the files that hold exclusion patterns for their folder.
    public static let ignoreFileName = ".glimpseignore"

    /// Folders that are never a photo library: NAS thumbnail caches and recycle bins, Windows' system
    /// folders, and `lost+found` (unreadable to users, so it would be reported on every run).
    public static let systemFolderNames = ["@eaDir", "#recycle", "#snapshot", "$RECYCLE.BIN", "System Volume Information", "lost+found"]

    /// Patterns given for the run, as typed.
    public var patterns: [String]
    /// Whether `systemFolderNames` are left out.
    public var leavesOutSystemFolders: Bool
    /// Folders of the library with the patterns remembered for them (`LibraryFolder`): those apply under
    /// their folder, relative to it, as the run's patterns do under a root.
    public var rememberedFolders: [LibraryFolder]

    public init(patterns: [String] = [], leavesOutSystemFolders: Bool = true, rememberedFolders: [LibraryFolder] = []) {
        self.patterns = patterns
        self.leavesOutSystemFolders = leavesOutSystemFolders
        self.rememberedFolders = rememberedFolders
    }

    /// The rules that apply under `root`: the system folders, the patterns remembered for the library folder
    /// that holds it, the run's patterns and the patterns of the `.glimpseignore` files in the folders above it.
    func rules(under root: String) throws(ScanProblem) -> [ExclusionRule] {
        var rules = leavesOutSystemFolders ? Self.systemFolderNames.map { ExclusionRule(name: $0) } : []
        for folder in rememberedFolders where Indexer.path(root, isIn: folder.path) {
            rules += folder.exclusionPatterns.compactMap { ExclusionRule.parse($0, base: folder.path, absoluteAllowed: true) }
        }
        for pattern in patterns {
            rules += ExclusionRule.parse(pattern, base: root, absoluteAllowed: true).map { [$0] } ?? []
        }
        var folder = ""
        for part in root.split(separator: "/").dropLast() {
            folder += "/" + part
            rules += try Self.rules(inFolder: folder) ?? []
        }
        return rules
    }

    /// The rules of `folder`'s `.glimpseignore`; nil when it has none; a problem when it cannot be read.
    static func rules(inFolder folder: String) throws(ScanProblem) -> [ExclusionRule]? {
        let path = (folder == "/" ? "" : folder) + "/" + ignoreFileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            // Not UTF-8 (an old editor's Latin-1)? The lines that decode still apply.
            text = String(decoding: try Data(contentsOf: URL(filePath: path)), as: UTF8.self)
        } catch {
            throw ScanProblem(path: folder, message: "its \(ignoreFileName) cannot be read (\((error as NSError).localizedDescription)), "
                              + "so the folder was not scanned")
        }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let pattern = line.trimmingCharacters(in: .whitespaces)
            return pattern.hasPrefix("#") ? nil : ExclusionRule.parse(pattern, base: folder, absoluteAllowed: false)
        }
    }
}

/// One exclusion pattern, ready to match.
struct ExclusionRule: Sendable, Hashable {
    enum Scope: Sendable, Hashable {
        /// Matches a name at any depth.
        case name
        /// Matches the path relative to `base` (an absolute path when `base` is empty).
        case path(base: String)
    }

    var pattern: String
    var scope: Scope
    var foldersOnly = false
    /// Written with a leading `!`: a match takes a path back instead of leaving it out.
    var includes = false
    /// No wildcard: compared as it is (most rules; a scan checks every name against every rule).
    private var isLiteral: Bool
    /// A path pattern with a `**` segment, cut at its slashes (repeated `**` segments merged); nil for
    /// the others, which `fnmatch` matches whole.
    private var segments: [String]?

    init(name: String) {
        self.init(pattern: name, scope: .name, foldersOnly: false)
    }

    init(pattern: String, scope: Scope, foldersOnly: Bool, includes: Bool = false) {
        self.pattern = pattern
        self.scope = scope
        self.foldersOnly = foldersOnly
        self.includes = includes
        isLiteral = !pattern.contains { "*?[\\".contains($0) }
        if case .path = scope, pattern.split(separator: "/").contains("**") {
            var segments: [String] = []
            for segment in pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            where !(segment == "**" && segments.last == "**") {
                segments.append(segment)
            }
            self.segments = segments
        }
    }

    /// A rule from a pattern written in `base` (nil for a blank pattern). With `absoluteAllowed`, a
    /// leading `/` makes an absolute path pattern; otherwise it anchors the pattern to `base`.
    static func parse(_ text: String, base: String, absoluteAllowed: Bool) -> ExclusionRule? {
        guard !text.hasPrefix("!") else {
            var rule = parse(String(text.dropFirst()), base: base, absoluteAllowed: absoluteAllowed)
            rule?.includes = true
            return rule
        }
        var pattern = Substring(text.hasPrefix("\\!") || text.hasPrefix("\\#") ? text.dropFirst() : Substring(text))
        let foldersOnly = pattern.hasSuffix("/")
        while pattern.hasSuffix("/") { pattern = pattern.dropLast() }
        while pattern.hasPrefix("./") { pattern = pattern.dropFirst(2) }
        guard !pattern.isEmpty else { return nil }
        if pattern.hasPrefix("/") {
            if absoluteAllowed { return ExclusionRule(pattern: String(pattern), scope: .path(base: ""), foldersOnly: foldersOnly) }
            while pattern.hasPrefix("/") { pattern = pattern.dropFirst() }
            guard !pattern.isEmpty else { return nil }
            return ExclusionRule(pattern: String(pattern), scope: .path(base: base), foldersOnly: foldersOnly)
        }
        return ExclusionRule(pattern: String(pattern), scope: pattern.contains("/") ? .path(base: base) : .name,
                             foldersOnly: foldersOnly)
    }

    /// Whether `rules` (in the order written) leave out the file or folder at `path`: the last rule that
    /// matches it decides.
    static func excludes(_ rules: [ExclusionRule], path: String, name: String, isDirectory: Bool) -> Bool {
        rules.last { $0.matches(path: path, name: name, isDirectory: isDirectory) }.map { !$0.includes } ?? false
    }

    /// Whether this rule matches the file or folder at `path` (whose last component is `name`).
    func matches(path: String, name: String, isDirectory: Bool) -> Bool {
        if foldersOnly && !isDirectory { return false }
        switch scope {
        case .name:
            return isLiteral ? name == pattern : fnmatch(pattern, name, 0) == 0
        case let .path(base) where base.isEmpty:
            if let segments { return Self.match(segments[...], path.split(separator: "/")[...]) }
            return fnmatch(pattern, path, FNM_PATHNAME) == 0
        case let .path(base):
            let prefix = base == "/" ? "/" : base + "/"
            guard path.hasPrefix(prefix) else { return false }
            let relative = path.dropFirst(prefix.count)
            if let segments { return Self.match(segments[...], relative.split(separator: "/")[...]) }
            return fnmatch(pattern, String(relative), FNM_PATHNAME) == 0
        }
    }

    /// Whether the path's `components` match the pattern's `segments`: `**` takes any number of
    /// components (at least one when it ends the pattern: `Export/**` is what is inside `Export`, as in
    /// `.gitignore`); any other segment one component, as `fnmatch` reads it.
    private static func match(_ segments: ArraySlice<String>, _ components: ArraySlice<Substring>) -> Bool {
        guard let segment = segments.first else { return components.isEmpty }
        if segment == "**" {
            if segments.count == 1 { return !components.isEmpty }
            var rest = components
            while true {
                if match(segments.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let component = components.first, fnmatch(segment, String(component), 0) == 0 else { return false }
        return match(segments.dropFirst(), components.dropFirst())
    }
}
