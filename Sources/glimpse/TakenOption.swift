import ArgumentParser
import GlimpseIndex
import GlimpseSearch

/// `--taken DATES` of `search`, `similar` and `export`: a span of dates on which photos were taken.
enum TakenOption {
    static let help = "a year, month or day (2019, 2019-06, 2019-06-14), a span of them (2019-06..2019-08, ..2010, 2020..), "
        + "or words (\"in June 2019\", \"last summer\", \"yesterday\", \"two years ago\")"

    /// The span `text` names; nil without the option. Throws a message that says what the option takes.
    static func range(_ text: String?) throws -> TakenRange? {
        guard let text else { return nil }
        guard let range = TakenRange.parsing(text) else { throw ValidationError("--taken takes \(help); got \"\(text)\".") }
        return range
    }
}
