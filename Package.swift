// swift-tools-version:6.1
import Foundation
import PackageDescription

let package = Package(
    name: "ukfs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ukfs", targets: ["ukfs"]),
        .executable(name: "ukfs-bench", targets: ["ukfs-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // libfuse3's low-level API, through a shim that fixes FUSE_USE_VERSION.
        .systemLibrary(
            name: "CFuse3",
            pkgConfig: "fuse3",
            providers: [.apt(["libfuse3-dev"])]
        ),
        // The kernel's FUSE protocol beyond libfuse 3.14: passthrough negotiation, backing files.
        .target(
            name: "CFuseKernel",
            dependencies: ["CFuse3"],
            cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]
        ),
        // libcrypt's crypt_ra, for the exporter's bcrypt basic_auth_users.
        .systemLibrary(
            name: "CCrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        // ncurses (wide characters) for `ukfs top`'s full screen, through a shim for its macros.
        // Not through pkg-config: its flags (-D_XOPEN_SOURCE=600) are ones SwiftPM refuses with a
        // warning; the shim defines what the header needs itself.
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // Bridge protocol v1: frames, messages, values (docs/protocol.md).
        .target(
            name: "UKBridge",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // The host side of the bridge: connects, handshakes, pipelines requests.
        .target(
            name: "UKBridgeClient",
            dependencies: [
                "UKBridge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The guest's tree as the host reads it: names, placement, aliases, the listing gate,
        // paging a listing, written text, and the commands' tree (GuestTree).
        .target(
            name: "UKGuestTree",
            dependencies: ["UKBridge", "UKBridgeClient"]
        ),
        // A simulated Unikraft instance whose store mirrors upstream producers.
        .target(
            name: "UKSimulator",
            dependencies: [
                "UKBridge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The FUSE filesystem: tree cache, inodes, the low-level operations.
        .target(
            name: "UKFilesystem",
            dependencies: [
                "CFuse3", "CFuseKernel", "UKBridge", "UKBridgeClient", "UKGuestTree",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The Prometheus exporter: metric naming, the text format, the guarded HTTP(S) endpoint.
        .target(
            name: "UKExport",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree", "CCrypt",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `ukfs top`'s data side: instances, figures, rates, sorting, filtering, views; no terminal.
        .target(
            name: "UKTop",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ukfs",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree", "UKSimulator", "UKFilesystem", "UKExport", "UKTop", "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The side-by-side benchmark (README "Performance"); it mounts the `ukfs` built beside it.
        .executableTarget(
            name: "ukfs-bench",
            dependencies: [
                "ukfs", "UKBridge", "UKBridgeClient", "UKGuestTree",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What the in-process suites share: a trait that keeps their tasks off the cooperative pool
        // the integration suites' synchronous tests hold.
        .target(
            name: "UKTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/UKTestSupport"
        ),
        .testTarget(
            name: "UKBridgeTests",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree", "UKSimulator", "UKTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The pure parts (node table, inode slots, deadlines, answer routing, listing and naming
        // rules, parsing, the exporter): no root, no FUSE, no guest — `swift test --filter UKUnitTests`.
        .testTarget(
            name: "UKUnitTests",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree", "UKFilesystem", "UKExport", "UKTop",
                "UKTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),   // a real event loop for GuestLinkTests
            ]
        ),
        .testTarget(
            name: "UKFSIntegrationTests",
            dependencies: [
                "ukfs", "ukfs-bench", "UKBridge", "UKBridgeClient", "UKTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)

// The libFuzzer harness links libFuzzer's own main, so it builds only when asked for, with the
// fuzzer sanitizer: UKFS_FUZZ=1 swift build --sanitize=fuzzer … (scripts/fuzz-host).
if ProcessInfo.processInfo.environment["UKFS_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "UKBridgeFuzz",
            dependencies: [
                "UKBridge", "UKBridgeClient", "UKGuestTree", "UKFilesystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ))
} else {
    package.targets.removeAll { $0.name == "UKBridgeFuzz" }
}
