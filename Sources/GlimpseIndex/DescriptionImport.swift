import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseText
import GRDB

/// Models and settings of an import. Every model is optional.
public struct ImportOptions: Sendable {
    /// Finds keywords and compounds of lines that bring none.
    public var keywords: (any KeywordExtracting)?
    /// Computes text embeddings (MiniLM) of the descriptions; nil: none stored.
    public var sentences: (any SentenceEncoding)?
    /// Computes whole-image embeddings (CLIP) of the images whose files exist; nil: none stored.
    public var imageText: (any ImageTextEmbedding)?
    /// Relative paths are resolved against this folder; nil: the folder of the JSON Lines file.
    public var baseDirectory: URL?
    /// Lines committed per transaction (a stopped import loses at most one batch).
    public var batchSize: Int
    /// Between the caption and region captions in the stored text (the describe pipeline's default).
    public var separator: String

    public init(keywords: (any KeywordExtracting)? = nil, sentences: (any SentenceEncoding)? = nil,
                imageText: (any ImageTextEmbedding)? = nil, baseDirectory: URL? = nil, batchSize: Int = 500,
                separator: String = ". ") {
        self.keywords = keywords
        self.sentences = sentences
        self.imageText = imageText
        self.baseDirectory = baseDirectory
        self.batchSize = max(1, batchSize)
        self.separator = separator
    }
}

/// What an import did.
public struct ImportReport: Sendable, Hashable {
    /// Lines stored (new images and replaced descriptions).
    public var imported = 0
    /// Of those, paths the index already held (their descriptions were replaced).
    public var replaced = 0
    /// Lines that could not be used, with their 1-based line numbers; the other lines were imported.
    public var malformed: [MalformedLine] = []
    /// Imported images whose file exists (their size, date and content hash are stored with them).
    public var filesFound = 0
    public var imageEmbeddings = 0
    public var textEmbeddings = 0

    public init() {}

    public struct MalformedLine: Sendable, Hashable {
        public var line: Int
        public var message: String
    }
}

/// One line of an import file.
struct ImportLine: Decodable {
    var path: String
    var caption: String
    var regions: [Region]?
    var keywords: [String]?
    /// When the photo was taken: `YYYY`, `YYYY-MM`, or a date with an optional time (as `export` writes it).
    var taken: String?
    /// What people tagged in their photo manager (as `export` writes it); a file at the path, once indexed,
    /// has its own tags read again.
    var tags: PhotoTags?

    struct Region: Decodable {
        var caption: String
        var box: [Int]?
    }
}

extension SQLiteIndexStore {
    /// Imports descriptions that already exist from a JSON Lines file: one object per line,
    /// `{"path": "...", "caption": "...", "regions": [{"caption": "...", "box": [x, y, w, h]}], "keywords": ["..."]}`
    /// (`regions`, `box` and `keywords` optional; blank lines ignored). Keywords containing `-` or a space
    /// are compound keywords (their words are added to the keywords). Each line becomes a `full`
    /// description whose text is the caption followed by the region captions; a path the index holds is
    /// replaced. Images imported without an existing file are never removed by `glimpse index`.
    ///
    /// Malformed lines are reported with their line numbers and the rest is imported.
    public func importDescriptions(from url: URL, options: ImportOptions = ImportOptions(),
                                   progress: (@Sendable (Int) -> Void)? = nil) throws -> ImportReport {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw IndexError.unreadableImportFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
        var resolved = options
        if resolved.baseDirectory == nil { resolved.baseDirectory = url.deletingLastPathComponent() }
        return try importDescriptions(jsonLines: data, options: resolved, progress: progress)
    }

