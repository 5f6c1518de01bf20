import ArgumentParser
import Foundation
import GlimpseIndex

/// `glimpse status`: what the index holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the index holds: images by status, embeddings, models, recent errors, size."
    )

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var location: IndexLocationOptions

    func run() async throws {
        let summary = try location.openExisting().summary()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(IndexStatusDocument(summary)), as: UTF8.self))
        } else {
            print(Self.text(summary))
        }
    }

    /// `Last index run: ended 2026-12-04 21:30:12 UTC (4 min ago) after 12.3 s — 12 described, 0 removed, 0 failed`.
    static func lastRunLine(_ run: IndexRunRecord, now: Date) -> String {
        var ended = run.finished.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        if let date = run.finishedDate { ended += " (\(ago(now.timeIntervalSince(date))))" }
        var counts = ["\(run.described) described"]
        if run.enriched > 0 { counts.append("\(run.enriched) enriched") }
        counts += ["\(run.removed) removed", "\(run.failed) failed"]
        let scope = run.places.map { " (a watch pass over \($0) changed folder(s))" } ?? ""
        return "Last index run: ended \(ended)" + String(format: " after %.1f s", run.seconds) + " — " + counts.joined(separator: ", ")
            + scope + (run.cancelled ? "; stopped before the end" : "")
    }

    /// `just now`, `4 min ago`, `3 h ago`, `12 days ago`.
    static func ago(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<60: "just now"
        case ..<3_600: "\(Int(seconds / 60)) min ago"
        case ..<172_800: "\(Int(seconds / 3_600)) h ago"
        default: "\(Int(seconds / 86_400)) days ago"
        }
    }

    static func text(_ summary: IndexSummary) -> String {
        let counts = summary.counts
        var lines = [
            "Index: \(summary.location ?? "in memory") (\(ByteCountFormatter.string(fromByteCount: summary.bytesOnDisk, countStyle: .file)))",
            "Images: \(summary.total) — \(counts[.full] ?? 0) full, \(counts[.quick] ?? 0) quick, "
                + "\(counts[.pending] ?? 0) pending, \(counts[.failed] ?? 0) failed",
            "Embeddings: " + EmbeddingKind.allCases.map { "\(summary.embeddings[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "),
        ]
        if let folders = LibraryFolders.statusLine(summary) { lines.append(folders) }
        if let run = summary.lastRun { lines.append(lastRunLine(run, now: Date())) }
        if !summary.formats.isEmpty {
            let formats = summary.formats.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            lines.append("Formats: " + formats.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if summary.dated.images > 0, let earliest = summary.dated.earliest, let latest = summary.dated.latest {
            lines.append("Dates taken: \(summary.dated.images) image(s), from \(earliest.prefix(10)) to \(latest.prefix(10)) "
                         + "(search a span with --taken)")
        }
        if summary.tagged.located > 0 {
            let towns = summary.tagged.towns.map { "\($0.name) \($0.images)" }.joined(separator: ", ")
            let named = summary.tagged.named > 0 ? "; \(summary.tagged.named) named after their town (search \"in\" a town): \(towns)" : ""
            lines.append("Places taken: \(summary.tagged.located) image(s) record where they were taken (search near a place with --near)\(named)")
        }
        if !summary.tagged.cameras.isEmpty {
            let more = summary.tagged.cameraCount - summary.tagged.cameras.count
            lines.append("Cameras: " + summary.tagged.cameras.map { "\($0.name) \($0.images)" }.joined(separator: ", ")
                         + (more > 0 ? " and \(more) more" : "") + " (search with --camera)")
        }
        if summary.tagged.images > 0 {
            let stars = (1...5).reversed().compactMap { stars in
                summary.tagged.ratings[String(stars)].map { "\(String(repeating: "★", count: stars)) \($0)" }
            } + (summary.tagged.ratings["-1"].map { ["rejected \($0)"] } ?? [])
            let rated = stars.isEmpty ? "" : "; rated " + stars.joined(separator: ", ") + " (search with --rating)"
            lines.append("Tagged in a photo manager: \(summary.tagged.images) image(s) (titles, captions, keywords, people, ratings "
                         + "or places from XMP, IPTC, GPS or sidecar files; found by search)" + rated)
        }
        if (counts[.quick] ?? 0) > 0 { lines.append("Run `glimpse index DIR` without --quick to enrich the quick entries.") }
        if (counts[.pending] ?? 0) > 0 { lines.append("Pending images are described by the next `glimpse index` run.") }
        if summary.shelved > 0 {
            lines.append("Kept from removed images: \(summary.shelved) description(s), taken back without the models when the same "
                         + "pictures are indexed again; deleted after \(ShelvedDescription.defaultShelfLifeDays) days, "
                         + "or now with `glimpse forget --for-good PATH`.")
        }
        if !summary.models.isEmpty {
            lines.append("Models:")
            for use in summary.models {
                let revision = use.model.revision.map { " @ \($0.prefix(19))" } ?? ""
                lines.append("  \(use.model.role.rawValue): \(use.model.identifier)\(revision) — \(use.images) image(s)")
            }
        }
        if !summary.recentErrors.isEmpty {
            lines.append("Recent errors:")
            for failed in summary.recentErrors { lines.append("  \(TerminalText.escaped(failed.path)): \(TerminalText.escaped(failed.message))") }
        }
        return lines.joined(separator: "\n")
    }
}
