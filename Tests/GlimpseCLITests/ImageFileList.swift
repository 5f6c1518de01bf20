import Foundation

/// A temporary folder of image files for commands that take many: `count` copies of one picture named
/// `image-<i>.png`, except `broken-<i>.png` at the indices in `broken`, which are not images.
struct ImageFileList {
    let folder: URL
    /// The files' paths, in order.
    let files: [String]
    /// The paths of the pictures that decode, in order.
    var goodFiles: [String] { files.filter { !$0.contains("/broken-") } }

    init(copiesOf picture: URL, count: Int, broken: Set<Int>) throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-files-\(UUID())", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        files = try (0..<count).map { [folder] index in
            let file = folder.appending(path: broken.contains(index) ? "broken-\(index).png" : "image-\(index).png")
            if broken.contains(index) {
                try Data("not a PNG".utf8).write(to: file)
            } else {
                try FileManager.default.copyItem(at: picture, to: file)
            }
            return file.path
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// The `"file"` of every JSON document printed in `output`, in order.
    static func printedFiles(_ output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["file"] as? String
        }
    }
}
