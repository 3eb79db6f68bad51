import Catalog
import DossierCore
import Foundation
import Index
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at any moment of a writer leaves a workspace whose index and
/// catalog are one consistent generation (issue 36): the catalog at
/// generation N and the index at N or at N + 1 (a commit not yet
/// published), every passage the index holds in the catalog, searches
/// answering, and `verify` passing before any update repairs anything.
@Suite("Kills at any point of an update", .serialized)
struct KillTests {
    /// A note of `lines` lines of prose, one of which carries `marker`.
    static func bigNote(lines: Int, marker: String) -> String {
        let words = ["ivory", "pangolin", "timber", "rhino", "customs", "seizure", "permit", "annex", "species", "trade",
                     "forensic", "smuggling", "shipment", "port", "horn", "scales", "rosewood", "export", "quota", "border"]
        var generator = SeededRandom(seed: 7)
        var out = "# Field notes\n\n"
        for line in 0..<lines {
            if line % 400 == 0 { out += "\n## Section \(line / 400)\n\n" }
            var sentence: [String] = []
            for _ in 0..<12 { sentence.append(words[Int(generator.next() % UInt64(words.count))]) }
            if line == lines / 2 { sentence.append(marker) }
            out += sentence.joined(separator: " ") + ".\n"
        }
        return out
    }

    /// The invariant a reader relies on, read without writing anything:
    /// the index is at the catalog's generation and holds its committed
    /// passages, or one ahead and holds the next view.
    static func consistent(_ root: URL) throws -> String? {
        let workspace = Workspace(root: root)
        let catalog = try CatalogStore(readingFrom: workspace)
        return try catalog.database.reading {
            guard let recorded = try catalog.indexGeneration() else { return "the catalog records no generation" }
            let snapshot = try IndexSnapshot(folder: workspace.index)
            let live = snapshot.livePassageIDs(), generation = snapshot.manifest.generation
            if generation == recorded {
                let committed = try catalog.committedPassageIDs()
                return live == committed ? nil
                    : "generation \(generation): index lacks \(committed.subtracting(live).count), holds \(live.subtracting(committed).count) extra"
            }
            if generation == recorded + 1 {
                let next = try catalog.passageIDs()
                return live == next ? nil
                    : "index at \(generation), catalog at \(recorded): index lacks \(next.subtracting(live).count), holds \(live.subtracting(next).count) extra"
            }
            return "index at generation \(generation), catalog at \(recorded)"
        }
    }

    /// The modification time and size of the catalog's write-ahead log (or
    /// the catalog itself): what changes when a transaction commits.
    static func catalogStamp(_ root: URL) -> String {
        var stamp = ""
        for name in ["catalog.sqlite-wal", "catalog.sqlite"] {
            var info = stat()
            if stat(root.appendingPathComponent("index/\(name)").path, &info) == 0 {
                stamp += "\(info.st_size)@\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec);"
            }
        }
        return stamp
    }

    @Test("40 kills of update, update --force, index --force and OCR (30 at random moments, 10 within 50 ms of a catalog commit): every one leaves a consistent generation")
    func killAnywhere() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["DOSSIER_KILL_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("kill test seed: \(seed) (DOSSIER_KILL_SEED=\(seed) replays it)")
        var random = SeededRandom(seed: seed)
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in try FileManager.default.contentsOfDirectory(atPath: shared.path).sorted() where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        // Two scanned pages for the OCR round to read.
        PDFFixture.writeScanned([["Seized pangolin scales", "were declared as fish"], ["Rosewood logs", "under annex two"]],
                                to: root.appendingPathComponent("corpus/library/scan.pdf"))
        let note = root.appendingPathComponent("corpus/notes/field.md")
        try Data(Self.bigNote(lines: 6000, marker: "zqmarker0").utf8).write(to: note)
        let first = try dossier(["update", "--no-ocr"], in: root)
        #expect(first.status == 0, "\(first.stderr)")

        let commands: [[String]] = [["update", "--no-ocr"], ["update", "--force", "--no-ocr"], ["index", "--force", "--no-ocr"], ["update"]]
        // How long each runs to its end, so that a random moment falls inside it.
        var duration: [Int] = []
        for (i, command) in commands.enumerated() {
            try Data(Self.bigNote(lines: 6000, marker: "zqwarm\(i)").utf8).write(to: note)
            let started = DispatchTime.now()
            let run = try dossier(command, in: root)
            #expect(run.status == 0, "\(run.stderr)")
            duration.append(Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1000))
        }
        var killed = 0, inWindow = 0
        for round in 0..<40 {
            let nearCommit = round % 4 == 3  // 10 of the 40
            let kind = random.below(commands.count)
            let command = commands[kind]
            // Every round edits the note: its document is replaced, 6,000 lines of passages retired and added.
            let marker = "zqmarker\(round + 1)"
            try Data(Self.bigNote(lines: 6000, marker: marker).utf8).write(to: note)
            let before = Self.catalogStamp(root)
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = command
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let delay = Int(random.next() % 50_000)  // µs after a catalog commit
            let moment = random.below(duration[kind] * 4 / 5)  // µs after the start, within its usual run
            try process.run()
            let started = DispatchTime.now()
            if nearCommit {
                while process.isRunning, Self.catalogStamp(root) == before { usleep(500) }
                usleep(UInt32(delay))
            } else {
                while process.isRunning, Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1000) < moment { usleep(1000) }
            }
            if process.isRunning { killed += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let at = nearCommit ? "\(delay) µs after a catalog commit" : "at \(moment) µs"
            let context = "seed \(seed), round \(round): `dossier \(command.joined(separator: " "))` killed \(at)"

            if let problem = try Self.consistent(root) { Issue.record("\(context): \(problem)") }
            let (pending, retiring) = try CatalogStore(readingFrom: Workspace(root: root)).uncommittedPassages()
            if pending + retiring > 0 { inWindow += 1 }
            // Searches answer from one generation: a total never points past its results.
            let search = try dossier(["search", "pangolin", "--flat", "--json", "--limit", "5"], in: root)
            #expect(search.status == 0, "\(context): \(search.stderr)")
            if let json = try? JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any],
               let total = json["total"] as? Int, let results = json["results"] as? [Any] {
                #expect(results.count == min(total, 5), "\(context): total \(total), \(results.count) results")
            } else {
                Issue.record("\(context): search printed no JSON: \(search.stdout.prefix(200))")
            }
            if round % 5 == 4 {
                let verify = try dossier(["verify", "--queries", "20"], in: root)
                #expect(verify.status == 0, "\(context): verify failed before any update: \(verify.stdout)")
            }
        }
        print("kill test: \(killed) of 40 killed while running, \(inWindow) with passages stored and not yet committed")
        // The window that broke before: passages stored, the index not committed.
        #expect(inWindow >= 5, "only \(inWindow) kills fell between storing passages and publishing them")
        #expect(killed >= 30, "only \(killed) of 40 runs were still running when killed")
        let final = try dossier(["update"], in: root)
        #expect(final.status == 0, "\(final.stderr)")
        let verify = try dossier(["verify", "--queries", "50"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)")
        let found = try dossier(["search", "zqmarker40", "--json"], in: root)
        #expect(found.stdout.contains("field.md"), "the last edit is searchable: \(found.stdout.prefix(300))")
    }
}

