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
            print(String(decoding: try encoder.encode(StatusDocument(summary)), as: UTF8.self))
        } else {
            print(Self.text(summary))
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
        if (counts[.quick] ?? 0) > 0 { lines.append("Run `glimpse index DIR` without --quick to enrich the quick entries.") }
        if (counts[.pending] ?? 0) > 0 { lines.append("Pending images are described by the next `glimpse index` run.") }
        if !summary.models.isEmpty {
            lines.append("Models:")
            for use in summary.models {
                let revision = use.model.revision.map { " @ \($0.prefix(19))" } ?? ""
                lines.append("  \(use.model.role.rawValue): \(use.model.identifier)\(revision) — \(use.images) image(s)")
            }
        }
        if !summary.recentErrors.isEmpty {
            lines.append("Recent errors:")
            for failed in summary.recentErrors { lines.append("  \(failed.path): \(failed.message)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// The JSON form of `IndexSummary`.
struct StatusDocument: Encodable {
    var index: String?
    var bytesOnDisk: Int64
    var images: [String: Int]
    var embeddings: [String: Int]
    var models: [Model]
    var recentErrors: [Failure]

    struct Model: Encodable {
        var role: String
        var identifier: String
        var revision: String?
        var images: Int
    }

    struct Failure: Encodable {
        var path: String
        var message: String
    }

    init(_ summary: IndexSummary) {
        index = summary.location
        bytesOnDisk = summary.bytesOnDisk
        images = Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.key.rawValue, $0.value) })
        images["total"] = summary.total
        embeddings = Dictionary(uniqueKeysWithValues: summary.embeddings.map { ($0.key.rawValue, $0.value) })
        models = summary.models.map { Model(role: $0.model.role.rawValue, identifier: $0.model.identifier, revision: $0.model.revision,
                                            images: $0.images) }
        recentErrors = summary.recentErrors.map { Failure(path: $0.path, message: $0.message) }
    }
}
