import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Index
import Search

/// `dossier search QUERY`: ranked passages with their documents and pages.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the indexed passages.",
        discussion: """
            QUERY uses SQLite FTS5's query language:
              timber trafficking          both words (implicit AND), stemmed: 'trafficked' matches too
              timber OR ivory             either word; AND, OR and NOT must be upper case
              ivory NOT elephant          the first without the second
              "rosewood logging"          a phrase: the words next to each other
              traff*                      a prefix
              NEAR(pangolin scales, 5)    words within 5 tokens of each other (default 10)
              ^summary                    a word at the start of a passage
              (a OR b) AND c              parentheses group
            Words with punctuation go in double quotes. Results are ranked with BM25, exactly as
            FTS5's bm25() ranks them; --flat --json lists passages in FTS5's ORDER BY bm25(), rowid order.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "The query.")
    var query: String

    @Flag(help: "One row per passage, in rank order, instead of grouped by document.")
    var flat = false

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Results to show.")
    var limit = 10

    @Option(help: "Results to skip.")
    var offset = 0

    @Option(help: "Most passages per document when grouped.")
    var perDoc = 3

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        guard perDoc >= 1 else { throw ValidationError("--per-doc must be at least 1") }
    }

    struct Output: Encodable {
        var query: String
        var total: Int
        var tookMs: Double
        var results: [Result]
    }

    struct Result: Encodable {
        var rank: Int
        var score: Double
        var passageId: Int64
        var document: Document
        var page: Int
        var pageLabel: String?
        var line: Int?
        var snippet: String
        var highlights: [[Int]]
    }

    struct Document: Encodable {
        var id: Int
        var title: String?
        var kind: String
        var path: String
    }

    func run() throws {
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        let node: QueryNode
        do {
            node = try QueryParser().parse(query)
        } catch {
            throw QueryError(query: query, error: error)
        }
        let started = DispatchTime.now()
        let snapshot = try IndexSnapshot(folder: workspace.index)
        let ranked = Searcher(snapshot: snapshot).rank(node)
        let tookMs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6

        // Flat: the ranking itself. Grouped: at most perDoc passages per document, documents by best passage.
        var chosen: [SearchHit] = []
        if flat {
            chosen = Array(ranked.dropFirst(offset).prefix(limit))
        } else {
            let records = try catalog.passages(ranked.map(\.passageID))
            var perDocument: [Int: Int] = [:]
            for hit in ranked {
                guard let record = records[hit.passageID] else { continue }
                if perDocument[record.documentID, default: 0] < perDoc {
                    perDocument[record.documentID, default: 0] += 1
                    chosen.append(hit)
                }
            }
            chosen = Array(chosen.dropFirst(offset).prefix(limit))
        }
        let records = try catalog.passages(chosen.map(\.passageID))
        var results: [Result] = []
        for (i, hit) in chosen.enumerated() {
            guard let record = records[hit.passageID] else { continue }
            let snippet = Snippet.make(record.text, query: node)
            results.append(Result(
                rank: offset + i + 1, score: hit.score, passageId: hit.passageID,
                document: Document(id: record.documentID, title: record.title, kind: record.kind, path: record.path),
                page: record.page, pageLabel: record.pageLabel, line: record.line,
                snippet: snippet.text, highlights: snippet.highlights))
        }
        if json {
            try Terminal.printJSON(Output(query: query, total: ranked.count, tookMs: tookMs, results: results))
            return
        }
        if ranked.isEmpty {
            print("No passages match \(query).")
            let words = query.split(separator: " ").filter { !["AND", "OR", "NOT"].contains($0) }
            if words.count > 1 { print("All words must match; try: \(words.joined(separator: " OR "))") }
            return
        }
        var lastDocument = -1
        for result in results {
            if flat || result.document.id != lastDocument {
                print("")
                print("\(result.document.title ?? result.document.path)  [\(result.document.kind)] \(result.document.path)")
                lastDocument = result.document.id
            }
            let place: String
            if result.document.kind == "note" {
                place = "\(result.document.path):\(result.line ?? 0)"
            } else if let label = result.pageLabel, label != String(result.page) {
                place = "p. \(result.page) (printed \(label))"
            } else {
                place = "p. \(result.page)"
            }
            print("  \(result.rank). \(place)  score \(String(format: "%.3f", result.score))")
            print("     \(Terminal.highlight(result.snippet, result.highlights))")
        }
        let shown = results.count
        print("\n\(ranked.count) passage\(ranked.count == 1 ? "" : "s") match; showing \(shown) (\(String(format: "%.1f", tookMs)) ms)")
    }
}

/// A query FTS5's grammar rejects: one line saying what, then the query with a caret.
struct QueryError: Error, CustomStringConvertible {
    var query: String
    var error: QuerySyntaxError

    var description: String {
        let caret = String(repeating: " ", count: error.offset) + "^"
        return "\(error)\n  \(query)\n  \(caret)"
    }
}
