import GlimpseDescribe
import GlimpseImage

// A quick run describes decoded files together (`ImageDescribing.describeQuickly`: one BLIP beam search
// for several pictures costs far less than one each), and saves each in its turn: commits stay one file
// at a time, in order, as the crash guard and resumption expect.
extension Indexer {
    /// Descriptions made ahead of their turn, by work item (`WorkItem.index`).
    typealias DescribedAhead = [Int: Result<Description, any Error>]

    /// When `prepared` is a decoded file of a quick run, describes it together with the decoded files
    /// among the next ones being prepared (`IndexOptions.quickBatch` in all) and returns their descriptions
    /// by work item; empty when there is nothing to describe together. Files an earlier run stopped on
    /// (`suspects`) are described alone, and a file whose content another in the batch has is left to be
    /// copied from it. A file that turns out to need no description (moved in from a removed path) wastes
    /// its share of the batch.
    func describeAhead(_ prepared: Prepared, preparing: [Task<Prepared, Never>], suspects: Int, total: Int,
                       progress: @escaping @Sendable (IndexEvent) -> Void) async -> DescribedAhead {
        func batchable(_ item: Prepared) -> Bool { item.image != nil && item.failure == nil && item.item.index >= suspects }
        guard options.mode == .quick, options.quickBatch > 1, batchable(prepared) else { return [:] }
        var batch = [prepared]
        var contents: Set<String> = [prepared.facts.contentHash ?? ""]
        for task in preparing.prefix(options.quickBatch - 1) {
            let next = await task.value
            guard batchable(next), let hash = next.facts.contentHash, contents.insert(hash).inserted else { continue }
            batch.append(next)
        }
        guard batch.count > 1 else { return [:] }
        progress(.stage(path: prepared.facts.path, index: prepared.item.index, total: total, stage: .describing))
        let images = batch.compactMap(\.image)
        let describer = self.describer
        let results = await offload { describer.describeQuickly(images) }
        guard results.count == batch.count else { return [:] }
        progress(.describedTogether(indices: batch.map(\.item.index), total: total))
        return DescribedAhead(uniqueKeysWithValues: zip(batch.map(\.item.index), results))
    }
}
