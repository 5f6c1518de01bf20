import Foundation
import Testing

/// File names are chosen by whoever made the files: control characters in them are printed as escapes.
@Suite("glimpse and file names with control characters")
struct HostileFileNameCommandTests {
    @Test("a name with a line break and a terminal's escape sequence is indexed, found and printed escaped, never raw")
    func escaped() throws {
        let library = try PhotoLibrary("hostile")
        defer { library.remove() }
        let (photos, index) = (library.photos, library.index)
        let name = "sunset\n\u{1B}]0;owned\u{07}\u{1B}[2Jbeach.jpg"
        try library.add("images/photo_400x267.jpg", as: name)
        try Data("not a picture".utf8).write(to: photos.appending(path: "broken\u{1B}[31m.jpg"))

        let indexed = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(indexed.status == 1 && indexed.output.contains("1 described") && indexed.output.contains("1 failed"), "a failed file exits 1: \(indexed.output)")
        #expect(indexed.output.contains(#"sunset\n\u{1B}]0;owned\u{7}\u{1B}[2Jbeach.jpg"#), "\(indexed.output)")
        #expect(indexed.output.contains(#"broken\u{1B}[31m.jpg"#), "\(indexed.output)")

        let search = try GlimpseProcess.run(["search", "sunset beach", "--text-only", "--index", index])
        #expect(search.status == 0 && search.output.contains(#"  1. "#), "\(search.output)")
        #expect(search.output.contains(#"sunset\n\u{1B}]0;owned\u{7}\u{1B}[2Jbeach.jpg"#), "\(search.output)")
        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains(#"broken\u{1B}[31m.jpg"#), "\(status.output)")
        for output in [indexed.output, search.output, status.output] {
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "no raw control character reaches the terminal")
        }
    }
}
