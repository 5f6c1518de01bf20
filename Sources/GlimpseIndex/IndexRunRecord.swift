import Foundation

/// What the last index run did, kept in the index for `glimpse status`: when it ended and what it changed.
/// Every run that is not a dry run leaves one, also a `--watch` pass that found nothing to do (so the record
/// says how fresh the index is).
public struct IndexRunRecord: Sendable, Hashable, Codable {
    /// When it ended, ISO 8601 in UTC (`2026-12-04T21:30:12Z`).
    public var finished: String
    public var seconds: Double
    /// The folders (or files) it was given.
    public var roots: [String]
    /// How many changed folders a `--watch` pass looked at; nil when it looked at everything.
    public var places: Int?
    public var described: Int
    public var enriched: Int
    public var removed: Int
    public var failed: Int
    /// Stopped before the end (Ctrl-C); what it saved stays.
    public var cancelled: Bool

    public init(_ report: IndexReport, roots: [String], finished: Date) {
        self.finished = finished.ISO8601Format()
        seconds = report.seconds
        self.roots = roots
        places = report.places?.count
        described = report.described
        enriched = report.enriched
        removed = report.removed
        failed = report.failures.count
        cancelled = report.cancelled
    }

    /// When it ended; nil when the stored text is not a date.
    public var finishedDate: Date? { try? Date(finished, strategy: .iso8601) }
}
