import Foundation
import GlimpseDescribe
import GlimpseIndex

/// Kept descriptions of removed images (`ShelvedDescription`) at scale. On two copies of a store shaped
/// like a full index run's (`FullIndexBuilder`, with content hashes), removes the first `removed` images
/// — keeping their descriptions in one copy, for good in the other — then takes every kept description
/// back at a new path, and for comparison saves the same descriptions afresh (what an index run does
/// after the models described a picture).
struct ShelfBenchmark {
    struct Result: Encodable {
        var images: Int
        var removed: Int
        /// `removeImages(_:shelving: true)` of the `removed` images, one transaction, including `prepareForSearch`.
        var removeKeepingSeconds: Double
        /// The same with `shelving: false`.
        var removeForGoodSeconds: Double
        /// `restoreShelvedDescription(for:)` per image (a transaction each, as an index run does).
        var restoreMillisecondsPerImage: Double
        /// `saveDescription(_:for:)` of the same descriptions at other paths, per image.
        var saveMillisecondsPerImage: Double
        /// `beginAttempt(at:)` and `endAttempt(at:)` of one path (the crash guard of every decoded file), per image.
        var attemptMillisecondsPerImage: Double
    }

    var count: Int
    var removed: Int
    var folder: URL

    func run() throws -> Result {
        let builder = FullIndexBuilder(count: count, contentHashes: true)
        let keeping = try builder.build(at: folder.appending(path: "keeping.sqlite"))
        let forGood = try builder.build(at: folder.appending(path: "for-good.sqlite"))
        let victims = Array(try keeping.images(under: ["/synthetic"]).sorted { $0.id < $1.id }.prefix(removed))
        let descriptions = try victims.map { try keeping.description(of: $0.id)! }

        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = ContinuousClock.now
            try body()
            return (ContinuousClock.now - start) / .seconds(1)
        }
        let removeKeeping = try seconds {
            try keeping.removeImages(victims.map(\.id), shelving: true)
            try keeping.prepareForSearch()
        }
        let removeForGood = try seconds {
            try forGood.removeImages(victims.map(\.id), shelving: false)
            try forGood.prepareForSearch()
        }
        let restore = try seconds {
            for victim in victims {
                var facts = victim.facts
                facts.path = "/restored" + facts.path
                guard try keeping.restoreShelvedDescription(for: facts) != nil else {
                    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: victim.facts.path])
                }
            }
        }
        let save = try seconds {
            for (victim, description) in zip(victims, descriptions) {
                var facts = victim.facts
                facts.path = "/saved" + facts.path
                try forGood.saveDescription(description, for: facts)
            }
        }
        let attempts = try seconds {
            for victim in victims {
                try forGood.beginAttempt(at: victim.facts.path)
                try forGood.endAttempt(at: victim.facts.path)
            }
        }
        let perImage = { (seconds: Double) in seconds * 1000 / Double(max(victims.count, 1)) }
        return Result(images: count, removed: victims.count, removeKeepingSeconds: removeKeeping, removeForGoodSeconds: removeForGood,
                      restoreMillisecondsPerImage: perImage(restore), saveMillisecondsPerImage: perImage(save),
                      attemptMillisecondsPerImage: perImage(attempts))
    }
}
