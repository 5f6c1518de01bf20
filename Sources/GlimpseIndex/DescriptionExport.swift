import Foundation
import GlimpseDescribe
import GlimpseImage
import GRDB
import GRDBSQLite

/// What an export writes and for which images.
public struct ExportOptions: Sendable {
    /// Only the images under these folders (or these single files; relative paths from the current folder);
    /// empty: all.
    public var places: [String]
    /// Paths under this folder are written relative to it (as `glimpse import` reads them against the
    /// folder of its file); others stay absolute. Nil: every path is absolute. A relative folder is taken
    /// from the current folder.
    public var relativeTo: String?
    /// Only the photos taken within this span; nil: any date, also none.
    public var taken: TakenRange?
    /// Only the photos rated at least this many stars in their tags (1 to 5); nil: any, also unrated.
    public var minimumRating: Int?
    /// Only the photos taken within this area (`PhotoTags.location`); nil: anywhere, also unknown.
    public var near: NearbyArea?
    /// Only the photos taken with a camera this query matches (`PhotoTags.camera`); nil: any, also unknown.
    public var camera: CameraQuery?
    /// Also write each stored description whole (`ExportedDescription.description`): dropped regions,
    /// CLIP's candidate ranking, timings.
    public var fullDescriptions: Bool

    public init(places: [String] = [], relativeTo: String? = nil, taken: TakenRange? = nil, minimumRating: Int? = nil,
                near: NearbyArea? = nil, camera: CameraQuery? = nil, fullDescriptions: Bool = false) {
        self.camera = camera
        self.places = places
        self.taken = taken
        self.minimumRating = minimumRating
        self.near = near
        self.relativeTo = relativeTo
        self.fullDescriptions = fullDescriptions
    }
}

/// What an export did.
public struct ExportReport: Sendable, Hashable {
    /// Lines written: one per described image.
    public var exported = 0
    /// Images in scope that have no description yet (waiting for an index run).
    public var pending = 0
    /// Images in scope that could not be described.
    public var failed = 0
    /// Stored descriptions that could not be decoded (a damaged row); left out and counted.
    public var undecodable = 0

    public init() {}
}

/// One line of an export: the fields `glimpse import` reads (`path`, `caption`, `regions`, `keywords`,
/// compounds among the keywords written with `-`), so that an export imports again, and what else a
/// reader of the file would want.
public struct ExportedDescription: Sendable, Hashable, Encodable {
    public var path: String
    public var caption: String
    /// The kept regions, in the order their captions appear in `text`.
    public var regions: [Region]
    /// Lemmatised keywords followed by the compound keywords (`blue-collar`).
    public var keywords: [String]
    /// The final description: the caption followed by the kept region captions.
    public var text: String
    /// `quick` or `full`.
    public var mode: DescribeMode
    /// The image's width and height in pixels (after EXIF orientation); nil when unknown.
    public var width: Int?
    public var height: Int?
    /// The file's content fingerprint when it was indexed; nil for imported images without a file.
    public var contentHash: String?
    /// When the photo was taken (`YYYY-MM-DDTHH:MM:SS`, the camera's local time); nil when its file records no date.
    public var taken: String?
    /// What people tagged in their photo manager; nil when nothing.
    public var tags: PhotoTags?
    /// The names of the place it was taken at, named from its location (`PlaceNaming`); nil when none.
    /// Not read back by `import`: the next index run names the place again.
    public var place: String?
    /// The models that wrote the description.
    public var models: [ModelStamp]
    /// The whole stored description (schema in docs/description-schema.md, embeddings left empty); only
    /// with `ExportOptions.fullDescriptions`.
    public var description: Description?

    public struct Region: Sendable, Hashable, Encodable {
        public var caption: String
        /// `[x, y, width, height]` in the image's pixels.
        public var box: [Int]
    }

    init(path: String, contentHash: String?, taken: String?, tags: PhotoTags?, place: String?, stored: Description, whole: Bool) {
        self.place = place
        self.taken = taken
        self.tags = tags
        self.path = path
        caption = stored.caption
        regions = stored.keptRegions.compactMap { region in
            guard let caption = region.caption, !caption.isEmpty else { return nil }
            return Region(caption: caption, box: [region.box.x, region.box.y, region.box.width, region.box.height])
        }
        keywords = stored.keywords + stored.compounds.filter { !stored.keywords.contains($0) }
        text = stored.text
        mode = stored.mode
        let known = stored.imageSize.width > 0 && stored.imageSize.height > 0
        width = known ? stored.imageSize.width : nil
        height = known ? stored.imageSize.height : nil
        self.contentHash = contentHash
        models = stored.models
        description = whole ? stored : nil
    }
}

