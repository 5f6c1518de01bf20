import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file found by a scan, with what `stat` says about it.
public struct ScannedFile: Sendable, Hashable {
    public var path: String
    public var size: Int64
    /// Seconds since 1970, nanosecond precision.
    public var modified: Double
    /// The XMP file beside it that holds its tags, if any (`XMPSidecars`).
    public var sidecar: Sidecar?
}

/// Something the scan could not look into (a folder without permission, a broken link).
public struct ScanProblem: Error, Sendable, Hashable {
    public var path: String
    public var message: String
}

/// Walks folders recursively.
///
/// - Names starting with `.` (hidden files and folders) are skipped, and so is what `exclusions` leave out
///   (listed in the result, not entered).
/// - Symbolic links are followed, to files and to folders; a folder already visited (same device and
///   inode, reached through a link loop or twice through different links) is not entered again. Files
///   are reported under the path the walk reached them by, not resolved through links.
/// - Folders that cannot be listed and links that lead nowhere are reported as problems; the walk goes on.
struct FileScanner {
    var exclusions = Exclusions()
    var isCancelled: @Sendable () -> Bool = { Task.isCancelled }
    /// Called with each folder before it is listed.
    var entering: @Sendable (String) -> Void = { _ in }

    struct Result {
        var files: [ScannedFile] = []
        var problems: [ScanProblem] = []
        /// Files and folders left out by the exclusions (a folder's contents are not listed).
        var excluded: [String] = []
        /// Raw files left out because the camera's JPEG or HEIF of the same shot is beside them (`RawJPEGPairs`).
        var rawsBesideRenderings: [String] = []
        /// The folders walked, roots included.
        var folders: [String] = []
    }

    /// `roots` must be absolute, standardised paths (see `normalise`).
    func scan(_ roots: [String]) -> Result {
        var result = Result()
        var visited = Set<FileIdentity>()
        var seenFiles = Set<String>()
        for root in roots {
            guard let info = Self.status(root) else {
                result.problems.append(ScanProblem(path: root, message: Self.errorText()))
                continue
            }
            if info.isDirectory {
                let rules: [ExclusionRule]
                do {
                    rules = try exclusions.rules(under: root)
                } catch {
                    result.problems.append(error)
                    continue
                }
                walk(root, identity: info.identity, rules: rules, visited: &visited, result: &result, seenFiles: &seenFiles)
            } else if info.isRegular, seenFiles.insert(root).inserted {
                result.files.append(ScannedFile(path: root, size: info.size, modified: info.modified,
                                                sidecar: XMPSidecars.sidecar(ofFileAt: root)))
            }
        }
        return result
    }

    /// Scans only `places` (each under one of `roots`, which must be absolute, standardised paths) as a scan
    /// of `roots` would see them: with the rules of the roots and of the `.glimpseignore` files between, and
    /// nothing of a place that those leave out (it is listed as excluded). A place that no longer exists
    /// while its parent folder does is gone (deleted, or renamed before its watch learnt the new name): it
    /// yields nothing and no problem.
    func scan(_ places: [ScanPlace], within roots: [String]) -> Result {
        var result = Result()
        var visited = Set<FileIdentity>()
        var seenFiles = Set<String>()
        for place in places {
            guard let root = roots.filter({ Indexer.path(place.path, isIn: $0) }).max(by: { $0.count < $1.count }) else { continue }
            var rules: [ExclusionRule]
            do {
                rules = try exclusions.rules(under: root)
                var folder = root
                for name in place.path.dropFirst(root == "/" ? 1 : root.count + 1).split(separator: "/").map(String.init) {
                    rules += try Exclusions.rules(inFolder: folder) ?? []
                    folder = folder == "/" ? "/" + name : folder + "/" + name
                    if ExclusionRule.excludes(rules, path: folder, name: name, isDirectory: true) { throw Excluded(path: folder) }
                }
            } catch let excluded as Excluded {
                result.excluded.append(excluded.path)
                continue
            } catch {
                result.problems.append(error as? ScanProblem ?? ScanProblem(path: place.path, message: "\(error)"))
                continue
            }
            guard let info = Self.status(place.path) else {
                let missing = errno == ENOENT
                let failure = Self.errorText()
                let parent = (place.path as NSString).deletingLastPathComponent
                if !(missing && Self.status(parent)?.isDirectory == true) {
                    result.problems.append(ScanProblem(path: place.path, message: failure))
                }
                continue
            }
            guard info.isDirectory else { continue }
            walk(place.path, identity: info.identity, rules: rules, visited: &visited, result: &result, seenFiles: &seenFiles,
                 descending: place.wholeTree)
        }
        return result
    }

