import Analysis
import Catalog
import DossierCore
import Foundation
import Index
import Search

/// The search the CLI and the web server share: a query as users type it,
/// filters and paging in; ranked, grouped results with their pages,
/// snippets and citing note lines out, in the schema of docs/SEARCH-JSON.md.
public struct SearchRequest: Sendable {
    /// The query as typed: any text (``LenientQuery``), or with ``strict``
    /// FTS5's syntax plus `-word` (``FriendlyQuery``).
    public var query: String
    /// Read the query as FTS5 does, syntax errors and all.
    public var strict = false
    /// Passages in rank order instead of grouped by document.
    public var flat = false
    /// Results to return.
    public var limit = 10
    /// Results to skip.
    public var offset = 0
    /// Most passages per document when grouped.
    public var perDoc = 3
    /// Only this document.
    public var doc: Int?
    /// Only documents this note cites, and the note.
    public var note: String?
    /// Only documents fetched from this host.
    public var site: String?
    /// Only this kind: pdf, html, note.
    public var kind: DocumentKind?
    /// By document, match only documents where one passage holds every
    /// word (FTS5's rule, grouped), not those that hold each word somewhere.
    public var samePassage = false
    /// Results (documents; passages when flat) counted exactly up to this
    /// many; past it the totals are lower bounds (``Output/totalRelation``).
    public var countUpTo = SearchRequest.defaultCountUpTo
    /// Only passages in these languages, the query analyzed in each
    /// (`--lang fr`); nil for every language the index holds.
    public var languages: [Language]?

    /// Whether the request keeps to some documents (`doc`, `note`, `site`, `kind`).
    public var filters: Bool { doc != nil || note != nil || site != nil || kind != nil }
    /// When nothing matches every word, search again for the words that
    /// are not stop words (``Analysis/Language/isStopWord(_:in:)``), all of
    /// them, else any, and say so (``SearchResults/Output/anyWordsQuery``):
    /// an assistant sends a researcher's question as typed (MCP).
    public var anyWordsFallback = false

    /// Results a search counts exactly unless asked otherwise: past a
    /// thousand, "at least 1,000" tells a reader what an exact count would,
    /// and counting stops before it visits every posting of a common word.
    public static let defaultCountUpTo = 1000

    /// A request for `query` with the defaults.
    public init(query: String) { self.query = query }
}

/// A query the grammar rejects: what, and where.
public struct QueryError: Error, CustomStringConvertible, Sendable {
    /// The query as run.
    public var query: String
    /// The parser's error.
    public var error: QuerySyntaxError

    /// Creates an error.
    public init(query: String, error: QuerySyntaxError) {
        self.query = query
        self.error = error
    }

    /// One line, then the query with a caret under the fault; a query past
    /// one of the parser's limits gets the line alone (the query may be
    /// thousands of characters long).
    public var description: String {
        if error.isLimit { return error.description }
        let caret = String(repeating: " ", count: error.offset) + "^"
        return "\(error)\n  \(query)\n  \(caret)"
    }
}

/// Runs searches and shapes their results.
public enum SearchResults {
    /// The longest texts from documents and notes a result holds, in
    /// characters (a snippet's is ``Search/Snippet/maxCharacters``): longer
    /// ones are cut, the last character an ellipsis.
    public enum Limits {
        /// A document's title.
        public static let title = 200
        /// A citation's label and heading.
        public static let label = 200
        /// A citing note line.
        public static let line = 300
    }

    /// The answer to a search (docs/SEARCH-JSON.md: every key present,
    /// `null` where there is no value).
    public struct Output: Codable, Sendable {
        /// The query as typed.
        public var query: String
        /// The FTS5 query run, when the input was rewritten.
        @JSONNullable public var fts5Query: String?
        /// Matching passages, after filters.
        public var total: Int
        /// Documents with a matching passage, after filters (grouped results; null with `--flat`).
        @JSONNullable public var totalDocuments: Int?
        /// `"eq"` when the totals count every match; `"gte"` when counting
        /// stopped at ``SearchRequest/countUpTo`` and they are lower bounds.
        public var totalRelation: String
        /// The same of ``totalDocuments``, which an AND by document counts
        /// in full when it counts passages only up to the bound (null with `--flat`).
        @JSONNullable public var totalDocumentsRelation: String?
        /// Parse, match and rank, measured inside the engine.
        public var tookMs: Double
        /// The page of results.
        public var results: [Result]
        /// When no document held every word and the request allowed it
        /// (``SearchRequest/anyWordsFallback``): the query run instead, the
        /// words that are not stop words (all of them, else any).
        @JSONNullable public var anyWordsQuery: String?

