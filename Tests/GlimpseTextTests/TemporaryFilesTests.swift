import Foundation
import Testing

@testable import GlimpseText

@Suite("Temporary files left by killed processes")
struct TemporaryFilesTests {
    @Test("an hour-old temporary file beside a file is removed; a fresh one, and those of other files, stay")
    func abandoned() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-temporary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("wordnet.compiled")
        let old = TemporaryFiles.beside(file), fresh = TemporaryFiles.beside(file)
        let other = TemporaryFiles.beside(folder.appendingPathComponent("text.i8"))
        #expect(old.lastPathComponent.hasPrefix(".wordnet.compiled.") && old.pathExtension == "tmp" && old != fresh)
        for url in [old, fresh, other] { try Data("half written".utf8).write(to: url) }
        let twoHoursAgo = Date(timeIntervalSinceNow: -7200)
        for url in [old, other] { try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: url.path) }
        TemporaryFiles.removeAbandoned(beside: file)
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
    }

    @Test("writing a compiled copy clears what a killed writer of the same copy left")
    func compiledCopyCleansUp() throws {
        try TinyLexicon.withFolder { dir in
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-temporary-cache-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: cache) }
            let left = TemporaryFiles.beside(CompiledLexicon.copy(directory: dir, cacheFolder: cache).file)
            try Data("killed while writing".utf8).write(to: left)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: left.path)
            _ = try Lexicon(directory: dir, compiledCache: cache)
            #expect(!FileManager.default.fileExists(atPath: left.path))
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".compiled") }.count == 1)
        }
    }
}
