// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Glimpse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "glimpse", targets: ["glimpse"]),
        .library(name: "GlimpseRuntime", targets: ["GlimpseRuntime"]),
        .library(name: "GlimpseText", targets: ["GlimpseText"]),
        .library(name: "GlimpseModels", targets: ["GlimpseModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "GlimpseRuntime"),
        .target(name: "GlimpseText"),
        .target(name: "GlimpseModels", dependencies: ["GlimpseRuntime", "GlimpseText"]),
        .executableTarget(
            name: "glimpse",
            dependencies: [
                "GlimpseRuntime",
                "GlimpseModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GlimpseBenchmarks",
            dependencies: ["GlimpseRuntime", "GlimpseModels"],
            path: "Benchmarks/GlimpseBenchmarks"
        ),
        .testTarget(
            name: "GlimpseRuntimeTests",
            dependencies: ["GlimpseRuntime"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GlimpseTextTests",
            dependencies: ["GlimpseText"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GlimpseModelsTests",
            dependencies: ["GlimpseModels"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GlimpseCLITests",
            dependencies: ["glimpse"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
