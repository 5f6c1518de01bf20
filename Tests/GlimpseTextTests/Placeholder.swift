import Testing
@testable import GlimpseText
@Suite struct TextPlaceholder { @Test func ok() { #expect(1 + 1 == 2) } }
