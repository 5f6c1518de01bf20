import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseRuntime

/// Indexes folders of images: scans them, describes what is new or changed, recognises moved and
/// duplicated files by content hash, removes entries whose files are gone.
///
/// - **Exclusions** (`IndexOptions.exclusions`, `.glimpseignore` files): what they leave out is not
///   scanned, and indexed images there are removed like those of deleted files.
/// - **Incremental**: a file with the size and modification time of its entry is skipped; a changed
///   file is read and hashed — same content as indexed: only its dates are updated; else described again.
/// - **Moves**: a new path whose content hash equals that of an entry whose file is gone takes over
///   that entry (same id, description kept).
/// - **Duplicates**: a new path whose content equals a described image that still exists gets its own
///   entry with a copy of that description (not described again); each path is then independent.
/// - **Removed images come back described**: removed entries keep their descriptions aside by content
///   (`ShelvedDescription`, for `IndexOptions.shelfLife`); a file of that content found later takes its
///   description back instead of being described again.
/// - **Resumable**: every file is committed in its own transaction; files found by the scan are
///   recorded as `pending` first, so a run killed at any point loses at most the file in flight and the
///   next run continues with the pending ones.
/// - **Pipelined**: reading, hashing and decoding of the next files (`IndexOptions.lookahead`) overlap
///   the description of the current one; at most `lookahead + 1` decoded images are in memory. A quick
///   run describes the decoded files in batches (`IndexOptions.quickBatch`, `Indexer+QuickBatches.swift`),
///   still saved one by one in order.
/// - **Errors**: a file that cannot be read, decoded or described is recorded as `failed` with its
///   message and the run goes on; failed files are retried when they change (or with `retryFailed`).
///   When the store itself fails (a full disk, a damaged database: `IndexError.isStoreFailure`) the run
///   stops with that error instead, and the image is not marked failed: the next run picks it up.
/// - **Cancellation**: cancelling the task stops the run after the file in flight is committed; the
///   report says `cancelled`, and entries of vanished files are removed only by a completed run.
/// - **One run at a time** per index (`IndexStore.runLockURL`): a second run throws
///   `IndexError.runInProgress` while readers and other writers carry on.
public struct Indexer: Sendable {
    public var store: any IndexStore
    public var describer: any ImageDescribing
    public var options: IndexOptions
    public var decoding: DecodingOptions

    public init(store: any IndexStore, describer: any ImageDescribing, options: IndexOptions = IndexOptions(),
                decoding: DecodingOptions = DecodingOptions()) {
        self.store = store
        self.describer = describer
        self.options = options
        self.decoding = decoding
    }

    struct WorkItem: Sendable {
        var index: Int
        var file: ScannedFile
        var known: IndexedImage?
    }

    struct Prepared: Sendable {
        var item: WorkItem
        var facts: FileFacts
        var data: Data?
        var image: RGBImage?
        var failure: String?
        /// Whether `beginAttempt` recorded this file (see `Indexer+Attempts.swift`).
        var attempted = false
    }

