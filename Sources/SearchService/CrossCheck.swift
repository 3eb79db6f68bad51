import Analysis
import Catalog
import DossierCore
import Foundation
import Index
import Search

/// `dossier verify`: our index against SQLite FTS5, query by query.
///
/// The check builds an FTS5 table over the same passages, the catalog's
/// committed view (Catalog/FTS5Mirror.swift). The check: the index holds
/// exactly the catalog's passages; FTS5's integrity check passes; and queries drawn from the index's own
/// vocabulary (rare, middle and common terms; AND, OR, NOT; phrases;
/// prefixes; NEAR; nested) give, through both engines, the same result
/// sets and the same top 100 by (score, passage id), bit for bit.
public enum CrossCheck {
    /// One disagreement.
    public struct Mismatch: Encodable, Sendable {
        /// The query (empty for a check of the whole index).
        public var query: String
        /// What was checked: `passages`, `fts5`, or the query's kind.
        public var kind: String
        /// What differs.
        public var detail: String
    }

    /// What the check found.
    public struct Report: Encodable, Sendable {
        public var passages: Int
        public var generation: Int
        /// Whether the index holds exactly the catalog's passages.
        public var samePassages: Bool
        public var queries: Int
        public var agreed: Int
        public var withResults: Int
        public var resultsCompared: Int
        public var mismatches: [Mismatch]
        public var ok: Bool
    }

    /// Checks the index of `workspace` against the FTS5 table of `catalog`
    /// with `queries` queries drawn with `seed`.
    public static func run(workspace: Workspace, catalog: CatalogStore, queries: Int, seed: UInt64) throws -> Report {
        let snapshot = try IndexSnapshot(folder: workspace.index)
        var mismatches: [Mismatch] = []

        let live = snapshot.livePassageIDs()
        // The committed view: what the index at the catalog's generation holds, and FTS5 too.
        let catalogIDs = try catalog.committedPassageIDs()
        if let recorded = try catalog.indexGeneration(), recorded != snapshot.manifest.generation {
            mismatches.append(Mismatch(query: "", kind: "generation", detail:
                "the index is at generation \(snapshot.manifest.generation), the catalog at \(recorded); run `dossier update`"))
        }
        if live != catalogIDs {
            let missing = catalogIDs.subtracting(live).count, extra = live.subtracting(catalogIDs).count
            mismatches.append(Mismatch(query: "", kind: "passages",
                                       detail: "the index lacks \(missing) of the catalog's passages and holds \(extra) it does not have; run `dossier index`"))
        }
        let mirror = try FTS5Mirror(catalog)
        do {
            try mirror.integrityCheck()
        } catch {
            mismatches.append(Mismatch(query: "", kind: "fts5", detail: "FTS5 integrity check failed: \(error)"))
        }

        // Terms of some passages, each in its language, for phrases and NEAR.
        let sample = try catalog.passagesToIndex(Array(catalogIDs.sorted().prefix(2000)))
        var sampler = QuerySampler(vocabulary: snapshot.vocabulary(),
                                   passages: sample.map { Analyzer(language: Language(code: $0.language)).terms($0.text) }, seed: seed)
        let searcher = Searcher(snapshot: snapshot)
        // Both engines analyze each query in English and every language the index holds.
        // (Every language for every word: the FTS5 tokenizer gives every form.)
        let (parser, _) = SearchResults.parser(nil, snapshot, narrowing: false)
        try mirror.setQueryLanguages(["en"] + snapshot.manifest.languages)
        var agreed = 0, withResults = 0, compared = 0
        let kinds = QuerySampler.Kind.allCases
        for i in 0..<max(0, queries) {
            let kind = kinds[i % kinds.count]
            let text = sampler.query(kind)
            let expected: [(Int64, Double)]
            do {
                expected = try mirror.search(text)
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
            if let problem = compare(ours, expected) {
                mismatches.append(Mismatch(query: text, kind: kind.rawValue, detail: problem))
            } else {
                agreed += 1
            }
        }
        return Report(passages: live.count, generation: snapshot.manifest.generation, samePassages: live == catalogIDs, queries: queries,
                      agreed: agreed, withResults: withResults, resultsCompared: compared, mismatches: mismatches, ok: mismatches.isEmpty)
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
