import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseRuntime
@testable import GlimpseSearch
import Testing

@Suite("Search during an index run")
struct RunInProgressSearchTests {
    static func save(_ store: SQLiteIndexStore, _ caption: String, path: String) throws {
        let keywords = FakeKeywords().keywords(in: caption)
        let description = Description(mode: .full, imageSize: PixelSize(width: 64, height: 48), caption: caption, text: caption,
                                      keywords: keywords.words, compounds: keywords.compounds,
                                      embeddings: DescriptionEmbeddings(image: FakeCLIP.vector(for: caption),
                                                                        text: FakeCLIP.vector(for: caption)))
        try store.saveDescription(description, for: FileFacts(path: path))
    }

    @Test("the answer says when the vector rankers use the last finished run's files; full text finds the new image")
    func noteWhileRunning() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-run-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteIndexStore(url: folder.appending(path: "index.sqlite"), rebuildLimitDuringRun: 1)
        try Self.save(store, "a dog on a sofa", path: "/p/dog.jpg")
        try Self.save(store, "a cat on a bed", path: "/p/cat.jpg")
        try store.prepareForSearch()
        let searcher = Searcher(index: store, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences())
        #expect(!(try searcher.search("a giraffe").notes.contains(SearchNotes.runInProgress)))

        var lock = try FileLock.tryAcquire(try #require(store.runLockURL))
        #expect(lock != nil)
        try Self.save(store, "a giraffe eating leaves", path: "/p/giraffe.jpg")
        let during = try searcher.search("a giraffe")
        #expect(during.notes.contains(SearchNotes.runInProgress))
        let giraffe = try #require(during.results.first { $0.path == "/p/giraffe.jpg" }, "full text covers every saved image")
        #expect(giraffe.explanation.rankers.map(\.ranker) == [.fullText], "the vectors predate it")

        lock = nil
        let after = try searcher.search("a giraffe")
        #expect(!after.notes.contains(SearchNotes.runInProgress))
        let found = try #require(after.results.first { $0.path == "/p/giraffe.jpg" })
        #expect(Set(found.explanation.rankers.map(\.ranker)) == [.fullText, .clip, .sentence])
    }
}
