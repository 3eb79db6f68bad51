import Analysis
import Catalog
import DossierCore
import Foundation
import Index
import Search

/// A query's matches inside one document, as a reader of that document
/// needs them: the pages that hold a match, in page order, and each page's
/// matches as ranges of its text (the web's reader, its previous and next
/// hit).
public struct DocumentHits: Sendable {
    /// The query as run (read as `dossier search` reads it).
    public var fts5: String
    /// Pages holding a passage that matches the query, ascending.
    public var pages: [Int]
    /// The parsed query, for marking a page's matches (``ranges(in:language:)``).
    let node: QueryNode

    /// The matches of `query` in `document` (at most `limit` passages read).
    public static func find(_ query: String, document: Int, languages: [Language]? = nil, workspace: Workspace,
                            catalog: CatalogStore, limit: Int = 20_000) throws -> DocumentHits {
        var request = SearchRequest(query: query)
        request.languages = languages
        return try SearchResults.withQuery(request, workspace: workspace, catalog: catalog) { node, snapshot, friendly in
            let hits = Searcher(snapshot: snapshot).top(node, k: limit, within: [document])?.hits ?? []
            // A passage running onto the next page may have its match on either.
            let pages = Set(try catalog.pages(ofPassages: hits.map(\.passageID)).values.flatMap { $0 }).sorted()
            return DocumentHits(fts5: friendly.fts5, pages: pages, node: node)
        }
    }

    /// The matches on a page whose text is `text`, analyzed in `language`:
    /// `[start, end)` in Unicode scalars, the words of one match (a phrase,
    /// words a hyphen or a space apart) as one range.
    public func ranges(in text: String, language: String?) -> [[Int]] {
        let marks = Snippet.highlights(in: text, query: node, language: language.flatMap(Language.init(code:)))
        let scalars = Array(text.unicodeScalars)
        var merged: [[Int]] = []
        for mark in marks where mark.count == 2 {
            if let last = merged.last, mark[0] >= last[1], mark[0] - last[1] <= 2,
               scalars[last[1]..<mark[0]].allSatisfy({ $0 == " " || $0 == "-" || $0 == "\u{2010}" || $0 == "\u{2011}" }) {
                merged[merged.count - 1][1] = mark[1]
            } else {
                merged.append(mark)
            }
        }
        return merged
    }
}
