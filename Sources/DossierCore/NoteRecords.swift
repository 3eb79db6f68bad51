// What the notes stage finds in a note, as every later stage and the
// catalog read it: the citations (one type from the parser to the JSON a
// search prints), the note's own blocks, its warnings. They live here, in
// the vocabulary every stage shares, so that the catalog depends on no stage;
// `Notes` makes them.

/// How a link was written in the note.
public enum LinkSyntax: String, Codable, Sendable, CaseIterable {
    /// `[label](https://…)` or `![alt](https://…)`.
    case inline
    /// `[label][ref]`, `[label][]` or `[label]`, resolved through a `[ref]: https://…` definition.
    case reference
    /// `<https://…>`.
    case autolink
    /// A URL written as plain text.
    case bare
    /// A `[ref]: https://…` definition that no reference in the note uses.
    case definition
}

/// The checklist state of a task-list item (`- [ ]`, `- [x]`).
public enum TaskState: String, Codable, Sendable {
    /// `- [ ]`
    case open
    /// `- [x]` or `- [X]`
    case done
}

/// One link in a note: where it stands and what the note says about it.
///
/// The one citation type of Dossier: the parser makes it, the catalog
/// stores and returns it, search results and `links --json` print it (its
/// JSON keys are its properties, snake_case, every one present).
public struct Citation: Sendable, Hashable, Codable {
    /// Workspace-relative path of the note (`corpus/notes/…`); empty when
    /// the parser was handed bytes without a path.
    public var note: String
    /// The URL as written (after Markdown unescaping).
    public var url: String
    /// Its canonical form (see `Notes.URLNormalizer`): the URL's identity.
    public var normalizedURL: String
    /// 1-based line of the link's first character.
    public var line: Int
    /// 1-based column, in Unicode scalars, of the link's first character
    /// (`[` of a Markdown link, `<` of an autolink, `h` of a bare URL).
    public var column: Int
    /// How many Unicode scalars of the line the link takes from `column`
    /// (`[label](url)` whole, `<url>`, the bare URL), so that a note can be
    /// shown with its links in place; 0 for a reference definition.
    public var length: Int
    /// The link's label: its text for a Markdown link, the words of its line
    /// around it for a bare URL or an autolink.
    public var label: String
    /// The headings above the link, outermost first (inline Markdown removed).
    public var headingPath: [String] { didSet { heading = headingPath.last } }
    /// The nearest heading above the link.
    @JSONNullable public private(set) var heading: String?
    /// The checklist state when the link's line is a task-list item.
    @JSONNullable public var task: TaskState?
    /// The whole line the link is on (a window around the link when the line
    /// is longer than 4 KiB).
    public var text: String
    /// How the link was written.
    public var syntax: LinkSyntax
    /// The page the link points to, from a PDF open parameter in its
    /// fragment (`…/report.pdf#page=59`, RFC 8118), as `dossier cite`
    /// writes it; nil when it names none.
    @JSONNullable public private(set) var page: Int?

    /// The keys, `normalizedURL` spelled so that snake_case conversion
    /// gives `normalized_url` and reads it back.
    enum CodingKeys: String, CodingKey {
        case note, url, normalizedURL = "normalizedUrl", line, column, length, label, headingPath, heading, task, text, syntax, page
    }

    /// Creates a citation.
    public init(note: String = "", url: String, normalizedURL: String, line: Int, column: Int, label: String,
                headingPath: [String], task: TaskState?, text: String, syntax: LinkSyntax, length: Int = 0) {
        self.note = note
        self.url = url
        self.normalizedURL = normalizedURL
        self.line = line
        self.column = column
        self.length = length
        self.label = label
        self.headingPath = headingPath
        self.heading = headingPath.last
        self.task = task
        self.text = text
        self.syntax = syntax
        self.page = Self.page(in: url)
    }

    /// The page a URL's fragment names: `#page=59`, also among other open
    /// parameters (`#zoom=100&page=59`); nil for none or a page below 1.
    public static func page(in url: String) -> Int? {
        guard let hash = url.firstIndex(of: "#") else { return nil }
        for parameter in url[url.index(after: hash)...].split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "page", let page = Int(pair[1]), page >= 1, page < 1_000_000 { return page }
        }
        return nil
    }
}

/// Something in a note worth telling the user, tied to a line (0 for the whole file).
public struct NoteWarning: Sendable, Hashable, Codable {
    /// 1-based line, or 0 when the warning concerns the whole file.
    public var line: Int
    /// One line of text.
    public var message: String

    /// Creates a warning.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// A block of a note's own text: a paragraph, a list item, a quote, a code
/// block's contents. Blocks are what a note contributes to the index, so that
/// a search finds the note's own lines and points to `note:line`.
public struct NoteBlock: Sendable, Hashable, Codable {
    /// 1-based line the block starts on.
    public var line: Int
    /// Headings above the block, outermost first.
    public var headingPath: [String]
    /// The block's text, Markdown made plain (links become their labels).
    public var text: String

    /// Creates a block.
    public init(line: Int, headingPath: [String], text: String) {
        self.line = line
        self.headingPath = headingPath
        self.text = text
    }
}

/// What the parser found in one note.
public struct ParsedNote: Sendable {
    /// Every http(s) link, in reading order.
    public var citations: [Citation]
    /// The note's own text, block by block, with headings as blocks of their own.
    public var blocks: [NoteBlock] = []
    /// Problems met on the way; none of them stopped the parse.
    public var warnings: [NoteWarning]
    /// Number of lines in the note.
    public var lineCount: Int

    /// What was found.
    public init(citations: [Citation], blocks: [NoteBlock] = [], warnings: [NoteWarning], lineCount: Int) {
        self.citations = citations
        self.blocks = blocks
        self.warnings = warnings
        self.lineCount = lineCount
    }
}

/// One note file read from disk and parsed.
public struct NoteFile: Sendable {
    /// Path relative to the workspace root, e.g. `corpus/notes/iccwc.md`.
    public var path: String
    /// SHA-256 of the file's bytes: a note is parsed again only when it changes.
    public var sha256: String
    /// Size in bytes.
    public var size: Int
    /// What the parser found; `nil` when the note was unchanged and not parsed.
    public var parsed: ParsedNote?

    /// A note file.
    public init(path: String, sha256: String, size: Int, parsed: ParsedNote?) {
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.parsed = parsed
    }
}

/// One line of a note as the parser laid it out: what a page showing the
/// note draws besides the links (whose places the citations give).
public struct NoteLine: Sendable {
    /// The line's text.
    public var text = ""
    /// For a heading (ATX `#` or a setext underlined line): its level, its
    /// text (inline Markdown removed), and the scalar offset where the text
    /// starts on the line (after the `#`s).
    public var heading: (level: Int, text: String, start: Int)?
    /// For a task-list item: its state and the scalar offset of its `[ ]` box.
    public var task: (state: TaskState, box: Int)?
    /// Whether the line is in a fenced code block (or is a fence).
    public var code = false

    /// An empty, plain line.
    public init() {}
}
