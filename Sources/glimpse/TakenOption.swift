import ArgumentParser
import GlimpseIndex

/// `--taken DATES` of `search`, `similar` and `export`: a span of dates on which photos were taken.
enum TakenOption {
    static let help = "a year, month or day (2019, 2019-06, 2019-06-14) or a span of them (2019-06..2019-08, ..2010, 2020..)"

    /// The span `text` names; nil without the option. Throws a message that says what the option takes.
    static func range(_ text: String?) throws -> TakenRange? {
        guard let text else { return nil }
        guard let range = TakenRange(text) else { throw ValidationError("--taken takes \(help); got \"\(text)\".") }
        return range
    }
}
