import Foundation
import Testing

/// `glimpse search --group`: look-alikes listed under the result they resemble, through the real binary.
@Suite("glimpse search --group")
struct SearchGroupCommandTests {
    @Test("copies of a photo take one place, with the others listed under it; --group-at sets the cosine; --why does not go with it")
    func groups() throws {
        let library = try PhotoLibrary("group")
        defer { library.remove() }
        try library.add("images/photo_400x267.jpg", as: "burst-1.jpg")
        try library.add("images/photo_400x267.jpg", as: "burst-2.jpg")
        try library.add("images/gray_250x190.jpg", as: "gray.jpg")
        let index = try GlimpseProcess.run(["index", library.photos.path, "--index", library.index],
                                           environment: ["GLIMPSE_TEST_DESCRIBER": "colour"])
        #expect(index.status == 0, "\(index.output)")
        func search(_ extra: [String]) throws -> GlimpseProcess.Run {
            try GlimpseProcess.run(["search", "a photo of a square", "--text-only", "--index", library.index] + extra)
        }

        let plain = try search([])
        #expect(plain.status == 0 && plain.output.contains("  3. ") && !plain.output.contains("look-alike"), "\(plain.output)")
        let grouped = try search(["--group-at", "0.999"])
        #expect(grouped.status == 0 && grouped.output.contains("  2. ") && !grouped.output.contains("  3. "), "\(grouped.output)")
        #expect(grouped.output.contains("+ 1 look-alike(s): burst-2.jpg 1.000") || grouped.output.contains("+ 1 look-alike(s): burst-1.jpg 1.000"),
                "\(grouped.output)")
        let json = try search(["--group", "--json"])
        #expect(json.status == 0 && json.output.contains("\"lookAlikes\""), "\(json.output)")

        for refused in [["--group", "--why", library.photos.appending(path: "gray.jpg").path], ["--group-at", "1.5"]] {
            let run = try search(refused)
            #expect(run.status != 0 && (run.output.contains("does not go with --group") || run.output.contains("between 0 and 1")), "\(run.output)")
        }
    }
}
