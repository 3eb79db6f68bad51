import CLibXML2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// # A web page as a tree
///
/// libxml2's forgiving HTML parser reads the bytes (any encoding it can
/// tell from the bytes or a `<meta charset>`, broken markup repaired the way
/// browsers repair it); its events build ``HTMLNode`` values directly
/// (``HTMLTreeBuilder``), which the main-content extraction (``MainContent``)
/// scores and prunes and the text walk (``HTMLText``) reads. Only what those need is kept:
/// element names, the attributes that carry hints (`id`, `class`, `role`,
/// `itemprop`, …), text, and the `<head>`'s metadata elements.
///
/// Left out while building, as a browser would not show them: comments,
/// `script` (except JSON-LD, kept for metadata), `style`, `noscript`,
/// `template`, `svg`, `canvas`, form controls, and elements marked hidden
/// (`hidden`, `aria-hidden="true"`, an inline `display:none` or
/// `visibility:hidden`). Below ``maximumDepth`` levels an element is kept
/// as its text alone.
final class HTMLNode {
    /// The element's lowercased name; empty for a text node.
    let tag: String
    /// A text node's text (white space as in the source).
    let text: String
    /// The attributes the extraction reads.
    let attributes: HTMLAttributes
    /// Children in document order.
    ///
    /// Taking a node out (``remove()``) only marks it; the parent's list
    /// drops its marked children the next time it is read, so that taking
    /// out many children of one parent costs one pass, not one each.
    var children: [HTMLNode] {
        get {
            if takenOut > 0 {
                storedChildren.removeAll(where: \.isTakenOut)
                takenOut = 0
            }
            return storedChildren
        }
        set {
            storedChildren = newValue
            takenOut = 0
        }
    }
    private var storedChildren: [HTMLNode] = []
    /// How many of `storedChildren` are taken out.
    private var takenOut = 0
    /// Whether this node was taken out of its parent's list, which has not dropped it yet.
    private(set) var isTakenOut = false
    /// The parent element (nil for the root and for a node taken out).
    /// Not counted: every node of a tree lives as long as its ``NodeArena``.
    unowned(unsafe) var parent: HTMLNode?

    /// Scratch space for ``MainContent``'s scoring.
    var score = 0.0
    var scored = false
    /// The arena that owns it, which journals changes to its children.
    unowned(unsafe) var arena: NodeArena?
    /// Whether ``NodeArena`` has saved its children since the last restore.
    var journaled = false

    /// For a text node: its length in Unicode scalars with white space
    /// collapsed and trimmed, and its commas (counted once, when made).
    let textLength: Int
    let textCommas: Int
    /// Whether the text walk ends a line at this element (``HTMLText/blocks``).
    let endsLine: Bool
    /// Whether it is a block for the article's scoring (``MainContent/blockTags``).
    let isBlock: Bool
    /// Whether it is a link off the page (`<a href>` not to an `#anchor`).
    let isLink: Bool
    /// Whether it is a heading, `h1`–`h6`.
    let isHeading: Bool
    /// Scratch space: whether a table holds data (``MainContent``), once told.
    var holdsData: Bool?

    convenience init(tag: String, text: String = "", attributes: HTMLAttributes = [:]) {
        self.init(tag: TagFacts(tag), text: text, attributes: attributes)
    }

    /// A node of an element whose name's facts are known (see ``TagFacts``).
    init(tag facts: TagFacts, text: String = "", attributes: HTMLAttributes = [:]) {
        tag = facts.name
        self.text = text
        self.attributes = attributes
        (textLength, textCommas) = facts.name.isEmpty ? Self.measure(text) : (0, 0)
        endsLine = facts.endsLine
        isBlock = facts.isBlock
        isLink = facts.name == "a" && !(attributes["href"]?.hasPrefix("#") ?? false)
        isHeading = facts.isHeading
    }

