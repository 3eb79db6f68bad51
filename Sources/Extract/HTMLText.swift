import DossierCore
import CLibXML2
import Foundation

/// The main text of a web page, through libxml2's forgiving HTML parser.
///
/// The page's main content is `<main>`, else its single `<article>`, else
/// `<body>`. Inside it, `script`, `style`, `nav`, `header`, `footer`,
/// `noscript`, `template`, `svg`, `form`, `aside` and elements marked hidden
/// are left out. Block elements end lines; headings end sections, so that a
/// passage never runs across one. The title is `og:title`, else `<title>`,
/// else the first heading. A web page is one page.
public enum HTMLText {
    /// A web page's text: its title and its sections (each starting with its heading, if any).
    public struct Page: Sendable {
        /// The page's title.
        public var title: String?
        /// Text of each section, lines separated by `\n`, paragraphs by a blank line.
        public var sections: [String]
    }

    static let skipped: Set<String> = ["script", "style", "nav", "header", "footer", "noscript", "template", "svg",
                                       "form", "aside", "iframe", "button", "select", "head"]
    static let blocks: Set<String> = ["p", "div", "li", "ul", "ol", "dl", "dt", "dd", "br", "tr", "td", "th", "table",
                                      "section", "article", "main", "blockquote", "pre", "figure", "figcaption",
                                      "address", "hr", "caption", "details", "summary"]
    static let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Parses `data` as HTML.
    public static func read(_ data: Data) throws -> Page {
        guard !data.isEmpty else { throw ExtractionError.unreadable("the web page is empty") }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let document = data.withUnsafeBytes { raw in
            htmlReadMemory(raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let document else { throw ExtractionError.unreadable("libxml2 could not parse the web page") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw ExtractionError.unreadable("the web page has no content") }

        var walker = Walker()
        let title = metaTitle(root) ?? firstText(named: "title", in: root)
        let main = first(named: "main", in: root) ?? single(named: "article", in: root) ?? first(named: "body", in: root) ?? root
        walker.walk(main)
        walker.endSection()
        let sections = walker.sections.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return Page(title: title ?? walker.firstHeading, sections: sections)
    }

    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)).lowercased() } ?? ""
    }

    static func attribute(_ node: xmlNodePtr, _ key: String) -> String? {
        guard let value = xmlGetProp(node, key) else { return nil }
        defer { dossier_xml_free(value) }
        return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
    }

    static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child { result.append(c); child = c.pointee.next }
        return result
    }

    static func elements(named target: String, in node: xmlNodePtr, limit: Int) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var stack = [node]
        while let current = stack.popLast(), found.count < limit {
            if current.pointee.type == XML_ELEMENT_NODE, name(current) == target { found.append(current); continue }
            stack.append(contentsOf: children(current).reversed())
        }
        return found
    }

    static func first(named target: String, in node: xmlNodePtr) -> xmlNodePtr? { elements(named: target, in: node, limit: 1).first }
    static func single(named target: String, in node: xmlNodePtr) -> xmlNodePtr? {
        let found = elements(named: target, in: node, limit: 2)
        return found.count == 1 ? found[0] : nil
    }

    static func textContent(_ node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { dossier_xml_free(content) }
        return String(cString: UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
    }

    static func firstText(named target: String, in node: xmlNodePtr) -> String? {
        first(named: target, in: node).map { collapse(textContent($0)) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func metaTitle(_ root: xmlNodePtr) -> String? {
        for meta in elements(named: "meta", in: root, limit: 200) {
            let key = (attribute(meta, "property") ?? attribute(meta, "name"))?.lowercased()
            if key == "og:title", let content = attribute(meta, "content") {
                let title = collapse(content)
                if !title.isEmpty { return title }
            }
        }
        return nil
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Collects text in document order, with line and section breaks.
    struct Walker {
        var sections: [String] = []
        var current = ""
        var firstHeading: String?

        mutating func endLine() {
            if !current.isEmpty, !current.hasSuffix("\n") { current += "\n" }
        }

        mutating func endParagraph() {
            endLine()
            if !current.isEmpty, !current.hasSuffix("\n\n") { current += "\n" }
        }

        mutating func endSection() {
            if !current.isEmpty { sections.append(current) }
            current = ""
        }

        mutating func walk(_ node: xmlNodePtr) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = HTMLText.textContent(node)
                // Inside a line, runs of white space are one space.
                var piece = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
                if current.isEmpty || current.hasSuffix("\n") || current.hasSuffix(" ") {
                    piece = String(piece.drop(while: { $0 == " " }))
                }
                current += piece
            case XML_ELEMENT_NODE:
                let tag = HTMLText.name(node)
                if HTMLText.skipped.contains(tag) { return }
                if HTMLText.attribute(node, "hidden") != nil || HTMLText.attribute(node, "aria-hidden") == "true" { return }
                if HTMLText.headings.contains(tag) {
                    endSection()
                    let heading = HTMLText.collapse(HTMLText.textContent(node))
                    if firstHeading == nil, !heading.isEmpty { firstHeading = heading }
                    for child in HTMLText.children(node) { walk(child) }
                    endParagraph()
                    return
                }
                let isBlock = HTMLText.blocks.contains(tag)
                if isBlock { endLine() }
                for child in HTMLText.children(node) { walk(child) }
                if tag == "p" || tag == "blockquote" || tag == "pre" || tag == "table" || tag == "ul" || tag == "ol" {
                    endParagraph()
                } else if isBlock {
                    endLine()
                }
            default:
                return
            }
        }
    }
}
