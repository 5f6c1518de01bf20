import ArgumentParser
import GlimpseRuntime

@main
struct Glimpse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glimpse",
        abstract: "Find images by detailed descriptions.",
        version: GlimpseVersion.current
    )
}
