// swift-tools-version: 6.1
//
// Dossier: full-text search over the documents a researcher's notes cite.
//
// The targets follow the data flow (see docs/ARCHITECTURE.md):
//
//   notes ─▶ fetch ─▶ extract ─▶ analyze ─▶ index ─▶ search ─▶ CLI / web
//
// `DossierCore` holds what every stage shares (the workspace layout, errors,
// hashing through swift-crypto, atomic files); `Catalog` is the SQLite database every stage records
// its state in. System libraries (SQLite, poppler-glib) are reached through
// system-library targets so that `pkg-config` supplies the flags and
// `apt` names the package to install.
import PackageDescription

/// The index and search modules run the hot loops (postings cursors,
/// top-k): their accesses are checked for exclusivity at compile time only.
/// Swift's run-time check of class properties and captured variables cost a
/// fifth of a phrase query; the differential tests against FTS5 guard the
/// code instead. They are also optimized across modules, so that the
/// searcher inlines the index's small readers (lookups, list decoding)
/// rather than calling them: 3-6% on the bench's short queries.
let hotLoops: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"])]
/// The same for extraction, in release builds only: the web page's tree is
/// built and pruned through class properties (6% of a page's extraction),
/// and the debug build the tests run keeps checking them.
let hotLoopsInRelease: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"],
                                                      .when(configuration: .release))]

let package = Package(
    name: "Dossier",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dossier", targets: ["dossier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.0.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CPoppler", pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev"]), .brew(["poppler"])]),

        .systemLibrary(
            name: "CTesseract", pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev", "tesseract-ocr-eng", "tesseract-ocr-fra", "tesseract-ocr-spa"]), .brew(["tesseract"])]),

        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),

        // A prefetch hint for the index's reads (a C header, nothing to link).
        .systemLibrary(name: "CMemory"),
        // zlib, for the fetcher to inflate bodies within bounds.
        .systemLibrary(name: "CZlib"),
        // zstd, for the catalog's text blocks (a document's pages compressed together).
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        // Snowball's stemmers, for the analysis of languages other than English.
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        // The FTS5 tokenizer of the cross-check: Dossier's analysis, in C, for SQLite.
        .target(name: "CDossierFTS5", dependencies: ["CSQLite", "CStemmer"],
                linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("stemmer")]),

        // Shared vocabulary: workspace layout, errors, SHA-256, atomic writes.
        .target(name: "DossierCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Stage 1: notes → citations.
        .target(name: "Notes", dependencies: ["DossierCore"]),
        // Stage 2: cited URLs → documents in corpus/files/ (async-http-client).
        .target(
            name: "Fetch",
            dependencies: [
                "DossierCore", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Stage 3: documents → page text and passages (poppler, in worker processes).
        .target(name: "Extract", dependencies: ["DossierCore", "Notes", "Analysis", "CPoppler", "CLibXML2", "CTesseract"], swiftSettings: hotLoopsInRelease),
        // Stage 4: text → terms, exactly as FTS5's porter unicode61 remove_diacritics 2.
        .target(name: "Analysis", dependencies: ["CStemmer"]),
        // Stage 6: queries, matching and BM25 ranking over the index.
        .target(name: "Search", dependencies: ["Analysis", "Index"], swiftSettings: hotLoops),
        // Stage 5: our inverted index: immutable segments and a manifest.
        .target(name: "Index", dependencies: ["DossierCore", "Analysis", "CMemory"], swiftSettings: hotLoops),
        // The search the CLI and the web server share: results with pages, snippets, citations.
        .target(name: "SearchService", dependencies: ["DossierCore", "Catalog", "Index", "Search", "Analysis"]),
        // The web interface (Hummingbird), thin on top of SearchService.
        .target(
            name: "Web",
            dependencies: [
                "DossierCore", "Catalog", "SearchService", "Notes", "Analysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.copy("Templates")]),
        // The Model Context Protocol server (`dossier mcp`): the same search for an assistant, read-only.
        .target(
            name: "MCPServer",
            dependencies: [
                "DossierCore", "Catalog", "SearchService", "Analysis",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The catalog: one SQLite database recording every stage's state.
        .target(name: "Catalog", dependencies: ["DossierCore", "CSQLite", "CDossierFTS5", "CZstd"]),
        // The orchestration of an update: notes → fetch → extract → store → index, as a library.
        .target(name: "Pipeline", dependencies: ["DossierCore", "Notes", "Catalog", "Fetch", "Extract", "Analysis", "Index"]),
        // The command line, thin on top of the stages.
        .target(
            name: "DossierCLI",
            dependencies: [
                "DossierCore", "Notes", "Catalog", "Fetch", "Extract", "Analysis", "Index", "Search", "SearchService", "Web", "Pipeline", "MCPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .executableTarget(name: "dossier", dependencies: ["DossierCLI", "CMemory"]),

        // Fixtures the tests share (PDFs drawn with cairo).
        .target(
            name: "TestSupport",
            dependencies: [
                "CPoppler", "CSQLite", "CDossierFTS5",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"),

        // Fuzzing (`make fuzz`): the targets' bodies, and the executable libFuzzer drives.
        .target(name: "FuzzTargets", dependencies: [
            "Search", "Index", "Notes", "Extract", "Web", "MCPServer", "DossierCore",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], path: "Tests/Fuzz/FuzzTargets"),
        .executableTarget(name: "FuzzDossier", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/FuzzDossier"),

        .testTarget(name: "DossierCoreTests", dependencies: ["DossierCore"]),
        .testTarget(name: "NotesTests", dependencies: ["Notes", "DossierCore"]),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Notes", "DossierCore", "TestSupport", "CPoppler"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "CSQLite"]),
        .testTarget(name: "IndexTests", dependencies: ["Index", "DossierCore", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "Index", "TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "TestSupport"]),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "TestSupport", "Catalog", "DossierCore", "Search", "Extract", "Notes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "Notes"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Catalog", "Fetch", "DossierCore", "TestSupport", "dossier"]),
        .testTarget(name: "CLITests", dependencies: ["dossier", "DossierCore", "Catalog", "Index", "SearchService", "TestSupport"]),
        .testTarget(
            name: "MCPServerTests",
            dependencies: [
                "dossier", "TestSupport",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
    ]
)