    /// Indexes `roots` (folders or files; relative paths are taken from the current folder).
    ///
    /// With `places` (each under a root; what `FolderChanges` says changed), only those are scanned, with
    /// the roots' exclusion rules, and only the indexed images there can be found missing; a place that
    /// turns up empty is not protected as an empty root is (a drive that goes away is not a change in a
    /// folder: `FolderChanges.everything`), and what is removed keeps its description aside.
    public func run(_ roots: [String], only places: [ScanPlace]? = nil,
                    progress: @escaping @Sendable (IndexEvent) -> Void = { _ in }) async throws -> IndexReport {
        let clock = ContinuousClock.now
        var report = IndexReport()
        let roots = presentRoots(roots.map { FileScanner.normalise($0) }, report: &report)
        let places = places?.map { ScanPlace(path: FileScanner.normalise($0.path), wholeTree: $0.wholeTree) }
        for root in roots where FileScanner.status(root) == nil {
            throw IndexError.notAFolder(path: root)
        }
        let lock = options.dryRun ? nil : try store.lockRuns()
        defer { withExtendedLifetime(lock) {} }
        let exclusions = try libraryExclusions(roots: roots, report: &report)
        let unfinished = options.dryRun ? [:] : (try? store.unfinishedAttempts()) ?? [:]
        progress(.scanning)
        let indexed = try places.map { places in
            try places.flatMap { $0.wholeTree ? try store.images(under: [$0.path]) : try store.images(directlyIn: $0.path) }
        } ?? store.images(under: roots)
        let known = Dictionary(indexed.map { ($0.facts.path, $0) }, uniquingKeysWith: { first, _ in first })
        let scanner = FileScanner(exclusions: exclusions, entering: { progress(.enteringFolder($0)) })
        let scan = await offload { places.map { scanner.scan($0, within: roots) } ?? scanner.scan(roots) }
        report.problems += scan.problems
        report.places = places
        report.excluded = scan.excluded.count
        report.rawsBesideRenderings = scan.rawsBesideRenderings.count
        report.folders = scan.folders

        var work: [WorkItem] = []
        var undated: [IndexedImage] = []
        var untagged: [(image: IndexedImage, file: ScannedFile)] = []
        var newFiles: [FileFacts] = []
        var found = 0
        var unchanged = 0
        for file in scan.files {
            if Task.isCancelled { break }
            let entry = known[file.path]
            if let entry, entry.facts.size == file.size, entry.facts.modified == file.modified, !needsWork(entry) {
                found += 1
                unchanged += 1
                if entry.status == .full || entry.status == .quick {
                    if entry.facts.taken == nil { undated.append(entry) }
                    if entry.facts.tagsStamp != file.tagsStamp { untagged.append((entry, file)) }
                }
                continue
            }
            let format: ImageFormat?
            switch Self.probe(file.path) {
            case let .image(detected) where ImageFormat.decodable.contains(detected): format = detected
            case .notAnImage where ImageFormat.isImageFileName(file.path):
                format = nil  // a damaged photo (empty, or garbage named .jpg): recorded as failed when it is read
            case .image, .notAnImage: continue
            case .unreadable: format = nil  // recorded as failed with the reason when it is read
            }
            found += 1
            if entry == nil {
                newFiles.append(FileFacts(path: file.path, size: file.size, modified: file.modified, format: format?.rawValue))
            }
            work.append(WorkItem(index: work.count, file: file, known: entry))
        }
        let seen = Set(scan.files.map(\.path))
        let unseen = known.values.filter { !seen.contains($0.facts.path) && $0.facts.size != nil }
        let kept = Self.placesNotLookedInto(roots: places == nil ? roots : [], scan: scan, unseen: unseen,
                                            keepEmptyRoots: !options.removesFromEmptyRoots)
        report.problems += kept.filter { !report.problems.contains($0) }
        let missing = unseen.filter { image in !kept.contains { Self.path(image.facts.path, isIn: $0.path) } }
        var movable: [String: [IndexedImage]] = [:]
        for image in missing.sorted(by: { $0.id < $1.id }) where image.status == .quick || image.status == .full {
            if let hash = image.facts.contentHash { movable[hash, default: []].append(image) }
        }
        var claimed = Set<ImageID>()
        report.plan = IndexPlan(found: found, toProcess: work.count, unchanged: unchanged, missing: missing.count, new: newFiles.count)
        if options.dryRun {
            report.cancelled = Task.isCancelled
            report.seconds = (ContinuousClock.now - clock) / .seconds(1)
            progress(.planned(report.plan))
            progress(.completed(report))
            return report
        }
        try store.addPending(newFiles)
        let suspects: Int
        (work, suspects) = try orderingSuspectsFirst(work, unfinished: unfinished, scope: places?.map(\.path) ?? roots, report: &report)
        report.unfinishedBefore = suspects
        progress(.planned(report.plan))

        let items = work
        var inFlight: [Task<Prepared, Never>] = []
        var next = 0
        let depth = options.mode == .quick ? max(options.lookahead, options.quickBatch - 1) : options.lookahead
        var describedAhead = DescribedAhead()
        func startPreparing() {
            // A file an earlier run left unfinished is read alone (`orderingSuspectsFirst`).
            while inFlight.count < (next <= suspects ? 1 : depth), next < work.count {
                let item = items[next]
                next += 1
                inFlight.append(Task { await offload { prepare(item, total: items.count, progress: progress) } })
            }
        }
        for _ in work.indices {
            if Task.isCancelled {
                report.cancelled = true
                break
            }
            startPreparing()
            let prepared = await inFlight.removeFirst().value
            if prepared.item.index >= suspects { startPreparing() }
            if describedAhead[prepared.item.index] == nil {
                describedAhead.merge(await describeAhead(prepared, preparing: inFlight, suspects: suspects, total: work.count,
                                                         progress: progress)) { old, _ in old }
            }
            let outcome: FileOutcome
            do {
                outcome = try await process(prepared, total: work.count, movable: &movable, claimed: &claimed,
                                            captionsKept: &report.captionsKept, described: describedAhead.removeValue(forKey: prepared.item.index),
                                            progress: progress)
            } catch {
                // The store cannot be written (a full disk, a damaged file): every later image would fail
                // the same way, after being described for nothing. Stop; what was saved stays.
                await finish(inFlight)
                throw error
            }
            switch outcome {
            case .described: report.described += 1
            case .enriched: report.enriched += 1
            case .moved: report.moved += 1
            case .copied: report.copied += 1
            case .restored: report.restored += 1
            case .unchanged: report.plan.unchanged += 1
            case .retagged:
                report.plan.unchanged += 1
                report.tagsRead += 1
            case let .failed(message): report.failures.append(ScanProblem(path: prepared.facts.path, message: message))
            }
            progress(.finished(path: prepared.facts.path, index: prepared.item.index, total: work.count, outcome: outcome))
        }
        await finish(inFlight)
        if !report.cancelled && !Task.isCancelled {
            report.datesRead = try await readDatesTaken(of: undated, progress: progress)
            report.tagsRead += try await readTags(of: untagged, progress: progress)
            try await namePlaces(&report)
        }
        if !report.cancelled && !Task.isCancelled {
            let gone = missing.map(\.id).filter { !claimed.contains($0) }
            try store.removeImages(gone, shelving: true)
            report.removed = gone.count
            // Kept descriptions are a convenience: one that outlives its time costs only space.
            try? store.discardShelvedDescriptions(shelvedBefore: Date() - options.shelfLife / .seconds(1))
            // Without it search still works (through SQLite's own ranking), so a failure here loses nothing.
            try? store.prepareForSearch()
        } else {
            report.cancelled = true
        }
        report.seconds = (ContinuousClock.now - clock) / .seconds(1)
        try? store.recordRun(IndexRunRecord(report, roots: roots, finished: Date()))  // for `glimpse status`; losing it loses nothing
        progress(.completed(report))
        return report
    }

