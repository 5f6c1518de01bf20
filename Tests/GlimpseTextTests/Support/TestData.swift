import Foundation
import Testing

@testable import GlimpseText

/// The vocabularies (fetched, never committed) and the committed parity fixture.
enum TestData {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// `$GLIMPSE_TEST_DATA`, else `<package root>/.deps/test-data` (found from this file's path).
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["GLIMPSE_TEST_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir.appendingPathComponent(".deps/test-data", isDirectory: true)
            }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".deps/test-data", isDirectory: true)
    }()

    static var bertVocabulary: URL { directory.appendingPathComponent("bert-base-uncased/vocab.txt") }
    static var clipVocabulary: URL { directory.appendingPathComponent("clip-bpe/vocab.json") }
    static var clipMerges: URL { directory.appendingPathComponent("clip-bpe/merges.txt") }

    /// Throws (so the test fails, never skips) when the vocabularies are not there.
    static func requireFiles() throws {
        for url in [bertVocabulary, clipVocabulary, clipMerges]
        where !FileManager.default.fileExists(atPath: url.path) {
            throw Missing(description: "Missing test data \(url.path). Run scripts/fetch-test-data "
                + "(or set GLIMPSE_TEST_DATA to a folder holding bert-base-uncased/vocab.txt and clip-bpe/).")
        }
    }

    private static let loadedCLIP = Result<CLIPTokenizer, any Error>(catching: {
        try requireFiles()
        return try CLIPTokenizer(vocabularyURL: clipVocabulary, mergesURL: clipMerges)
    })
    /// The CLIP tokenizer read back from its compiled copy (written by a first load into a temporary
    /// cache folder, which is removed again).
    private static let loadedCompiledCLIP = Result<CLIPTokenizer, any Error>(catching: {
        try requireFiles()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-clip-compiled-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        _ = try CLIPTokenizer(vocabularyURL: clipVocabulary, mergesURL: clipMerges, compiledCache: cache)
        guard try FileManager.default.contentsOfDirectory(atPath: cache.path).contains(where: { $0.hasSuffix(".compiled") }) else {
            throw Missing(description: "no compiled copy of the CLIP tokenizer was written to \(cache.path)")
        }
        return try CLIPTokenizer(vocabularyURL: clipVocabulary, mergesURL: clipMerges, compiledCache: cache)
    })
    /// The BERT tokenizer read back from its compiled copy, made the same way.
    private static let loadedCompiledBert = Result<BertTokenizer, any Error>(catching: {
        try requireFiles()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-bert-compiled-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        _ = try BertTokenizer(vocabularyURL: bertVocabulary, compiledCache: cache)
        guard try FileManager.default.contentsOfDirectory(atPath: cache.path).contains(where: { $0.hasSuffix(".compiled") }) else {
            throw Missing(description: "no compiled copy of the BERT tokenizer was written to \(cache.path)")
        }
        return try BertTokenizer(vocabularyURL: bertVocabulary, compiledCache: cache)
    })
    private static let loadedBert = Result<BertTokenizer, any Error>(catching: {
        try requireFiles()
        return try BertTokenizer(vocabularyURL: bertVocabulary)
    })
    private static let loadedBLIP = Result<BertTokenizer, any Error>(catching: {
        try requireFiles()
        return try BertTokenizer.blip(vocabularyURL: bertVocabulary)
    })

    static func clip() throws -> CLIPTokenizer { try loadedCLIP.get() }
    static func compiledCLIP() throws -> CLIPTokenizer { try loadedCompiledCLIP.get() }
    static func bert() throws -> BertTokenizer { try loadedBert.get() }
    static func compiledBert() throws -> BertTokenizer { try loadedCompiledBert.get() }
    static func blip() throws -> BertTokenizer { try loadedBLIP.get() }

    /// The records of Fixtures/tokenizer-parity.jsonl.gz (made by Tools/fixtures/make_tokenizer_fixtures.py).
    nonisolated(unsafe) static let parity = Result<[[String: Any]], any Error>(catching: {
        guard let url = Bundle.module.url(
            forResource: "tokenizer-parity.jsonl", withExtension: "gz", subdirectory: "Fixtures")
        else { throw Missing(description: "Fixtures/tokenizer-parity.jsonl.gz is not in the test bundle") }
        let bytes = try Gunzip.decompress([UInt8](Data(contentsOf: url)))
        var records: [[String: Any]] = []
        for line in bytes.split(separator: 0x0A) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw Missing(description: "a fixture line is not a JSON object")
            }
            records.append(object)
        }
        return records
    })

    static func records(_ kind: String) throws -> [[String: Any]] {
        try parity.get().filter { $0["kind"] as? String == kind }
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func ints(_ key: String) -> [Int]? { (self[key] as? [Any])?.compactMap { $0 as? Int } }
    func intRows(_ key: String) -> [[Int]]? { (self[key] as? [Any])?.map { ($0 as? [Any])?.compactMap { $0 as? Int } ?? [] } }
}

/// Exact text equality (Unicode scalars, not Swift's canonical equivalence).
func sameText(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// A readable form of a string for failure messages (escapes everything outside printable ASCII).
func escaped(_ s: String) -> String {
    s.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
        .joined()
}
