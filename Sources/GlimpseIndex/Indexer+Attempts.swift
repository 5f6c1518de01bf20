import Foundation

/// The guard against a file that crashes the process. A decoder or a model that crashes on one file cannot
/// be caught, and every later run would reach that file and crash again. So each file is recorded in the
/// store (`IndexStore.beginAttempt`) before it is decoded and described, and the record is deleted once its
/// outcome is saved. The next run finds what was left:
/// - files one earlier run left unfinished are read first, one at a time, nothing else in flight, so
///   that a crash they cause again is pinned on one file;
/// - a file two runs left unfinished is recorded as failed without being read (tried again when it
///   changes, or with `retryFailed`, then alone again).
/// A run killed for another reason (power cut, `kill -9`) costs at most one file a second look.
extension Indexer {
    static let crashedTwiceMessage = "two index runs stopped while reading or describing this file (a decoder or a model "
        + "may crash on it); it is skipped, and tried again when it changes or with --retry-failed"

    /// `work` with the files earlier runs left unfinished first (renumbered), and how many those are; files
    /// left unfinished twice are recorded as failed in `report` and dropped. Unfinished records of files
    /// this run has nothing to do with any more (deleted, unchanged, left out) are cleared.
    func orderingSuspectsFirst(_ work: [WorkItem], unfinished: [String: Int], scope: [String],
                               report: inout IndexReport) throws -> (work: [WorkItem], suspects: Int) {
        guard !unfinished.isEmpty else { return (work, 0) }
        var suspects: [WorkItem] = [], others: [WorkItem] = []
        for item in work {
            guard let runs = unfinished[item.file.path] else {
                others.append(item)
                continue
            }
            if runs >= 2 && !options.retryFailed {
                let facts = FileFacts(path: item.file.path, size: item.file.size, modified: item.file.modified)
                try store.recordFailure(Self.crashedTwiceMessage, for: facts)
                try? store.endAttempt(at: item.file.path)
                report.failures.append(ScanProblem(path: item.file.path, message: Self.crashedTwiceMessage))
            } else {
                suspects.append(item)
            }
        }
        let inWork = Set(work.map(\.file.path))
        for path in unfinished.keys where !inWork.contains(path) && scope.contains(where: { Self.path(path, isIn: $0) }) {
            try? store.endAttempt(at: path)
        }
        let ordered = (suspects + others).enumerated().map { index, item in
            WorkItem(index: index, file: item.file, known: item.known)
        }
        return (ordered, suspects.count)
    }

    /// Records that decoding and describing `path` begins; false when the record could not be written
    /// (the guard is a help: the work goes on).
    func beginAttempt(at path: String) -> Bool {
        (try? store.beginAttempt(at: path)) != nil
    }
}
