import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseRuntime
import GlimpseSearch

/// What the server answers from: an index, the searcher over it, and thumbnails of the indexed images.
///
/// Searches run one at a time on a thread of their own (the models serve one caller at a time, and each
/// search uses both cores); index reads and image decoding have their own threads (decoding one per core,
/// up to 4), so a page of thumbnails never queues in front of a query. Only images in the index are ever read from disk, by their ID.
///
/// When another database file comes to stand at the index's path (`glimpse restore`), the next request
/// opens it through `reopen`; requests in flight finish on the file they started with.
public final class SearchLibrary: Sendable {
    /// An opened index and the searcher over it.
    public struct Index: Sendable {
        public var store: any IndexStore
        public var searcher: Searcher

        public init(store: any IndexStore, searcher: Searcher) {
            self.store = store
            self.searcher = searcher
        }
    }

    /// What the model loader had to say (a missing model and how to get it); they replace the searcher's
    /// own notes on missing models in every response, as in `glimpse search`.
    public let notes: [String]
    /// The gazetteer that `near=` looks place names up in; nil: `near=` takes coordinates only.
    public let places: GazetteerFile?
    let thumbnails: ThumbnailCache
    private let current: Locked<Index>
    private let reopen: (@Sendable () throws -> Index)?
    private let searches = SerialWork(label: "glimpse.search")
    private let reads = SerialWork(label: "glimpse.index-reads")
    /// Thumbnails are decoded on up to one thread per core (4 at most): a page of new photos comes that
    /// many times sooner; the search thread keeps its own.
    private let decoding = ParallelWork(label: "glimpse.thumbnails", count: min(4, ProcessInfo.processInfo.activeProcessorCount))

    /// - Parameters:
    ///   - places: the gazetteer `near=` looks names up in (`Gazetteer.locate()`).
    ///   - thumbnailBudget: bytes of encoded thumbnails kept in memory (default 64 MiB).
    ///   - reopen: opens the index at the same path again, with a searcher over it; nil: the index opened
    ///     first is used for good.
    public init(store: any IndexStore, searcher: Searcher, notes: [String] = [], places: GazetteerFile? = nil,
                thumbnailBudget: Int = 64 << 20, reopen: (@Sendable () throws -> Index)? = nil) {
        self.current = Locked(Index(store: store, searcher: searcher))
        self.places = places
        self.reopen = reopen
        self.notes = notes
        self.thumbnails = ThumbnailCache(budget: thumbnailBudget)
    }

    /// The index requests are answered from now.
    public var store: any IndexStore { current.withLock { $0.store } }
    /// The searcher over `store`.
    public var searcher: Searcher { current.withLock { $0.searcher } }

    /// The index to answer from: the one open, or the file that replaced it, opened now.
    func index() throws -> Index {
        try current.withLock { index in
            guard let reopen, let opened = index.store as? SQLiteIndexStore, opened.isReplacedOnDisk else { return index }
            index = try reopen()
            thumbnails.removeAll()
            return index
        }
    }

    /// Answers `query`; an index with no described image yet answers with no results and a note that says so.
    public func search(_ query: String, options: SearchOptions) async throws -> SearchResponse {
        let (store, searcher) = try index().pair
        return try await searches.run { [notes] in
            var response = try searcher.search(query, options: options)
            response.replaceModelNotes(with: notes)
            if response.results.isEmpty, try store.describedImageCount() == 0 {
                response.notes.append("The index holds no described image yet: run `glimpse index FOLDER` "
                                      + "(or `glimpse import FILE.jsonl`); this server sees new images as they are saved.")
            }
            return response
        }
    }

    /// Where image `id` stands for `query` and why (`Searcher.standing(of:for:options:)`).
    public func standing(of id: ImageID, for query: String, options: SearchOptions) async throws -> ImageStanding {
        let searcher = try index().searcher
        return try await searches.run { try searcher.standing(of: id, for: query, options: options) }
    }

    /// The indexed images that look like image `id` (`SimilarImageSearch`), the first `offset` skipped.
    public func similar(to id: ImageID, limit: Int, offset: Int = 0, folders: [String] = [], taken: TakenRange? = nil,
                        minimumRating: Int? = nil, near: NearbyArea? = nil, camera: CameraQuery? = nil) async throws -> SimilarImages {
        let (store, searcher) = try index().pair
        return try await searches.run {
            var answer = try SimilarImageSearch(index: store, vectors: searcher.vectors)
                .images(like: id, limit: offset + limit, folders: folders, taken: taken, minimumRating: minimumRating, near: near,
                        camera: camera)
            answer.results = Array(answer.results.dropFirst(offset))
            return answer
        }
    }

