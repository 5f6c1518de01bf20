import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// Search within folders (`SearchOptions.folders`): every ranker scores only the scope's images.
@Suite("Search within folders")
struct SearchScopeTests {
    static let words = ["dog", "cat", "sofa", "couch", "street", "car", "blue", "collar", "kitchen", "knife", "beach", "tree"]

    /// 300 images: 200 under /lib/home, 97 under /lib/homework (a name that starts like it), and 3 under
    /// /lib/home/far that only show kitchens, each with a region.
    static func index() -> InMemoryIndex { InMemoryIndex(entries()) }

    /// The entries of `index()`: image ids 1…300.
    static func entries() -> [InMemoryIndex.Entry] {
        var random = SplitMix(state: 11)
        let keywords = FakeKeywords()
        return (0..<300).map { position -> InMemoryIndex.Entry in
            let folder = position < 200 ? "/lib/home" : position < 297 ? "/lib/homework" : "/lib/home/far"
            let picked = position >= 297 ? ["kitchen", "knife"]
                : (0..<(2 + Int(random.next() % 4))).map { _ in words[Int(random.next() % UInt64(words.count - 2))] }
            let text = "a " + picked.joined(separator: " and a ")
            let found = keywords.keywords(in: text)
            let region = "a " + picked[0]
            let document = SearchDocument(id: ImageID(position + 1), path: "\(folder)/\(position).jpg", caption: text, text: text,
                                          keywords: found.words, compounds: found.compounds,
                                          regions: [SearchRegion(box: PixelBox(x: 0, y: 0, width: 10, height: 10), caption: region)])
            return InMemoryIndex.Entry(document: document, image: FakeCLIP.vector(for: picked.joined(separator: " ")),
                                       regions: [FakeCLIP.vector(for: region)], text: FakeCLIP.vector(for: text))
        }
    }

    @Test("a scope holds each image once, in order, whatever order and repeats it was given")
    func scope() {
        let scope = SearchScope(images: [130, 3, 64, 3, 0, 63, 130, -5])
        #expect(scope.images == [0, 3, 63, 64, 130])
        #expect([0, 3, 63, 64, 130].allSatisfy(scope.contains))
        #expect(![1, 62, 65, 129, 131, 100_000, -5].contains(where: scope.contains))
        #expect(SearchScope(images: []).images.isEmpty && !SearchScope(images: []).contains(0))
    }

    @Test("each ranker's list in a scope is its whole list filtered to the scope: same images, order and scores",
          arguments: ["a dog on a sofa", "a kitchen knife", "a blue car on a street"])
    func rankersAreExact(query: String) throws {
        let index = Self.index()
        let parsed = try QueryParser(keywords: FakeKeywords()).parse(query)
        let wide = SearchScope(images: try index.imageIDs(under: ["/lib/home/"]))
        #expect(wide.images.count == 203, "/lib/home holds 200 + 3 images; /lib/homework is not in it")
        let narrow = SearchScope(images: try index.imageIDs(under: ["/lib/homework"]))
        #expect(narrow.images.count == 97)
        let rankers: [any Ranker] = [FullTextRanker(), CLIPRanker(model: FakeCLIP()), SentenceRanker(model: FakeSentences())]
        for ranker in rankers {
            let everything = try ranker.rank(parsed, in: index, limit: 300)
            for scope in [wide, narrow] {  // most of the rows (filtered from a wider search) and fewer (scored one by one)
                for limit in [1, 5, 40] {
                    let scoped = try ranker.rank(parsed, in: index, limit: limit, scope: scope)
                    let expected = Array(everything.filter { scope.contains($0.image) }.prefix(limit))
                    #expect(scoped == expected, "\(ranker.kind), \(scope.images.count) images, limit \(limit)")
                }
            }
        }
    }

    @Test("a search within the folder that holds every image answers as one without a folder")
    func everyImage() throws {
        let index = Self.index()
        #expect(try index.imageCount(ifAllUnder: ["/lib"]) == 300 && index.imageCount(ifAllUnder: ["/lib/home"]) == nil)
        var options = SearchOptions(limit: 10)
        let whole = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search("a dog on a sofa")
        options.folders = ["/lib/"]
        let root = try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search("a dog on a sofa")
        #expect(root.results == whole.results)
        #expect(root.notes == whole.notes + ["Searched within /lib/: 300 indexed image(s)."])
    }

