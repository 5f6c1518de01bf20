import GlimpseDescribe
import GlimpseImage

/// CLIP with some texts embedded ahead, in one batch: a search needs the query's prompt and, when it
/// negates, the concepts' prompts and the neutral one; one run of the text tower costs less than
/// three. Other texts and images go to the model.
struct PrefetchedTextEmbedding: ImageTextEmbedding {
    let base: any ImageTextEmbedding
    let vectors: [String: [Float]]

    /// Embeds `texts` (duplicates once) with `base` now, except those `known` already holds.
    init(base: any ImageTextEmbedding, texts: [String], known: [String: [Float]] = [:]) throws {
        self.base = base
        var unique: [String] = []
        for text in texts where known[text] == nil && !unique.contains(text) { unique.append(text) }
        let embedded = unique.isEmpty ? [] : try base.embed(texts: unique)
        vectors = known.merging(zip(unique, embedded), uniquingKeysWith: { first, _ in first })
    }

    var logitScale: Float { base.logitScale }

    func embed(images: [RGBImage]) throws -> [[Float]] { try base.embed(images: images) }

    func embed(texts: [String]) throws -> [[Float]] {
        if texts.allSatisfy({ vectors[$0] != nil }) { return texts.map { vectors[$0]! } }
        return try base.embed(texts: texts)
    }
}