        /// Creates an output.
        public init(query: String, fts5Query: String?, total: Int, totalDocuments: Int? = nil, totalIsExact: Bool = true,
                    totalDocumentsIsExact: Bool? = nil, tookMs: Double, results: [Result]) {
            self.query = query
            self.fts5Query = fts5Query
            self.total = total
            self.totalDocuments = totalDocuments
            totalRelation = totalIsExact ? "eq" : "gte"
            totalDocumentsRelation = totalDocuments == nil ? nil : (totalDocumentsIsExact ?? totalIsExact) ? "eq" : "gte"
            self.tookMs = tookMs
            self.results = results
        }
    }

    /// One result: a passage, where it is, and who cites its document.
    public struct Result: Codable, Sendable {
        public var rank: Int
        public var score: Double
        public var passageId: Int64
        public var document: Document
        public var page: Int
        /// The page the passage ends on when its paragraph runs onto the
        /// next page (null when it ends on `page`).
        @JSONNullable public var endPage: Int?
        @JSONNullable public var pageLabel: String?
        /// The page's running head: the section of the document it is in.
        @JSONNullable public var section: String?
        @JSONNullable public var line: Int?
        /// The page is a scan read by OCR.
        public var ocr: Bool
        /// The OCR'd page's mean word confidence, 0–100 (null for a page with a text layer).
        @JSONNullable public var ocrConfidence: Double?
        /// The language the passage is written in (ISO 639-1; null when its
        /// text and its document's do not say).
        @JSONNullable public var language: String?
        public var snippet: String
        public var highlights: [[Int]]
        /// Every note line citing the document.
        public var citations: [Citation]
        public var open: String
        /// The passage's page cited in Markdown for a note (``CitationFormat/markdown(_:)``):
        /// `[Title, p. 12](https://…/report.pdf#page=14)`; `dossier cite --result N` gives BibTeX and CSL-JSON.
        @JSONNullable public var cite: String?
    }

    /// A result's document.
    public struct Document: Codable, Sendable {
        public var id: Int
        @JSONNullable public var title: String?
        public var kind: DocumentKind
        @JSONNullable public var url: String?
        public var path: String
        /// How many of its passages match (grouped results; null with `--flat`).
        @JSONNullable public var matches: Int?
        /// Whether one of its passages holds every word of the query
        /// (grouped results; null with `--flat`): when false, the words are
        /// on different pages, `matches` counts passages holding any of
        /// them, and the passages shown are each word's best.
        @JSONNullable public var wordsTogether: Bool?
        /// What documents are ranked by (grouped results; null with
        /// `--flat`): the BM25 of the whole document (with the words'
        /// proximity for an OR's first 20), else (`--same-passage`, a NEAR,
        /// an OR with a NOT) its best passage's score.
        @JSONNullable public var score: Double?
    }

