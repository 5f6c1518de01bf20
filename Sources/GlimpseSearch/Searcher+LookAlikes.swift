import GlimpseIndex

/// An image left out of the results because it looks like one shown above it (`SearchOptions.lookAlikeSimilarity`).
public struct LookAlike: Sendable, Hashable, Codable {
    public var image: ImageID
    public var path: String
    /// The cosine of its CLIP image embedding with the shown result's.
    public var similarity: Double

    public init(image: ImageID, path: String, similarity: Double) {
        self.image = image
        self.path = path
        self.similarity = similarity
    }
}

extension SearchOptions {
    /// The cosine from which `lookAlikeSimilarity` groups when asked without one: frames of a burst, other
    /// exposures, resized copies (as `glimpse duplicates --similarity` starts; not calibrated on CLIP's real weights).
    public static let defaultLookAlikeSimilarity = 0.95
}

extension Searcher {
    /// The first `limit` of `fused` (best first) that look like none shown before them, and for each shown
    /// image the later candidates whose CLIP image embeddings are at least `similarity` alike with it (of
    /// several shown, the most alike), most alike first. Candidates after the `limit`-th shown one are still
    /// listed under the one they resemble; an image without an embedding is never grouped.
    func groupingLookAlikes(_ fused: [FusedEntry], limit: Int, similarity: Double)
        throws -> (shown: [FusedEntry], lookAlikes: [ImageID: [(image: ImageID, similarity: Double)]]) {
        let matrix = try index.embeddingMatrix(.image)
        let dimension = matrix.dimension
        return matrix.withValues { values in
            var shown: [FusedEntry] = [], shownRows: [Int?] = []
            var lookAlikes: [ImageID: [(image: ImageID, similarity: Double)]] = [:]
            func vector(_ row: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: values[(row * dimension)..<((row + 1) * dimension)]) }
            for entry in fused {
                let row = matrix.firstRow(of: entry.image)
                var nearest: (index: Int, cosine: Double)?
                if let row {
                    for (index, other) in shownRows.enumerated() {
                        guard let other else { continue }
                        let cosine = Self.cosine(vector(row), vector(other))
                        if cosine >= similarity && cosine > (nearest?.cosine ?? -.infinity) { nearest = (index, cosine) }
                    }
                }
                if let nearest {
                    lookAlikes[shown[nearest.index].image, default: []].append((entry.image, nearest.cosine))
                } else if shown.count < limit {
                    shown.append(entry)
                    shownRows.append(row)
                }
            }
            for (image, alike) in lookAlikes {
                lookAlikes[image] = alike.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.image < $1.image }
            }
            return (shown, lookAlikes)
        }
    }

    /// The cosine of two vectors of the same length (0 when one is zero).
    static func cosine(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Double {
        var dot: Float = 0, squaresA: Float = 0, squaresB: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            squaresA += a[index] * a[index]
            squaresB += b[index] * b[index]
        }
        let norms = (squaresA * squaresB).squareRoot()
        return norms > 0 ? Double(dot / norms) : 0
    }
}
