import Catalog
import DossierCore
import Foundation
import Index
import Search

/// `dossier search --batch`: one query per line on standard input, one
/// JSON line per query on standard output (docs/SEARCH-JSON.md), the index
/// opened once, as a benchmark or a script holding the process open uses
/// it. Each query is read, filtered and ranked as `dossier search` does
/// (``SearchResults/rankedPage(_:_:searcher:allowed:)``); a line gives the
/// passages' ids and scores, not their snippets. `took_ms` is parse, match,
/// rank and count, measured inside.
public struct BatchSearch: Sendable {
    /// What each query is asked with; its `query` is each line in turn.
    /// Flat unless `flat` is false (by document: `limit` and `offset` then
    /// count documents); every match counted unless `countUpTo` says.
    public var request: SearchRequest

    /// A batch of flat searches in FTS5's syntax, every match counted.
    public init() {
        request = SearchRequest(query: "")
        request.strict = true
        request.flat = true
        request.countUpTo = .max
    }

    /// Answers every line of standard input until it ends.
    public func run(workspace: Workspace) throws {
        let snapshot = try IndexSnapshot(folder: workspace.index)
        let searcher = Searcher(snapshot: snapshot)
        searcher.warmUp()
        var request = self.request
        // The documents the filters let through, found once.
        let allowed = request.filters ? try SearchResults.allowedDocuments(request, try CatalogStore(workspace: workspace), workspace) : nil
        var io = BatchIO()
        // One flat query, its array of phrases reused from query to query.
        var flat = FlatQuery(phrases: [], connective: .or)
        // Words are analyzed in the languages asked for, else English and every language the index holds.
        let (parser, _) = SearchResults.parser(request.languages, snapshot)
        while let text = try io.readLine() {
            let started = DispatchTime.now()
            // Keys in sorted order: error, query, results, took_ms, total, (by document:
            // total_documents, total_documents_relation,) total_relation.
            var line = JSONLine()
            do {
                request.query = text
                try QueryParser.checkLength(text)
                // Words joined by OR or by AND alone go to the searcher without a
                // tree, unless filtered. (Such a query has no "-" and nothing to rewrite.)
                var isFlat = allowed == nil && parser.flat(text, into: &flat)
                if isFlat, parser.isMultilingual {
                    // A word that has forms in several languages of the index goes the tree's way.
                    for i in flat.phrases.indices { flat.phrases[i].terms = Few(flat.phrases[i].terms.map(searcher.pruned)) }
                    isFlat = searcher.takesTermPaths(flat)
                }
                let query: SearchResults.RankedQuery
                if isFlat {
                    query = .flat(flat)
                } else {
                    // Read as `dossier search --strict` reads a query (the batch's `request` is strict).
                    let fts5 = SearchResults.read(request).fts5
                    guard !fts5.isEmpty else { throw DossierError.usage("nothing to search for in \"\(text)\"") }
                    query = .tree(searcher.pruned(try parser.parse(fts5)))
                }
                let page = SearchResults.rankedPage(query, request, searcher: searcher, allowed: allowed)
                let (shown, firstRank, total, exact) = (page.hits, page.firstRank, page.total, page.exact)
                let took = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
                // By document, each hit's document, from the page's ranges.
                var documentOf: [Int] = []
                if let documents = page.documents {
                    documentOf = [Int](repeating: -1, count: shown.count)
                    for document in documents.documents {
                        for k in document.hits where k < documentOf.count { documentOf[k] = document.id }
                    }
                }
                line.key("query")
                line.string(text)
                line.key("results")
                line.array { results in
                    for (i, hit) in shown.enumerated() {
                        results.object { result in
                            if !documentOf.isEmpty {
                                result.key("document")
                                result.number(documentOf[i])
                            }
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
                if let documents = page.documents {
                    line.key("total_documents")
                    line.number(documents.totalDocuments)
                    line.key("total_documents_relation")
                    line.string(documents.totalDocumentsIsExact ? "eq" : "gte")
                }
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