    /// Results for the given hits.
    public static func build(_ hits: [SearchHit], offset: Int, node: QueryNode, catalog: CatalogStore, workspace: Workspace) throws -> [Result] {
        let records = try catalog.passages(hits.map(\.passageID))
        let sources = try catalog.documentSources()
        var citationCache: [Int: [Citation]] = [:]
        var results: [Result] = []
        for (i, hit) in hits.enumerated() {
            guard let record = records[hit.passageID] else { continue }
            let snippet = Snippet.make(record.text, query: node, language: record.language.flatMap(Language.init(code:)))
            let citations: [Citation]
            if let cached = citationCache[record.documentID] {
                citations = cached
            } else {
                citations = try catalog.citations(ofDocument: record.documentID).map { citation in
                    var clipped = citation
                    clipped.label = citation.label.clipped(to: Limits.label)
                    clipped.headingPath = citation.headingPath.map { $0.clipped(to: Limits.label) }
                    clipped.text = citation.text.clipped(to: Limits.line)
                    return clipped
                }
                citationCache[record.documentID] = citations
            }
            let url = sources[record.documentID]?.url
            let open: String
            switch record.kind {
            case .note: open = "\(record.path):\(record.line ?? 1)"
            case .html: open = url ?? workspace.root.appendingPathComponent(record.path).absoluteString
            default: open = workspace.root.appendingPathComponent(record.path).absoluteString + "#page=\(record.page)"
            }
            results.append(Result(
                rank: offset + i + 1, score: hit.score, passageId: hit.passageID,
                document: Document(id: record.documentID, title: record.title?.clipped(to: Limits.title), kind: record.kind, url: url, path: record.path),
                page: record.page, endPage: record.endPage, pageLabel: record.pageLabel, section: record.section?.clipped(to: Limits.label), line: record.line,
                ocr: record.ocr, ocrConfidence: record.ocrConfidence.map { ($0 * 10).rounded() / 10 }, language: record.language,
                snippet: snippet.text, highlights: snippet.highlights, citations: citations, open: open,
                cite: CitationFormat.markdown(Reference(
                    document: record.documentID, kind: record.kind, title: record.title, url: url, path: record.path,
                    page: record.kind == .note ? nil : record.page, pageLabel: record.pageLabel))))
        }
        return results
    }

    /// Parses, ranks, filters, groups and pages `request`; with
    /// ``SearchRequest/anyWordsFallback``, searches any of its words when
    /// nothing holds them all.
    public static func run(_ request: SearchRequest, workspace: Workspace, catalog: CatalogStore) throws -> (Output, hints: [String]) {
        let (output, hints) = try runOnce(request, workspace: workspace, catalog: catalog)
        guard request.anyWordsFallback, output.total == 0, !request.strict,
              let any = anyWordsQuery(request.query, languages: request.languages ?? languagesHeld(workspace)) else {
            return (output, hints)
        }
        // Every word that says what is asked about, then any of them.
        var again = request
        again.anyWordsFallback = false
        var (fallback, fallbackHints) = (output, hints)
        var query = ""
        for candidate in [any.all, any.any] where candidate != request.query {
            again.query = candidate
            (fallback, fallbackHints) = try runOnce(again, workspace: workspace, catalog: catalog)
            query = candidate
            if fallback.total > 0 { break }
        }
        guard !query.isEmpty else { return (output, hints) }
        fallback.query = request.query
        fallback.anyWordsQuery = query
        let dropped = any.dropped.isEmpty ? "" : " (left out as common words: \(any.dropped.joined(separator: ", ")))"
        fallbackHints.insert(query == any.all
            ? "no document holds every word; searched for the words that are not common ones: \(query)\(dropped)"
            : "no document holds every word; ranked by any of: \(query)\(dropped)", at: 0)
        return (fallback, fallbackHints)
    }

    /// The words of `query` that are not stop words in `languages`, as a
    /// query of all of them and of any of them, and the words left out;
    /// nil when `query` uses the query language (operators, quotes,
    /// parentheses) or has fewer than two words, or when no word would be
    /// left, or only the one typed.
    static func anyWordsQuery(_ query: String, languages: [Language]) -> (all: String, any: String, dropped: [String])? {
        let words = query.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        // The query language (operators, phrases, prefixes, exclusions) is left as typed.
        guard words.count > 1,
              !words.contains(where: { ["AND", "OR", "NOT"].contains($0) || $0.hasPrefix("NEAR(") || $0.hasPrefix("-") }),
              !query.contains(where: { "\"*^".contains($0) }) else { return nil }
        // A question's punctuation (parentheses, colons, commas, its question
        // mark) is not the words': they are cut there and trimmed of it.
        let trimmed = words.flatMap { $0.split(whereSeparator: { "()[]{}:;,!?".contains($0) }) }
            .map { $0.trimmingCharacters(in: CharacterSet.alphanumerics.inverted) }.filter { !$0.isEmpty }
        let kept = trimmed.filter { !Language.isStopWord($0, in: languages) }
        let dropped = trimmed.filter { Language.isStopWord($0, in: languages) }
        guard !kept.isEmpty, kept.count > 1 || !dropped.isEmpty else { return nil }
        return (kept.joined(separator: " "), kept.joined(separator: " OR "), dropped)
    }

