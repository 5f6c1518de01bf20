import Foundation
import GlimpseDescribe

/// What the indexer is doing to one file.
public enum IndexStage: String, Sendable, Hashable {
    case reading, decoding, describing, saving
}

/// What became of one file.
public enum FileOutcome: Sendable, Hashable {
    /// Described by the pipeline in this mode.
    case described(DescribeMode)
    /// A quick entry described again in full mode.
    case enriched
    /// The same content was indexed at `from`, which no longer exists: the entry was moved.
    case moved(from: String)
    /// The same content is indexed at `from`, which still exists: its description was copied.
    case copied(from: String)
    /// The same content was indexed at `from` and removed since: its kept description was taken back
    /// (`ShelvedDescription`).
    case restored(from: String)
    /// The content is what is indexed already (only the file's dates changed): the entry was updated.
    case unchanged
    /// The picture is what is indexed already but the file's metadata changed (a photo manager wrote tags
    /// into it): its tags were read again and its description kept.
    case retagged
    /// Reading, decoding or describing failed; the message is stored with the image.
    case failed(String)
}

/// The plan of a run, known once the scan is done.
public struct IndexPlan: Sendable, Hashable {
    /// Image files found under the roots.
    public var found: Int
    /// Files to read (new, changed, pending, or quick entries to enrich in full mode).
    public var toProcess: Int
    /// Files left alone: same size and modification time as indexed (and failed ones, unless retried).
    public var unchanged: Int
    /// Indexed images whose files are gone (removed at the end unless claimed by a move).
    public var missing: Int
    /// Of `toProcess`, the files the index does not hold yet (a moved file counts here until it is read).
    public var new = 0
}

/// Progress of an index run, reported as it happens.
public enum IndexEvent: Sendable, Hashable {
    /// Walking the folders.
    case scanning
    /// The scan is about to list this folder (what `FolderMonitor` watches, before any file in it is seen).
    case enteringFolder(String)
    /// The scan is done.
    case planned(IndexPlan)
    /// File `index` (0-based) of `total` entered `stage`.
    case stage(path: String, index: Int, total: Int, stage: IndexStage)
    /// Files described together ahead of their turn (a quick run's batch), by work item (`index`): their
    /// descriptions exist; each is saved, and reported `finished`, in its turn.
    case describedTogether(indices: [Int], total: Int)
    /// File `index` of `total` is done and committed.
    case finished(path: String, index: Int, total: Int, outcome: FileOutcome)
    /// Reading when the photos of an index made before dates were stored were taken: `done` of `total`
    /// (once at 0, then after each batch).
    case readingDates(done: Int, total: Int)
    /// Reading the tags (`PhotoTags`) of unchanged photos whose sidecar file changed, or which were indexed
    /// before tags were stored: `done` of `total` (once at 0, then after each batch).
    case readingTags(done: Int, total: Int)
    /// The run ended (completed or stopped).
    case completed(IndexReport)
}

