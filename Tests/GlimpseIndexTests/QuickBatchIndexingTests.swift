import Foundation
import GlimpseDescribe
import GlimpseImage
import Synchronization
import Testing
@testable import GlimpseIndex

@Suite("A quick run describes decoded files together")
struct QuickBatchIndexingTests {
    /// `FakeDescriber`'s descriptions, and the sizes of the batches it was asked for.
    final class BatchRecorder: ImageDescribing, @unchecked Sendable {
        let fake: FakeDescriber
        private let lock = NSLock()
        private var sizes: [Int] = []
        init(failOnColor: String? = nil) { fake = FakeDescriber(failOnColor: failOnColor) }
        var batches: [Int] { lock.withLock { sizes } }

        func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description { try fake.describe(image, mode: mode) }

        func describeQuickly(_ images: [RGBImage]) -> [Result<Description, any Error>] {
            lock.withLock { sizes.append(images.count) }
            return images.map { image in Result { try fake.describe(image, mode: .quick) } }
        }
    }

    /// Ten files of distinct colours (a shade of red, green or blue each), and the run's store.
    static func folder(count: Int = 10) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for index in 0..<count {
            let shade = UInt8(205 + index * 5)
            let (red, green, blue): (UInt8, UInt8, UInt8) = [(shade, 0, 0), (0, shade, 0), (0, 0, shade)][index % 3]
            _ = try folder.writePNG(String(format: "photos/%02d.png", index), red: red, green: green, blue: blue)
        }
        return folder
    }

    static func captions(_ store: SQLiteIndexStore, _ folder: TemporaryFolder) throws -> [String] {
        let ids = try store.imageIDs(under: [folder.file("photos").path])
        return try store.searchDocuments(ids).sorted { $0.path < $1.path }.map(\.caption)
    }

    @Test("batches of eight and the rest, each saved as one by one would save it")
    func batches() async throws {
        let folder = try Self.folder()
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = BatchRecorder()
        let events = Mutex<[IndexEvent]>([])
        let report = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path]) { event in
            switch event {
            case .describedTogether, .finished: events.withLock { $0.append(event) }
            default: break
            }
        }
        #expect(report.described == 10 && report.failures.isEmpty)
        #expect(describer.batches == [8, 2], "\(describer.batches)")
        // The progress hears of each batch once its descriptions exist, before its first file is saved.
        let order = events.withLock { $0 }.map { event -> String in
            switch event {
            case let .describedTogether(indices, total): "batch \(indices) of \(total)"
            case let .finished(_, index, _, _): "saved \(index)"
            default: "?"
            }
        }
        #expect(order == ["batch [0, 1, 2, 3, 4, 5, 6, 7] of 10"] + (0..<8).map { "saved \($0)" }
            + ["batch [8, 9] of 10", "saved 8", "saved 9"], "\(order)")
        #expect(describer.fake.callCount == 10, "each file described once")

        let alone = try Self.folder()
        defer { alone.remove() }
        let single = try SQLiteIndexStore(url: alone.file("index.sqlite"))
        var options = IndexOptions(mode: .quick)
        options.quickBatch = 1
        let oneByOne = BatchRecorder()
        #expect(try await Indexer(store: single, describer: oneByOne, options: options).run([alone.path]).described == 10)
        #expect(oneByOne.batches.isEmpty)
        #expect(try Self.captions(store, folder) == Self.captions(single, alone))
    }

    @Test("a file whose description fails in a batch fails alone; a copy in the batch is copied, not described")
    func failuresAndCopies() async throws {
        let folder = try Self.folder(count: 4)
        defer { folder.remove() }
        _ = try folder.writePNG("photos/04-yellow.png", red: 255, green: 255, blue: 0)
        try FileManager.default.copyItem(at: folder.file("photos/00.png"), to: folder.file("photos/05-copy.png"))
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        let describer = BatchRecorder(failOnColor: "yellow")
        let report = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path])
        #expect(report.described == 4 && report.copied == 1, "\(report)")
        #expect(report.failures.map { ($0.path as NSString).lastPathComponent } == ["04-yellow.png"])
        #expect(describer.batches == [5], "the copy's content is already in the batch: \(describer.batches)")
    }

    @Test("a full run, and a file an earlier run stopped on, are described one at a time")
    func alone() async throws {
        let folder = try Self.folder(count: 3)
        defer { folder.remove() }
        let store = try SQLiteIndexStore(url: folder.file("index.sqlite"))
        try store.beginAttempt(at: folder.file("photos/01.png").path)
        let describer = BatchRecorder()
        let quick = try await Indexer(store: store, describer: describer, options: IndexOptions(mode: .quick)).run([folder.path])
        #expect(quick.described == 3 && quick.unfinishedBefore == 1)
        #expect(describer.batches == [2], "the suspect first and alone, then the other two together: \(describer.batches)")
        let full = BatchRecorder()
        #expect(try await Indexer(store: store, describer: full, options: IndexOptions(mode: .full)).run([folder.path]).enriched == 3)
        #expect(full.batches.isEmpty && full.fake.modes == [.full, .full, .full])
    }
}
