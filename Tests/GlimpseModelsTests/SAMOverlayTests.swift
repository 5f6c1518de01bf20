import Foundation
import GlimpseImage
import Testing
@testable import GlimpseModels

@Suite("SAM overlay")
struct SAMOverlayTests {
    @Test("pixels inside the run-length mask are tinted, the box is outlined, the rest is untouched")
    func draw() throws {
        let image = try RGBImage(width: 6, height: 4, red: 100, green: 100, blue: 100)
        // Column-major runs: 5 zeros (column 0 and row 0 of column 1), 2 ones (rows 1–2 of column 1), the rest zeros.
        let mask = SAMGeneratedMask(box: SAMPixelBox(x0: 3, y0: 0, x1: 5, y1: 3), area: 2, predictedIoU: 0.9, stabilityScore: 0.96,
                                    segmentation: SAMRunLengthMask(height: 4, width: 6, counts: [5, 2, 17]))
        let drawn = try SAMOverlay.draw([mask], on: image)
        #expect(drawn.rgb(x: 1, y: 1) != image.rgb(x: 1, y: 1))
        #expect(drawn.rgb(x: 1, y: 2) == drawn.rgb(x: 1, y: 1))
        #expect(drawn.rgb(x: 1, y: 0) == image.rgb(x: 1, y: 0))
        #expect(drawn.rgb(x: 0, y: 3) == image.rgb(x: 0, y: 3))
        #expect(drawn.rgb(x: 4, y: 0) == (230, 25, 75))
        #expect(drawn.rgb(x: 4, y: 2) == image.rgb(x: 4, y: 2))
    }
}