/// The summary of an index run.
public struct IndexReport: Sendable, Hashable {
    public var plan = IndexPlan(found: 0, toProcess: 0, unchanged: 0, missing: 0)
    public var described = 0
    public var enriched = 0
    /// Full descriptions whose main caption was kept from the quick description of the same picture
    /// (`DescribeStatistics.captionReused`; enriched files, and quick entries whose file moved).
    public var captionsKept = 0
    public var moved = 0
    public var copied = 0
    /// Files that took back the kept description of a removed image of the same content.
    public var restored = 0
    /// Entries removed because their files are gone.
    public var removed = 0
    /// Unchanged images indexed before the index recorded dates, whose files were read for when they were
    /// taken (once: later runs skip them).
    public var datesRead = 0
    /// Images whose tags were read again without describing them: their XMP sidecar was added, changed or
    /// removed, a photo manager wrote tags into the file (`FileOutcome.retagged`), or they were indexed
    /// before the index stored tags.
    public var tagsRead = 0
    /// Located images whose place was named (`IndexOptions.placeNaming`): new ones, moved ones, and all of
    /// them when the namer changed.
    public var placesNamed = 0
    /// Why places could not be named (their gazetteer cannot be read); the next run tries again.
    public var placeNamingError: String?
    /// Files that failed, with their messages (also stored in the index).
    public var failures: [ScanProblem] = []
    /// Folders and links the scan could not follow.
    public var problems: [ScanProblem] = []
    /// Files and folders the exclusions left out (`IndexOptions.exclusions`; a folder counts once).
    public var excluded = 0
    /// Raw files left out because the camera's JPEG or HEIF of the same shot lies beside them (`RawJPEGPairs`).
    public var rawsBesideRenderings = 0
    /// Files an earlier run began and never finished (it was killed, or crashed), read first and alone.
    public var unfinishedBefore = 0
    /// The folders the scan walked, roots included (what `FolderMonitor` watches).
    public var folders: [String] = []
    /// Folders this run added to the library's remembered ones (`LibraryFolder`).
    public var newlyRemembered: [String] = []
    /// The places a partial run looked at (`Indexer.run(_:only:progress:)`); nil when it looked at every folder.
    public var places: [ScanPlace]?
    /// True when the run was stopped (Ctrl-C) before it processed every file; what was committed stays.
    public var cancelled = false
    /// Seconds the run took.
    public var seconds: Double = 0

    public init() {}

    /// Files processed (described, enriched, moved, copied, restored or failed).
    public var processed: Int { described + enriched + moved + copied + restored + failures.count }

    /// Whether the run changed the index (processed or removed a file).
    public var changedAnything: Bool { processed > 0 || removed > 0 }
}

/// Where an index run's roots come from.
public enum IndexRoots: Sendable, Hashable {
    /// Given for the run: the folders among them are remembered as the library's (`LibraryFolder`; not by a
    /// dry run), with the run's exclusion patterns, which replace those remembered for them.
    case given
    /// The library's remembered folders (`Indexer.libraryFolders()`), each scanned with its own patterns; one
    /// that is not there (an unplugged drive) is reported and its images are kept.
    case remembered
}

/// Options of an index run.
public struct IndexOptions: Sendable {
    /// `quick` for the fast first pass; `full` describes new files fully and enriches quick entries.
    public var mode: DescribeMode
    /// Retry files that failed before even when they did not change.
    public var retryFailed: Bool
    /// Files read and decoded ahead of the one being described (memory: that many decoded images).
    public var lookahead: Int
    /// In a quick run, how many decoded files are described together (`ImageDescribing.describeQuickly`):
    /// the run then reads that many files ahead, and holds as many decoded images. 1 describes one at a time.
    public var quickBatch = 8

    /// Remove the entries of a root that turned up empty (by default they are kept and reported: an
    /// unmounted drive leaves an empty mount point).
    public var removesFromEmptyRoots: Bool
    /// What the scan leaves out; indexed images under what it leaves out are removed. The patterns
    /// remembered for the library's folders are added by the run (`Indexer.run`).
    public var exclusions: Exclusions
    /// What a run's roots are: folders given for it, or the library's remembered folders (`LibraryFolder`).
    public var roots: IndexRoots = .given
    /// Only scan and plan (`IndexReport.plan`, problems, exclusions): nothing is read beyond each file's
    /// first bytes, nothing is written, and no run lock is taken.
    public var dryRun = false
    /// How long the descriptions of removed images are kept aside (`ShelvedDescription`); a completed
    /// run deletes older ones.
    public var shelfLife: Duration
    /// Names the places of located images at the end of each run (none when nil: they keep their names).
    public var placeNaming: (any PlaceNaming)?

    public init(mode: DescribeMode = .full, retryFailed: Bool = false, lookahead: Int = 1, removesFromEmptyRoots: Bool = false,
                exclusions: Exclusions = Exclusions(),
                shelfLife: Duration = .seconds(ShelvedDescription.defaultShelfLifeDays * 86_400)) {
        self.mode = mode
        self.retryFailed = retryFailed
        self.lookahead = max(1, lookahead)
        self.removesFromEmptyRoots = removesFromEmptyRoots
        self.exclusions = exclusions
        self.shelfLife = shelfLife
    }
}
