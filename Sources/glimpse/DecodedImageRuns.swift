import Foundation
import GlimpseImage

/// Image files decoded a run at a time, for commands that take many files: at most `size` decoded
/// pictures are in memory at once, and a file that cannot be decoded is reported on standard error and
/// skipped, so one broken file never stops the others.
struct DecodedImageRuns {
    let files: [String]
    let size: Int
    /// Files that could not be decoded so far.
    private(set) var failures = 0

    init(files: [String], size: Int) {
        self.files = files
        self.size = max(1, size)
    }

    /// Calls `body` with each run's decodable files and their pictures, in the order of `files`.
    mutating func forEachRun(_ body: ([(file: String, image: RGBImage)]) throws -> Void) throws {
        for start in stride(from: 0, to: files.count, by: size) {
            var decoded: [(file: String, image: RGBImage)] = []
            for file in files[start..<min(start + size, files.count)] {
                do {
                    decoded.append((file, try ImageDecoder.decode(contentsOf: URL(filePath: file))))
                } catch {
                    failures += 1
                    FileHandle.standardError.write(Data("glimpse: \(file): \(error.localizedDescription)\n".utf8))
                }
            }
            if !decoded.isEmpty { try body(decoded) }
        }
    }
}
