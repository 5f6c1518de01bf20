import Foundation
import GlimpseImage
import Testing

/// A file that kills `glimpse index` every time it is described cannot stop a library from being indexed.
@Suite("glimpse index after a crash")
struct CrashGuardCommandTests {
    @Test("killed twice on the same file, the third run records it as failed and indexes the rest")
    func crashingFile() throws {
        let library = try PhotoLibrary("crash")
        defer { library.remove() }
        let (photos, index) = (library.photos, library.index)
        for (name, rgb) in [("a-blue.png", (0, 0, 250)), ("b-red.png", (250, 0, 0)), ("c-green.png", (0, 250, 0))] {
            let image = try RGBImage(width: 8, height: 6, red: UInt8(rgb.0), green: UInt8(rgb.1), blue: UInt8(rgb.2))
            try PNGEncoder.encode(image).write(to: photos.appending(path: name))
        }
        let environment = ["GLIMPSE_TEST_DESCRIBER": "colour:0:crash-on-red"]
        let first = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(first.status != 0, "the describer kills the process on the red picture: \(first.output)")
        let second = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(second.status != 0, "read first and alone, it kills the second run too: \(second.output)")

        let third = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(third.output.contains("1 failed"), "\(third.output)")
        let describedRed = third.output.split(separator: "\n").contains { $0.contains("described") && $0.contains("b-red.png") }
        #expect(!describedRed, "the file that stopped two runs is not read again: \(third.output)")
        #expect(third.output.contains("two index runs stopped while reading or describing this file"), "\(third.output)")
        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains("2 full") || status.output.contains("full: 2"), "\(status.output)")
        #expect(status.output.contains("Formats: PNG 3"), "\(status.output)")
        let search = try GlimpseProcess.run(["search", "green square", "--text-only", "--index", index])
        #expect(search.output.contains("c-green.png"), "\(search.output)")
    }
}
