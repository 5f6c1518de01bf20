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
}
