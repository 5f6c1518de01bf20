import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseText
@testable import GlimpseSearch

/// Keywords the simple way: lowercased words without stop words, a plural `s` dropped, and compounds
/// from a fixed list of adjacent pairs. Stands in for the WordNet extractor in unit tests.
struct FakeKeywords: KeywordExtracting {
    static let stopWords: Set<String> = ["a", "an", "the", "of", "on", "in", "at", "and", "or", "with", "to", "is", "are",
                                         "there", "it", "its", "next", "photo", "some", "no", "not", "without", "but"]
    static let knownCompounds: Set<String> = ["blue-collar", "cutting-board", "cartoon-illustration", "cartoon-dog",
                                              "red-car", "brown-nose", "teddy-bear", "parking-lot"]

    func keywords(in text: String) -> Keywords {
        var lemmas: [String] = []
        var compounds: [String] = []
        for clause in text.lowercased().split(whereSeparator: { ",;.".contains($0) }) {
            let words = clause.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
                .filter { !Self.stopWords.contains($0) }.map(Self.lemma)
            for index in words.indices.dropLast() where Self.knownCompounds.contains(words[index] + "-" + words[index + 1]) {
                compounds.append(words[index] + "-" + words[index + 1])
            }
            lemmas += words
        }
        var seen = Set<String>()
        return Keywords(words: lemmas.filter { seen.insert($0).inserted }, compounds: compounds)
    }

    static func lemma(_ word: String) -> String {
        if word == "people" { return "people" }
        if word == "men" { return "man" }
        if word.hasSuffix("ies"), word.count > 4 { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), word.count > 3 { return String(word.dropLast()) }
        return word
    }
}

/// A CLIP stand-in: texts and "pictures" are bags of words hashed into 32 dimensions plus a constant
/// component, normalised, so a text about a cat is close to a picture tagged cat.
struct FakeCLIP: ImageTextEmbedding {
    static let dimension = 32
    var logitScale: Float { 100 }

    func embed(images: [RGBImage]) throws -> [[Float]] { images.map { _ in Self.vector(for: "") } }
    func embed(texts: [String]) throws -> [[Float]] { texts.map(Self.vector(for:)) }

    static func vector(for text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        vector[0] = 0.5
        for word in FakeKeywords().keywords(in: text).words {
            vector[1 + Int(word.unicodeScalars.reduce(UInt32(7)) { ($0 &* 31 &+ $1.value) } % UInt32(dimension - 1))] += 1
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}

/// A sentence-encoder stand-in with the same bag-of-words idea (different constant).
struct FakeSentences: SentenceEncoding {
    func embed(sentences: [String]) throws -> [[Float]] { sentences.map { FakeCLIP.vector(for: $0) } }
}

/// A small collection: each image has a description and (for the fake CLIP) the words its picture shows.
enum Collection {
    struct Item {
        var path: String
        var caption: String
        var regions: [String] = []
        var shows: String
    }

    static let items: [Item] = [
        Item(path: "cartoon-pets.jpg", caption: "cartoon illustration of a cat and dog lying on a couch",
             regions: ["cartoon dog with a blue collar and a brown nose"], shows: "cartoon cat dog couch sofa"),
        Item(path: "pets-sofa.jpg", caption: "a dog and a cat lying on a sofa", regions: ["a dog with a blue collar"],
             shows: "dog cat sofa couch"),
        Item(path: "kitchen.jpg", caption: "a close up of a knife on a cutting board", regions: ["a knife on a cutting board"],
             shows: "knife cutting board kitchen"),
        Item(path: "street-people.jpg", caption: "a busy street with people and cars at night", regions: ["a red car"],
             shows: "street people car night"),
        Item(path: "street-empty.jpg", caption: "an empty street with old houses", shows: "street house"),
        Item(path: "worker.jpg", caption: "a man in a blue collar shirt fixing a car", regions: ["a red car in a garage"],
             shows: "man worker car garage"),
    ]

    static func index(clipRegions: Bool = true) -> InMemoryIndex {
        let keywords = FakeKeywords()
        let entries = items.enumerated().map { position, item in
            let text = ([item.caption] + item.regions).joined(separator: ". ")
            let found = keywords.keywords(in: text)
            let document = SearchDocument(
                id: ImageID(position + 1), path: item.path, caption: item.caption, text: text,
                keywords: found.words, compounds: found.compounds,
                regions: item.regions.enumerated().map {
                    SearchRegion(box: PixelBox(x: 10 * $0.offset, y: 20, width: 100, height: 50), caption: $0.element)
                })
            return InMemoryIndex.Entry(document: document, image: FakeCLIP.vector(for: item.shows),
                                       regions: clipRegions ? item.regions.map(FakeCLIP.vector(for:)) : [],
                                       text: FakeCLIP.vector(for: text))
        }
        return InMemoryIndex(entries)
    }

    static func searcher(clip: Bool = true, sentences: Bool = true, options: SearchOptions = SearchOptions()) -> Searcher {
        Searcher(index: index(), keywords: FakeKeywords(), clip: clip ? FakeCLIP() : nil,
                 sentences: sentences ? FakeSentences() : nil, options: options)
    }
}
