import Foundation
import GlimpseIndex
import GlimpseSearch

/// `glimpse search "…" --why FILE`: the indexed image behind a path, and its standing for a query in words.
enum WhyReport {
    /// The id of the described image at `path` (relative to the current folder); an error that says why
    /// there is none (never indexed, not described yet, failed).
    static func describedImage(at path: String, in store: SQLiteIndexStore) throws -> ImageID {
        let absolute = URL(filePath: path).standardizedFileURL.path
        guard let image = try store.image(atPath: absolute) else {
            throw CommandError("\(absolute) is not in the index: no index run found it. Index its folder with `glimpse index FOLDER` "
                               + "(hidden files and folders, and what --exclude or a .glimpseignore names, are left out).")
        }
        switch image.status {
        case .quick, .full:
            return image.id
        case .pending:
            throw CommandError("\(absolute) is in the index but not described yet (an index run stopped before it): "
                               + "run `glimpse index` on its folder again.")
        case .failed:
            throw CommandError("Describing \(absolute) failed: \(image.error ?? "no reason recorded"). It is tried again when the "
                               + "file changes, or with `glimpse index --retry-failed`.")
        }
    }

    static func json(_ standing: ImageStanding) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(standing), as: UTF8.self)
    }

    /// The standing for people; `limit` is how many results the same search would show.
    static func text(_ standing: ImageStanding, limit: Int) -> String {
        var lines = ["query: \(standing.query.summary)", TerminalText.escaped(standing.path), "  description: " + SearchCommand.excerpt(standing.text)]
        if !standing.inScope { lines.append("  not under the folders searched (--in): a search there never shows it") }
        if let span = standing.takenSpan, !standing.inTakenSpan {
            let when = standing.taken.map { "taken \($0.replacingOccurrences(of: "T", with: " "))" } ?? "its file records no date taken"
            lines.append("  \(when), not in \(span) (the dates searched): a search of those dates never shows it")
        }
        if !standing.ratedEnough {
            let rating = standing.rating.map { $0 < 0 ? "rejected" : "rated \($0) star(s)" } ?? "not rated"
            lines.append("  \(rating), below the stars searched (--rating): a search for those never shows it")
        }
        if let place = standing.query.place, !standing.atPlace {
            let at = standing.place.map { "taken at \($0)" } ?? "no place recorded where it was taken"
            lines.append("  \(at), not at \(place) (the query's place): a search there never shows it")
        }
        if !standing.inArea {
            let at = standing.place.map { "taken at \($0), outside the area searched" }
                ?? "outside the area searched, or its file records no place where it was taken"
            lines.append("  \(at) (--near): a search there never shows it")
        }
        if !standing.cameraMatches {
            let taken = standing.camera.map { "taken with \($0)" } ?? "its file records no camera"
            lines.append("  \(taken), not the camera searched (--camera): a search for it never shows it")
        }
        if let rank = standing.rank {
            lines.append("  #\(rank) in the answer" + (rank > limit ? " (the first \(limit) are shown: --limit \(rank) shows it)" : ""))
        } else if standing.excluded {
            lines.append("  left out of the answer by --strict (a negated concept is in it; see below)")
        } else {
            lines.append("  not among the first \(standing.reach) of the answer")
        }
        for ranker in standing.rankers {
            var line = "  \(ranker.ranker.rawValue): "
            if let score = ranker.score {
                line += Self.format(score) + (ranker.region.map { " (region \($0))" } ?? "")
            } else {
                line += ranker.ranker == .fullText ? "no query word is in its description" : "nothing to compare (no embedding)"
            }
            if let rank = ranker.rank {
                line += ", #\(rank) of its list"
            } else if ranker.score != nil {
                line += ", not among the first \(standing.reach) it passes on"
                    + (ranker.cutoff.map { " (the last of those scored \(Self.format($0)))" } ?? "")
            }
            lines.append(line)
        }
        let found = standing.explanation.matchedCompounds + standing.explanation.matchedTerms
        if !found.isEmpty { lines.append("  in its description: " + found.joined(separator: ", ")) }
        if !standing.missingTerms.isEmpty { lines.append("  not in its description: " + standing.missingTerms.joined(separator: ", ")) }
        let beside = standing.explanation.matchedBesideDescription
        if !beside.isEmpty { lines.append("  beside its description: " + beside.joined(separator: " · ")) }
        if let region = standing.explanation.region {
            lines.append("  region \(region.index) \"\(region.caption)\" (\(region.source.rawValue))")
        }
        for penalty in standing.explanation.penalties {
            let evidence: String
            switch penalty.evidence {
            case let .description(matched): evidence = "its description has \(matched.joined(separator: ", "))"
            case let .clip(probability): evidence = "CLIP finds it present (\(Int((probability * 100).rounded()))%)"
            }
            lines.append("  penalty ×\(Explanation.format(penalty.factor)) for \"\(penalty.concept)\": \(evidence)")
        }
        return lines.joined(separator: "\n")
    }

    /// Four significant digits: BM25 scores of a small index are tiny, cosines are near each other.
    static func format(_ score: Double) -> String { String(format: "%.4g", score) }
}
