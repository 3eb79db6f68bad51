import Analysis
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
            Any text is a query: paste what you read. FTS5's operators work where \
            written as FTS5 writes them:
              timber trafficking        both words (AND); 'trafficked' matches too
              timber OR ivory           either word (AND, OR, NOT in upper case)
              ivory NOT elephant        the first without the second
              timber -teak              the same as: timber NOT teak
              "rosewood logging"        a phrase: the words next to each other
              traff*                    a prefix
              NEAR(pangolin scales, 5)  words within 5 tokens (default 10)
              ^summary                  a word at the start of a passage
              (a OR b) AND c            parentheses group

            A word with punctuation inside is searched as the phrase of its parts, as \
            the index split them (re-export: "re export"; Côte d'Ivoire: Côte "d Ivoire"; \
            338/97: "338 97"); a stray quote, parenthesis or operator is read as text. \
            When the query was read differently from how it was typed, a hint says how \
            (searched: …). --strict reads FTS5's syntax exactly, errors and all \
            (--batch always does).

            Passages are scored with BM25, exactly as FTS5's bm25() scores them; --flat \
            --json lists passages in FTS5's ORDER BY bm25(), rowid order. Results come \
            by document, ranked by the BM25 of the whole document (a single word too): \
            a document matches when it holds every word somewhere, and those with the \
            words together in one passage rank ahead; a document whose words are on \
            different pages shows each word's best passage. Words OR'ed rank every \
            document so, words typed as stop words (I, what, the; les, qué) counting \
            for nothing unless all are, then the first 20 again with how close the \
            words stand. \
            --flat (passages, \
            FTS5's rule: every word in the same passage, FTS5's order) and \
            --same-passage (documents, by that rule and order) keep the words \
            together. Each result names the \
            note lines that cite its document; `dossier open N` opens result N of the \
            last search at its page, `dossier cite --result N` cites it.

            Limits: a query is at most \(QueryParser.maxBytes) bytes, holds at most \(QueryParser.maxTerms) terms (every word of a \
            phrase counts) and nests parentheses at most \(QueryParser.maxDepth) deep. Past a limit the search stops \
            with a one-line error and exit status 2 (with --batch, the error is that query's JSON line).
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "The query (omit with --batch).")
    var query: String?

    @Flag(help: "Read one query per line on stdin; write one JSON result per line (the filters and --lang apply to each).")
    var batch = false

    @Flag(help: "One row per passage, in rank order, instead of grouped by document.")
    var flat = false

    @Flag(help: "Read the query with FTS5's syntax exactly (plus -word), syntax errors and all, instead of reading any text as words.")
    var strict = false

    @Flag(help: "Print JSON (schema: docs/SEARCH-JSON.md).")
    var json = false

    @Option(help: "Documents to show, each with its best passages (passages with --flat or --batch).")
    var limit = 10

    @Option(help: "Documents to skip (passages with --flat or --batch): --offset 10 shows the second page.")
    var offset = 0

    @Option(help: ArgumentHelp("Count results exactly up to N (documents; passages with --flat or --batch; words AND'ed by document count every document, and passages up to N); past N the totals are lower bounds, \"at least N\" (\"total_relation\": \"gte\"). 0 counts nothing beyond the page. Default: \(SearchRequest.defaultCountUpTo); with --batch, every match.", valueName: "N"))
    var countUpTo: Int?

    @Option(help: "Most passages per document when grouped.")
    var perDoc = 3

    @Flag(help: "With --batch: results grouped by document, as a search without --flat shows them (--batch is flat otherwise).")
    var byDocument = false

    @Flag(help: "By document, only documents where one passage holds every word (FTS5's rule, as --flat), not every document that holds each word somewhere; ranked by their best passage, ORs too.")
    var samePassage = false

    @Option(help: "Only this document (its number).")
    var doc: Int?

    @Option(help: ArgumentHelp("Only documents this note cites, and the note itself.", valueName: "path"))
    var note: String?

    @Option(help: ArgumentHelp("Only documents fetched from this host (or its subdomains).", valueName: "host"))
    var site: String?

    @Option(help: ArgumentHelp("Only this kind of document: pdf, html or note.", valueName: "kind"))
    var kind: String?

    @Option(help: ArgumentHelp("Only passages in these languages, the query analyzed in each: fr, or en,fr (default: English and every language the library holds, each word in those whose text writes it; known: \(Language.knownCodes)).", valueName: "codes"))
    var lang: String?

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must not be negative") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        guard (countUpTo ?? 0) >= 0 else { throw ValidationError("--count-up-to must not be negative") }
        guard !byDocument || (batch && !flat) else { throw ValidationError("--by-document goes with --batch, without --flat") }
        guard !samePassage || !flat else { throw ValidationError("--same-passage is for results by document; --flat always matches within one passage") }
        guard perDoc >= 1 else { throw ValidationError("--per-doc must be at least 1") }
        if let kind, DocumentKind.searchable(named: kind) == nil { throw ValidationError("--kind must be \(DocumentKind.searchableNames)") }
        if let lang, Language.list(lang) == nil { throw ValidationError("--lang takes language codes separated by commas, among \(Language.knownCodes)") }
        guard batch == (query == nil) else { throw ValidationError(batch ? "--batch reads queries from stdin; give no QUERY" : "a QUERY is required") }
    }

    /// One JSON line per query from stdin (SearchService/Batch), each
    /// asked as a search with these options would ask it.
    func runBatch() throws {
        var batch = BatchSearch()
        batch.request = request(query: "")
        batch.request.strict = true  // FTS5's syntax, as scripts write it (docs/SEARCH-JSON.md)
        batch.request.flat = !byDocument
        batch.request.countUpTo = countUpTo ?? .max
        try batch.run(workspace: try options.resolve())
    }

    func run() throws {
        if batch { return try runBatch() }
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        let (output, hints) = try SearchResults.run(request(query: query!), workspace: workspace, catalog: catalog)
        try? SearchResults.saveLast(output, workspace: workspace)
        if json {
            try Terminal.printJSON(output)
            return
        }
        for hint in hints { Terminal.writeError("hint: \(hint)\n") }
        for line in SearchResults.text(output, flat: flat, offset: offset, limit: limit, highlight: Terminal.highlight, bold: Terminal.bold) { print(line) }
    }

    /// The request the options ask for `query`.
    func request(query: String) -> SearchRequest {
        var request = SearchRequest(query: query)
        request.flat = flat
        request.strict = strict
        request.limit = limit
        request.offset = offset
        request.perDoc = perDoc
        request.samePassage = samePassage
        request.countUpTo = countUpTo ?? SearchRequest.defaultCountUpTo
        request.doc = doc
        request.note = note
        request.site = site
        request.kind = kind.flatMap(DocumentKind.init(rawValue:))
        request.languages = lang.flatMap(Language.list)
        return request
    }
}