    /// A text's collapsed length and its commas (`,`, and the ideographic,
    /// fullwidth and Arabic commas), from its UTF-8 bytes.
    static func measure(_ text: String) -> (length: Int, commas: Int) {
        var text = text
        return text.withUTF8 { bytes in
            var length = 0, commas = 0, pendingSpace = false
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                // ASCII white space and the no-break space (C2 A0).
                if byte == 0x20 || (0x09...0x0D).contains(byte) || (byte == 0xC2 && i + 1 < bytes.count && bytes[i + 1] == 0xA0) {
                    if length > 0 { pendingSpace = true }
                    i += byte == 0xC2 ? 2 : 1
                    continue
                }
                if pendingSpace { length += 1; pendingSpace = false }
                if byte & 0xC0 != 0x80 { length += 1 }
                if byte == 0x2C { commas += 1 } else if byte == 0xD8, i + 1 < bytes.count, bytes[i + 1] == 0x8C { commas += 1 } else if
                    i + 2 < bytes.count, (byte == 0xEF && bytes[i + 1] == 0xBC && bytes[i + 2] == 0x8C) || (byte == 0xE3 && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x81) {
                    commas += 1
                }
                i += 1
            }
            return (length, commas)
        }
    }

    var isText: Bool { tag.isEmpty }

    subscript(attribute: String) -> String? { attributes[attribute] }

    /// `class` and `id` together, lowercased: what the hints are matched against.
    lazy var hints = Hints(((attributes["class"] ?? "") + " " + (attributes["id"] ?? "")).lowercased())

    func append(_ child: HTMLNode) {
        child.parent = self
        if takenOut > 0 { children = children }
        storedChildren.append(child)
    }

    /// Takes this node out of its parent.
    func remove() {
        guard let parent else { return }
        parent.arena?.willChange(parent)
        isTakenOut = true
        parent.takenOut += 1
        self.parent = nil
    }

    /// Puts `node` where this node stands in its parent's children.
    func replace(with node: HTMLNode) {
        guard let parent else { return }
        parent.arena?.willChange(parent)
        parent.children = parent.children.map { $0 === self ? node : $0 }
        node.parent = parent
        self.parent = nil
    }

    /// Puts `children` back as this node's, as they were when saved.
    func restoreChildren(_ saved: [HTMLNode]) {
        children = saved
        for child in saved {
            child.parent = self
            child.isTakenOut = false
        }
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

    /// Whether an element below this one is named one of `names` (a walk
    /// that stops at the first).
    func hasDescendant(named names: Set<String>) -> Bool {
        var stack = children
        while let node = stack.popLast() {
            guard !node.isText else { continue }
            if names.contains(node.tag) { return true }
            stack.append(contentsOf: node.children)
        }
        return false
    }

    func hasAncestor(where test: (HTMLNode) -> Bool) -> Bool {
        var node = parent
        while let current = node {
            if test(current) { return true }
            node = current.parent
        }
        return false
    }

    func hasAncestor(named names: Set<String>) -> Bool {
        hasAncestor { names.contains($0.tag) }
    }

    /// Whether any text stands below this node.
    var hasText: Bool {
        textLength > 0 || children.contains(where: \.hasText)
    }

    /// Whether the text below this node has a full stop at the end of a
    /// word: what `innerText` matched against `\.( |$)` says, without
    /// the string or the expression (a text node's end ends a word there).
    var endsASentence: Bool {
        var stack = [self]
        while let node = stack.popLast() {
            guard node.isText else {
                stack.append(contentsOf: node.children)
                continue
            }
            var previousIsStop = false
            for scalar in node.text.unicodeScalars {
                if previousIsStop, scalar.properties.isWhitespace { return true }
                previousIsStop = scalar == "."
            }
            if previousIsStop { return true }
        }
        return false
    }

    /// The text below this node, white space collapsed.
    var innerText: String {
        // Each text node's words, white space collapsed, then the nodes' joined by a space.
        var pieces: [String] = []
        var stack = [self]
        while let node = stack.popLast() {
            if node.isText {
                let words = HTMLText.collapse(node.text)
                if !words.isEmpty { pieces.append(words) }
            } else {
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
                guard node.textLength > 0 else { return }
                // A space between this text and the text before it.
                let length = node.textLength + (result.length > 0 ? 1 : 0)
                result.length += length
                result.commas += node.textCommas
                if inLink { result.linkLength += length }
                return
            }
            // An in-page link (#anchor) reads as text, not as a way off the page.
            let link = inLink || node.isLink
            for child in node.children { visit(child, inLink: link) }
        }
        visit(self, inLink: false)
        return result
    }
}

