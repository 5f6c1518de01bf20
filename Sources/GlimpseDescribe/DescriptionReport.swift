import Foundation

/// A description as text for people (`glimpse describe` without `--json`): the caption, the regions
/// with their boxes and fates, CLIP's ranking of the candidates in percent (as the founding document
/// printed it), the kept text, keywords, compounds and the time of every stage.
public struct DescriptionReport: Sendable {
    public let description: Description

    public init(_ description: Description) {
        self.description = description
    }

    public var text: String {
        var lines = ["caption: \(description.caption)"]
        if description.mode == .full {
            lines.append("")
            lines.append(regionsHeading)
            for (index, region) in description.regions.enumerated() { lines.append(Self.line(index, region)) }
            lines.append("")
            lines.append("CLIP ranking:")
            for candidate in description.candidates {
                lines.append(String(format: "  %5.1f%%  ", Double(candidate.probability) * 100) + candidate.text)
            }
        }
        lines.append("")
        lines.append("text: \(description.text)")
        lines.append("keywords: \(description.keywords.joined(separator: ", "))")
        lines.append("compounds: \(description.compounds.joined(separator: ", "))")
        let total = description.timings.reduce(0) { $0 + $1.seconds }
        let stages = description.timings.map { "\($0.stage) \(Self.seconds($0.seconds))" }
        lines.append("timings: " + stages.joined(separator: ", ") + ", total \(Self.seconds(total))")
        return lines.joined(separator: "\n")
    }

    private var regionsHeading: String {
        var heading = "regions: \(description.regions.count)"
        if let statistics = description.statistics {
            heading += " of \(statistics.proposedRegions) proposed (\(statistics.smallRegions) below the area threshold); "
                + "\(statistics.regionCaptions) captioned, \(statistics.blipCallsSaved) BLIP calls saved"
        }
        return heading
    }

    /// `  #3  box 10,20 100×80  area 6400  stability 0.97  kept  41.2%  a knife on a cutting board`
    static func line(_ index: Int, _ region: DescribedRegion) -> String {
        let box = region.box
        var line = String(format: "  #%-2d box %d,%d %d×%d  area %d  stability %.2f  ", index, box.x, box.y, box.width, box.height,
                          region.area, Double(region.stability))
        line += region.status.rawValue
        if let score = region.score { line += String(format: "  %.1f%%", Double(score) * 100) }
        if let caption = region.caption { line += "  \(caption)" }
        return line
    }

    /// `0.42 s` or `12 ms`.
    static func seconds(_ value: Double) -> String {
        value >= 1 ? String(format: "%.2f s", value) : String(format: "%.0f ms", value * 1000)
    }
}
