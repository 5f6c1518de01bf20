import Foundation

/// An index run's speed and time left, as the progress bar shows them.
///
/// A file counts once its work is done: when it is saved, or earlier when it was described together with
/// others (a quick run's batches, saved one by one afterwards). Counting such files only as they are saved
/// would credit a whole batch's time to its first file, and the estimate would jump at every batch.
struct IndexRate {
    private(set) var total = 0
    private var saved = 0
    private var describedAhead: Set<Int> = []

    /// Files whose work is done.
    var done: Int { min(total, saved + describedAhead.count) }

    /// A run of `total` files begins.
    mutating func start(total: Int) {
        self.total = total
        saved = 0
        describedAhead = []
    }

    /// Work item `index` was saved (`index + 1` files are, since they are saved in order).
    mutating func saved(index: Int, total: Int) {
        self.total = total
        saved = index + 1
        describedAhead = describedAhead.filter { $0 > index }
    }

    /// These work items were described ahead of their turn.
    mutating func describedAhead(_ indices: [Int], total: Int) {
        self.total = total
        describedAhead.formUnion(indices.filter { $0 >= saved })
    }

    /// "1.9 img/s, ETA 0:04" after `seconds` of the run; nil before anything is done.
    func text(afterSeconds seconds: Double) -> String? {
        guard done > 0, seconds > 0 else { return nil }
        let rate = Double(done) / seconds
        let rateText = rate >= 1 ? String(format: "%.1f img/s", rate) : String(format: "%.1f s/img", 1 / rate)
        return "\(rateText), ETA \(IndexProgressBar.duration(Double(total - done) / rate))"
    }
}
