import Testing
@Suite struct CLIPlaceholder { @Test func ok() { #expect(1 + 1 == 2) } }