extension SQLiteIndexStore {
    /// Writes the described images' descriptions as JSON Lines, one object per image (`ExportedDescription`,
    /// sorted keys), in path order, handing each line (with its newline) to `line`.
    ///
    /// One read transaction: the export is a consistent snapshot even while an index run saves images, and
    /// it is streamed, so a library of millions needs no more memory than a line. Images not described yet
    /// and failed ones are counted, not written; a stored description that cannot be decoded is counted and
    /// left out. An error thrown by `line` (a full disk) stops the export and is rethrown.
    public func exportDescriptions(options: ExportOptions = ExportOptions(),
                                   line: (Data) throws -> Void) throws -> ExportReport {
        let places = options.places.map { FileScanner.normalise($0) }
        var scope = "1"
        var arguments: [any DatabaseValueConvertible] = []
        if !places.isEmpty {
            scope = places.map { _ in "(path = ? OR (path >= ? AND path < ?))" }.joined(separator: " OR ")
            for place in places {
                let range = pathRange(under: place)
                arguments += [range.exact, range.from, range.before]
            }
        }
        if let taken = options.taken {
            scope = "(\(scope)) AND takenAt >= ? AND takenAt < ?"
            arguments += [taken.lowerBound, taken.upperBound]
        }
        if let stars = options.minimumRating {
            scope = "(\(scope)) AND rating >= ?"
            arguments.append(max(1, stars))
        }
        if let camera = options.camera {
            let names = camera.matching(try cameras()).map(\.name)
            scope = "(\(scope)) AND camera IN (\(names.map { _ in "?" }.joined(separator: ", ")))"  // `IN ()` holds nothing
            arguments += names.map { $0 as any DatabaseValueConvertible }
        }
        // The area's bounding box here; the distance itself per row (`inArea`).
        if let area = options.near {
            let bounds = area.bounds
            scope = "(\(scope)) AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
            arguments += [bounds.latitudes.lowerBound, bounds.latitudes.upperBound, bounds.longitudes.lowerBound, bounds.longitudes.upperBound]
        }
        let inArea = { (row: OpaquePointer, latitude: Int32) -> Bool in
            guard let area = options.near else { return true }
            guard let location = PhotoLocation(latitude: sqlite3_column_double(row, latitude),
                                               longitude: sqlite3_column_double(row, latitude + 1)) else { return false }
            return area.contains(location)
        }
        let prefix = options.relativeTo.map { pathRange(under: FileScanner.normalise($0)).from }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let decoder = JSONDecoder()
        var report = ExportReport()
        var writeError: (any Error)?  // the sink's own error, rethrown as it is rather than as the index's
        do {
            try read("exporting descriptions") { db in
                try db.step("SELECT status, latitude, longitude FROM image WHERE (\(scope)) AND status IN (?, ?)",
                            arguments: StatementArguments(arguments + [ImageStatus.pending.rawValue, ImageStatus.failed.rawValue])) { row in
                    guard inArea(row, 1) else { return }
                    if Database.text(row, 0) == ImageStatus.pending.rawValue { report.pending += 1 } else { report.failed += 1 }
                }
                try db.step("""
                    SELECT image.path, image.contentHash, description.json, nullif(image.takenAt, ''), image.tags, image.place,
                        image.latitude, image.longitude FROM image
                    JOIN description ON description.imageId = image.id
                    WHERE \(scope) ORDER BY image.path
                    """, arguments: StatementArguments(arguments)) { row in
                    guard inArea(row, 6) else { return }
                    let path = Database.text(row, 0) ?? ""
                    let length = Int(sqlite3_column_bytes(row, 2))
                    guard length > 0, let bytes = sqlite3_column_blob(row, 2),
                          let stored = try? decoder.decode(Description.self, from: Data(bytes: bytes, count: length)) else {
                        report.undecodable += 1
                        return
                    }
                    var written = path
                    if let prefix, path.hasPrefix(prefix) { written = String(path.dropFirst(prefix.count)) }
                    var data = try encoder.encode(ExportedDescription(path: written, contentHash: Database.text(row, 1),
                                                                      taken: Database.text(row, 3),
                                                                      tags: Database.text(row, 4).flatMap(Self.decodeTags),
                                                                      place: Database.text(row, 5), stored: stored,
                                                                      whole: options.fullDescriptions))
                    data.append(UInt8(ascii: "\n"))
                    do {
                        try line(data)
                    } catch {
                        writeError = error
                        throw error
                    }
                    report.exported += 1
                }
            }
        } catch {
            throw writeError ?? error
        }
        return report
    }
}
