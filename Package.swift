// swift-tools-version:6.0
// GenSuite: one engine library (GenEngine) under thin domain executables.
// No SwiftPM package dependencies: system libraries only (OpenBLAS, libpng).
import PackageDescription

let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

/// The executables: one folder of Apps/ each, on the engine.
let tools = ["gen-bench", "gen-image", "gen-music", "gen-text", "gen-level", "gen-molecule", "augment", "engine-demo"]

let package = Package(
    name: "GenSuite",
    products: [
        .library(name: "GenEngine", targets: ["GenEngine"]),
        .executable(name: "gen-bench", targets: ["gen-bench"]),
        .executable(name: "gen-image", targets: ["gen-image"]),
        .executable(name: "gen-music", targets: ["gen-music"]),
        .executable(name: "gen-text", targets: ["gen-text"]),
        .executable(name: "gen-level", targets: ["gen-level"]),
        .executable(name: "gen-molecule", targets: ["gen-molecule"]),
        .executable(name: "augment", targets: ["augment"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "CPNG", path: "Sources/CPNG",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16")]),
        .target(
            name: "CKernels", path: "Sources/CKernels",
            cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "GenEngine", dependencies: ["CBLAS", "CPNG", "CKernels", "CZlib"],
            path: "Sources/GenEngine", swiftSettings: optimise),
        .testTarget(
            name: "GenEngineTests", dependencies: ["GenEngine"],
            path: "Tests/GenEngineTests", resources: [.copy("Fixtures")]),
        .testTarget(name: "GenImageTests", dependencies: ["gen-image", "GenEngine"], path: "Tests/GenImageTests"),
        .testTarget(name: "GenMusicTests", dependencies: ["gen-music", "GenEngine"], path: "Tests/GenMusicTests"),
        .testTarget(
            name: "GenTextTests", dependencies: ["gen-text", "GenEngine", "ToolTesting"], path: "Tests/GenTextTests", exclude: ["Fixtures"]),
        .testTarget(name: "GenLevelTests", dependencies: ["gen-level", "GenEngine", "ToolTesting"], path: "Tests/GenLevelTests"),
        .testTarget(
            name: "GenMoleculeTests", dependencies: ["gen-molecule", "GenEngine", "ToolTesting"], path: "Tests/GenMoleculeTests",
            exclude: ["Fixtures"]),
        .target(name: "ToolTesting", path: "Tests/ToolTesting"),
        .testTarget(
            name: "AugmentTests", dependencies: ["augment", "GenEngine", "ToolTesting"], path: "Tests/AugmentTests", exclude: ["Fixtures"]),
        .testTarget(
            name: "ToolOutputTests", dependencies: ["GenEngine", "gen-image", "gen-music", "engine-demo"],
            path: "Tests/ToolOutputTests", exclude: ["record_hashes.sh", "output-hashes.txt", "output-hashes-haswell.txt"]),
    ]
        + tools.map { .executableTarget(name: $0, dependencies: ["GenEngine"], path: "Apps/\($0)", swiftSettings: optimise) },
    swiftLanguageModes: [.v5]
)