    @Test("a small folder whose images rank low in the whole index still gets its best ones; the note says what was searched")
    func smallFolder() throws {
        var options = SearchOptions(limit: 5, candidates: 20)
        options.folders = ["/lib/home/far"]
        let searcher = Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: options)
        let response = try searcher.search("a dog on a sofa")
        #expect(response.results.count == 3)
        #expect(response.results.allSatisfy { $0.path.hasPrefix("/lib/home/far/") })
        #expect(response.notes.contains("Searched within /lib/home/far: 3 indexed image(s)."), "\(response.notes)")

        let whole = try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                 options: SearchOptions(limit: 5, candidates: 20)).search("a dog on a sofa")
        #expect(!whole.results.contains { $0.path.hasPrefix("/lib/home/far/") }, "without the scope they are not found")

        options.folders = ["/lib/elsewhere"]
        let nothing = try Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                   options: options).search("a dog")
        #expect(nothing.results.isEmpty && nothing.notes.contains("No image is indexed under /lib/elsewhere."))
    }

    @Test("the SQLite store finds the images under folders, at folder boundaries, and searches within them")
    func sqliteStore() throws {
        let store = try SQLiteIndexStore.inMemory()
        let paths = ["/p/home/a.jpg", "/p/home/sub/b.jpg", "/p/homework/c.jpg", "/p/d.jpg"]
        for (position, path) in paths.enumerated() {
            let caption = "a dog number \(position)"
            try store.saveDescription(Description(mode: .full, imageSize: PixelSize(width: 8, height: 8), caption: caption, text: caption,
                                                  keywords: ["dog", "number"], embeddings: DescriptionEmbeddings()),
                                      for: FileFacts(path: path, size: 1, modified: 1))
        }
        try store.addPending([FileFacts(path: "/p/home/pending.jpg", size: 1, modified: 1)])
        let ids = try store.imageIDs(under: ["/p/home"])
        #expect(ids.count == 3, "a pending image too: no ranker returns it")
        #expect(try store.searchDocuments(ids).map(\.path).sorted() == ["/p/home/a.jpg", "/p/home/sub/b.jpg"])
        #expect(try store.imageIDs(under: ["/p/home/sub/b.jpg", "/p/d.jpg"]).count == 2, "files too")
        #expect(try store.imageIDs(under: ["/"]).count == 5)
        #expect(try store.imageCount(ifAllUnder: ["/p"]) == 5 && store.imageCount(ifAllUnder: ["/q", "/p/"]) == 5)
        #expect(try store.imageCount(ifAllUnder: ["/"]) == 5)
        #expect(try store.imageCount(ifAllUnder: ["/p/home"]) == nil && store.imageCount(ifAllUnder: ["/p/home", "/p/homework"]) == nil)
        #expect(try SQLiteIndexStore.inMemory().imageCount(ifAllUnder: ["/"]) == nil)

        var options = SearchOptions(rankers: [.fullText])
        options.folders = ["/p/homework", "/p/d.jpg"]
        let response = try Searcher(index: store, keywords: FakeKeywords(), options: options).search("dog")
        #expect(response.results.map(\.path).sorted() == ["/p/d.jpg", "/p/homework/c.jpg"])
        #expect(response.notes.contains("Searched within /p/homework and /p/d.jpg: 2 indexed image(s)."), "\(response.notes)")

        // The library's root: every image, searched as without a scope.
        options.folders = ["/p"]
        let root = try Searcher(index: store, keywords: FakeKeywords(), options: options).search("dog")
        let whole = try Searcher(index: store, keywords: FakeKeywords(), options: SearchOptions(rankers: [.fullText])).search("dog")
        #expect(root.results == whole.results && root.results.count == 4)
        #expect(root.notes.contains("Searched within /p: 5 indexed image(s)."), "\(root.notes)")
    }
}
