import Analysis
import Catalog
import DossierCore
import Foundation
import Hummingbird
import SearchService

/// The query string of `/` and `/api/search`, decoded by Hummingbird as
/// HTML forms send it ('+' is a space).
struct SearchParameters: Decodable {
    var q: String?
    var limit: Int?
    var offset: Int?
    var kind: String?
    var doc: Int?
    var flat: String?
    var strict: String?
    /// Only documents this note cites (as `dossier notes` prints it, or its file name).
    var note: String?
    /// Only documents fetched from this host.
    var site: String?
    /// Only passages in these languages (`fr`, `en,fr`).
    var lang: String?

    /// The search asked for, checked; nil when there is no query.
    func request() throws -> SearchRequest? {
        guard let q, !q.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        var search = SearchRequest(query: q)
        if let limit {
            guard (1...1000).contains(limit) else { throw HTTPError(.badRequest, message: "limit must be a number from 1 to 1000") }
            search.limit = limit
        }
        if let offset {
            guard offset >= 0 else { throw HTTPError(.badRequest, message: "offset must be a number from 0") }
            search.offset = offset
        }
        if let kind, !kind.isEmpty {
            guard let typed = DocumentKind.searchable(named: kind) else {
                throw HTTPError(.badRequest, message: "kind must be \(DocumentKind.searchableNames)")
            }
            search.kind = typed
        }
        search.doc = doc
        search.note = note.flatMap { $0.isEmpty ? nil : $0 }
        search.site = site.flatMap { $0.isEmpty ? nil : $0 }
        search.flat = flat == "1"
        search.strict = strict == "1"
        if let lang, !lang.isEmpty {
            guard let languages = Language.list(lang) else {
                throw HTTPError(.badRequest, message: "lang takes language codes separated by commas, among \(Language.knownCodes)")
            }
            search.languages = languages
        }
        return search
    }
}

/// The search page's view: the form, then the results grouped by document.
struct SearchView {
    struct Kind {
        var value: String
        var label: String
        var selected: Bool
    }

    /// A choice of a select of the form (a language, a note, a site), "" for all.
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct DocumentGroup {
        var id: Int
        var title: String
        var kind: String
        var url: String?
        var citations: [CitationView]
        var hits: [Hit]
        /// "N more passages in this document", linking to them all.
        var more: More?
        /// Whether no passage holds every word: the hits are each word's best.
        var scattered = false
    }

    struct More {
        var text: String
        var href: String
    }

    struct Hit {
        var noteLine: CitationView?
        var page: Page?
        var snippet: [TextPiece]
        /// The page's citation (not for a note's own lines).
        var cite: CiteView?
    }

    struct Page {
        var href: String
        /// The reader at this page, the query's matches marked.
        var read: String
        var number: Int
        /// The page a passage running onto the next ends on.
        var endNumber: Int?
        var printed: String?
        var score: String
        var preview: Preview?
        /// "scanned: OCR 91%" for a page read by OCR.
        var scanned: String?
        /// The page's running head: the section it is in.
        var section: String?
    }

    struct Preview {
        var small: String
        var large: String
    }

    /// The home page (no query yet): what the library holds.
    struct Home {
        struct Note {
            var path: String
            var href: String
            var links: Int
        }
        /// "14 documents (1 note, 13 pdf), 391 pages, 1,144 passages".
        var counts: String
        /// "last document added 2026-12-06T16:07:49Z", nil for an empty library.
        var lastAdded: String?
        var notes: [Note]
        var hasNotes: Bool
        /// "3 cited links do not answer", nil when all do.
        var deadLinks: String?
    }

    var title = "Dossier"
    var home: Home?
    var query = ""
    var kinds: [Kind]
    /// The library's languages, when it holds more than English.
    var languages: [Option] = []
    var hasLanguages = false
    /// The notes and the sites documents came from, to narrow the search to
    /// one (`note=`, `site=`), when there is more than one of either.
    var noteFilter: [Option] = []
    var hasNoteFilter = false
    var siteFilter: [Option] = []
    var hasSiteFilter = false

    /// The filters of the form: `notes` and `sites`, with the one asked for selected.
    mutating func filters(notes paths: [String], sites hosts: [String], note: String?, site: String?) {
        if paths.count > 1 {
            noteFilter = [Option(value: "", label: "all notes", selected: (note ?? "").isEmpty)]
                + paths.map { Option(value: $0, label: $0.hasPrefix("corpus/notes/") ? String($0.dropFirst(13)) : $0, selected: $0 == note) }
            hasNoteFilter = true
        }
        if hosts.count > 1 {
            siteFilter = [Option(value: "", label: "all sites", selected: (site ?? "").isEmpty)]
                + hosts.map { Option(value: $0, label: $0, selected: $0 == site) }
            hasSiteFilter = true
        }
    }
    var hints: [String] = []
    var error: String?
    var showHelp = false
    var count: String?
    var noMatch = false
    var documents: [DocumentGroup] = []
    var previous: String?
    var next: String?

