import Testing
@testable import GlimpseRuntime

@Suite("Version")
struct VersionTests {
    @Test("version is semantic")
    func semantic() {
        #expect(GlimpseVersion.current.split(separator: ".").count == 3)
    }
}
