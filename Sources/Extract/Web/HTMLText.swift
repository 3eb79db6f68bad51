import DossierCore
import Foundation

/// The text of a web page: its main content (``MainContent``) read in
/// document order, with its metadata (``WebMetadata``).
///
/// Block elements end lines; headings end sections, so that a passage never
/// runs across one. A web page is one page. A page whose visible article is
/// short (one that builds its text with scripts) is read from its JSON-LD
/// `articleBody` when that holds the article.
public enum HTMLText {
    /// A web page's text: its title and its sections (each starting with its heading, if any).
    public struct Page: Sendable {
        /// The page's title.
        public var title: String?
        /// Text of each section, lines separated by `\n`, paragraphs by a blank line.
        public var sections: [String]
        /// False when no article could be told from the page around it, and the whole body is kept.
        public var articleFound: Bool
        /// What the page says of itself: author, dates, site, language, address.
        public var metadata: WebMetadata
    }

    /// Elements that end a line.
    static let blocks: Set<String> = ["p", "div", "li", "ul", "ol", "dl", "dt", "dd", "br", "tr", "table",
                                      "section", "article", "main", "blockquote", "pre", "figure", "figcaption",
                                      "address", "hr", "caption", "details", "summary", "header", "hgroup", "form",
                                      "fieldset", "center", "tbody", "thead", "tfoot"]
    static let paragraphEnds: Set<String> = ["p", "blockquote", "pre", "table", "ul", "ol", "dl", "figure"]

    /// Parses `data` as HTML.
    public static func read(_ data: Data) throws -> Page {
        guard !data.isEmpty else { throw ExtractionError.unreadable("the web page is empty") }
        guard let (tree, content) = MainContent.extract(data) else {
            throw ExtractionError.unreadable("libxml2 could not parse the web page")
        }
        var walker = Walker()
        for node in content.nodes {
            walker.walk(node)
            walker.endParagraph()
        }
        walker.endSection()
        let sections = walker.sections.filter { $0.utf8.contains { $0 != 0x20 && $0 != 0x0A } }
        let metadata = WebMetadata.read(tree)
        // A page that builds its text with scripts may give it whole in its
        // JSON-LD: taken when the visible article is short beside it.
        let visible = sections.reduce(0) { $0 + $1.count }
        if let body = metadata.articleBody, body.count >= MainContent.enough,
           visible < MainContent.enough || (!content.found && body.count > 2 * visible) {
            return Page(title: metadata.title ?? walker.firstHeading, sections: [body], articleFound: true, metadata: metadata)
        }
        return Page(title: metadata.title ?? walker.firstHeading, sections: sections, articleFound: content.found,
                    metadata: metadata)
    }

    static func collapse(_ text: String) -> String {
        // ASCII (most metadata) by bytes: its white space is the bytes
        // 0x09-0x0D and 0x20, as `Character.isWhitespace` has it.
        var copy = text
        let ascii: String? = copy.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return ascii ?? text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Collects text in document order, with line and section breaks. It
    /// builds UTF-8 bytes: runs of ASCII white space inside a line are one
    /// space (the normalizer does the rest).
    struct Walker {
        var sections: [String] = []
        var current: [UInt8] = []
        var firstHeading: String?

        static let newline: UInt8 = 0x0A, space: UInt8 = 0x20

        mutating func endLine() {
            while current.last == Self.space { current.removeLast() }
            if !current.isEmpty, current.last != Self.newline { current.append(Self.newline) }
        }

        mutating func endParagraph() {
            endLine()
            if !current.isEmpty, !(current.count >= 2 && current[current.count - 2] == Self.newline) { current.append(Self.newline) }
        }

        mutating func endSection() {
            if !current.isEmpty { sections.append(String(decoding: current, as: UTF8.self)) }
            current = []
        }

        mutating func append(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                for byte in bytes {
                    if byte == Self.space || (0x09...0x0D).contains(byte) {
                        if let last = current.last, last != Self.space, last != Self.newline { current.append(Self.space) }
                    } else {
                        current.append(byte)
                    }
                }
            }
        }

        mutating func walk(_ node: HTMLNode) {
            if node.isText {
                append(node.text)
                return
            }
            let tag = node.tag
            if node.isHeading {
                endSection()
                let heading = node.innerText
                if firstHeading == nil, !heading.isEmpty { firstHeading = heading }
                for child in node.children { walk(child) }
                endParagraph()
                return
            }
            let isBlock = node.endsLine
            if isBlock { endLine() }
            // A table's cells, a space apart: a row is a line.
            if tag == "td" || tag == "th", let last = current.last, last != Self.newline, last != Self.space { current.append(Self.space) }
            for child in node.children { walk(child) }
            if HTMLText.paragraphEnds.contains(tag) {
                endParagraph()
            } else if isBlock {
                endLine()
            }
        }
    }
}