    init(kind: String?, lang: String? = nil, held: [Language] = []) {
        kinds = ["", "pdf", "html", "note"].map { Kind(value: $0, label: $0.isEmpty ? "all" : $0, selected: $0 == (kind ?? "")) }
        if held.count > 1 {
            languages = [Option(value: "", label: "all languages", selected: (lang ?? "").isEmpty)]
                + held.map { Option(value: $0.code, label: $0.name, selected: $0.code == lang) }
            hasLanguages = true
        }
    }
}

extension Site {
    /// `/`: the form, and the results of `q` if given.
    func searchPage(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let parameters = try request.uri.decodeQuery(as: SearchParameters.self, context: context)
        var view = SearchView(kind: parameters.kind, lang: parameters.lang, held: SearchResults.languagesHeld(workspace))
        let (notes, sites) = try catalogs.use { catalog in
            (try catalog.notes().map(\.path), Set(try catalog.documentSources().values.compactMap(\.host)).sorted())
        }
        view.filters(notes: notes, sites: sites, note: parameters.note, site: parameters.site)
        guard var search = try parameters.request() else {
            view.showHelp = true
            view.home = try catalogs.use { try Self.home($0) }
            return page(view, "search")
        }
        view.query = search.query
        view.title = "\(search.query.clipped(to: SearchResults.Limits.title)) — Dossier"
        search.limit = min(search.limit, 50)
        do {
            let (output, hints) = try await run(search)
            view.hints = hints
            let took = "(\(String(format: "%.1f", output.tookMs)) ms)"
            // Totals that are lower bounds (counting stopped at a thousand) say so.
            let exact = ((search.flat ? nil : output.totalDocumentsRelation) ?? output.totalRelation) == "eq"
            view.count = "\(SearchResults.matchedSummary(output)) \(took)"
            view.noMatch = output.total == 0
            // The language chosen stays chosen on the next pages and in a document's passages.
            let language = search.languages.map { "&lang=\($0.map(\.code).joined(separator: ","))" } ?? ""
            view.documents = Self.groups(output.results, query: search.query, carrying: language)
            // Pages of documents (of passages with flat=1); never an empty next page.
            let base = "/?q=\(Links.query(search.query))" + (search.kind.map { "&kind=\($0.rawValue)" } ?? "")
                + (search.doc.map { "&doc=\($0)" } ?? "") + (search.flat ? "&flat=1" : "") + (search.strict ? "&strict=1" : "")
                + (search.note.map { "&note=\(Links.query($0))" } ?? "") + (search.site.map { "&site=\(Links.query($0))" } ?? "")
                + (parameters.limit != nil ? "&limit=\(search.limit)" : "") + language
            let shown = search.flat ? output.results.count : view.documents.count
            let available = search.flat ? output.total : (output.totalDocuments ?? 0)
            if search.offset > 0 { view.previous = base + "&offset=\(max(0, search.offset - search.limit))" }
            // A total that is a lower bound may hide more: a full page always has a next one.
            if shown > 0, search.offset + shown < available || (!exact && shown == search.limit) {
                view.next = base + "&offset=\(search.offset + shown)"
            }
        } catch let error as QueryError {
            view.error = error.description
            view.showHelp = true
        } catch let error as DossierError {
            // A filter that names nothing, or a workspace not indexed yet: said on the page.
            view.error = error.description
        }
        return page(view, "search")
    }

    /// `/api/search`: the CLI's `--json` output.
    func apiSearch(_ request: Request, _ context: some RequestContext) async throws -> Response {
        guard let search = try request.uri.decodeQuery(as: SearchParameters.self, context: context).request() else {
            throw HTTPError(.badRequest, message: "q is required")
        }
        do {
            let (output, _) = try await run(search)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Responses.make(.ok, "application/json", ByteBuffer(data: try encoder.encode(output)))
        } catch let error as QueryError {
            throw HTTPError(.badRequest, message: error.error.description)
        } catch let error as DossierError {
            throw HTTPError(.badRequest, message: error.description)
        }
    }