    /// One search of `request` as it is.
    static func runOnce(_ request: SearchRequest, workspace: Workspace, catalog: CatalogStore) throws -> (Output, hints: [String]) {
        try withQuery(request, workspace: workspace, catalog: catalog) { node, snapshot, friendly in
            try ranked(request, node: node, friendly: friendly, snapshot: snapshot, workspace: workspace, catalog: catalog)
        }
    }

    /// `request`'s query read as `search` reads it (its length checked, any
    /// text a query unless strict) and parsed in its languages, inside one
    /// read transaction of `catalog` with the index snapshot that matches
    /// it: `body` gets the query (pruned to the terms the index holds), the
    /// snapshot, and the FTS5 query run with the hints about its reading.
    static func withQuery<T>(_ request: SearchRequest, workspace: Workspace, catalog: CatalogStore,
                             _ body: (QueryNode, IndexSnapshot, (fts5: String, hints: [String])) throws -> T) throws -> T {
        // The length limit applies to what the user typed, before any rewriting lengthens it.
        do { try QueryParser.checkLength(request.query) } catch { throw QueryError(query: request.query, error: error) }
        var friendly = Self.read(request)
        guard !friendly.fts5.isEmpty else {
            throw DossierError.usage(friendly.hints.last(where: { !$0.hasPrefix("searched:") }) ?? "nothing to search for in \"\(request.query)\"")
        }
        return try catalog.database.reading {
            let snapshot = try snapshot(workspace: workspace, catalog: catalog)
            let (parser, searched) = parser(request.languages, snapshot)
            let node: QueryNode
            do throws(QuerySyntaxError) {
                node = Searcher(snapshot: snapshot).pruned(try parser.parse(friendly.fts5))
            } catch {
                throw QueryError(query: friendly.fts5, error: error)
            }
            if let searched { friendly.hints.append(searched) }
            if let narrowed = Self.narrowingHint(parser) { friendly.hints.append(narrowed) }
            return try body(node, snapshot, friendly)
        }
    }

    /// The languages a search can be narrowed to: English, then every
    /// language the committed index holds passages in (none but English
    /// when the index cannot be read).
    public static func languagesHeld(_ workspace: Workspace) -> [Language] {
        [.english] + ((try? Manifest.read(in: workspace.index))?.languages ?? []).compactMap(Language.init(code:)).filter { $0 != .english }
    }

    /// The parser of a search in `languages` (nil: English and every
    /// language the index holds, each word in those that write it, see
    /// ``WordLanguages``, unless `narrowing` is false), and the hint that
    /// names the languages searched when there are several or they were chosen.
    public static func parser(_ languages: [Language]?, _ snapshot: IndexSnapshot, narrowing: Bool = true) -> (QueryParser, hint: String?) {
        let held = snapshot.manifest.languages.compactMap(Language.init(code:))
        guard let chosen = languages else {
            guard !held.isEmpty else { return (QueryParser(), nil) }
            let names = ([Language.english] + held).map(\.name)
            return (QueryParser(languages: held, narrowing: narrowing ? WordLanguages(snapshot: snapshot) : nil),
                    "languages: searched in \(names.joined(separator: ", ")); --lang narrows")
        }
        let parser = QueryParser(languages: chosen, english: chosen.contains(.english))
        let missing = chosen.filter { $0 != .english && !held.contains($0) }
        var hint = "languages: searched in \(chosen.map(\.name).joined(separator: ", ")) only"
        if !missing.isEmpty { hint += "; the index holds no passage in \(missing.map(\.name).joined(separator: " or "))" }
        return (parser, hint)
    }

    /// The hint for the words `parser` searched in some languages only,
    /// English left out (a word of another language, left out of English
    /// text whose stems would have matched it); nil if none was.
    public static func narrowingHint(_ parser: QueryParser) -> String? {
        let words = parser.narrowedWords.filter { !$0.kept.contains("en") }
        guard !words.isEmpty else { return nil }
        let said = words.map { word in
            "\"\(word.word)\" in \(word.kept.compactMap { Language(code: $0)?.name }.joined(separator: " and "))"
        }
        let codes = Set(words.flatMap(\.kept)).union(["en"]).sorted { $0 == "en" ? true : $1 == "en" ? false : $0 < $1 }
        return "languages: searched \(said.joined(separator: ", ")) only, the languages that write \(words.count == 1 ? "it" : "them"); --lang \(codes.joined(separator: ",")) searches English too"
    }