    /// Waits for files still being prepared, which will not be processed: their work is not unfinished.
    func finish(_ preparing: [Task<Prepared, Never>]) async {
        for task in preparing where await task.value.attempted {
            try? store.endAttempt(at: await task.value.facts.path)
        }
    }

    /// Whether an unchanged file's entry still needs work in this run's mode.
    func needsWork(_ entry: IndexedImage) -> Bool {
        switch entry.status {
        case .pending: return true
        case .quick: return options.mode == .full
        case .full: return false
        case .failed: return options.retryFailed
        }
    }

    func satisfies(_ status: ImageStatus) -> Bool {
        status == .full || (status == .quick && options.mode == .quick)
    }

    /// The places whose indexed images a scan did not see but must not remove: folders it could not list
    /// and links that lead nowhere (their images may well be there), and — unless `keepEmptyRoots` is false —
    /// roots that turned up empty (nothing found, nothing left out) although images from them are indexed (an unmounted drive leaves an empty
    /// mount point, and hours of descriptions would go with it). Each comes with the message to report.
    static func placesNotLookedInto(roots: [String], scan: FileScanner.Result, unseen: [IndexedImage],
                                    keepEmptyRoots: Bool) -> [ScanProblem] {
        var places = scan.problems
        guard keepEmptyRoots else { return places }
        for root in roots where !scan.files.contains(where: { path($0.path, isIn: root) })
            && !scan.excluded.contains(where: { path($0, isIn: root) }) {
            let indexed = unseen.count { path($0.facts.path, isIn: root) }
            guard indexed > 0 else { continue }
            places.append(ScanProblem(path: root, message: "no files found, but the index holds \(indexed) image(s) from it: "
                                      + "they are kept (is the drive mounted?); if it is mounted at another place now, "
                                      + "`glimpse relocate \(root) NEW-PLACE` moves them there; if the folder is really empty now, "
                                      + "run again with --allow-empty to remove them"))
        }
        return places
    }

    /// Whether `path` is `place` or lies inside it.
    static func path(_ path: String, isIn place: String) -> Bool {
        path == place || path.hasPrefix(place.hasSuffix("/") ? place : place + "/")
    }

