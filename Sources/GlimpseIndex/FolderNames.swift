import Foundation

/// The names of the folders a photo lies in that say something about it — `2019-06 Lisbon trip`,
/// `Grandma's 80th` — searched with its description: many libraries are organised that way.
///
/// Up to `depth` names, walking up at most `reach` folders from the photo. The folders that cameras, phones
/// and systems make (`DCIM`, `100CANON`, `Camera`, `Pictures`, `WhatsApp Images`, …) are passed over; the
/// walk stops at a hidden folder and before a user's home folder (its name is a login, which would match
/// every photo under it).
public enum FolderNames {
    /// How many names are kept at most.
    public static let depth = 2
    /// How many folders up are looked at at most.
    public static let reach = 5

    /// The telling folder names of the file at `path` (absolute, `/`-separated), nearest first.
    public static func of(path: String) -> [String] {
        var folders = path.split(separator: "/", omittingEmptySubsequences: true).dropLast().map(String.init)
        var names: [String] = []
        for _ in 0..<reach {
            guard names.count < depth, let folder = folders.popLast(), !folder.hasPrefix(".") else { break }
            let parent = folders.last?.lowercased()
            if parent == "home" || parent == "users" { break }
            if !isGeneric(folder) { names.append(folder) }
        }
        return names
    }

    /// Whether a folder's name is one that cameras, phones, photo programs or systems give.
    static func isGeneric(_ folder: String) -> Bool {
        let name = folder.lowercased()
        if generic.contains(name) { return true }
        // DCF folders: three digits and five characters (100CANON, 101APPLE, 100_FUJI, 100MSDCF).
        let scalars = Array(name.unicodeScalars)
        return scalars.count == 8 && scalars.prefix(3).allSatisfy { ("0"..."9").contains($0) }
    }

    private static let generic: Set<String> = [
        "dcim", "camera", "camera roll", "camera uploads", "pictures", "my pictures", "photos", "my photos", "images", "img",
        "downloads", "download", "desktop", "documents", "my documents", "screenshots", "whatsapp images", "whatsapp",
        "telegram images", "sent", "private", "media", "storage", "emulated", "sdcard", "photos library.photoslibrary",
        "originals", "masters", "previews", "thumbnails", "export", "exports", "import", "imports", "raw", "raws", "jpg",
        "jpeg", "heic", "new folder", "untitled folder", "unsorted", "misc", "upload", "uploads", "tmp", "temp", "mnt",
        "volumes", "home", "users", "data", "nas", "share", "shared", "backup", "backups", "icloud photos",
        "google photos", "onedrive", "dropbox",
    ]
}