    /// The index snapshot that matches the catalog's committed view, for a
    /// caller inside a read transaction of `catalog`: the index at the
    /// catalog's generation, or at the next one when an update has
    /// committed the index and not yet published it (every passage either
    /// names is in the catalog; see ``CatalogStore/publish(generation:)``).
    /// Anything else is an index that is not the catalog's.
    public static func snapshot(workspace: Workspace, catalog: CatalogStore) throws -> IndexSnapshot {
        let snapshot = try IndexSnapshot.current(folder: workspace.index)
        guard snapshot.passageCount > 0 || snapshot.manifest.generation > 0 else {
            throw DossierError.workspace("nothing is indexed in \(workspace.root.path) yet: run `dossier update` (or `dossier index`)")
        }
        if let recorded = try catalog.indexGeneration(), snapshot.manifest.generation != recorded,
           snapshot.manifest.generation != recorded + 1 {
            throw DossierError.workspace(
                "the index (generation \(snapshot.manifest.generation)) is not the catalog's (generation \(recorded)): run `dossier update`")
        }
        return snapshot
    }

    static func ranked(_ request: SearchRequest, node: QueryNode, friendly: (fts5: String, hints: [String]), snapshot: IndexSnapshot,
                       workspace: Workspace, catalog: CatalogStore) throws -> (Output, hints: [String]) {
        let started = DispatchTime.now()
        let allowed = request.filters ? try allowedDocuments(request, catalog, workspace) : nil
        let page = rankedPage(.tree(node), request, searcher: Searcher(snapshot: snapshot), allowed: allowed)
        let tookMs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        var results = try build(page.hits, offset: page.firstRank - 1, node: node, catalog: catalog, workspace: workspace)
        if let grouped = page.documents {
            // The index knows each passage's document: no catalog lookup per hit.
            let documents = Dictionary(uniqueKeysWithValues: grouped.documents.map { ($0.id, $0) })
            for i in results.indices {
                guard let document = documents[results[i].document.id] else { continue }
                results[i].document.matches = document.matches
                results[i].document.wordsTogether = document.together
                results[i].document.score = document.score ?? grouped.hits(of: document).first.map { -$0.bm25 }
            }
        }
        return (Output(query: request.query, fts5Query: friendly.fts5 == request.query ? nil : friendly.fts5, total: page.total,
                       totalDocuments: page.totalDocuments, totalIsExact: page.exact, totalDocumentsIsExact: page.documents?.totalDocumentsIsExact,
                       tookMs: tookMs, results: results), friendly.hints)
    }

    /// What matched, as the CLI and the web page say it: "12 passages
    /// match, in 3 documents", each total "at least" where it is a lower
    /// bound (counting stopped at the bound asked for).
    public static func matchedSummary(_ output: Output) -> String {
        let exact = output.totalRelation == "eq"
        let over = exact ? "" : "at least "
        let passages = "\(over)\(output.total) passage\(output.total == 1 && exact ? " matches" : "s match")"
        guard let documents = output.totalDocuments else { return passages }
        let exactDocuments = (output.totalDocumentsRelation ?? output.totalRelation) == "eq"
        return passages + ", in \(exactDocuments ? "" : "at least ")\(documents) document\(documents == 1 && exactDocuments ? "" : "s")"
    }

    /// A query as the searcher takes it: a tree, or words joined by one
    /// connective (the batch's way for plain words, without a tree).
    enum RankedQuery {
        case tree(QueryNode)
        case flat(FlatQuery)
    }

    /// One page of a search's ranking, as every front end shows it: the
    /// command line, the web and MCP with snippets (``ranked``), the batch
    /// with ids and scores (``BatchSearch``).
    struct RankedPage {
        /// The hits shown.
        var hits: [SearchHit]
        /// The rank of the first.
        var firstRank: Int
        /// Matching passages, and documents when grouped.
        var total: Int
        var totalDocuments: Int?
        /// Whether the totals are exact (else lower bounds).
        var exact: Bool
        /// By document: the page's documents.
        var documents: Searcher.DocumentPage?
    }

