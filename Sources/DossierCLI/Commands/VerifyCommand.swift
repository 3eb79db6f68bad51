import Analysis
import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Index
import Search

/// `dossier verify`: our index against SQLite FTS5, query by query.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the index against SQLite FTS5: same passages, same matches, same scores.",
        discussion: """
            Checks that the index holds exactly the catalog's passages, runs FTS5's integrity check on the \
            cross-check table, then draws queries from the index's own vocabulary (rare, middle and common \
            terms; AND, OR, NOT; phrases; prefixes; NEAR; nested) and runs each through both engines, \
            comparing the full result sets and the top 100 by (score, passage id), bit for bit. Exits 1 on \
            any difference.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Queries to draw.")
    var queries = 200

    @Option(help: "Seed for drawing queries (the same seed draws the same queries).")
    var seed: UInt64 = 1

    @Flag(help: "Print a JSON report.")
    var json = false

    struct Mismatch: Encodable {
        var query: String
        var kind: String
        var detail: String
    }

    struct Report: Encodable {
        var passages: Int
        var generation: Int
        var queries: Int
        var agreed: Int
        var withResults: Int
        var resultsCompared: Int
        var mismatches: [Mismatch]
        var ok: Bool
    }

    func run() throws {
        let workspace = try options.resolve()
        // The catalog and the index agree only between updates: wait for a running one.
        let lockPath = workspace.index.appendingPathComponent("update.lock").path
        let lock = open(lockPath, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        if lock >= 0 {
            if flock(lock, LOCK_SH | LOCK_NB) != 0 {
                Terminal.warning("an update is running; verifying once it has committed")
                flock(lock, LOCK_SH)
            }
        }
        defer { if lock >= 0 { close(lock) } }
        let catalog = try CatalogStore(workspace: workspace)
        let snapshot = try IndexSnapshot(folder: workspace.index)
        var mismatches: [Mismatch] = []

        let live = snapshot.livePassageIDs()
        let catalogIDs = try catalog.passageIDs()
        if live != catalogIDs {
            let missing = catalogIDs.subtracting(live).count, extra = live.subtracting(catalogIDs).count
            mismatches.append(Mismatch(query: "", kind: "passages",
                                       detail: "the index lacks \(missing) of the catalog's passages and holds \(extra) it does not have; run `dossier index`"))
        }
        do {
            try catalog.fts5IntegrityCheck()
        } catch {
            mismatches.append(Mismatch(query: "", kind: "fts5", detail: "FTS5 integrity check failed: \(error)"))
        }

        // Terms of some passages, for phrases and NEAR.
        let analyzer = Analyzer()
        let sample = try catalog.passageTexts(Array(catalogIDs.sorted().prefix(2000)))
        var sampler = QuerySampler(vocabulary: snapshot.vocabulary(), passages: sample.map { analyzer.terms($0.1) }, seed: seed)
        let searcher = Searcher(snapshot: snapshot)
        let parser = QueryParser()
        var agreed = 0, withResults = 0, compared = 0
        let kinds = QuerySampler.Kind.allCases
        for i in 0..<max(0, queries) {
            let kind = kinds[i % kinds.count]
            let text = sampler.query(kind)
            let expected: [(Int64, Double)]
            do {
                expected = try catalog.fts5Search(text)
            } catch {
                mismatches.append(Mismatch(query: text, kind: kind.rawValue, detail: "FTS5 rejected the query: \(error)"))
                continue
            }
            guard let node = try? parser.parse(text) else {
                mismatches.append(Mismatch(query: text, kind: kind.rawValue, detail: "Dossier rejected a query FTS5 accepts"))
                continue
            }
            let ours = searcher.rank(node)
            compared += min(100, ours.count)
            if !expected.isEmpty { withResults += 1 }
            if let problem = Self.compare(ours, expected) {
                mismatches.append(Mismatch(query: text, kind: kind.rawValue, detail: problem))
            } else {
                agreed += 1
            }
        }
        let report = Report(passages: live.count, generation: snapshot.manifest.generation, queries: queries, agreed: agreed,
                            withResults: withResults, resultsCompared: compared, mismatches: mismatches, ok: mismatches.isEmpty)
        if json {
            try Terminal.printJSON(report)
        } else {
            print("index generation \(report.generation): \(report.passages) passages, the same as the catalog's: \(live == catalogIDs ? "yes" : "NO")")
            print("\(agreed) of \(queries) queries agree with FTS5 (\(withResults) with results; \(compared) ranked results compared bit for bit)")
            for mismatch in mismatches.prefix(10) {
                print("MISMATCH [\(mismatch.kind)] \(mismatch.query): \(mismatch.detail)")
            }
        }
        if !mismatches.isEmpty { throw ExitCode.failure }
    }

    /// Nil when both engines agree: the same set of passages, and the same top 100 by (bm25, id) with identical doubles.
    static func compare(_ ours: [SearchHit], _ expected: [(Int64, Double)]) -> String? {
        if Set(ours.map(\.passageID)) != Set(expected.map(\.0)) {
            return "result sets differ: Dossier \(ours.count) passages, FTS5 \(expected.count)"
        }
        for (rank, (a, b)) in zip(ours.prefix(100), expected.prefix(100)).enumerated() {
            if a.passageID != b.0 || a.bm25.bitPattern != b.1.bitPattern {
                return "rank \(rank + 1): Dossier passage \(a.passageID) bm25 \(a.bm25), FTS5 passage \(b.0) bm25 \(b.1)"
            }
        }
        return nil
    }
}
