import ArgumentParser
import Foundation
import GlimpseDescribe
import GlimpseImage
import GlimpseIndex
import GlimpseRuntime
import GlimpseSearch

/// `glimpse index DIR…`: describe the images of folders into the index, incrementally.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Describe and index the images in folders (only new and changed files are described).",
        discussion: """
            Files whose size and date did not change are skipped; moved or renamed files are recognised by their \
            content and keep their descriptions; entries of deleted files are removed, except under a folder that \
            cannot be read or a folder given here that turned up empty (an unmounted drive): those are kept and \
            reported. Folders of system files (@eaDir, #recycle, #snapshot, $RECYCLE.BIN, System Volume Information, \
            lost+found), hidden files and folders, and what --exclude or a .glimpseignore file names are left out. \
            Every image is saved as soon as it is described, so a stopped run (Ctrl-C) loses nothing and the next run continues. \
            --quick captions and embeds only; a later run without --quick enriches the quick entries.
            """
    )

    @Argument(help: ArgumentHelp("""
        Folders (or image files) to index; the folders are remembered, with the --exclude patterns given now. \
        Without any, the remembered folders are indexed again, each with its own patterns.
        """, valueName: "folder"))
    var folders: [String] = []

    @Flag(help: "Fast first pass: caption and CLIP embedding only, no segmentation.")
    var quick = false

    @Option(help: ArgumentHelp("""
        With --quick: how many decoded photos are described together (default 8, 1 with --low-memory): more is faster \
        per photo and holds more decoded photos in memory (a 24-megapixel photo is 72 MB decoded).
        """, valueName: "n"))
    var batch: Int?

    @Flag(name: .customLong("retry-failed"), help: "Describe again the files that failed before, even if they did not change.")
    var retryFailed = false

    @Flag(name: .customLong("allow-empty"), help: """
        Remove the entries of a folder given here that turned up empty (by default they are kept and reported: \
        an unmounted drive looks like an empty folder).
        """)
    var allowEmpty = false

    @Option(name: .customLong("exclude"), help: ArgumentHelp("""
        Leave out files and folders matching this pattern (repeatable): a name at any depth (@eaDir, '*.tmp'), a path \
        relative to each folder given ('2019/raw', '**/cache': ** is any number of folders), or an absolute path; \
        a trailing / matches folders only. \
        For lasting rules write patterns in a .glimpseignore file. Indexed images left out are removed from the index.
        """, valueName: "pattern"))
    var exclude: [String] = []

    @Flag(help: """
        Keep watching: after the run, index new, changed, moved and deleted files as they come (a few seconds after \
        a change, on Linux, looking only at the folders where something changed), and look at everything again every \
        --every seconds, until Ctrl-C (exit 0 between runs). Passes that change nothing print nothing.
        """)
    var watch = false

    @Option(help: "With --watch: seconds between passes when no change was seen (the only trigger where changes cannot be watched).")
    var every: Double = 300

    @Flag(name: .customLong("dry-run"), help: """
        Only say what a run would do: how many image files are new, to describe again, unchanged, or gone. Reads each \
        file's first bytes only, loads no model and changes nothing (it may run while another run works on the index).
        """)
    var dryRun = false

    @Flag(help: """
        Run at the lowest priority (on Linux the idle scheduling class, and nice 19): other programs come first, \
        and the run takes only the processor time they leave. For a laptop, and for --watch as a service.
        """)
    var background = false

    @OptionGroup var location: IndexLocationOptions
    @OptionGroup(title: "Models") var models: DescribeModelOptions
    @OptionGroup(title: "Method") var method: DescribeMethodOptions
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        try method.options().validate()
        guard every.isFinite, every >= 1 else { throw ValidationError("--every is at least 1 second.") }
        if dryRun && watch { throw ValidationError("--dry-run plans one run; it does not go with --watch.") }
        if let batch, !(1...64).contains(batch) { throw ValidationError("--batch is 1 to 64 photos.") }
        for folder in folders where !FileManager.default.fileExists(atPath: folder) {
            throw ValidationError("\(folder) does not exist. Give folders that contain images.")
        }
    }

    func run() async throws {
        if background, let note = BackgroundPriority.enter() { FileHandle.standardError.write(Data("note: --background: \(note).\n".utf8)) }
        let creation = location.creation
        if folders.isEmpty, creation != nil { throw LibraryFolders.noneRemembered(index: location.url.path, exists: false) }
        let store = try location.open()
        let (folders, roots) = try LibraryFolders.roots(given: folders, store: store)
        var options = IndexOptions(mode: quick ? .quick : .full, retryFailed: retryFailed, removesFromEmptyRoots: allowEmpty,
                                   exclusions: Exclusions(patterns: exclude))
        options.roots = roots
        if dryRun {
            options.dryRun = true
            let report = try await Indexer(store: store, describer: PlanningOnly(), options: options).run(folders)
            print(Self.plan(report, index: store.url?.path))
            return
        }
        options.placeNaming = Gazetteer.locate().flatMap(GazetteerFile.init(url:))
        options.quickBatch = batch ?? (models.lowMemory ? 1 : options.quickBatch)
        let describer: any ImageDescribing
        do {
            describer = try await IndexDescriber.make(models: models, method: method, runtime: runtime, quick: quick)
        } catch {
            // A first run whose models cannot be loaded leaves no empty index behind.
            if let creation { location.undo(creation) }
            throw error
        }
        var indexer = Indexer(store: store, describer: describer, options: options)
        let (watch, every, index, location) = (watch, every, store.url?.path, location)
        let task = Task { () async throws -> IndexReport? in
            var last: IndexReport?
            /// The problems of the last pass over every folder: a pass speaks when they change.
            var lastProblems: [ScanProblem]?
            let monitor = watch ? FolderMonitor.start(ignoring: index) : nil
            var warnedOfLimit = false
            /// What the pass looks at: nil for every folder (the first pass, the periodic one, after a failed
            /// pass), else only where the monitor saw changes.
            var places: [ScanPlace]?
            var lookEverywhere = true
            for pass in 0... {
                if pass > 0 {
                    do {  // Ctrl-C between passes ends the watch
                        if let monitor {
                            let changed = try await monitor.waitForChange(timeout: .seconds(every))
                            let changes = monitor.takeChanges()
                            places = changed && !lookEverywhere ? changes.places(within: folders) : nil
                        } else {
                            try await Task.sleep(for: .seconds(every))
                        }
                    } catch { return nil }
                    // `glimpse restore` may have put another database in the index's place between passes.
                    if (indexer.store as? SQLiteIndexStore)?.isReplacedOnDisk == true {
                        indexer.store = try location.open()
                        places = nil
                        FileHandle.standardError.write(Data("note: the index at \(index ?? "") was replaced; indexing into the new one.\n".utf8))
                    }
                }
                lookEverywhere = true  // until this pass ends well
                let bar = IndexProgressBar(quietWhenIdle: pass > 0)
                do {
                    let report = try await indexer.run(folders, only: places) { event in
                        if case let .enteringFolder(folder) = event { monitor?.watch(folder: folder) } else { bar.handle(event) }
                    }
                    bar.finish()
                    // A pass speaks when it changed the index, or when the places it could not see changed.
                    let problemsChanged = places == nil ? report.problems != lastProblems : !report.problems.isEmpty
                    if pass == 0 || report.changedAnything || problemsChanged {
                        // Unbuffered: a log or a pipe gets each pass's lines as they happen.
                        let line = (pass > 0 ? "\(Date().ISO8601Format()) " : "") + Self.summary(report, index: index)
                        FileHandle.standardOutput.write(Data((line + "\n").utf8))
                    }
                    last = report
                    if places == nil { lastProblems = report.problems }
                    if report.cancelled || !watch { return report }
                    lookEverywhere = false
                    if let monitor {
                        monitor.watch(report.folders, under: places.map { $0.filter(\.wholeTree).map(\.path) })
                        if !monitor.isComplete && !warnedOfLimit {
                            warnedOfLimit = true
                            FileHandle.standardError.write(Data("""
                                note: the system allows watching only \(monitor.watchedFolders) of the \(report.folders.count) folders; \
                                changes in the others are found every \(Int(every)) s (raise fs.inotify.max_user_watches to watch them all).

                                """.utf8))
                        }
                    }
                } catch let error as IndexError where watch && Self.isPassing(error) {
                    bar.finish()
                    FileHandle.standardError.write(Data("note: \(error.localizedDescription) Trying again in \(Int(every)) s.\n".utf8))
                } catch {
                    bar.finish()
                    throw error
                }
            }
            return last
        }
        let interrupt = InterruptHandler {
            FileHandle.standardError.write(Data("\nStopping (after the image in flight, if any)… (Ctrl-C again to quit at once)\n".utf8))
            task.cancel()
        }
        defer { interrupt.stop() }
        guard let report = try await task.value else { return }  // stopped while watching, between passes
        if report.cancelled { throw ExitCode(130) }
        if !report.failures.isEmpty && !watch { throw ExitCode(1) }
    }

    /// Whether a watching run goes on after `error`: another run holds the index, or a folder is away
    /// (an unplugged drive); the next pass tries again.
    static func isPassing(_ error: IndexError) -> Bool {
        switch error {
        case .runInProgress, .notAFolder: true
        default: false
        }
    }

    /// What a dry run found.
    static func plan(_ report: IndexReport, index: String?) -> String {
        let plan = report.plan
        var lines = ["Dry run: \(plan.found) image file(s) found — \(plan.new) new, \(plan.toProcess - plan.new) to describe again "
                     + "(changed, unfinished, failed with --retry-failed, or quick ones to enrich), \(plan.unchanged) unchanged; "
                     + "\(plan.missing) indexed image(s) gone (a run removes them and keeps their descriptions aside)"
                     + (report.excluded > 0 ? "; \(report.excluded) left out by exclusions" : "")
                     + (report.rawsBesideRenderings > 0 ? "; \(rawsLeftOut(report))" : "") + (index.map { " — index \($0)" } ?? ""),
                     "A moved or renamed file counts as new and gone here; a run recognises it by its content and describes nothing."]
        if !report.problems.isEmpty {
            lines.append("Not scanned (what is indexed from these would be kept):")
            for problem in report.problems.prefix(20) { lines.append("  \(TerminalText.escaped(problem.path)): \(problem.message)") }
        }
        lines.append("Nothing changed.")
        return lines.joined(separator: "\n")
    }

    /// Raw files that have the camera's JPEG of the same shot beside them.
    static func rawsLeftOut(_ report: IndexReport) -> String {
        "\(report.rawsBesideRenderings) raw file(s) left out for the camera's JPEG of the same shot beside them"
    }

    static func summary(_ report: IndexReport, index: String?) -> String {
        var lines: [String] = []
        var parts = ["\(report.described) described"]
        if report.enriched > 0 { parts.append("\(report.enriched) enriched") }
        if report.captionsKept > 0 { parts.append("\(report.captionsKept) quick caption(s) kept") }
        if report.moved > 0 { parts.append("\(report.moved) moved") }
        if report.copied > 0 { parts.append("\(report.copied) duplicate(s)") }
        if report.restored > 0 { parts.append("\(report.restored) taken back from removed images") }
        parts.append("\(report.plan.unchanged) unchanged")
        if report.datesRead > 0 { parts.append("dates taken read for \(report.datesRead) indexed before") }
        if report.tagsRead > 0 { parts.append("tags read again for \(report.tagsRead) unchanged") }
        if report.placesNamed > 0 { parts.append("places named for \(report.placesNamed) located") }
        if report.removed > 0 { parts.append("\(report.removed) removed") }
        if report.excluded > 0 { parts.append("\(report.excluded) excluded") }
        if report.rawsBesideRenderings > 0 { parts.append(rawsLeftOut(report)) }
        if report.unfinishedBefore > 0 {
            parts.append("\(report.unfinishedBefore) file(s) an earlier run stopped on read first, one at a time")
        }
        parts.append("\(report.failures.count) failed")
        let scope = report.places.map { places in
            places.count == 1 ? " (looked at \(places[0].path) only)" : " (looked at the \(places.count) folders that changed only)"
        } ?? ""
        lines.append(parts.joined(separator: ", ") + String(format: " in %.1f s", report.seconds) + scope
                     + (index.map { " — index \($0)" } ?? ""))
        if report.cancelled { lines.append("Stopped before the end; run the same command again to continue.") }
        if let remembered = LibraryFolders.rememberedLine(report) { lines.append(remembered) }
        if let error = report.placeNamingError {
            lines.append("Places were not named (the next run tries again; `glimpse doctor` checks the gazetteer): \(error)")
        }
        if !report.failures.isEmpty {
            lines.append("Failed files (kept in the index as failed; retried when they change, or with --retry-failed):")
            for failure in report.failures.prefix(20) { lines.append("  \(TerminalText.escaped(failure.path)): \(failure.message)") }
            if report.failures.count > 20 { lines.append("  … and \(report.failures.count - 20) more (glimpse status lists them)") }
        }
        if !report.problems.isEmpty {
            lines.append("Not scanned (what is indexed from these is kept):")
            for problem in report.problems.prefix(20) { lines.append("  \(TerminalText.escaped(problem.path)): \(problem.message)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// `--index PATH`, shared by `index`, `status`, `import`, `search` and `eval`.
struct IndexLocationOptions: ParsableArguments {
    @Option(name: .customLong("index"), help: ArgumentHelp(
        "The index database (default: index.sqlite in Glimpse's data folder, $XDG_DATA_HOME/glimpse).", valueName: "path"))
    var path: String?

    var url: URL { path.map { URL(filePath: $0) } ?? SQLiteIndexStore.defaultURL() }

    /// Opens the index, creating it when missing.
    func open() throws -> SQLiteIndexStore { try SQLiteIndexStore(url: url) }

    /// A new index that `open()` creates: the database, and its folder when `folder`.
    struct Creation {
        var folder: Bool
    }

    /// What `open()` would create now; nil when the index exists.
    var creation: Creation? {
        guard !FileManager.default.fileExists(atPath: url.path) else { return nil }
        return Creation(folder: !FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path))
    }

    /// Deletes what `open()` created (`creation`, asked before it), journal files included: for a command that
    /// fails before it writes anything to a new index.
    func undo(_ creation: Creation) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
        let folder = url.deletingLastPathComponent()
        if creation.folder, (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Opens an index that must exist already.
    func openExisting() throws -> SQLiteIndexStore {
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingIndex(path: url.path) }
        return try open()
    }

    struct MissingIndex: LocalizedError {
        var path: String
        var errorDescription: String? {
            "No index at \(path). Build one with `glimpse index DIR` or `glimpse import FILE.jsonl`, or name it with --index."
        }
    }
}

/// The one place where `glimpse index` gets its describer: the describe pipeline with the models of
/// `DescribeModelOptions` (from GlimpseDescribe).
///
/// For tests only: `GLIMPSE_TEST_DESCRIBER=colour` (or `colour:MILLISECONDS`, a delay per image, or
/// `colour:MILLISECONDS:crash-on-COLOUR`, which kills the process when it meets that colour, as a decoder
/// crashing on a file would) selects a model-free describer that names the centre pixel's colour. Nothing
/// else sets that variable.
enum IndexDescriber {
    static let testVariable = "GLIMPSE_TEST_DESCRIBER"

    static func make(models: DescribeModelOptions, method: DescribeMethodOptions, runtime: RuntimeOptions,
                     quick: Bool) async throws -> any ImageDescribing {
        if let test = ProcessInfo.processInfo.environment[testVariable], test.hasPrefix("colour") {
            let parts = test.split(separator: ":")
            let delay = parts.dropFirst().first.flatMap { Double($0) } ?? 0
            let crash = parts.dropFirst(2).first.flatMap { $0.hasPrefix("crash-on-") ? String($0.dropFirst(9)) : nil }
            return ColourDescriber(delay: delay / 1000, crashesOn: crash)
        }
        return try await models.load(runtime: runtime, options: method.options(), quick: quick, pointsPerSide: method.resolvedPointsPerSide)
    }
}

/// The describer of a dry run, which describes nothing.
struct PlanningOnly: ImageDescribing {
    func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
        throw CommandError("A dry run describes nothing.")
    }
}

/// A model-free describer for tests of the command: "a photo of a red square" from the centre pixel.
struct ColourDescriber: ImageDescribing {
    var delay: Double
    var crashesOn: String?

    func describe(_ image: RGBImage, mode: DescribeMode) throws -> Description {
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let (red, green, blue) = image.rgb(x: image.width / 2, y: image.height / 2)
        let names = [("red", red), ("green", green), ("blue", blue)]
        let colour = names.max { $0.1 < $1.1 }?.0 ?? "gray"
        if colour == crashesOn { kill(getpid(), SIGKILL) }
        let caption = "a photo of a \(colour) square"
        let vector = [Float(red), Float(green), Float(blue), 1]
        let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
        return Description(mode: mode, imageSize: PixelSize(width: image.width, height: image.height), caption: caption,
                           text: caption, keywords: [colour, "square", "photo"], compounds: ["\(colour)-square"],
                           embeddings: DescriptionEmbeddings(image: vector.map { $0 / norm }),
                           models: [ModelStamp(role: .captioner, identifier: "test/colour")])
    }
}

/// Calls `action` on the first Ctrl-C (SIGINT); a second one exits at once with status 130.
final class InterruptHandler: @unchecked Sendable {
    // `source` is set once in init and only cancelled afterwards; `count` is touched on `queue` only.
    private let source: any DispatchSourceSignal
    private let queue = DispatchQueue(label: "glimpse.interrupt")
    private var count = 0

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
        source.setEventHandler { [unowned self] in
            count += 1
            if count == 1 { action() } else { exit(130) }
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