    private struct Excluded: Error { var path: String }

    private func walk(_ folder: String, identity: FileIdentity, rules: [ExclusionRule], visited: inout Set<FileIdentity>,
                      result: inout Result, seenFiles: inout Set<String>, descending: Bool = true) {
        guard visited.insert(identity).inserted, !isCancelled() else { return }
        result.folders.append(folder)
        entering(folder)
        let names: [String]
        var rules = rules
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            if names.contains(Exclusions.ignoreFileName) { rules += try Exclusions.rules(inFolder: folder) ?? [] }
        } catch let problem as ScanProblem {
            result.problems.append(problem)
            return
        } catch {
            result.problems.append(ScanProblem(path: folder, message: "cannot list the folder (\(Self.reason(error)))"))
            return
        }
        let renderings = RawJPEGPairs.renderings(among: names.filter { !$0.hasPrefix(".") })
        let sidecars = XMPSidecars.index(names)
        for name in names where !name.hasPrefix(".") {
            let path = folder == "/" ? "/" + name : folder + "/" + name
            let info = Self.status(path)
            let failure = info == nil ? Self.errorText() : nil  // before anything else can change errno
            if ExclusionRule.excludes(rules, path: path, name: name, isDirectory: info?.isDirectory ?? false) {
                result.excluded.append(path)
                continue
            }
            guard let info else {
                result.problems.append(ScanProblem(path: path, message: failure ?? ""))
                continue
            }
            if info.isDirectory {
                if descending {
                    walk(path, identity: info.identity, rules: rules, visited: &visited, result: &result, seenFiles: &seenFiles)
                }
            } else if info.isRegular, seenFiles.insert(path).inserted {
                let rendering = renderings[RawJPEGPairs.stem(ofRaw: name) ?? ""]?.first { other in
                    let otherPath = folder == "/" ? "/" + other : folder + "/" + other
                    return Self.status(otherPath)?.isRegular == true
                        && !ExclusionRule.excludes(rules, path: otherPath, name: other, isDirectory: false)
                }
                if rendering != nil {
                    result.rawsBesideRenderings.append(path)
                } else {
                    let sidecar = XMPSidecars.sidecar(of: name, in: sidecars).flatMap {
                        ScannedFile.Sidecar(at: folder == "/" ? "/" + $0 : folder + "/" + $0)
                    }
                    result.files.append(ScannedFile(path: path, size: info.size, modified: info.modified, sidecar: sidecar))
                }
            }
        }
    }

    /// An absolute path without `.`, `..` or a trailing slash (symbolic links are kept).
    static func normalise(_ path: String, relativeTo base: String = FileManager.default.currentDirectoryPath) -> String {
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    // MARK: stat

    struct Status {
        var isDirectory: Bool
        var isRegular: Bool
        var size: Int64
        var modified: Double
        var identity: FileIdentity
    }

    /// `stat` of `path`, following links; nil (with `errno` set) when it fails.
    static func status(_ path: String) -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Status(isDirectory: type == S_IFDIR, isRegular: type == S_IFREG, size: Int64(info.st_size),
                      modified: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9,
                      identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    private static func errorText() -> String {
        let code = errno
        if code == ENOENT { return "a symbolic link that leads nowhere, or a file removed during the scan" }
        return String(cString: strerror(code))
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
