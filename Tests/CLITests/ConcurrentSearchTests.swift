import Foundation
import TestSupport
import Testing

/// Searches while an update commits (issue 31): a reader sees one
/// generation, the catalog's and the index's together, never a mix.
@Suite("Searches during updates")
struct ConcurrentSearchTests {
    /// A report of `pages` pages, each holding "pangolin" and the words of `version`.
    static func report(_ number: Int, version: Int, to url: URL) {
        PDFFixture.write((1...3).map { p in
            .init(label: nil, lines: ["Pangolin seizure report \(number), page \(p), edition v\(version)x\(number).",
                                      "Scales of pangolin were found in the cargo, declared as fish."])
        }, to: url)
    }

    @Test("every search run while updates replace, add and remove documents answers from one committed generation")
    func searchesDuringUpdates() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        for n in 1...24 { Self.report(n, version: 0, to: library.appendingPathComponent("r\(n).pdf")) }
        #expect(try dossier(["index"], in: root).status == 0)

        var searched = 0
        var reports = Set(1...24)
        for round in 1...3 {
            // Half the reports in a new edition, one removed, two added: a generation of 3 pages more.
            let before = reports.count
            for n in reports where n % 2 == round % 2 { Self.report(n, version: round, to: library.appendingPathComponent("r\(n).pdf")) }
            try FileManager.default.removeItem(at: library.appendingPathComponent("r\(round).pdf"))
            reports.remove(round)
            for n in [100 + 2 * round, 101 + 2 * round] {
                Self.report(n, version: round, to: library.appendingPathComponent("r\(n).pdf"))
                reports.insert(n)
            }
            let generations = [3 * before, 3 * reports.count]

            let update = Process()
            update.executableURL = dossierBinary
            update.arguments = ["update", "--workspace", root.path]
            // The index committed, the catalog not yet published: searches run in that window too.
            var environment = ProcessInfo.processInfo.environment
            environment["DOSSIER_PUBLISH_PAUSE_MS"] = "1200"
            update.environment = environment
            update.standardOutput = FileHandle.nullDevice
            update.standardError = FileHandle.nullDevice
            try update.run()
            repeat {
                let run = try dossier(["search", "pangolin", "--flat", "--json", "--limit", "200", "--workspace", root.path])
                #expect(run.status == 0, "round \(round): \(run.stderr)")
                let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
                let results = output?["results"] as? [[String: Any]] ?? []
                // Each report's 3 pages hold the word: the reports of the generation before the update, or after it.
                #expect(generations.contains(results.count) && output?["total"] as? Int == results.count, "round \(round): \(results.count)")
                for result in results {
                    // Each passage's text is its own: the index's passage is the catalog's.
                    let snippet = (result["snippet"] as? String ?? "").lowercased()
                    let path = (result["document"] as? [String: Any])?["path"] as? String ?? ""
                    let number = path.split(separator: "/").last.map { $0.dropFirst().dropLast(4) } ?? ""
                    #expect(snippet.contains("pangolin") && snippet.contains("report \(number),"), "\(path): \(snippet)")
                }
                searched += 1
            } while update.isRunning
            update.waitUntilExit()
            #expect(update.terminationStatus == 0)
            #expect(try dossier(["verify"], in: root).status == 0)
        }
        #expect(searched >= 15, "\(searched) searches")
        print("searches during updates: \(searched)")
    }
}
