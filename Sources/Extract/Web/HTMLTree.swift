import CLibXML2
import Foundation

/// # A web page as a tree
///
/// libxml2's forgiving HTML parser reads the bytes (any encoding it can
/// tell from the bytes or a `<meta charset>`, broken markup repaired the way
/// browsers repair it); the result is copied once into ``HTMLNode`` values,
/// which the main-content extraction (``MainContent``) scores and prunes
/// and the text walk (``HTMLText``) reads. Only what those need is copied:
/// element names, the attributes that carry hints (`id`, `class`, `role`,
/// `itemprop`, …), text, and the `<head>`'s metadata elements.
///
/// Left out while copying, as a browser would not show them: comments,
/// `script` (except JSON-LD, kept for metadata), `style`, `noscript`,
/// `template`, `svg`, `canvas`, form controls, and elements marked hidden
/// (`hidden`, `aria-hidden="true"`, an inline `display:none` or
/// `visibility:hidden`). Trees deeper than ``maximumDepth`` are cut there.
final class HTMLNode {
    /// The element's lowercased name; empty for a text node.
    let tag: String
    /// A text node's text (white space as in the source).
    let text: String
    /// The attributes the extraction reads.
    let attributes: [String: String]
    /// Children in document order.
    var children: [HTMLNode] = []
    /// The parent element (nil for the root).
    weak var parent: HTMLNode?

    /// Scratch space for ``MainContent``'s scoring.
    var score = 0.0
    var scored = false

    init(tag: String, text: String = "", attributes: [String: String] = [:]) {
        self.tag = tag
        self.text = text
        self.attributes = attributes
    }

    var isText: Bool { tag.isEmpty }

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// `class` and `id` together, lowercased: what the hints are matched against.
    lazy var hintText: String = ((attributes["class"] ?? "") + " " + (attributes["id"] ?? "")).lowercased()

    func append(_ child: HTMLNode) {
        child.parent = self
        children.append(child)
    }

    /// Takes this node out of its parent.
    func remove() {
        guard let parent else { return }
        parent.children.removeAll { $0 === self }
        self.parent = nil
    }

    /// Every element below this one, depth first, in document order.
    func descendants(named names: Set<String>? = nil) -> [HTMLNode] {
        var found: [HTMLNode] = []
        var stack = Array(children.reversed())
        while let node = stack.popLast() {
            guard !node.isText else { continue }
            if names == nil || names!.contains(node.tag) { found.append(node) }
            stack.append(contentsOf: node.children.reversed())
        }
        return found
    }

    func first(named name: String) -> HTMLNode? {
        var stack = [self]
        while let node = stack.popLast() {
            if node.tag == name { return node }
            stack.append(contentsOf: node.children.reversed())
        }
        return nil
    }

    func hasAncestor(named names: Set<String>, within levels: Int = .max) -> Bool {
        var node = parent, level = 0
        while let current = node, level < levels {
            if names.contains(current.tag) { return true }
            node = current.parent
            level += 1
        }
        return false
    }

    /// The text below this node, white space collapsed.
    var innerText: String {
        var pieces: [Substring] = []
        var stack = [self]
        while let node = stack.popLast() {
            if node.isText { pieces.append(contentsOf: node.text.split(whereSeparator: \.isWhitespace)) } else {
                stack.append(contentsOf: node.children.reversed())
            }
        }
        return pieces.joined(separator: " ")
    }

    /// Counts of what lies below this node, in one pass: the text's length
    /// (white space collapsed), the part of it inside links, and commas.
    struct TextStatistics {
        var length = 0
        var linkLength = 0
        var commas = 0
        var linkDensity: Double { length == 0 ? 0 : Double(linkLength) / Double(length) }
    }

    func statistics() -> TextStatistics {
        var result = TextStatistics()
        func visit(_ node: HTMLNode, inLink: Bool) {
            if node.isText {
                var length = 0, space = true
                for scalar in node.text.unicodeScalars {
                    if scalar.properties.isWhitespace { space = true; continue }
                    if space, length > 0 || result.length > 0 { length += 1 }
                    space = false
                    length += 1
                    if scalar == "," || scalar == "，" || scalar == "、" || scalar == "،" { result.commas += 1 }
                }
                result.length += length
                if inLink { result.linkLength += length }
                return
            }
            // An in-page link (#anchor) reads as text, not as a way off the page.
            let link = inLink || (node.tag == "a" && !(node["href"]?.hasPrefix("#") ?? false))
            for child in node.children { visit(child, inLink: link) }
        }
        visit(self, inLink: false)
        return result
    }
}

