import Foundation
import FuzzTargets
import Testing

/// The fuzz targets on their seed corpus and on every input a fuzzer found
/// a crash with: what `make fuzz` found stays fixed.
@Suite("Fuzz regressions")
struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: String) -> [URL] {
        let dir = root.appendingPathComponent(folder).appendingPathComponent(target)
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test("each target runs its seeds and its regressions without a finding", arguments: ["query", "notes", "url", "html", "http", "mcp"])
    func replay(target: String) throws {
        let body = try #require(FuzzTargets.all[target])
        let seeds = Self.inputs("seeds", target)
        #expect(!seeds.isEmpty, "the seed corpus of \(target) is missing")
        for file in seeds + Self.inputs("regressions", target) {
            try Data(contentsOf: file).withUnsafeBytes { body($0) }
        }
    }
}
