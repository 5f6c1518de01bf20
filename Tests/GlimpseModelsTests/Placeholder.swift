import Testing
@testable import GlimpseModels
import GlimpseRuntime

@Suite("ModelsPlaceholder")
struct ModelsPlaceholder {
    @Test("version is semantic")
    func semantic() {
        #expect(GlimpseRuntime.GlimpseVersion.current.split(separator: ".").count == 3)
    }
}
