// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "HandoffKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "handoff", targets: ["handoff"]),
        .library(name: "HandoffContract", targets: ["HandoffContract"]),
        .library(name: "HandoffClient", targets: ["HandoffClient"]),
        .library(name: "MockServer", targets: ["MockServer"]),
        .library(name: "Conformance", targets: ["Conformance"]),
        .library(name: "HandoffTesting", targets: ["HandoffTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The contract: entities, state machine, rules, errors, events, protocols. No I/O.
        .target(name: "HandoffContract", path: "Sources/HandoffContract"),
        // Client bindings over HTTP.
        .target(
            name: "HandoffClient",
            dependencies: [
                "HandoffContract",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/HandoffClient"
        ),
        // The C library's allocator settings the mock tunes (glibc: arena cap, trim); no-ops elsewhere.
        .target(name: "CMemory", path: "Sources/CMemory"),
        // The stateful mock support system.
        .target(
            name: "MockServer",
            dependencies: [
                "HandoffContract",
                "CMemory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "MockServer",
            exclude: ["README.md"],
            resources: [
                .embedInCode("OpenAPI/neutral-v1.yaml"), .embedInCode("Desk/desk.html"), .embedInCode("Desk/desk.css"),
                .embedInCode("Desk/desk.js"),
            ]
        ),
        // The conformance suite and the connector verifier: reach every target only over HTTP.
        .target(
            name: "Conformance",
            dependencies: [
                "HandoffContract",
                "HandoffClient",
                "HandoffRouting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Conformance",
            exclude: ["COVERAGE.md", "CONNECTOR-COVERAGE.md"],
            resources: [.embedInCode("chatwoot-expected-failures.txt")]
        ),
        // Intent-based routing: rules file, decision, ask flow. No I/O beyond reading the rules.
        .target(
            name: "HandoffRouting",
            dependencies: [
                "HandoffContract",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/HandoffRouting"
        ),
        // The bot-side hand-off flow over any binding, routed by HandoffRouting.
        .target(
            name: "HandoffFlow",
            dependencies: ["HandoffContract", "HandoffRouting"],
            path: "Sources/HandoffFlow"
        ),
        // `handoff demo`: one handoff end to end against an in-process mock.
        .target(
            name: "HandoffDemo",
            dependencies: [
                "HandoffContract",
                "HandoffClient",
                "MockServer",
                "Conformance",
                "HandoffFlow",
                "HandoffRouting",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/HandoffDemo"
        ),
        // The CLI: a shell over the libraries.
        .executableTarget(
            name: "handoff",
            dependencies: [
                "HandoffContract",
                "HandoffClient",
                "MockServer",
                "Conformance",
                "HandoffDemo",
                "HandoffRouting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Sources/handoff"
        ),
        .testTarget(
            name: "HandoffContractTests",
            dependencies: ["HandoffContract"],
            path: "Tests/HandoffContractTests"
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "Conformance",
                "HandoffClient",
                "HandoffContract",
                "HandoffRouting",
                "HandoffDemo",
                "MockServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ConformanceTests"
        ),
        .testTarget(
            name: "HandoffFlowTests",
            dependencies: [
                "HandoffContract", "HandoffClient", "HandoffFlow", "HandoffRouting", "MockServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HandoffFlowTests"
        ),
        .testTarget(
            name: "ChatwootBindingTests",
            dependencies: [
                "HandoffClient", "Conformance", "HandoffContract",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/ChatwootBindingTests"
        ),
        .testTarget(
            name: "HandoffRoutingTests",
            dependencies: ["HandoffContract", "HandoffRouting"],
            path: "Tests/HandoffRoutingTests"
        ),
        .testTarget(
            name: "MockServerTests",
            dependencies: [
                "HandoffContract",
                "HandoffClient",
                "MockServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/MockServerTests"
        ),
        // In-process embedding for Swift connector authors: `withHandoffMock { mock in … }` in a test.
        .target(
            name: "HandoffTesting",
            dependencies: [
                "HandoffContract",
                "HandoffClient",
                "MockServer",
                "Conformance",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/HandoffTesting"
        ),
        .testTarget(
            name: "HandoffTestingTests",
            dependencies: ["HandoffTesting", "HandoffContract", "HandoffClient", "MockServer", "Conformance"],
            path: "Tests/HandoffTestingTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
