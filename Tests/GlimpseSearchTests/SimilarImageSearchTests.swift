import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// "More like this" (`SimilarImageSearch`): nearest CLIP image embeddings, whole image against whole image.
@Suite("Similar images")
struct SimilarImageSearchTests {
    /// Every other image of the scope test index ranked by the cosine of its image embedding with `vector`.
    static func expected(_ index: InMemoryIndex, like vector: [Float], excluding excluded: ImageID?) throws -> [ImageID] {
        let matrix = try index.embeddingMatrix(.image)
        let scored = (0..<matrix.rows).filter { matrix.rowImages[$0] != excluded }.map { row in
            (matrix.rowImages[row], matrix.withValues { values in
                zip(values[(row * matrix.dimension)...].prefix(matrix.dimension), vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            })
        }
        return scored.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.map(\.0)
    }

    @Test("an indexed image: the others by similarity, itself left out, with paths, texts and ranks")
    func indexedImage() throws {
        let index = SearchScopeTests.index()
        let answer = try SimilarImageSearch(index: index).images(like: 42, limit: 8)
        #expect(answer.image == 42)
        #expect(answer.results.map(\.image) == Array(try Self.expected(index, like: try Self.vector(of: 42, in: index), excluding: 42).prefix(8)))
        #expect(answer.results.map(\.rank) == Array(1...8))
        #expect(answer.results.map(\.similarity) == answer.results.map(\.similarity).sorted(by: >))
        let first = try #require(answer.results.first)
        let document = try #require(try index.searchDocuments([first.image]).first)
        #expect(first.path == document.path && first.text == document.text)
        #expect(answer.notes.isEmpty)
    }

    @Test("within a span of dates: the photos taken then, by similarity, each with its date")
    func takenSpan() throws {
        let index = TakenScopeTests.index()
        let span = try #require(TakenRange("2020"))
        let answer = try SimilarImageSearch(index: index).images(like: 42, limit: 8, taken: span)
        let dated = Set(try index.imageIDs(taken: span))
        let expected = try Self.expected(index, like: try Self.vector(of: 42, in: index), excluding: 42).filter(dated.contains)
        #expect(answer.results.map(\.image) == Array(expected.prefix(8)))
        #expect(answer.results.allSatisfy { $0.taken == "2020-06-01T08:30:00" })
        #expect(answer.notes == ["Searched the photos taken in 2020: 100 indexed image(s)."])
    }

    @Test("rated at least so many stars: the photos rated so, by similarity; the rejected one never")
    func rated() throws {
        let index = PhotoTagsSearchTests.index()
        let answer = try SimilarImageSearch(index: index).images(like: 42, limit: 8, minimumRating: 4)
        let rated = Set(try index.imageIDs(ratedAtLeast: 4))
        #expect(rated.count == 12)
        let expected = try Self.expected(index, like: try Self.vector(of: 42, in: index), excluding: 42).filter(rated.contains)
        #expect(answer.results.map(\.image) == Array(expected.prefix(8)))
        #expect(answer.notes == ["Searched the photos rated 4 star(s) or more: 12 indexed image(s)."])
        #expect(try index.imageIDs(ratedAtLeast: 1).contains(8) == false, "rejected (-1)")
    }

    @Test("a copy of the picture under another path comes first, as alike as can be")
    func copies() throws {
        let entries = ["a dog", "a cat", "a car in the street", "a dog"].enumerated().map { position, subject in
            InMemoryIndex.Entry(document: SearchDocument(id: ImageID(position + 1), path: "/p/\(position + 1).jpg", caption: subject,
                                                         text: subject, keywords: [], compounds: [], regions: []),
                                image: FakeCLIP.vector(for: subject))
        }
        let answer = try SimilarImageSearch(index: InMemoryIndex(entries)).images(like: 1, limit: 3)
        #expect(answer.results.map(\.path) == ["/p/4.jpg", "/p/2.jpg", "/p/3.jpg"] || answer.results.map(\.path) == ["/p/4.jpg", "/p/3.jpg", "/p/2.jpg"])
        #expect(abs((answer.results.first?.similarity ?? 0) - 1) < 1e-5)
        #expect(answer.results.dropFirst().allSatisfy { $0.similarity < 0.9 })
    }

    @Test("within folders: only their images, and a note that says so")
    func folders() throws {
        let index = SearchScopeTests.index()
        let answer = try SimilarImageSearch(index: index).images(like: 1, limit: 5, folders: ["/lib/homework"])
        #expect(answer.results.count == 5)
        #expect(answer.results.allSatisfy { $0.path.hasPrefix("/lib/homework/") })
        let homework = Set(try index.imageIDs(under: ["/lib/homework"]))
        #expect(answer.results.map(\.image) == Array(try Self.expected(index, like: try Self.vector(of: 1, in: index), excluding: 1)
            .filter { homework.contains($0) }.prefix(5)))
        #expect(answer.notes == ["Searched within /lib/homework: 97 indexed image(s)."])
    }

    @Test("a picture from outside the index is compared with every image, none left out")
    func embedding() throws {
        let index = SearchScopeTests.index()
        let vector = FakeCLIP.vector(for: "kitchen knife")
        let answer = try SimilarImageSearch(index: index).images(like: vector, limit: 3)
        #expect(answer.image == nil)
        #expect(answer.results.map(\.image) == Array(try Self.expected(index, like: vector, excluding: nil).prefix(3)))
        #expect(answer.results.allSatisfy { abs($0.similarity - 1) < 1e-5 }, "kitchens with knives, as the query")
    }

    @Test("no embedding for the image, a vector of another model, and a limit of 0")
    func refusals() throws {
        let search = SimilarImageSearch(index: SearchScopeTests.index())
        #expect(throws: SearchError.noImageEmbedding(image: 5_000)) { try search.images(like: 5_000, limit: 3) }
        #expect(throws: SearchError.self) { try search.images(like: [Float](repeating: 0.1, count: 7), limit: 3) }
        #expect(try search.images(like: 3, limit: 0).results.isEmpty)
        #expect(SearchError.noImageEmbedding(image: 5).localizedDescription.contains("not described yet"))
    }

    @Test("the SQLite store: stored embeddings, images without one refused, JSON that round-trips")
    func sqliteStore() throws {
        let store = try SQLiteIndexStore.inMemory()
        let subjects = ["a dog", "a dog on a sofa", "a cat", "a car in the street"]
        for (position, subject) in subjects.enumerated() {
            try store.saveDescription(Description(mode: .full, imageSize: PixelSize(width: 8, height: 8), caption: subject, text: subject,
                                                  keywords: [], embeddings: DescriptionEmbeddings(image: FakeCLIP.vector(for: subject))),
                                      for: FileFacts(path: "/p/\(position).jpg", size: 1, modified: 1))
        }
        try store.saveDescription(Description(mode: .full, imageSize: PixelSize(width: 8, height: 8), caption: "plain", text: "plain",
                                              keywords: [], embeddings: DescriptionEmbeddings()),
                                  for: FileFacts(path: "/p/no-embedding.jpg", size: 1, modified: 1))
        let search = SimilarImageSearch(index: store)
        let dog = try #require(try store.imageIDs(under: ["/p/0.jpg"]).first)
        let answer = try search.images(like: dog, limit: 10)
        #expect(answer.results.map(\.path) == ["/p/1.jpg", "/p/2.jpg", "/p/3.jpg"])
        #expect(answer.results.first?.text == "a dog on a sofa")
        let plain = try #require(try store.imageIDs(under: ["/p/no-embedding.jpg"]).first)
        #expect(throws: SearchError.noImageEmbedding(image: plain)) { try search.images(like: plain, limit: 3) }
        let decoded = try JSONDecoder().decode(SimilarImages.self, from: try JSONEncoder().encode(answer))
        #expect(decoded == answer)
    }

    static func vector(of image: ImageID, in index: InMemoryIndex) throws -> [Float] {
        let matrix = try index.embeddingMatrix(.image)
        let row = try #require(matrix.firstRow(of: image))
        return matrix.withValues { Array($0[(row * matrix.dimension)...].prefix(matrix.dimension)) }
    }
}
