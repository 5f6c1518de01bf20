import Foundation
import GlimpseIndex

extension TakenRange {
    /// The span `text` names as `--taken` and `taken=` take it: `2019`, `2019-06-14`, `2019-06..2019-08`, or a date
    /// clause alone, as a query says it — "in June 2019", "since 2020", "last summer", "yesterday", "two years
    /// ago" (`QueryDates`), counted from `now` in `calendar`; nil for anything else.
    public static func parsing(_ text: String, now: Date = Date(), calendar: Calendar = .current) -> TakenRange? {
        if let range = TakenRange(text) { return range }
        guard let found = QueryDates.extract(from: text, now: now, calendar: calendar),
              found.rest.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).isEmpty else { return nil }
        return found.range
    }
}
