// swift-tools-version:6.0
// Credence: a Bayesian network workbench. Layers follow ../shared/DESIGN.md;
// dependencies point down only.
import PackageDescription

let package = Package(
    name: "Credence",
    products: [
        .executable(name: "credence", targets: ["credence"]),
        .library(name: "BNCore", targets: ["BNCore"]),
        .library(name: "BNInference", targets: ["BNInference"]),
        .library(name: "BNFormats", targets: ["BNFormats"]),
        .library(name: "BNLearning", targets: ["BNLearning"]),
        .library(name: "Workbench", targets: ["Workbench"]),
        // The C ABI under the Python package (python/): libcredence_c.so, Swift runtime and
        // Foundation linked in statically, so it needs only libc, libm, libstdc++, OpenBLAS
        // and zlib (no FoundationXML, hence no libxml2/ICU: BNFormats reads XML itself;
        // scripts/check-c-deps.sh checks; see Sources/CredenceC/README.md).
        .library(name: "credence_c", type: .dynamic, targets: ["CredenceC"]),
        .library(name: "WorkbenchHTTP", targets: ["WorkbenchHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // credence serve's HTTP server (docs/http.md says why this one).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "_COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "_CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .systemLibrary(
            name: "_CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "FactorKernels", dependencies: ["_COpenBLAS"], exclude: ["README.md"]),
        .target(name: "BNCore", dependencies: ["FactorKernels"], exclude: ["README.md"]),
        .target(name: "BNInference", dependencies: ["BNCore", "FactorKernels"], exclude: ["README.md"]),
        .target(name: "BNFormats", dependencies: ["BNCore", "_CZlib"], exclude: ["README.md"]),
        .target(name: "BNLearning", dependencies: ["BNCore", "BNInference"], exclude: ["README.md"]),
        .target(name: "Workbench", dependencies: ["FactorKernels", "BNCore", "BNInference", "BNLearning", "BNFormats"], exclude: ["README.md"]),
        .target(
            name: "WorkbenchHTTP",
            dependencies: ["Workbench", "BNCore", "BNFormats", .product(name: "FlyingFox", package: "FlyingFox")],
            exclude: ["README.md"],
            resources: [.embedInCode("Page/index.html"), .embedInCode("Page/app.js"), .embedInCode("Page/app.css")]
        ),
        .executableTarget(
            name: "credence",
            dependencies: [
                "Workbench",
                "WorkbenchHTTP",
                "FactorKernels",
                "_CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "CredenceC",
            dependencies: ["Workbench", "BNCore", "BNInference", "BNLearning", "BNFormats", "FactorKernels"],
            exclude: ["README.md", "include"],
            linkerSettings: [.unsafeFlags([
                "-static-stdlib",
                "-Xlinker", "--no-undefined",
                "-Xlinker", "--start-group",
                "-Xlinker", "-lFoundation",
                "-Xlinker", "-lFoundationInternationalization",
                "-Xlinker", "-lFoundationEssentials",
                "-Xlinker", "-l_FoundationICU",
                "-Xlinker", "-l_FoundationCShims",
                "-Xlinker", "-l_FoundationCollections",
                "-Xlinker", "-lCoreFoundation",
                "-Xlinker", "-lswiftDispatch",
                "-Xlinker", "-ldispatch",
                "-Xlinker", "-lBlocksRuntime",
                "-Xlinker", "-lswiftSynchronization",
                "-Xlinker", "-lswift_Concurrency",
                "-Xlinker", "-lswift_StringProcessing",
                "-Xlinker", "-lswift_RegexParser",
                "-Xlinker", "-lswiftCore",
                "-Xlinker", "--end-group",
            ])]
        ),
        .executableTarget(
            name: "KernelBench",
            dependencies: ["FactorKernels", "BNCore"],
            path: "Benchmarks/KernelBench"
        ),
        .executableTarget(
            name: "ParseBench",
            dependencies: ["BNFormats"],
            path: "Benchmarks/ParseBench",
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "LearnBench",
            dependencies: ["BNLearning", "BNFormats", "BNInference", "BNCore", "FactorKernels"],
            path: "Benchmarks/LearnBench"
        ),
        .executableTarget(
            name: "ReplLatencyBench",
            dependencies: ["Workbench", "BNCore", "FactorKernels"],
            path: "Benchmarks/ReplLatencyBench"
        ),
        .testTarget(name: "FactorKernelsTests", dependencies: ["FactorKernels"]),
        .testTarget(name: "BNCoreTests", dependencies: ["BNCore"]),
        .testTarget(name: "BNInferenceTests", dependencies: ["BNInference", "BNFormats"]),
        .testTarget(name: "BNFormatsTests", dependencies: ["BNFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "BNLearningTests", dependencies: ["BNLearning"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "BNFormats", "_CZlib"], exclude: ["Transcripts", "Mistakes"]),
        .testTarget(name: "WorkbenchHTTPTests", dependencies: ["WorkbenchHTTP", "Workbench", "BNCore", "BNFormats"]),
    ]
)
