import Foundation
import GlimpseImage
import GlimpseIndex
import Testing
@testable import GlimpseSearch

/// `--camera`: search, look-alikes and `--why` within the photos of the cameras a query names.
@Suite("Search by the camera that took the photo")
struct CameraSearchTests {
    /// `SearchScopeTests`' 300 images, taken in turn with a FUJIFILM X100V, a FUJIFILM X-T3, a Canon EOS R50
    /// and a camera that records nothing (75 each).
    static func index() -> InMemoryIndex {
        let cameras = ["FUJIFILM X100V", "FUJIFILM X-T3", "Canon EOS R50", nil]
        return InMemoryIndex(SearchScopeTests.entries().enumerated().map { position, entry in
            var entry = entry
            entry.document.tags = cameras[position % 4].map { PhotoTags(camera: $0) }
            return entry
        })
    }

    func search(_ text: String, camera: String, index: InMemoryIndex = CameraSearchTests.index()) throws -> SearchResponse {
        let query = try #require(CameraQuery(camera))
        let options = SearchOptions(limit: 300, camera: query)
        return try Searcher(index: index, keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(), options: options)
            .search(text)
    }

    @Test("one camera by a word of its name: only its photos, and the answer names it and says how many")
    func oneCamera() throws {
        let response = try search("a dog on a sofa", camera: "x100v")
        #expect(!response.results.isEmpty && response.results.allSatisfy { $0.tags?.camera == "FUJIFILM X100V" })
        #expect(response.notes.contains("Searched the photos taken with FUJIFILM X100V: 75 indexed image(s)."), "\(response.notes)")
    }

    @Test("the maker's name: every camera of it")
    func maker() throws {
        let response = try search("a dog on a sofa", camera: "Fujifilm")
        #expect(response.results.allSatisfy { $0.tags?.camera?.hasPrefix("FUJIFILM") == true })
        #expect(Set(response.results.compactMap { $0.tags?.camera }).count == 2)
        #expect(response.notes.contains("Searched the photos taken with FUJIFILM X-T3 or FUJIFILM X100V: 150 indexed image(s)."),
                "\(response.notes)")
    }

    @Test("a name no camera has: nothing, and the answer names the cameras the index knows")
    func unknown() throws {
        let response = try search("a dog on a sofa", camera: "r5")
        #expect(response.results.isEmpty)
        #expect(response.notes.contains(#"No indexed photo was taken with a camera called "r5"; the index knows Canon EOS R50, FUJIFILM X-T3, FUJIFILM X100V."#),
                "\(response.notes)")
        let bare = try search("a dog on a sofa", camera: "canon", index: InMemoryIndex(SearchScopeTests.entries()))
        #expect(bare.results.isEmpty && bare.notes.contains { $0.hasPrefix("No indexed photo records the camera that took it") }, "\(bare.notes)")
    }

    @Test("look-alikes within one camera's photos")
    func similar() throws {
        let index = Self.index()
        let answer = try SimilarImageSearch(index: index).images(like: 42, limit: 8, camera: CameraQuery("eos r50"))
        #expect(answer.results.count == 8 && answer.results.allSatisfy { $0.image % 4 == 3 }, "position 2 of 4: ids 3, 7, 11, …")
        let taken = Set(try index.imageIDs(takenWith: ["Canon EOS R50"]))
        #expect(answer.results.allSatisfy { taken.contains($0.image) })
        #expect(answer.notes == ["Searched the photos taken with Canon EOS R50: 75 indexed image(s)."])
    }

    @Test("--why says when a photo was taken with another camera, or records none")
    func standing() throws {
        let searcher = Searcher(index: Self.index(), keywords: FakeKeywords(), clip: FakeCLIP(), sentences: FakeSentences(),
                                options: SearchOptions(limit: 10, camera: CameraQuery("x100v")))
        let other = try searcher.standing(of: 2, for: "a dog")
        #expect(!other.cameraMatches && other.camera == "FUJIFILM X-T3" && other.rank == nil)
        let none = try searcher.standing(of: 4, for: "a dog")
        #expect(!none.cameraMatches && none.camera == nil)
        let same = try searcher.standing(of: 1, for: "a dog")
        #expect(same.cameraMatches && same.camera == "FUJIFILM X100V")
    }
}
