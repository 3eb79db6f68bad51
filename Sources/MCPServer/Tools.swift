import Analysis
import DossierCore
import Foundation
import MCP
import SearchService

/// The tools an assistant may call: what each is for, what it takes and
/// what it answers, written for the model that reads them. All of them
/// only read: none fetches, writes, or runs an update.
enum Tools {
    static let kinds = DocumentKind.searchable.map(\.rawValue)

    static let readOnly = Tool.Annotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)

    static let search = Tool(
        name: "search",
        title: "Search the library",
        description: """
            Full-text search (BM25) over the documents the user's research notes cite: PDF reports, web pages, and the notes themselves. \
            Use it first for any question about what the library says. Send keywords or a phrase (a question as typed works too: \
            when no document holds every word, the search drops its common words and takes the rest, all of them, else any, and says so \
            in `hints` and `any_words_query`); `"exact phrase"`, \
            `OR`, `NOT`, `-word` and `word*` work as in the CLI. Results come grouped by document (best document first, at most \
            `per_document` passages each) unless `flat` is true: a document matches when it holds every word somewhere; when no one \
            passage holds them all, `document.words_together` is false and its passages shown are each word's best. With `flat`, every \
            word must be in the same passage; `limit` and `offset` count documents when grouped, passages when flat. \
            Each result gives the document (id, title, kind, URL or path), the physical `page` and printed `page_label`, a snippet with \
            `highlights` ([start, end) in Unicode scalars of the snippet), the score, every note line citing the document (`citations`, \
            with note path, line, heading and task state), `open`, a link to the page, and `cite`, the page's citation in Markdown \
            (`[Title, p. 12](URL#page=14)`) to quote in an answer. Cite the page_label (or page) and the note line. \
            `document.matches` minus the passages shown is how many more passages match there: search again with `document` and `flat`. \
            To read around a hit, call read_page with the document id and page.
            """,
        inputSchema: JSONSchema.object([
            "query": JSONSchema.described(JSONSchema.string, "What to look for, e.g. timber trafficking, \"Operation Thunder\", CITES Appendix II."),
            "limit": JSONSchema.described(JSONSchema.integer(1...50), "Documents per page (passages with flat). Default 10."),
            "offset": JSONSchema.described(JSONSchema.integer(0...100_000), "Documents to skip (passages with flat). Default 0."),
            "flat": JSONSchema.described(JSONSchema.boolean, "Rank passages one by one instead of grouping them by document. Default false."),
            "per_document": JSONSchema.described(JSONSchema.integer(1...20), "Most passages shown per document when grouped. Default 3."),
            "document": JSONSchema.described(JSONSchema.integer, "Only this document (its id from a result or list_documents)."),
            "note": JSONSchema.described(JSONSchema.string, "Only documents this note cites, and the note itself (its path or file name)."),
            "site": JSONSchema.described(JSONSchema.string, "Only documents fetched from this host or its subdomains, e.g. cites.org."),
            "kind": JSONSchema.described(JSONSchema.oneOf(kinds), "Only documents of this kind."),
            "languages": JSONSchema.described(JSONSchema.string,
                "Only passages in these languages, the query analyzed in each: language codes separated by commas, e.g. fr or en,fr (default: every language of the library, each word in those whose text writes it)."),
        ], required: ["query"], closed: true),
        annotations: readOnly,
        outputSchema: JSONSchema.object([
            "query": JSONSchema.string, "fts5_query": JSONSchema.nullable(JSONSchema.string), "total": JSONSchema.integer,
            "total_documents": JSONSchema.nullable(JSONSchema.integer), "total_relation": JSONSchema.oneOf(["eq", "gte"]),
            "total_documents_relation": JSONSchema.nullable(JSONSchema.string), "took_ms": JSONSchema.number,
            "results": JSONSchema.array(JSONSchema.result), "hints": JSONSchema.array(JSONSchema.string),
            "any_words_query": JSONSchema.nullable(JSONSchema.string),
        ]))

    static let readPage = Tool(
        name: "read_page",
        title: "Read a page",
        description: """
            The text of one page of a document (for a note, one section: page 1 is the text before the first heading), to read a \
            search hit in its context or quote it. Pages are physical, from 1, as search results give them; `page_label` is the \
            number printed on the page. At most `max_characters` characters are returned from `offset`; when `next_offset` is not \
            null, call again with offset = next_offset for the rest.
            """,
        inputSchema: JSONSchema.object([
            "document": JSONSchema.described(JSONSchema.integer, "The document id (from search or list_documents)."),
            "page": JSONSchema.described(JSONSchema.integer(1...100_000), "The physical page, from 1. Default 1."),
            "offset": JSONSchema.described(JSONSchema.integer(0...10_000_000), "Where to start in the page's text, in characters. Default 0."),
            "max_characters": JSONSchema.described(JSONSchema.integer(200...Library.maxPageCharacters), "Most characters to return. Default 8000."),
        ], required: ["document"], closed: true),
        annotations: readOnly,
        outputSchema: JSONSchema.object([
            "document": JSONSchema.document, "page": JSONSchema.integer, "page_label": JSONSchema.nullable(JSONSchema.string),
            "line": JSONSchema.nullable(JSONSchema.integer), "ocr": JSONSchema.boolean,
            "ocr_confidence": JSONSchema.nullable(JSONSchema.number), "text": JSONSchema.string, "offset": JSONSchema.integer,
            "total_characters": JSONSchema.integer, "next_offset": JSONSchema.nullable(JSONSchema.integer),
        ]))

    static let listDocuments = Tool(
        name: "list_documents",
        title: "List the documents",
        description: """
            Every document in the library: id, kind, title, URL (null for local files and notes), pages, extraction status \
            (`failed` with its error; `needs_ocr` when most pages are scanned images without text, which search cannot find), \
            how many note lines in which notes cite it, every file path and URL holding it, and its earlier versions (a document \
            keeps its id when its URL serves a new version, so an id cited earlier still names it). Use it to see what the library \
            holds or to find a document's id.
            """,
        inputSchema: JSONSchema.object([
            "kind": JSONSchema.described(JSONSchema.oneOf(kinds), "Only documents of this kind."),
            "note": JSONSchema.described(JSONSchema.string, "Only documents this note cites, and the note."),
            "site": JSONSchema.described(JSONSchema.string, "Only documents fetched from this host or its subdomains."),
        ], required: [], closed: true),
        annotations: readOnly,
        outputSchema: JSONSchema.object(["documents": JSONSchema.array(JSONSchema.document)]))

    static let citations = Tool(
        name: "citations",
        title: "Note lines citing a document",
        description: """
            Every line of the user's notes that links to a document: the note's path, line and column, the link's label, the \
            headings above it, its task state (open or done for a checklist item, else null) and the whole line. Use it to say why \
            the user cited a document or what they planned to do with it.
            """,
        inputSchema: JSONSchema.object([
            "document": JSONSchema.described(JSONSchema.integer, "The document id."),
        ], closed: true),
        annotations: readOnly,
        outputSchema: JSONSchema.object(["document": JSONSchema.document, "citations": JSONSchema.array(JSONSchema.citation)]))

    static let status = Tool(
        name: "status",
        title: "Library status",
        description: """
            What the library holds as of its last update: notes, links and URLs by fetch state, documents by kind, pages (and \
            how many have no text), passages, documents that failed or need OCR, the index generation and `index.committed_at`, \
            when it was last updated. Use it when a search finds nothing to tell whether the library is empty or stale.
            """,
        inputSchema: JSONSchema.object([:], required: [], closed: true),
        annotations: readOnly,
        outputSchema: JSONSchema.object([
            "workspace": JSONSchema.string,
            "catalog": JSONSchema.object([
                "notes": JSONSchema.integer, "citations": JSONSchema.integer, "urls": JSONSchema.integer,
                "passages": JSONSchema.integer, "pages": JSONSchema.integer, "pages_without_text": JSONSchema.integer,
                "documents_by_kind": JSONSchema.map(JSONSchema.integer), "documents_by_status": JSONSchema.map(JSONSchema.integer),
                "needs_ocr": JSONSchema.array(.object(["type": .string("object")])),
                "failed": JSONSchema.array(.object(["type": .string("object")])),
            ], required: ["notes", "citations", "urls", "passages", "pages", "documents_by_kind", "needs_ocr", "failed"]),
            "urls": JSONSchema.map(JSONSchema.integer),
            "index": JSONSchema.object([
                "generation": JSONSchema.integer, "segments": JSONSchema.integer, "passages": JSONSchema.integer,
                "terms": JSONSchema.integer, "committed_at": JSONSchema.nullable(JSONSchema.string),
                "problem": JSONSchema.nullable(JSONSchema.string),
            ]),
            "bytes": JSONSchema.map(JSONSchema.integer),
            "ocr": JSONSchema.object([
                "done": JSONSchema.integer, "pending": JSONSchema.integer, "failed": JSONSchema.integer,
                "mean_confidence": JSONSchema.nullable(JSONSchema.number),
            ]),
        ]))

    /// Every tool, in the order a model meets them.
    static let all = [search, readPage, listDocuments, citations, status]

    /// Runs the tool `name` with `arguments` against `library`: its JSON as
    /// structured content and as text, or a tool error (`isError`) saying
    /// what is wrong. Nothing a client sends ends the session.
    static func call(_ name: String, _ arguments: [String: Value]?, library: Library) async -> CallTool.Result {
        do {
            let arguments = Arguments(arguments ?? [:], tool: name)
            let value: Value
            switch name {
            case "search":
                try arguments.only(["query", "limit", "offset", "flat", "per_document", "document", "note", "site", "kind", "languages"])
                var request = SearchRequest(query: try arguments.string("query"))
                request.anyWordsFallback = true
                request.limit = try arguments.integer("limit", in: 1...50) ?? 10
                request.offset = try arguments.integer("offset", in: 0...100_000) ?? 0
                request.flat = try arguments.boolean("flat") ?? false
                request.perDoc = try arguments.integer("per_document", in: 1...20) ?? 3
                request.doc = try arguments.integer("document", in: 0...Int(Int32.max))
                request.note = try arguments.optionalString("note")
                request.site = try arguments.optionalString("site")
                request.kind = try arguments.choice("kind", among: kinds).flatMap(DocumentKind.init(rawValue:))
                if let codes = try arguments.optionalString("languages") {
                    guard let languages = Language.list(codes) else {
                        throw ToolError("languages takes language codes separated by commas, among \(Language.knownCodes)")
                    }
                    request.languages = languages
                }
                value = try JSONValue.make(await library.search(request))
            case "read_page":
                try arguments.only(["document", "page", "offset", "max_characters"])
                let document = try arguments.integer("document", in: 0...Int(Int32.max), required: true)!
                value = try JSONValue.make(await library.readPage(
                    document: String(document), page: try arguments.integer("page", in: 1...100_000) ?? 1,
                    offset: try arguments.integer("offset", in: 0...10_000_000) ?? 0,
                    maxCharacters: try arguments.integer("max_characters", in: 200...Library.maxPageCharacters) ?? 8000))
            case "list_documents":
                try arguments.only(["kind", "note", "site"])
                value = try JSONValue.make(await library.documents(
                    kind: try arguments.choice("kind", among: kinds).flatMap(DocumentKind.init(rawValue:)),
                    note: try arguments.optionalString("note"), site: try arguments.optionalString("site")))
            case "citations":
                try arguments.only(["document"])
                let document = try arguments.integer("document", in: 0...Int(Int32.max), required: true)!
                value = try JSONValue.make(await library.citations(of: String(document)))
            case "status":
                try arguments.only([])
                value = try JSONValue.make(await library.status())
            default:
                let names = all.map(\.name)
                let close = Suggestions.closest(name, among: names)
                throw ToolError("there is no tool \(name)" + (close.isEmpty ? "; the tools are " + names.joined(separator: ", ")
                    : "; did you mean " + close.joined(separator: ", ") + "?"))
            }
            return try CallTool.Result(content: [.text(text: JSONValue.text(value), annotations: nil, _meta: nil)],
                                   structuredContent: value, isError: false)
        } catch {
            return failure(error)
        }
    }

    /// A tool error: the message of `error`, one paragraph.
    static func failure(_ error: Error) -> CallTool.Result {
        let message: String
        switch error {
        case let error as DossierError: message = error.description
        case let error as QueryError: message = error.description
        case let error as ToolError: message = error.description
        default: message = String(describing: error)
        }
        return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}