    /// The page `request` asks for (by document, else flat; within the
    /// documents `allowed` when filtered), ranked by `searcher`. A query of
    /// words without a tree (`.flat`) is not filtered: a filtered batch
    /// parses its queries into trees.
    static func rankedPage(_ query: RankedQuery, _ request: SearchRequest, searcher: Searcher, allowed: Set<Int>?) -> RankedPage {
        let (offset, limit, countUpTo) = (request.offset, request.limit, request.countUpTo)
        if !request.flat {
            // By document (Search/TopK/Collapse): the page's documents, their best passages, their counts.
            let page = switch query {
            case .tree(let node):
                searcher.documentPage(node, perDocument: request.perDoc, offset: offset, limit: limit, within: allowed,
                                      countUpTo: countUpTo, wholeDocuments: !request.samePassage)
            case .flat(let words):
                searcher.documentPage(words, perDocument: request.perDoc, offset: offset, limit: limit, countUpTo: countUpTo,
                                      wholeDocuments: !request.samePassage)
            }
            return RankedPage(hits: page.hits, firstRank: page.passagesBefore + 1, total: page.totalPassages, totalDocuments: page.totalDocuments,
                              exact: page.totalIsExact, documents: page)
        }
        switch (query, allowed) {
        case (.flat(let words), let allowed):
            precondition(allowed == nil, "a filtered search ranks a tree")
            // Only the page asked for is ranked in full; the total is counted.
            let top = searcher.top(words, k: offset + limit, countUpTo: countUpTo)
            return RankedPage(hits: Array(top.hits.dropFirst(offset).prefix(limit)), firstRank: offset + 1, total: top.total, exact: top.totalIsExact)
        case (.tree(let node), nil):
            let top = searcher.top(node, k: offset + limit, countUpTo: countUpTo)
            return RankedPage(hits: Array(top.hits.dropFirst(offset).prefix(limit)), firstRank: offset + 1, total: top.total, exact: top.totalIsExact)
        case (.tree(let node), let allowed?):
            // Filtered: a few documents are read alone; more, through the
            // query's scorer with the passages outside them left out; a query
            // of another shape, filtered from the full ranking.
            if let top = searcher.top(node, k: offset + limit, within: allowed, countUpTo: countUpTo) {
                return RankedPage(hits: Array(top.hits.dropFirst(offset).prefix(limit)), firstRank: offset + 1, total: top.total,
                                  exact: top.totalIsExact)
            }
            let ranked = searcher.rank(node).filter { searcher.snapshot.document(ofPassage: $0.passageID).map(allowed.contains) ?? false }
            return RankedPage(hits: Array(ranked.dropFirst(offset).prefix(limit)), firstRank: offset + 1, total: ranked.count, exact: true)
        }
    }

    /// The FTS5 query a search runs for `text`, read as `dossier search`
    /// reads it (leniently unless `strict`): for a command that highlights
    /// a query's matches (`show --query`) as the search found them.
    public static func fts5(_ text: String, strict: Bool = false) -> String {
        var request = SearchRequest(query: text)
        request.strict = strict
        return read(request).fts5
    }

    /// The phrases of several words in `text`, read as `dossier search`
    /// reads it: each as its terms (a prefix term ends in `*`), for a page
    /// preview that outlines their words only together.
    public static func phrases(_ text: String) -> [[String]] {
        let node = try? QueryParser().parse(fts5(text))
        return (node?.phrases ?? []).filter { $0.terms.count > 1 }.map { $0.terms.map { $0.prefix ? $0.text + "*" : $0.text } }
    }

