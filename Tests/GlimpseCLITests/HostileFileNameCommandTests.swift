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
        let forget = try GlimpseProcess.run(["forget", photos.appending(path: name).path, "--index", index])
        #expect(forget.status == 0 && forget.output.contains(#"beach.jpg lies in "#), "\(forget.output)")
        let moved = photos.deletingLastPathComponent().appending(path: "moved\u{1B}[1m")
        try FileManager.default.moveItem(at: photos, to: moved)
        let relocate = try GlimpseProcess.run(["relocate", photos.path, moved.path, "--index", index])
        #expect(relocate.status == 0 && relocate.output.contains(#"moved\u{1B}[1m"#), "\(relocate.output)")
        for output in [indexed.output, search.output, status.output, forget.output, relocate.output] {
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "no raw control character reaches the terminal")
        }
    }

    @Test("--paths and --null print the results' paths as they are, for other programs; --null ends each with NUL")
    func pathLists() throws {
        let library = try PhotoLibrary("path-lists")
        defer { library.remove() }
        let name = "sunset\nbeach \u{1B}[2J.jpg"
        try library.add("images/photo_400x267.jpg", as: name)
        try library.add("images/gray_250x190.jpg", as: "gray sunset.jpg")
        let indexed = try GlimpseProcess.run(["index", library.photos.path, "--index", library.index],
                                             environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(indexed.status == 0, "\(indexed.output)")
        let hostile = library.photos.appending(path: name).path, gray = library.photos.appending(path: "gray sunset.jpg").path

        let null = try GlimpseProcess.runSeparating(["search", "sunset", "--text-only", "--null", "--index", library.index])
        #expect(null.status == 0 && Set(null.standardOutput.split(separator: "\0", omittingEmptySubsequences: false)) == [hostile[...], gray[...], ""],
                "each path raw, ended by NUL: \(null.standardOutput.debugDescription)")
        let lines = try GlimpseProcess.runSeparating(["search", "gray", "--text-only", "--paths", "--index", library.index])
        #expect(lines.status == 0 && lines.standardOutput == gray + "\n", "\(lines.standardOutput.debugDescription)")
        let alike = try GlimpseProcess.runSeparating(["similar", gray, "-0", "--index", library.index])
        #expect(alike.status == 0 && alike.standardOutput == hostile + "\0", "\(alike.standardOutput.debugDescription)")

        for refused in [["search", "gray", "--paths", "--json"], ["search", "-", "--paths"], ["similar", gray, "--null", "--json"]] {
            let run = try GlimpseProcess.run(refused + ["--text-only", "--index", library.index].filter { refused[0] == "search" || $0 != "--text-only" })
            #expect(run.status != 0 && (run.output.contains("choose one") || run.output.contains("one query")), "\(refused): \(run.output)")
        }
    }
}