/// A tool call's arguments, read with the checks a model's mistakes need:
/// each wrong argument is an error naming it and saying what it takes.
struct Arguments {
    let values: [String: Value]
    let tool: String

    init(_ values: [String: Value], tool: String) {
        self.values = values
        self.tool = tool
    }

    /// Refuses arguments the tool does not take.
    func only(_ names: Set<String>) throws {
        let unknown = values.keys.filter { !names.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let takes = names.isEmpty ? "it takes none" : "it takes " + names.sorted().joined(separator: ", ")
            throw ToolError("\(tool) has no argument \(unknown.joined(separator: ", ")): \(takes)")
        }
    }

    /// A required string.
    func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else { throw ToolError("\(tool) needs \(name), a string") }
        return value
    }

    /// A string, if given (null counts as not given).
    func optionalString(_ name: String) throws -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw ToolError("\(name) must be a string")
        }
    }

    /// An integer within `range`, if given: a JSON number with no fraction,
    /// or a string of digits (as some clients send them).
    func integer(_ name: String, in range: ClosedRange<Int>, required: Bool = false) throws -> Int? {
        let number: Int?
        switch values[name] {
        case nil, .null?: number = nil
        case .int(let n)?: number = n
        case .double(let d)? where d.rounded() == d && abs(d) < 1e15: number = Int(d)
        case .string(let text)? where Int(text.trimmingCharacters(in: .whitespaces)) != nil:
            number = Int(text.trimmingCharacters(in: .whitespaces))
        default: throw ToolError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard let number else {
            if required { throw ToolError("\(tool) needs \(name), a whole number") }
            return nil
        }
        guard range.contains(number) else {
            throw ToolError("\(name) must be from \(range.lowerBound) to \(range.upperBound), not \(number)")
        }
        return number
    }

    /// A boolean, if given.
    func boolean(_ name: String) throws -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case .string("true")?: return true
        case .string("false")?: return false
        default: throw ToolError("\(name) must be true or false")
        }
    }

    /// One of `choices`, if given.
    func choice(_ name: String, among choices: [String]) throws -> String? {
        guard let text = try optionalString(name) else { return nil }
        guard choices.contains(text.lowercased()) else {
            throw ToolError("\(name) must be one of \(choices.joined(separator: ", ")), not \(text)")
        }
        return text.lowercased()
    }
}

/// Values as the tools answer them: the JSON of the CLI's `--json`
/// (snake_case keys, every key present, null where there is no value).
enum JSONValue {
    static func make<T: Encodable>(_ value: T) throws -> Value {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONDecoder().decode(Value.self, from: encoder.encode(value))
    }

    /// `value` as compact JSON text with sorted keys.
    static func text(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