    /// Runs one search whose answer is thrown away, so that the first user's query does not pay for the
    /// first run of each model and for mapping the index's files. Errors (an empty index) are ignored.
    public func warmUp(query: String = "a dog on a sofa, but no cartoon") async {
        guard let searcher = try? index().searcher else { return }
        _ = try? await searches.run { try searcher.search(query) }
    }

    /// Counts, models, recent errors and size of the index.
    public func summary() async throws -> IndexSummary {
        let store = try index().store
        return try await reads.run { try store.summary() }
    }

    /// The indexed files stored more than once, those with a copy under one of `folders` when given, as
    /// `glimpse duplicates --json` prints them.
    public func duplicates(under folders: [String]) async throws -> DuplicateFilesReport {
        let store = try index().store
        return try await reads.run { DuplicateFilesReport(groups: try store.identicalFiles(under: folders)) }
    }

    /// The stored description of image `id`, with or without its embeddings.
    public func description(of id: ImageID, embeddings: Bool) async throws -> ImageDocument {
        let store = try index().store
        return try await reads.run {
            guard let document = try store.searchDocuments([id]).first, var description = try store.description(of: id) else {
                throw APIError(.notFound, "No described image has the ID \(id) in this index.")
            }
            if !embeddings { description.removeEmbeddings() }
            return ImageDocument(id: id, path: document.path, description: description, taken: document.taken, tags: document.tags,
                                 place: document.placeName)
        }
    }

    /// The file of image `id` and the facts that identify its current version.
    public func file(of id: ImageID) async throws -> IndexedFile {
        let store = try index().store
        let path = try await reads.run {
            guard let path = try store.searchDocuments([id]).first?.path else {
                throw APIError(.notFound, "No described image has the ID \(id) in this index.")
            }
            return path
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw APIError(.notFound, "The file \(path) of image \(id) is no longer there; the next `glimpse index` run updates the index.")
        }
        return IndexedFile(id: id, path: path, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                           modified: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
    }

    /// A JPEG thumbnail of `file` whose longest side is at most `side`, from memory when made before.
    func thumbnail(of file: IndexedFile, side: Int) async throws -> Data {
        let key = file.thumbnailKey(side: side)
        if let cached = thumbnails.thumbnail(for: key) { return cached }
        let data = try await decoding.run {
            // libjpeg scales in the DCT domain first (down to the side; the bicubic filter does the rest): for a
            // 12-megapixel photo 1.2–1.6× faster than keeping twice the side, and within 0.7 levels on average.
            let options = DecodingOptions(jpegMinimumSize: PixelSize(width: side, height: side))
            return try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: file.path), options: options)
                .thumbnailJPEG(longestSide: side)
        }
        thumbnails.insert(data, for: key)
        return data
    }
}

/// One indexed image's file on disk, as it is now.
public struct IndexedFile: Sendable, Hashable {
    public var id: ImageID
    public var path: String
    public var size: Int64
    /// Seconds since 1970.
    public var modified: Double

    func thumbnailKey(side: Int) -> ThumbnailCache.Key {
        ThumbnailCache.Key(image: id, side: side, fileSize: size, modified: modified)
    }
}

/// `GET /api/images/{id}`: the image's path and its stored description (`docs/description-schema.md`).
public struct ImageDocument: Sendable, Encodable {
    public var id: ImageID
    public var path: String
    public var description: Description
    /// When the photo was taken, when its file records it.
    public var taken: String?
    /// What people tagged in their photo manager, when anything.
    public var tags: PhotoTags?
    /// Where the photo was taken by name (`SearchDocument.placeName`), when known.
    public var place: String?
}

extension SearchLibrary.Index {
    var pair: (any IndexStore, Searcher) { (store, searcher) }
}

extension Description {
    /// Empties the embedding arrays (hundreds of numbers each), keeping the schema's shape.
    mutating func removeEmbeddings() {
        embeddings = DescriptionEmbeddings()
        for index in regions.indices { regions[index].embedding = [] }
    }
}
