// swift-tools-version:6.0
import PackageDescription

// The libFuzzer driver of mowai's fuzz targets, a package of its own because it is built with
// sanitizer flags (`make fuzz`, scripts/fuzz.sh):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
let package = Package(
    name: "mowai-fuzz",
    dependencies: [.package(name: "mowai", path: "../..")],
    targets: [
        .executableTarget(name: "mowai-fuzz", dependencies: [.product(name: "FuzzTargets", package: "mowai")]),
    ]
)
