import Foundation
import Testing

@Suite("describe and index: SAM's grid option")
struct DescribeMethodOptionsTests {
    private var image: String {
        GlimpseProcess.packageRoot.appending(path: "Tests/GlimpseModelsTests/Fixtures/tiny-sam/reference_image.png").path
    }

    @Test("a grid of fewer than 1 point per side is refused before any model is loaded", arguments: ["describe", "index"])
    func refusesEmptyGrid(command: String) throws {
        for argument in ["--points-per-side=0", "--points-per-side=-3"] {
            let run = try GlimpseProcess.run([command, image, argument])
            #expect(run.status != 0)
            #expect(run.output.contains("--points-per-side must be at least 1"), "\(run.output)")
        }
    }
}
