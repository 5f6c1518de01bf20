import Foundation

/// A span of dates on which photos were taken, each end a year, a month or a day, both ends included:
/// `2019`, `2019-06`, `2019-06-14`, `2019-06..2019-08`, `..2010` (up to the end of 2010), `2020..`.
///
/// Dates are the index's `takenAt` text (`YYYY-MM-DDTHH:MM:SS`, the camera's local time), which sorts as
/// the dates do, so a range is two string bounds: `lowerBound <= takenAt < upperBound`.
public struct TakenRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first day (a prefix of a date), nil for no lower end.
    public let from: String?
    /// The last year, month or day included, nil for no upper end.
    public let through: String?

    /// Parses the forms above; nil for anything else (months 01–12, days 01–31, years of four digits,
    /// `from` not after `through`).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.components(separatedBy: "..")
        switch parts.count {
        case 1:
            guard let day = Self.validated(parts[0]) else { return nil }
            from = day
            through = day
        case 2:
            let low = parts[0].trimmingCharacters(in: .whitespaces), high = parts[1].trimmingCharacters(in: .whitespaces)
            guard !(low.isEmpty && high.isEmpty) else { return nil }
            from = low.isEmpty ? nil : Self.validated(low)
            through = high.isEmpty ? nil : Self.validated(high)
            if !low.isEmpty && from == nil || !high.isEmpty && through == nil { return nil }
            if let from, let through, from > through && !from.hasPrefix(through) { return nil }
        default:
            return nil
        }
    }

    /// Dates at or after this are in the range (past every "" that marks a photo without a date).
    public var lowerBound: String { from ?? "0" }
    /// Dates before this are in the range: every date that starts with `through` sorts below it.
    public var upperBound: String { (through ?? "9999") + "~" }

    public func contains(_ taken: String) -> Bool { !taken.isEmpty && taken >= lowerBound && taken < upperBound }

    public var description: String {
        switch (from, through) {
        case let (from?, through?) where from == through: return from
        case let (from?, through?): return "\(from)..\(through)"
        case let (from?, nil): return "\(from).."
        case let (nil, through?): return "..\(through)"
        case (nil, nil): return ".."
        }
    }

    /// Encoded as its text (`2019-06..2019-08`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let range = TakenRange(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date range: \(text)"))
        }
        self = range
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day, as given; nil otherwise.
    private static func validated(_ text: String) -> String? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count), fields[0].count == 4,
              fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        if fields.count >= 2 {
            guard fields[1].count == 2, let month = Int(fields[1]), (1...12).contains(month) else { return nil }
        }
        if fields.count == 3 {
            guard fields[2].count == 2, let day = Int(fields[2]), (1...31).contains(day) else { return nil }
        }
        return text
    }
}
