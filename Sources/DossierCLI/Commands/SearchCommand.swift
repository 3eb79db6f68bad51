import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Index
import Search
import SearchService

/// `dossier search QUERY`: ranked passages with their pages and the note lines that cite them.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the indexed passages.",
        discussion: """
            Any text is a query: paste what you read. FTS5's operators work where written as FTS5 writes them:
              timber trafficking          both words (implicit AND), stemmed: 'trafficked' matches too
              timber OR ivory             either word; AND, OR and NOT must be upper case
              ivory NOT elephant          the first without the second
              timber -teak                the same as: timber NOT teak ('-' before a word excludes it)
              "rosewood logging"          a phrase: the words next to each other
              traff*                      a prefix
              NEAR(pangolin scales, 5)    words within 5 tokens of each other (default 10)
              ^summary                    a word at the start of a passage
              (a OR b) AND c              parentheses group
            A word with punctuation inside is searched as the phrase of its parts, as the index split them
            (re-export: "re export"; Côte d'Ivoire: Côte "d Ivoire"; 338/97: "338 97"); a stray quote,
            parenthesis or operator is read as text. When the query was read differently from how it was
            typed, a hint says how (searched: …). --strict reads FTS5's syntax exactly, errors and all
            (--batch always does). Results are ranked with BM25, exactly as
            FTS5's bm25() ranks them; --flat --json lists passages in FTS5's ORDER BY bm25(), rowid order.
            Each result names the note lines that cite its document; `dossier open N` opens result N of
            the last search at its page.

            Limits: a query is at most \(QueryParser.maxBytes) bytes, holds at most \(QueryParser.maxTerms) terms (every word of a \
            phrase counts) and nests parentheses at most \(QueryParser.maxDepth) deep. Past a limit the search stops \
            with a one-line error and exit status 2 (with --batch, the error is that query's JSON line).
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "The query (omit with --batch).")
    var query: String?

    @Flag(help: "Read one query per line on stdin; write one JSON result per line.")
    var batch = false

    @Flag(help: "One row per passage, in rank order, instead of grouped by document.")
    var flat = false

    @Flag(help: "Read the query with FTS5's syntax exactly (plus -word), syntax errors and all, instead of reading any text as words.")
    var strict = false

    @Flag(help: "Print JSON (schema: docs/SEARCH-JSON.md).")
    var json = false

    @Option(help: "Results to show.")
    var limit = 10

    @Option(help: "Results to skip.")
    var offset = 0

    @Option(help: ArgumentHelp("With --batch: count matches exactly up to N; past N the total may be a lower bound (\"total_relation\": \"gte\"). 0 counts nothing beyond the hits. Default: count every match.", valueName: "N"))
    var countUpTo: Int?

    @Option(help: "Most passages per document when grouped.")
    var perDoc = 3

    @Flag(help: "With --batch: results grouped by document, as a search without --flat shows them (--batch is flat otherwise).")
    var byDocument = false

    @Option(help: "Only this document (its number).")
    var doc: Int?

    @Option(help: ArgumentHelp("Only documents this note cites, and the note itself.", valueName: "path"))
    var note: String?

    @Option(help: ArgumentHelp("Only documents fetched from this host (or its subdomains).", valueName: "host"))
    var site: String?

    @Option(help: ArgumentHelp("Only this kind of document: pdf, html or note.", valueName: "kind"))
    var kind: String?

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        guard (countUpTo ?? 0) >= 0 else { throw ValidationError("--count-up-to must not be negative") }
        guard countUpTo == nil || batch else { throw ValidationError("--count-up-to goes with --batch") }
        guard !byDocument || (batch && !flat) else { throw ValidationError("--by-document goes with --batch, without --flat") }
        guard perDoc >= 1 else { throw ValidationError("--per-doc must be at least 1") }
        if let kind, !DocumentKind.searchable.contains(where: { $0.rawValue == kind }) { throw ValidationError("--kind must be pdf, html or note") }
        guard batch == (query == nil) else { throw ValidationError(batch ? "--batch reads queries from stdin; give no QUERY" : "a QUERY is required") }
    }

    /// One JSON line per query from stdin (SearchService/Batch).
    func runBatch() throws {
        var batch = BatchSearch()
        batch.limit = limit
        batch.offset = offset
        batch.countUpTo = countUpTo ?? .max
        batch.perDoc = byDocument ? perDoc : nil
        try batch.run(workspace: try options.resolve())
    }

    func run() throws {
        if batch { return try runBatch() }
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        var request = SearchRequest(query: query!)
        request.flat = flat
        request.strict = strict
        request.limit = limit
        request.offset = offset
        request.perDoc = perDoc
        request.doc = doc
        request.note = note
        request.site = site
        request.kind = kind.flatMap(DocumentKind.init(rawValue:))
        let (output, hints) = try SearchResults.run(request, workspace: workspace, catalog: catalog)
        try? SearchResults.saveLast(output, workspace: workspace)
        if json {
            try Terminal.printJSON(output)
            return
        }
        for hint in hints { Terminal.writeError("hint: \(hint)\n") }
        SearchResults.printText(output, flat: flat, offset: offset)
    }
}

/// The CLI's side of search results: printing, and the last search for `dossier open`.
extension SearchResults {
    static func lastURL(_ workspace: Workspace) -> URL { workspace.index.appendingPathComponent("last-search.json") }

    static func saveLast(_ output: Output, workspace: Workspace) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write(try encoder.encode(output), to: lastURL(workspace))
    }

    static func loadLast(_ workspace: Workspace) throws -> Output {
        guard let data = try? Data(contentsOf: lastURL(workspace)) else {
            throw DossierError.usage("no search yet: run `dossier search QUERY` first")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Output.self, from: data)
    }

    static func place(_ r: Result) -> String {
        if r.document.kind == .note { return "\(r.document.path):\(r.line ?? 0)" }
        if let label = r.pageLabel, label != String(r.page) { return "p. \(r.page) (printed \(label))" }
        return "p. \(r.page)"
    }

    static func printText(_ output: Output, flat: Bool, offset: Int) {
        if output.total == 0 {
            print("No passages match \(output.query).")
            let words = output.query.split(separator: " ").filter { !["AND", "OR", "NOT"].contains($0) && !$0.hasPrefix("-") }
            if words.count > 1 { print("All words must match; for any of them try: dossier search '\(words.joined(separator: " OR "))'") }
            return
        }
        var lastDocument = -1
        var shownInDocument = 0
        func more(_ previous: Result?) {
            guard !flat, let previous, let matches = previous.document.matches, matches > shownInDocument else { return }
            let rest = matches - shownInDocument
            print("     … \(rest) more passage\(rest == 1 ? "" : "s") in this document: dossier search \(shellQuoted(output.query)) --doc \(previous.document.id) --flat")
        }
        var previous: Result?
        for result in output.results {
            if flat || result.document.id != lastDocument {
                more(previous)
                shownInDocument = 0
                print("")
                let source = result.document.url ?? result.document.path
                print("\(Terminal.bold(result.document.title ?? result.document.path))  [\(result.document.kind.rawValue)] \(source)")
                if result.document.kind != .note {
                    for citation in result.citations.prefix(3) {
                        let box = citation.task == .done ? "[x] " : citation.task == .open ? "[ ] " : ""
                        let heading = citation.heading.map { " § \($0)" } ?? ""
                        print("  cited at \(citation.note):\(citation.line)  \(box)\(citation.label)\(heading)")
                    }
                    if result.citations.count > 3 { print("  … and \(result.citations.count - 3) more note lines") }
                }
                lastDocument = result.document.id
            }
            print("  \(result.rank). \(place(result))  score \(String(format: "%.3f", result.score))")
            print("     \(Terminal.highlight(result.snippet, result.highlights))")
            shownInDocument += 1
            previous = result
        }
        more(previous)
        let took = "(\(String(format: "%.1f", output.tookMs)) ms)"
        guard let documents = output.totalDocuments else {
            print("\n\(output.total) passage\(output.total == 1 ? "" : "s") match; showing \(output.results.count) \(took). "
                + "`dossier open N` opens result N at its page.")
            return
        }
        let matched = "\(output.total) passage\(output.total == 1 ? " matches" : "s match"), in \(documents) document\(documents == 1 ? "" : "s")"
        let shown = Set(output.results.map(\.document.id)).count
        if shown == 0 {
            print("\n\(matched); --offset \(offset) is past the last of them \(took).")
        } else {
            let range = shown == 1 ? "document \(offset + 1)" : "documents \(offset + 1)–\(offset + shown)"
            print("\n\(matched); showing \(range) \(took). `dossier open N` opens result N at its page."
                + (offset + shown < documents ? " More: --offset \(offset + shown)." : ""))
        }
    }

    /// `text` quoted for a POSIX shell.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

}