/// A parsed page: its tree and its `<head>`'s metadata elements.
struct HTMLTree {
    /// The `<html>` element (or whatever libxml2 made the root).
    let root: HTMLNode
    /// `<meta>` and `<link>` elements, wherever they stood.
    var metas: [HTMLNode] = []
    /// JSON-LD scripts' text.
    var jsonLD: [String] = []
    /// The `<title>`'s text.
    var title: String?

    static let maximumDepth = 400
    /// Elements left out entirely (a browser shows none of their text).
    static let invisible: Set<String> = ["script", "style", "noscript", "template", "svg", "canvas", "math",
                                          "button", "select", "option", "textarea", "iframe", "object",
                                          "embed", "head", "title", "meta", "link", "base", "audio", "video",
                                          "source", "track", "map", "area", "dialog"]
    /// Attributes copied into the tree.
    static let kept: Set<String> = ["id", "class", "role", "itemprop", "itemtype", "href", "rel", "name", "property",
                                    "content", "lang", "datetime", "type", "charset", "http-equiv", "summary"]

    /// Parses `data`; nil when libxml2 makes nothing of it.
    static func parse(_ data: Data) -> HTMLTree? {
        guard !data.isEmpty else { return nil }
        // libxml2 stops reading at a NUL byte; a browser reads past it.
        let data = data.contains(0) ? Data(data.map { $0 == 0 ? 0x20 : $0 }) : data
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue)
        let document = data.withUnsafeBytes { raw in
            htmlReadMemory(raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let xmlRoot = xmlDocGetRootElement(document) else { return nil }
        var tree = HTMLTree(root: HTMLNode(tag: name(xmlRoot), attributes: attributes(xmlRoot)))
        tree.copyChildren(of: xmlRoot, into: tree.root, depth: 1)
        return tree
    }

    private mutating func copyChildren(of xml: xmlNodePtr, into parent: HTMLNode, depth: Int) {
        guard depth < Self.maximumDepth else { return }
        var child = xml.pointee.children
        while let current = child {
            child = current.pointee.next
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard let content = current.pointee.content else { continue }
                let text = String(cString: UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                if !text.isEmpty { parent.append(HTMLNode(tag: "", text: text)) }
            case XML_ELEMENT_NODE:
                let tag = Self.name(current)
                if tag == "meta" || tag == "link" { metas.append(HTMLNode(tag: tag, attributes: Self.attributes(current))) }
                if tag == "title", title == nil { title = Self.textContent(current) }
                if tag == "script", (Self.attribute(current, "type") ?? "").lowercased().contains("ld+json") {
                    jsonLD.append(Self.textContent(current))
                }
                // A page that builds itself with JavaScript may give its text in
                // `<noscript>` too: what a browser without scripts shows.
                if tag == "noscript", Self.textContent(current).count >= 200 {
                    let node = HTMLNode(tag: "div", attributes: Self.attributes(current))
                    parent.append(node)
                    copyChildren(of: current, into: node, depth: depth + 1)
                    continue
                }
                if Self.invisible.contains(tag) {
                    if tag == "head" { copyChildren(of: current, into: HTMLNode(tag: "head"), depth: depth + 1) }
                    continue
                }
                let attributes = Self.attributes(current)
                if Self.isHidden(attributes) { continue }
                let node = HTMLNode(tag: tag, attributes: attributes)
                parent.append(node)
                copyChildren(of: current, into: node, depth: depth + 1)
            default:
                continue
            }
        }
    }

    static func isHidden(_ attributes: [String: String]) -> Bool {
        if attributes["hidden"] != nil || attributes["aria-hidden"]?.lowercased() == "true" { return true }
        if let style = attributes["style"]?.lowercased().filter({ !$0.isWhitespace }),
           style.contains("display:none") || style.contains("visibility:hidden") { return true }
        return false
    }

    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)).lowercased() } ?? ""
    }

    static func attributes(_ node: xmlNodePtr) -> [String: String] {
        var result: [String: String] = [:]
        var property = node.pointee.properties
        while let current = property {
            property = current.pointee.next
            guard let rawName = current.pointee.name else { continue }
            let key = String(cString: UnsafeRawPointer(rawName).assumingMemoryBound(to: CChar.self)).lowercased()
            guard kept.contains(key) || key == "hidden" || key == "aria-hidden" || key == "style" else { continue }
            result[key] = attribute(node, key) ?? ""
        }
        return result
    }

    static func attribute(_ node: xmlNodePtr, _ key: String) -> String? {
        guard let value = xmlGetProp(node, key) else { return nil }
        defer { dossier_xml_free(value) }
        return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
    }

    static func textContent(_ node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { dossier_xml_free(content) }
        return String(cString: UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
    }
}