    /// Imports descriptions from JSON Lines in memory (see `importDescriptions(from:options:progress:)`);
    /// relative paths are resolved against `options.baseDirectory` or the current folder.
    public func importDescriptions(jsonLines data: Data, options: ImportOptions = ImportOptions(),
                                   progress: (@Sendable (Int) -> Void)? = nil) throws -> ImportReport {
        var report = ImportReport()
        let base = options.baseDirectory?.path ?? FileManager.default.currentDirectoryPath
        var batch: [(line: Int, entry: ImportLine)] = []
        var lineNumber = 0
        let decoder = JSONDecoder()
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                let entry = try decoder.decode(ImportLine.self, from: Data(line))
                try Self.validate(entry)
                batch.append((lineNumber, entry))
            } catch {
                report.malformed.append(.init(line: lineNumber, message: Self.describe(error)))
            }
            if batch.count >= options.batchSize {
                try importBatch(batch, base: base, options: options, report: &report)
                batch.removeAll(keepingCapacity: true)
                progress?(report.imported)
            }
        }
        try importBatch(batch, base: base, options: options, report: &report)
        try prepareForSearch()
        progress?(report.imported)
        return report
    }

    private func importBatch(_ batch: [(line: Int, entry: ImportLine)], base: String, options: ImportOptions,
                             report: inout ImportReport) throws {
        guard !batch.isEmpty else { return }
        var items: [(facts: FileFacts, description: Description)] = []
        for (line, entry) in batch {
            do {
                items.append(try makeDescription(entry, base: base, options: options, report: &report))
            } catch {
                report.malformed.append(.init(line: line, message: Self.describe(error)))
            }
        }
        if let sentences = options.sentences, !items.isEmpty {
            for start in stride(from: 0, to: items.count, by: 32) {
                let range = start..<min(items.count, start + 32)
                let vectors = try sentences.embed(sentences: items[range].map(\.description.text))
                for (index, vector) in zip(range, vectors) where !vector.isEmpty {
                    items[index].description.embeddings.text = vector
                    report.textEmbeddings += 1
                }
            }
        }
        let saved = items
        let replaced = try write("importing descriptions") { db in
            var replaced = 0
            for item in saved {
                if try Self.imageID(db, path: item.facts.path) != nil { replaced += 1 }
                _ = try Self.save(item.description, for: item.facts, source: "import", in: db)
            }
            return replaced
        }
        report.imported += saved.count
        report.replaced += replaced
    }

    private func makeDescription(_ entry: ImportLine, base: String, options: ImportOptions,
                                 report: inout ImportReport) throws -> (FileFacts, Description) {
        let path = FileScanner.normalise(entry.path, relativeTo: base)
        var facts = FileFacts(path: path)
        var size = PixelSize(width: 0, height: 0)
        var imageEmbedding: [Float] = []
        if let status = FileScanner.status(path), status.isRegular {
            report.filesFound += 1
            facts.size = status.size
            facts.modified = status.modified
            if let data = try? Data(contentsOf: URL(filePath: path), options: .mappedIfSafe) {
                facts.contentHash = ContentHash.of(data)
                let format = ImageDecoder.format(of: data)
                facts.format = format?.rawValue
                facts.taken = FileNameDate.dateTaken(in: data, format: format, path: path)
                if let imageText = options.imageText, let image = try? ImageDecoder.decode(data) {
                    size = PixelSize(width: image.width, height: image.height)
                    imageEmbedding = try imageText.embed(images: [image]).first ?? []
                    if !imageEmbedding.isEmpty { report.imageEmbeddings += 1 }
                } else if let headerSize = try? ImageDecoder.size(of: data) {
                    size = headerSize  // for the boxes of regions given without one, and for drawing regions over the image
                }
            }
        }
        if let given = entry.taken.flatMap(Self.takenDate) { facts.taken = given }  // the line's date wins over the file's
        if let tags = entry.tags {
            facts.tags = tags  // normalised when decoded
            facts.tagsStamp = Self.importedTagsStamp
        }
        let caption = Self.clean(entry.caption)
        let regions = (entry.regions ?? []).map { region -> DescribedRegion in
            let box = region.box.map { PixelBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
                ?? PixelBox(x: 0, y: 0, width: size.width, height: size.height)
            return DescribedRegion(box: box, area: box.area, stability: 1, caption: Self.clean(region.caption), status: .kept)
        }
        let text = ([caption] + regions.compactMap(\.caption).filter { !$0.isEmpty }).joined(separator: options.separator)
        var keywords = Keywords()
        if let given = entry.keywords {
            for raw in given {
                let word = raw.trimmingCharacters(in: .whitespaces).lowercased()
                guard !word.isEmpty else { continue }
                if word.contains("-") || word.contains(" ") {
                    let parts = word.split(whereSeparator: { $0 == "-" || $0 == " " }).map(String.init)
                    let compound = parts.joined(separator: "-")
                    if !keywords.compounds.contains(compound) { keywords.compounds.append(compound) }
                    for part in parts where !keywords.words.contains(part) { keywords.words.append(part) }
                } else if !keywords.words.contains(word) {
                    keywords.words.append(word)
                }
            }
        } else if let extractor = options.keywords {
            keywords = extractor.keywords(in: text)
        }
        let description = Description(
            mode: .full, imageSize: size, caption: caption, regions: regions, text: text, keywords: keywords.words,
            compounds: keywords.compounds, embeddings: DescriptionEmbeddings(image: imageEmbedding),
            models: [ModelStamp(role: .captioner, identifier: "imported")])
        return (facts, description)
    }

    /// The stamp of imported tags: never a file's (`ScannedFile.tagsStamp`), so an index run reads the
    /// file's own tags when it finds one at the path.
    static let importedTagsStamp = "imported"

    static func validate(_ entry: ImportLine) throws {
        guard !entry.path.trimmingCharacters(in: .whitespaces).isEmpty else { throw ImportLineError("\"path\" is empty") }
        if let taken = entry.taken, takenDate(taken) == nil {
            throw ImportLineError("\"taken\" must be a date such as 2019-07-14T15:02:11, 2019-07-14, 2019-07 or 2019")
        }
        guard !clean(entry.caption).isEmpty else { throw ImportLineError("\"caption\" is empty") }
        for (index, region) in (entry.regions ?? []).enumerated() {
            guard !clean(region.caption).isEmpty else { throw ImportLineError("region \(index + 1) has an empty \"caption\"") }
            if let box = region.box {
                guard box.count == 4, box[0] >= 0, box[1] >= 0, box[2] > 0, box[3] > 0 else {
                    throw ImportLineError("region \(index + 1): \"box\" must be [x, y, width, height] with x, y ≥ 0 and width, height > 0")
                }
            }
        }
    }

    /// A given date as the index stores it: a full date (with or without its time) normalised, or a year
    /// or month as written; nil when it is none of these.
    static func takenDate(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = ExifDateTaken.normalised(trimmed) { return date }
        guard trimmed.count <= 7, let range = TakenRange(trimmed), range.from == range.through else { return nil }
        return trimmed
    }

    static func clean(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ImportLineError: return error.message
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return "\"\(field)\" has the wrong type (\(context.debugDescription))"
        case DecodingError.dataCorrupted: return "not a JSON object"
        default: return error.localizedDescription
        }
    }
}

struct ImportLineError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