    /// Runs `search` through the gate (a few at a time, within a deadline).
    func run(_ search: SearchRequest) async throws -> (SearchResults.Output, hints: [String]) {
        let (workspace, catalogs) = (self.workspace, self.catalogs)
        return try await gate.run { try catalogs.use { try SearchResults.run(search, workspace: workspace, catalog: $0) } }
    }

    /// What the home page says of the library: counts, the last document
    /// added (whoever ran the update), the notes, the dead links.
    static func home(_ catalog: CatalogStore) throws -> SearchView.Home {
        let status = try catalog.status()
        let documents = status.documentsByKind.values.reduce(0, +)
        let kinds = status.documentsByKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let counts = "\(documents) document\(documents == 1 ? "" : "s")" + (kinds.isEmpty ? "" : " (\(kinds))")
            + ", \(status.pages) page\(status.pages == 1 ? "" : "s"), \(status.passages) passage\(status.passages == 1 ? "" : "s")"
        let notes = try catalog.notes().map { SearchView.Home.Note(path: $0.path, href: Links.note($0.path, line: 1, anchor: false), links: $0.citations) }
        let dead = try catalog.urlStates().filter { $0.cited && $0.status.isDead }.count
        return SearchView.Home(counts: counts, lastAdded: status.lastIndexed.map { "last document added \($0)" }, notes: notes,
                               hasNotes: !notes.isEmpty,
                               deadLinks: dead == 0 ? nil : "\(dead) cited link\(dead == 1 ? " does" : "s do") not answer")
    }

    /// The words of `query` joined by OR (a search of any of them).
    static func anyWords(_ query: String) -> String {
        query.split(separator: " ").filter { !["AND", "OR", "NOT"].contains($0) && !$0.hasPrefix("-") }.joined(separator: " OR ")
    }

    /// Results in runs of one document, as the page shows them.
    static func groups(_ results: [SearchResults.Result], query: String, carrying: String = "") -> [SearchView.DocumentGroup] {
        var groups: [SearchView.DocumentGroup] = []
        // The query's phrases of several words, for previews that outline them only together.
        let phrases = SearchResults.phrases(query)
        for result in results {
            if groups.last?.id != result.document.id {
                groups.append(.init(
                    id: result.document.id, title: DocumentName.of(title: result.document.title, url: result.document.url, path: result.document.path), kind: result.document.kind.rawValue,
                    url: result.document.url,
                    citations: result.citations.prefix(3).map { CitationView(note: $0.note, line: $0.line, label: $0.label) },
                    hits: [], more: nil, scattered: result.document.wordsTogether == false))
            }
            let snippet = TextPiece.pieces(result.snippet, result.highlights)
            var hit = SearchView.Hit(snippet: snippet)
            if result.document.kind == .note {
                hit.noteLine = CitationView(note: result.document.path, line: result.line ?? 1, label: "")
            } else {
                let printed = result.pageLabel.flatMap { $0 != String(result.page) ? $0 : nil }
                var page = SearchView.Page(href: "/documents/\(result.document.id)/file#page=\(result.page)",
                                           read: "/documents/\(result.document.id)/pages/\(result.page)?q=\(Links.query(query))", number: result.page,
                                           endNumber: result.endPage, printed: printed, score: String(format: "%.3f", result.score),
                                           scanned: result.ocr ? "scanned: OCR" + (result.ocrConfidence.map { " \(Int($0.rounded()))%" } ?? "") : nil,
                                           section: result.section)
                if result.document.kind == .pdf {
                    let words = TextPiece.previewWords(snippet, phrases: phrases).prefix(8).joined(separator: ",")
                    let small = "/documents/\(result.document.id)/pages/\(result.page)/preview.png?w=\(Links.query(words))"
                    page.preview = .init(small: small, large: small + "&size=large")
                }
                hit.page = page
                if let markdown = result.cite {
                    hit.cite = CiteView(markdown: markdown, document: result.document.id, page: result.document.kind == .pdf ? result.page : nil)
                }
            }
            groups[groups.count - 1].hits.append(hit)
            let group = groups[groups.count - 1]
            if let matches = result.document.matches, matches > group.hits.count {
                let rest = matches - group.hits.count
                // Scattered words: the rest hold some of them.
                let shownQuery = group.scattered ? anyWords(query) : query
                groups[groups.count - 1].more = .init(
                    text: "\(rest) more passage\(rest == 1 ? "" : "s") \(group.scattered ? "with some of the words" : "in this document")",
                    href: "/?q=\(Links.query(shownQuery))&doc=\(group.id)&flat=1" + carrying)
            } else {
                groups[groups.count - 1].more = nil
            }
        }
        return groups
    }
}
