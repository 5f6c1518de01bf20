import GlimpseImage

/// Spends BLIP only where it pays: the crops are embedded with CLIP (cheap) together with the whole
/// image, and crops that repeat another crop or add nothing beyond the whole image are not captioned.
struct CropScreening {
    /// CLIP embedding of the whole image (unit length).
    var imageEmbedding: [Float]
    /// The crop (box plus context margin, clipped) of every region that went on to cropping, by region index.
    var crops: [Int: RGBImage]
    /// CLIP embedding of every crop, by region index.
    var embeddings: [Int: [Float]]
    /// Region indices whose crops go to BLIP, in region order.
    var toCaption: [Int]
    /// How many crops were skipped (BLIP calls saved).
    var skipped: Int

    /// The crop of `box` with `margin` context on each side, clipped to `image`.
    static func crop(_ image: RGBImage, box: PixelBox, margin: Double) throws -> RGBImage {
        try image.cropped(to: box.rect, margin: margin)
    }

    /// Crops the `active` regions, embeds them with the whole image in one CLIP batch, and marks the
    /// skipped regions in `regions` (`nothingBeyondImage` first, then `duplicateCrop` against the
    /// earlier crops that are captioned).
    init(image: RGBImage, regions: inout [DescribedRegion], active: [Int], embedder: any ImageTextEmbedding,
         options: DescribeOptions) throws {
        var crops: [Int: RGBImage] = [:]
        for index in active { crops[index] = try Self.crop(image, box: regions[index].box, margin: options.cropMargin) }
        let batch = [image] + active.map { crops[$0]! }
        let vectors = try embedder.embed(images: batch)
        guard vectors.count == batch.count else {
            throw DescribeError.modelOutputCount(role: "image-text embedder", expected: batch.count, got: vectors.count)
        }
        imageEmbedding = VectorMath.normalized(vectors[0])
        var embeddings: [Int: [Float]] = [:]
        for (offset, index) in active.enumerated() { embeddings[index] = VectorMath.normalized(vectors[offset + 1]) }
        var toCaption: [Int] = []
        var skipped = 0
        for index in active {
            let vector = embeddings[index]!
            if let threshold = options.wholeImageSimilarity, VectorMath.cosine(vector, imageEmbedding) >= threshold {
                regions[index].status = .nothingBeyondImage
                skipped += 1
            } else if let threshold = options.duplicateCropSimilarity,
                      toCaption.contains(where: { VectorMath.cosine(vector, embeddings[$0]!) >= threshold }) {
                regions[index].status = .duplicateCrop
                skipped += 1
            } else {
                toCaption.append(index)
            }
        }
        self.crops = crops
        self.embeddings = embeddings
        self.toCaption = toCaption
        self.skipped = skipped
    }
}
