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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "_COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "FactorKernels", dependencies: ["_COpenBLAS"]),
        .target(name: "BNCore", dependencies: ["FactorKernels"]),
        .target(name: "BNInference", dependencies: ["BNCore"]),
        .target(name: "BNFormats", dependencies: ["BNCore"]),
        .target(name: "BNLearning", dependencies: ["BNCore", "BNInference"]),
        .target(name: "Workbench", dependencies: ["BNCore", "BNInference", "BNLearning", "BNFormats"]),
        .executableTarget(
            name: "credence",
            dependencies: [
                "Workbench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "KernelBench",
            dependencies: ["FactorKernels", "BNCore"],
            path: "Benchmarks/KernelBench"
        ),
        .testTarget(name: "FactorKernelsTests", dependencies: ["FactorKernels"]),
        .testTarget(name: "BNCoreTests", dependencies: ["BNCore"]),
        .testTarget(name: "BNInferenceTests", dependencies: ["BNInference", "BNFormats"]),
        .testTarget(name: "BNFormatsTests", dependencies: ["BNFormats"]),
        .testTarget(name: "BNLearningTests", dependencies: ["BNLearning", "BNFormats"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench"]),
    ]
)
