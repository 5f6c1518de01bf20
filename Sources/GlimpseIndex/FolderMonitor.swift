import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells a watching index run (`glimpse index --watch`) when files change under the folders it indexes,
/// so that it scans again within seconds of a change instead of on a timer, and not at all while nothing
/// changes. Linux only (inotify); elsewhere `start()` returns nil and the run polls.
///
/// One watch per folder: each folder as a scan enters it (`IndexEvent.enteringFolder`, given to
/// `watch(folder:)`), then exactly those it walked (`IndexReport.folders`, given to `watch(_:)` after every
/// pass), and folders created since, watched as soon as their creation is seen. When the system's
/// limit on watches (`fs.inotify.max_user_watches`) is reached, `isComplete` turns false: changes in
/// the folders left unwatched are found by the periodic pass only. Changes on network file systems
/// made by other machines are not reported by the kernel either; the periodic pass finds those too.
public final class FolderMonitor: @unchecked Sendable {
    // The mutable state below is touched only while holding `lock`.
    private let lock = NSLock()
    private let descriptor: Int32
    /// Paths that start with it are not changes (the index's own files, when it lies in a watched folder).
    private let ignoredPrefix: String?
    private var folders: [Int32: String] = [:]
    private var watched = Set<String>()
    /// False once a folder could not be watched (the system's limit): its changes wait for the periodic pass.
    public var isComplete: Bool { lock.withLock { complete } }
    private var complete = true
    /// Folders watched now.
    public var watchedFolders: Int { lock.withLock { watched.count } }
    /// Where the changes seen since the last `takeChanges()` happened.
    private var changes = FolderChanges()

    private init(descriptor: Int32, ignoredPrefix: String?) {
        self.descriptor = descriptor
        self.ignoredPrefix = ignoredPrefix
    }

    deinit { close(descriptor) }

    /// A monitor with nothing watched yet; nil where the system offers none. Changes to paths that start
    /// with `ignoring` are not reported: give the index's path, so that its own writes wake nothing.
    public static func start(ignoring: String? = nil) -> FolderMonitor? {
        #if canImport(Glibc)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        return descriptor >= 0 ? FolderMonitor(descriptor: descriptor, ignoredPrefix: ignoring) : nil
        #else
        return nil
        #endif
    }

    /// Watches `folder` too (a scan entering it: changes made while the scan goes on are seen).
    public func watch(folder: String) {
        lock.withLock { if !watched.contains(folder) && !isIgnored(folder) { add(folder) } }
    }

    /// Watches exactly `folders`: adds those not watched yet, stops watching the others (a folder a new
    /// exclusion leaves out, one created since the last scan that the scan did not enter). With `under`,
    /// only the watches of folders under those places (themselves included) are replaced: what a scan of
    /// only those places walked.
    public func watch(_ folders: [String], under places: [String]? = nil) {
        lock.lock()
        defer { lock.unlock() }
        let wanted = Set(folders)
        for (watch, folder) in self.folders where !wanted.contains(folder)
            && places.map({ $0.contains { place in Indexer.path(folder, isIn: place) } }) ?? true {
            #if canImport(Glibc)
            inotify_rm_watch(descriptor, watch)
            #endif
            self.folders[watch] = nil
            watched.remove(folder)
        }
        if places == nil { complete = true }
        for folder in folders where !watched.contains(folder) && !isIgnored(folder) { add(folder) }
    }

    /// Where the changes seen since the last call happened, and forgets them (a watching run calls it
    /// before each pass that `waitForChange` started).
    public func takeChanges() -> FolderChanges {
        lock.withLock {
            defer { changes = FolderChanges() }
            return changes
        }
    }

    private func isIgnored(_ path: String) -> Bool {
        ignoredPrefix.map { path.hasPrefix($0) } ?? false
    }

    /// Waits until something changes under a watched folder and then nothing more for `quiet` (a copy of
    /// many files ends first, up to `longest` after the first change), or until `timeout` passes. True when
    /// a change was seen; throws `CancellationError` when the task is cancelled (checked every 0.2 s).
    public func waitForChange(timeout: Duration, quiet: Duration = .seconds(2), longest: Duration = .seconds(60)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var firstChange: ContinuousClock.Instant?
        var lastChange = clock.now
        while true {
            try Task.checkCancellation()
            let now = clock.now
            if let firstChange, now - lastChange >= quiet || now - firstChange >= longest { return true }
            if firstChange == nil && now >= deadline { return false }
            if waitReadable(milliseconds: 200), lock.withLock({ drainEvents() }) {
                lastChange = clock.now
                if firstChange == nil { firstChange = lastChange }
            }
        }
    }

    /// Call with `lock` held.
    private func add(_ folder: String) {
        #if canImport(Glibc)
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF
                          | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)
        let watch = inotify_add_watch(descriptor, folder, mask)
        guard watch >= 0 else {
            if errno == ENOSPC { complete = false }  // the limit; a folder that just vanished is no loss
            return
        }
        if let previous = folders[watch] { watched.remove(previous) }  // the same folder reached by another path
        folders[watch] = folder
        watched.insert(folder)
        #endif
    }

    private func waitReadable(milliseconds: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, milliseconds) > 0
    }

    /// Reads every pending event; watches folders created meanwhile. True when any event told of a change.
    /// Call with `lock` held.
    private func drainEvents() -> Bool {
        #if canImport(Glibc)
        var changed = false
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, capacity)
            guard count > 0 else { return changed }  // EAGAIN: nothing more for now
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[(offset + header)..<min(count, offset + header + length)])
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                offset += header + length
                if mask & UInt32(IN_IGNORED) != 0 {
                    if let folder = folders.removeValue(forKey: watch) { watched.remove(folder) }
                    continue
                }
                if mask & UInt32(IN_Q_OVERFLOW | IN_UNMOUNT) != 0 {  // events were lost, or a drive went away
                    changed = true
                    changes.everything = true
                }
                guard let folder = folders[watch] else { continue }
                // Hidden files (downloads in progress, editors' temporaries) are not indexed: no reason to scan,
                // except for new exclusion rules.
                guard !name.hasPrefix(".") || name == Exclusions.ignoreFileName, !isIgnored(folder + "/" + name) else { continue }
                changed = true
                changes.record(in: folder, name: name, isFolder: mask & UInt32(IN_ISDIR) != 0)
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0,
                   !Exclusions.systemFolderNames.contains(name) {
                    add(folder + "/" + name)  // at once: files copied into it before the next scan are seen
                }
            }
        }
        #else
        return false
        #endif
    }
}