    /// The FTS5 query for `request` and its hints: read leniently unless
    /// strict. A lenient reading that still does not parse (a case its
    /// rules miss) falls back to the words of the query, each searched as
    /// the tokenizer reads it; a limit error stays an error.
    static func read(_ request: SearchRequest) -> (fts5: String, hints: [String]) {
        if request.strict {
            let friendly = FriendlyQuery(request.query)
            return (friendly.fts5, friendly.hints)
        }
        let lenient = LenientQuery(request.query)
        do {
            _ = try QueryParser().parse(lenient.fts5)
        } catch let error where !error.isLimit {
            let words = request.query.split(whereSeparator: \.isWhitespace).map { LenientQuery("\"\($0.replacingOccurrences(of: "\"", with: " "))\"").fts5 }
            let fallback = words.filter { !$0.isEmpty }.joined(separator: " ")
            return (fallback, ["searched: \(fallback)"])
        } catch {}
        return (lenient.fts5, lenient.hints)
    }

    /// Documents the filters let through. A filter that names nothing the
    /// workspace has is an error that says so, not a search that finds
    /// nothing: a note that is not one, a document number no document has,
    /// a site no document came from, a kind no document is.
    public static func allowedDocuments(_ request: SearchRequest, _ catalog: CatalogStore, _ workspace: Workspace) throws -> Set<Int> {
        var documents = try catalog.documents()
        if let doc = request.doc {
            guard documents.contains(where: { $0.id == doc }) else {
                let range = documents.isEmpty ? "there are none yet" : "they are numbered \(documents.first!.id)–\(documents.last!.id)"
                throw DossierError.notFound("there is no document \(doc): \(range) (`dossier documents` lists them)")
            }
            documents = documents.filter { $0.id == doc }
        }
        if let kind = request.kind {
            guard documents.contains(where: { $0.kind == kind }) || request.doc != nil else {
                let kinds = Set(documents.map(\.kind.rawValue)).sorted()
                throw DossierError.notFound("no \(kind.rawValue) document is indexed" + (kinds.isEmpty ? "" : "; the documents are " + kinds.joined(separator: ", ")))
            }
            documents = documents.filter { $0.kind == kind }
        }
        if let site = request.site {
            let sources = try catalog.documentSources()
            let host = site.lowercased()
            let matches = { (h: String) in h == host || h.hasSuffix("." + host) }
            guard sources.values.contains(where: { $0.host.map(matches) ?? false }) else {
                let hosts = Set(sources.values.compactMap(\.host)).sorted()
                let close = Suggestions.closest(site, among: hosts)
                throw DossierError.notFound("no document was fetched from \(site)" + (close.isEmpty
                    ? (hosts.isEmpty ? "" : "; sites: " + hosts.prefix(8).joined(separator: ", ") + (hosts.count > 8 ? ", …" : ""))
                    : "; did you mean " + close.joined(separator: ", ") + "?"))
            }
            documents = documents.filter { d in sources[d.id]?.host.map(matches) ?? false }
        }
        if let note = request.note {
            let path = try notePath(note, catalog, workspace)
            var kept: [DocumentRecord] = []
            for d in documents where try d.path == path || catalog.citations(ofDocument: d.id).contains(where: { $0.note == path }) {
                kept.append(d)
            }
            documents = kept
        }
        return Set(documents.map(\.id))
    }

    /// The workspace-relative path of the note `given` names: as `dossier
    /// notes` prints it, a path to the file, its path under `corpus/notes/`,
    /// or its file name when only one note has it.
    static func notePath(_ given: String, _ catalog: CatalogStore, _ workspace: Workspace) throws -> String {
        let notes = try catalog.notes().map(\.path)
        let onDisk = FileManager.default.fileExists(atPath: given) ? workspace.relativePath(of: URL(fileURLWithPath: given)) : nil
        for candidate in [given, onDisk, "corpus/notes/" + given].compactMap({ $0 }) where notes.contains(candidate) { return candidate }
        let named = notes.filter { $0.hasSuffix("/" + given) }
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            throw DossierError.notFound("several notes are called \(given): \(named.joined(separator: ", ")); give its path")
        }
        let close = Suggestions.closest(given, among: notes)
        let listed = notes.prefix(5).joined(separator: ", ") + (notes.count > 5 ? ", …" : "")
        throw DossierError.notFound("no note \(given)" + (notes.isEmpty ? "; the workspace has no notes"
            : close.isEmpty ? "; notes: \(listed)" : "; did you mean " + close.joined(separator: ", ") + "?"))
    }
}
