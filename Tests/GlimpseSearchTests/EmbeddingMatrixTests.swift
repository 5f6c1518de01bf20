import Testing
import GlimpseIndex

@Suite("Embedding matrix")
struct EmbeddingMatrixTests {
    @Test("rows and values line up")
    func rows() {
        let matrix = EmbeddingMatrix(dimension: 2, rowImages: [7, 9], values: [1, 0, 0, 1])
        #expect(matrix.rows == 2)
        #expect(matrix.rowRegions == [0, 0])
        #expect(matrix.withValues { Array($0[2..<4]) } == [0, 1])
    }

    @Test("an image's first row is found; images without rows have none")
    func firstRow() {
        // Region matrices hold several rows per image, in no particular order of images.
        let matrix = EmbeddingMatrix(dimension: 1, rowImages: [5, 3, 5, 8, 3], rowRegions: [0, 0, 1, 0, 1],
                                     values: [1, 1, 1, 1, 1])
        #expect(matrix.firstRow(of: 5) == 0)
        #expect(matrix.firstRow(of: 3) == 1)
        #expect(matrix.firstRow(of: 8) == 3)
        #expect(matrix.firstRow(of: 4) == nil)
        // A copy with a compact int8 copy answers the same.
        #expect(matrix.quantized(threads: 1).firstRow(of: 3) == 1)
        #expect(EmbeddingMatrix(dimension: 1, rowImages: [], values: []).firstRow(of: 1) == nil)
    }

    @Test("rows in ascending image order (as stores build them) are searched: every image, gaps, ends, repeats")
    func firstRowSorted() {
        let images: [ImageID] = [2, 2, 2, 5, 6, 6, 9, 40, 40, 41]
        let matrix = EmbeddingMatrix(dimension: 1, rowImages: images, values: images.map { _ in 1 })
        for image in ImageID(0)...ImageID(45) {
            #expect(matrix.firstRow(of: image) == images.firstIndex(of: image), "image \(image)")
        }
        let one = EmbeddingMatrix(dimension: 1, rowImages: [7], values: [1])
        #expect(one.firstRow(of: 7) == 0 && one.firstRow(of: 6) == nil && one.firstRow(of: 8) == nil)
    }
}