/// An element's `class` and `id`, lowercased, and the words of a hint list
/// they contain (as substrings, bytes compared: `related-posts` mentions
/// `related`).
struct Hints {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    var isEmpty: Bool { bytes.count <= 1 }

    func mentions(_ words: [[UInt8]]) -> Bool {
        words.contains(where: contains)
    }

    func contains(_ word: [UInt8]) -> Bool {
        guard !word.isEmpty, word.count <= bytes.count else { return false }
        return bytes.withUnsafeBytes { haystack in
            word.withUnsafeBytes { needle in
                // Each place the first byte stands, then the rest compared.
                let base = haystack.baseAddress!, end = base + haystack.count - needle.count
                var at = base
                while at <= end, let found = memchr(at, Int32(needle[0]), end - at + 1) {
                    if memcmp(found, needle.baseAddress!, needle.count) == 0 { return true }
                    at = UnsafeRawPointer(found) + 1
                }
                return false
            }
        }
    }
}

/// Owns every node of one tree, so that a node's `parent` needs no
/// reference count: a node taken out of the tree, and whatever still points
/// at it, stays valid until the tree goes.
///
/// It also keeps a journal, so that one parse serves several readings of a
/// page: once ``journaling`` is on, the first change to a node's children
/// saves them, and ``restore()`` puts the tree back as parsed.
final class NodeArena {
    private(set) var nodes: [HTMLNode] = []
    private var journal: [(node: HTMLNode, children: [HTMLNode])] = []
    /// On once the tree is built.
    var journaling = false

    func make(tag: String, text: String = "", attributes: HTMLAttributes = [:]) -> HTMLNode {
        make(tag: TagFacts(tag), text: text, attributes: attributes)
    }

    func make(tag: TagFacts, text: String = "", attributes: HTMLAttributes = [:]) -> HTMLNode {
        let node = HTMLNode(tag: tag, text: text, attributes: attributes)
        node.arena = self
        nodes.append(node)
        return node
    }

    /// Called before `node`'s children change.
    func willChange(_ node: HTMLNode) {
        guard journaling, !node.journaled else { return }
        node.journaled = true
        journal.append((node, node.children))
    }

    /// The tree as it was when journaling began, scores cleared.
    func restore() {
        for (node, children) in journal.reversed() {
            node.restoreChildren(children)
            node.journaled = false
        }
        journal.removeAll()
        for node in nodes {
            node.score = 0
            node.scored = false
            node.holdsData = nil
        }
    }
}

/// A parsed page: its tree and its `<head>`'s metadata elements.
struct HTMLTree {
    /// The owner of every node below.
    let arena: NodeArena
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
    /// Attributes kept in the tree.
    static let kept: Set<String> = ["id", "class", "role", "itemprop", "itemtype", "href", "rel", "name", "property",
                                    "content", "lang", "datetime", "type", "charset", "http-equiv", "summary"]

