/// Which file a path names now: its device and inode. Two paths name the same file when their identities
/// are equal; a path names another file than before when its identity changed (the file was replaced).
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity of the file at `path` (links followed); nil when there is none.
    init?(path: String) {
        guard let status = FileScanner.status(path) else { return nil }
        self = status.identity
    }
}