    /// Reads and hashes the file; decodes it unless an indexed copy of the same content can stand in.
    func prepare(_ item: WorkItem, total: Int, progress: @Sendable (IndexEvent) -> Void) -> Prepared {
        let path = item.file.path
        var facts = FileFacts(path: path, size: item.file.size, modified: item.file.modified)
        progress(.stage(path: path, index: item.index, total: total, stage: .reading))
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path), options: .mappedIfSafe)
        } catch {
            return Prepared(item: item, facts: facts, failure: "cannot read the file (\((error as NSError).localizedDescription))")
        }
        facts.contentHash = ContentHash.of(data)
        let format = ImageDecoder.format(of: data)
        facts.format = format?.rawValue
        facts.taken = FileNameDate.dateTaken(in: data, format: format, path: path)
        facts.tags = PhotoTags.read(from: data, format: format, sidecar: XMPSidecars.contents(of: item.file.sidecar))
        facts.tagsStamp = item.file.tagsStamp
        facts.pictureHash = ContentHash.ofPicture(in: data, format: format)
        if let hash = facts.contentHash {
            if let known = item.known, Self.samePicture(known, facts), satisfies(known.status) {
                return Prepared(item: item, facts: facts, data: data)
            }
            if let copies = try? store.describedImages(withContentHash: hash), copies.contains(where: { satisfies($0.status) }) {
                return Prepared(item: item, facts: facts, data: data)
            }
            if let kept = try? store.shelvedDescription(withContentHash: hash), satisfies(kept.status) {
                return Prepared(item: item, facts: facts, data: data)
            }
        }
        progress(.stage(path: path, index: item.index, total: total, stage: .decoding))
        let attempted = beginAttempt(at: path)
        do {
            return Prepared(item: item, facts: facts, image: try ImageDecoder.decode(data, options: decoding), attempted: attempted)
        } catch {
            return Prepared(item: item, facts: facts, failure: error.localizedDescription, attempted: attempted)
        }
    }

    /// Moves, copies or describes one prepared file and commits the result; counts in `captionsKept` a
    /// description that kept its earlier caption; `described` is its description made ahead in a batch,
    /// if any. Throws only when the store itself fails (`IndexError.isStoreFailure`); anything wrong with
    /// the image is its outcome, `.failed`.
    func process(_ prepared: Prepared, total: Int, movable: inout [String: [IndexedImage]], claimed: inout Set<ImageID>,
                 captionsKept: inout Int, described: Result<Description, any Error>? = nil,
                 progress: @escaping @Sendable (IndexEvent) -> Void) async throws -> FileOutcome {
        let facts = prepared.facts
        let index = prepared.item.index
        var attempted = prepared.attempted
        defer { if attempted { try? store.endAttempt(at: facts.path) } }
        do {
            if let failure = prepared.failure {
                try store.recordFailure(failure, for: facts)
                return .failed(failure)
            }
            let hash = facts.contentHash ?? ""
            if let known = prepared.item.known, Self.samePicture(known, facts), satisfies(known.status) {
                try store.moveImage(known.id, to: facts)
                return known.facts.contentHash == hash ? .unchanged : .retagged
            }
            var outcome: FileOutcome?
            // An entry of the same content described quickly: the full pass may reuse its caption.
            var earlier: ImageID?
            if let known = prepared.item.known, known.facts.contentHash == hash, known.status == .quick { earlier = known.id }
            if var sources = movable[hash], !sources.isEmpty {
                let source = sources.removeFirst()
                movable[hash] = sources
                claimed.insert(source.id)
                try store.moveImage(source.id, to: facts)
                if satisfies(source.status) { return .moved(from: source.facts.path) }
                if source.status == .quick { earlier = source.id }
                outcome = .moved(from: source.facts.path)
            } else if let source = try store.describedImages(withContentHash: hash)
                .first(where: { $0.facts.path != facts.path && satisfies($0.status) && !claimed.contains($0.id) }) {
                try store.copyDescription(of: source.id, to: facts)
                return .copied(from: source.facts.path)
            } else if let kept = try store.shelvedDescription(withContentHash: hash), satisfies(kept.status),
                      try store.restoreShelvedDescription(for: facts) != nil {
                return .restored(from: kept.path)
            }
            if !attempted { attempted = beginAttempt(at: facts.path) }
            var image = prepared.image
            if image == nil, let data = prepared.data {
                progress(.stage(path: facts.path, index: index, total: total, stage: .decoding))
                image = try ImageDecoder.decode(data, options: decoding)
            }
            guard let image else { throw IndexError.unreadableFile(path: facts.path, reason: "nothing was read") }
            progress(.stage(path: facts.path, index: index, total: total, stage: .describing))
            let describer = self.describer
            let mode = options.mode
            // Only a help: a description that cannot be read is simply not reused.
            let previous = mode == .full ? earlier.flatMap { try? store.description(of: $0) } : nil
            let description: Description
            if let described {
                description = try described.get()
            } else {
                description = try await offload { try describer.describe(image, mode: mode, reusing: previous) }
            }
            progress(.stage(path: facts.path, index: index, total: total, stage: .saving))
            try store.saveDescription(description, for: facts)
            if description.statistics?.captionReused == true { captionsKept += 1 }
            if let outcome { return outcome }
            return prepared.item.known?.status == .quick && mode == .full ? .enriched : .described(mode)
        } catch let error as IndexError where error.isStoreFailure {
            throw error
        } catch {
            let message = error.localizedDescription
            try store.recordFailure(message, for: facts)
            return .failed(message)
        }
    }

    enum Probe { case image(ImageFormat), notAnImage, unreadable }

    /// The format of the file at `path` from its first bytes.
    static func probe(_ path: String) -> Probe {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? handle.close() }
        let head: Data
        do {
            head = try handle.read(upToCount: 16) ?? Data()  // nil: the file is empty
        } catch {
            return .unreadable
        }
        return ImageFormat.detect(head).map(Probe.image) ?? .notAnImage
    }
}
