import ArgumentParser
import Foundation

/// `--paths` and `--null`: results as a bare list of file paths, for another program to read.
struct PathListOptions: ParsableArguments {
    @Flag(help: """
        Print only the results' paths, one per line, best first, as they are (for other programs: \
        `| xargs -d '\\n' feh`); notes go to standard error.
        """)
    var paths = false

    @Flag(name: [.customLong("null"), .customShort("0")], help: """
        As --paths, each path ended by a NUL character instead of a line break (for `xargs -0`, and file names \
        that hold line breaks).
        """)
    var null = false

    /// Whether the answer is a list of paths.
    var isOn: Bool { paths || null }

    /// Refuses the other ways of printing an answer alongside.
    func validate(json: Bool) throws {
        if isOn && json { throw ValidationError("--json and --paths (or --null) print the answer in two ways; choose one.") }
    }

    /// Writes `paths` to standard output, each ended as the options say.
    func write(_ paths: [String]) {
        let end = null ? "\0" : "\n"
        FileHandle.standardOutput.write(Data(paths.map { $0 + end }.joined().utf8))
    }
}