    /// Parses `data`; nil when libxml2 makes nothing of it.
    static func parse(_ data: Data) -> HTMLTree? {
        guard !data.isEmpty else { return nil }
        // libxml2 stops reading at a NUL byte; a browser reads past it.
        let hasNUL = data.withUnsafeBytes { memchr($0.baseAddress!, 0, $0.count) != nil }
        let data = hasNUL ? Data(data.map { $0 == 0 ? 0x20 : $0 }) : data
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue)
        return HTMLTreeBuilder.parse(data, options: options)
    }

    static func isHidden(_ attributes: HTMLAttributes) -> Bool {
        if attributes["hidden"] != nil || attributes["aria-hidden"]?.lowercased() == "true" { return true }
        if let style = attributes["style"], declares(style, "display:none") || declares(style, "visibility:hidden") { return true }
        return false
    }

    /// Whether a `style` attribute holds `declaration` (lower case, no
    /// spaces), read byte by byte with ASCII case and white space ignored,
    /// as CSS reads them (a character-by-character filter of every style
    /// was a twentieth of a page's extraction).
    static func declares(_ style: String, _ declaration: StaticString) -> Bool {
        var style = style
        return style.withUTF8 { bytes in
            let wanted = UnsafeBufferPointer(start: declaration.utf8Start, count: declaration.utf8CodeUnitCount)
            var start = 0
            while start < bytes.count {
                var i = start, k = 0
                while i < bytes.count, k < wanted.count {
                    let b = bytes[i]
                    if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D {
                        i += 1
                        continue
                    }
                    guard (b >= 0x41 && b <= 0x5A ? b + 32 : b) == wanted[k] else { break }
                    i += 1
                    k += 1
                }
                if k == wanted.count { return true }
                // The next start: past white space, so that a match begins at a character of the declaration.
                start += 1
            }
            return false
        }
    }
}

/// What the builder and the extraction ask of an element's name, asked once
/// per distinct name of a page, not of every element (three sets of names
/// hashed per element).
struct TagFacts {
    /// The lowercased name; empty for a text node.
    let name: String
    /// Left out with its text (``HTMLTree/invisible``).
    let isInvisible: Bool
    /// The text walk ends a line at it (``HTMLText/blocks``).
    let endsLine: Bool
    /// A block for the article's scoring (``MainContent/blockTags``).
    let isBlock: Bool
    /// `h1` to `h6`.
    let isHeading: Bool

    static let text = TagFacts("")

    init(_ name: String) {
        self.name = name
        isInvisible = HTMLTree.invisible.contains(name)
        endsLine = !name.isEmpty && HTMLText.blocks.contains(name)
        isBlock = !name.isEmpty && MainContent.blockTags.contains(name)
        isHeading = MainContent.headingRank(name) != nil
    }
}

/// An element's attributes that the extraction reads (``HTMLTree/kept``
/// and those that hide an element): a few per element, so kept as a list
/// and found by comparing names, not by hashing them.
struct HTMLAttributes: ExpressibleByDictionaryLiteral {
    /// Names and values, in one array: one allocation per element.
    private var pairs: [(name: String, value: String)] = []

    init() {}

    init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    subscript(name: String) -> String? {
        get {
            for pair in pairs where pair.name == name { return pair.value }
            return nil
        }
        set {
            if let i = pairs.firstIndex(where: { $0.name == name }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((name, newValue))
            }
        }
    }

    /// The names read: the kept ones and those that hide an element.
    static let names: [String] = HTMLTree.kept.sorted() + ["hidden", "aria-hidden", "style"]
    private static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }

    /// The name of a libxml2 attribute if it is one of ``names`` (ASCII
    /// case ignored), as a shared string: a name not read makes no string.
    static func read(_ raw: UnsafePointer<xmlChar>) -> String? {
        let length = strlen(UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self))
        candidates: for (k, bytes) in nameBytes.enumerated() where bytes.count == length {
            for i in 0..<length {
                let b = raw[i]
                if (b >= 0x41 && b <= 0x5A ? b + 32 : b) != bytes[i] { continue candidates }
            }
            return names[k]
        }
        return nil
    }
}
