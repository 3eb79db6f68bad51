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
        // By bytes: white space is Unicode's White_Space, as
        // `Character.isWhitespace` has it: the bytes 0x09-0x0D and 0x20,
        // and beyond ASCII U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
        // U+2029, U+202F, U+205F and U+3000 (a text beyond ASCII split into
        // Characters was a twentieth of a web page's extraction).
        var copy = text
        return copy.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                var length = 1
                var space = false
                if b < 0x80 {
                    space = b == 0x20 || (b >= 0x09 && b <= 0x0D)
                } else {
                    length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                    length = min(length, bytes.count - i)
                    if length == 2 {
                        space = b == 0xC2 && (bytes[i + 1] == 0x85 || bytes[i + 1] == 0xA0)
                    } else if length == 3 {
                        let (c1, c2) = (bytes[i + 1], bytes[i + 2])
                        if b == 0xE1 {
                            space = c1 == 0x9A && c2 == 0x80  // U+1680
                        } else if b == 0xE2 && c1 == 0x80 {
                            space = c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF  // U+2000-200A, 2028, 2029, 202F
                        } else if b == 0xE2 && c1 == 0x81 {
                            space = c2 == 0x9F  // U+205F
                        } else if b == 0xE3 {
                            space = c1 == 0x80 && c2 == 0x80  // U+3000
                        }
                    }
                }
                if space {
                    pendingSpace = !out.isEmpty
                    // Marks after a space (not a control: tab, line breaks,
                    // U+0085, U+2028, U+2029) make one white Character with
                    // it (Unicode's grapheme rules GB4, GB9, GB9a): they go too.
                    let control = b < 0x20 || (b == 0xC2 && bytes[i + 1] == 0x85) || (b == 0xE2 && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9))
                    i += length
                    while !control, i < bytes.count, bytes[i] >= 0xC0, let (scalar, n) = Self.scalar(bytes, at: i), Self.extendsCluster(scalar) { i += n }
                    continue
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    for k in i..<(i + length) { out.append(bytes[k]) }
                }
                i += length
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The scalar whose UTF-8 starts at `i`, and its length in bytes (nil
    /// for bytes that are not one).
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int)? {
        let b = UInt32(bytes[i])
        let (n, start): (Int, UInt32) = b >= 0xF0 ? (4, b & 0x07) : b >= 0xE0 ? (3, b & 0x0F) : b >= 0xC0 ? (2, b & 0x1F) : (1, b)
        guard i + n <= bytes.count else { return nil }
        var value = start
        for k in 1..<n { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return Unicode.Scalar(value).map { ($0, n) }
    }

    /// Whether `scalar` joins the cluster before it (a grapheme extender,
    /// a zero-width joiner, a spacing mark, an emoji modifier).
    static func extendsCluster(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isGraphemeExtend || scalar.value == 0x200D || properties.generalCategory == .spacingMark
            || (0x1F3FB...0x1F3FF).contains(scalar.value)
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
