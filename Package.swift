// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Glimpse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "glimpse", targets: ["glimpse"]),
        .executable(name: "glimpse-raw-worker", targets: ["glimpse-raw-worker"]),
        .library(name: "GlimpseRuntime", targets: ["GlimpseRuntime"]),
        .library(name: "GlimpseText", targets: ["GlimpseText"]),
        .library(name: "GlimpseModels", targets: ["GlimpseModels"]),
        .library(name: "GlimpseImage", targets: ["GlimpseImage"]),
        .library(name: "GlimpseHub", targets: ["GlimpseHub"]),
        .library(name: "GlimpseDescribe", targets: ["GlimpseDescribe"]),
        .library(name: "GlimpseIndex", targets: ["GlimpseIndex"]),
        .library(name: "GlimpseSearch", targets: ["GlimpseSearch"]),
        .library(name: "GlimpseServer", targets: ["GlimpseServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "GlimpseRuntime"),
        .target(name: "GlimpseText"),
        .target(name: "GlimpseModels", dependencies: ["GlimpseRuntime", "GlimpseText", "GlimpseImage"]),
        .target(
            name: "GlimpseHub",
            dependencies: [
                "GlimpseRuntime",
                "GlimpseModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "GlimpseDescribe", dependencies: ["GlimpseText", "GlimpseImage", "GlimpseModels"]),
        .target(
            name: "GlimpseIndex",
            dependencies: [
                "GlimpseDescribe",
                "GlimpseImage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "GlimpseSearch", dependencies: ["GlimpseIndex", "GlimpseImage", "GlimpseText", "CVectorKernels"]),
        .target(
            name: "GlimpseServer",
            dependencies: [
                "GlimpseSearch",
                "GlimpseIndex",
                "GlimpseImage",
                "GlimpseRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // int8 dot-product kernels for the first pass of vector search (AVX2 with a portable fallback).
        .target(name: "CVectorKernels"),
        .systemLibrary(
            name: "CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"]), .brew(["jpeg-turbo"])]
        ),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]
        ),
        .systemLibrary(
            name: "CWebP", pkgConfig: "libwebpdemux",
            providers: [.apt(["libwebp-dev"]), .brew(["webp"])]
        ),
        .systemLibrary(
            name: "CGIF",  // giflib ships no pkg-config file
            providers: [.apt(["libgif-dev"]), .brew(["giflib"])]
        ),
        .systemLibrary(
            name: "CHEIF", pkgConfig: "libheif",
            providers: [.apt(["libheif-dev"]), .brew(["libheif"])]
        ),
        .systemLibrary(
            name: "CTIFF", pkgConfig: "libtiff-4",
            providers: [.apt(["libtiff-dev"]), .brew(["libtiff"])]
        ),
        .systemLibrary(
            name: "CRaw",  // the thread-safe LibRaw; its pkg-config file asks for -fopenmp, which swiftc rejects
            providers: [.apt(["libraw-dev"]), .brew(["libraw"])]
        ),
        .target(
            name: "GlimpseImage",
            dependencies: ["GlimpseRuntime", "CJPEG", "CPNG", "CWebP", "CGIF", "CHEIF", "CTIFF", "CRaw"]
        ),
        .executableTarget(
            name: "glimpse",
            dependencies: [
                "GlimpseRuntime",
                "GlimpseModels",
                "GlimpseHub",
                "GlimpseDescribe",
                "GlimpseIndex",
                "GlimpseSearch",
                "GlimpseServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The child process in which GlimpseImage runs LibRaw (`RawDecoder`), installed beside `glimpse`.
        .executableTarget(name: "glimpse-raw-worker", dependencies: ["CRaw"], linkerSettings: [.linkedLibrary("raw_r")]),
        .executableTarget(
            name: "GlimpseBenchmarks",
            dependencies: ["GlimpseRuntime", "GlimpseImage", "GlimpseModels", "GlimpseDescribe", "GlimpseIndex", "GlimpseSearch",
                           .product(name: "GRDB", package: "GRDB.swift")],
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
            name: "GlimpseImageTests",
            dependencies: ["GlimpseImage", "GlimpseRuntime"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GlimpseHubTests",
            dependencies: [
                "GlimpseHub",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "GlimpseDescribeTests",
            dependencies: ["GlimpseDescribe"]
        ),
        .testTarget(
            name: "GlimpseIndexTests",
            dependencies: ["GlimpseIndex"]
        ),
        .testTarget(
            name: "GlimpseSearchTests",
            dependencies: ["GlimpseSearch"]
        ),
        .testTarget(
            name: "GlimpseServerTests",
            dependencies: [
                "GlimpseServer",
                "GlimpseImage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "GlimpseCLITests",
            dependencies: ["glimpse", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
