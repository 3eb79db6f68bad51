import DossierCore
import Foundation
import Index
import Search

/// `dossier search --batch`: one query per line on standard input, one
/// JSON line per query on standard output (docs/SEARCH-JSON.md), the index
/// opened once, as a benchmark or a script holding the process open uses
/// it. `took_ms` is parse, match, rank and count, measured inside.
public struct BatchSearch: Sendable {
    /// Results per query.
    public var limit = 10
    /// Results skipped.
    public var offset = 0
    /// Count matches exactly up to this number (past it, a lower bound).
    public var countUpTo = Int.max
    /// Grouped by document with at most this many passages each, as the
    /// default search shows them (`limit` and `offset` then count
    /// documents); nil for the flat ranking.
    public var perDoc: Int?
    /// By document, whether an AND matches documents holding each word
    /// anywhere (the default search), not only in one passage.
    public var wholeDocuments = true

    /// A batch with the defaults.
    public init() {}

    /// Answers every line of standard input until it ends.
    public func run(workspace: Workspace) throws {
        let snapshot = try IndexSnapshot(folder: workspace.index)
        let searcher = Searcher(snapshot: snapshot)
        searcher.warmUp()
        let (offset, limit, countUpTo) = (self.offset, self.limit, self.countUpTo)
        let wholeDocuments = self.wholeDocuments
        var io = BatchIO()
        // One flat query, its array of phrases reused from query to query.
        var flat = FlatQuery(phrases: [], connective: .or)
        // Words are analyzed in English and every language the index holds.
        let (parser, _) = SearchResults.parser(nil, snapshot)
        while let text = try io.readLine() {
            let started = DispatchTime.now()
            // Keys in sorted order: error, query, results, took_ms, total, total_relation.
            var line = JSONLine()
            do {
                // Words joined by OR or by AND alone go to the searcher without a
                // tree. (Such a query has no "-" and nothing to rewrite.)
                var isFlat = parser.flat(text, into: &flat)
                if isFlat, parser.isMultilingual {
                    // A word that has forms in several languages of the index goes the tree's way.
                    for i in flat.phrases.indices { flat.phrases[i].terms = Few(flat.phrases[i].terms.map(searcher.pruned)) }
                    isFlat = searcher.takesTermPaths(flat)
                }
                let node = isFlat ? nil : searcher.pruned(try parser.parse(FriendlyQuery.fts5(text)))
                // The hits shown, the rank of the first, and the total.
                let shown: [SearchHit], firstRank: Int, total: Int, exact: Bool
                if let perDoc {
                    // By document (Search/TopK/Collapse): --limit documents, their best passages.
                    let page = if let node {
                        searcher.documentPage(node, perDocument: perDoc, offset: offset, limit: limit, countUpTo: countUpTo,
                                              wholeDocuments: wholeDocuments)
                    } else {
                        searcher.documentPage(flat, perDocument: perDoc, offset: offset, limit: limit, countUpTo: countUpTo,
                                              wholeDocuments: wholeDocuments)
                    }
                    (shown, firstRank, total, exact) = (page.hits, page.passagesBefore + 1, page.totalPassages, page.totalIsExact)
                } else {
                    let top = if let node { searcher.top(node, k: offset + limit, countUpTo: countUpTo) } else {
                        searcher.top(flat, k: offset + limit, countUpTo: countUpTo)
                    }
                    (shown, firstRank, total, exact) = (Array(top.hits.dropFirst(offset).prefix(limit)), offset + 1, top.total, top.totalIsExact)
                }
                let took = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
                line.key("query")
                line.string(text)
                line.key("results")
                line.array { results in
                    for (i, hit) in shown.enumerated() {
                        results.object { result in
                            result.key("passage_id")
                            result.number(hit.passageID)
                            result.key("rank")
                            result.number(firstRank + i)
                            result.key("score")
                            result.number(hit.score)
                        }
                    }
                }
                line.key("took_ms")
                line.number(took)
                line.key("total")
                line.number(total)
                line.key("total_relation")
                line.string(exact ? "eq" : "gte")
            } catch {
                line.key("error")
                line.string("\(error)")
                line.key("query")
                line.string(text)
                line.key("took_ms")
                line.number(0)
                line.key("total")
                line.number(0)
                line.key("total_relation")
                line.string("eq")
            }
            try io.write(line.line())
        }
        try io.flush()
    }
}
