import CLibXML2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// # Building the tree from libxml2's parser events
///
/// libxml2's HTML parser tells what it reads as events (SAX): an element
/// starts, characters, a comment, an element ends. Its own tree builder
/// turns them into `xmlNode`s, which were then copied into ``HTMLNode``s
/// and freed: building and freeing libxml2's tree was two fifths of the
/// parse. ``HTMLTreeBuilder`` takes the events and builds the
/// ``HTMLNode`` tree directly, with the rules of the copy it replaces:
///
/// - text: characters that follow each other in one element are one text
///   node, as libxml2 joins them; a comment or processing instruction
///   between them ends one and starts another (libxml2 puts a node there);
///   a `<script>` or `<style>` body comes as a CDATA block, its own node.
///   Text outside the root element is not in the tree.
/// - an element after the root's end (markup after `</html>`) is a child of
///   the root, as libxml2 links it when the root is the document's first
///   node; when a DOCTYPE (anywhere: libxml2 puts it first) or a comment
///   or processing instruction before the root comes first, libxml2 links
///   it beside the root, outside the tree, and so is it left out here.
/// - the root element keeps every attribute the tree reads, and is never
///   left out; below it, invisible elements (``HTMLTree/invisible``) and
///   hidden ones are left out with everything in them, except `<head>`,
///   whose elements are read for metadata and then dropped;
/// - `<meta>` and `<link>` wherever they are read, the first `<title>`'s
///   text and JSON-LD scripts' text are kept for metadata;
/// - a `<noscript>` whose text (everything in it) is 200 characters or
///   more stands as a `div`: it is built as it is read, and dropped at its
///   end if it is shorter, with the metadata found in it;
/// - below ``HTMLTree/maximumDepth`` levels an element keeps its text alone,
///   as one text node.
///
/// The parse itself is libxml2's, with the same options, so the elements
/// it implies, closes and repairs are the same.
final class HTMLTreeBuilder {
    /// What an open element does with what comes inside it.
    enum Kind {
        /// Builds its children into `node` (the root, an element, `<head>`
        /// (not attached), a `<noscript>` (attached at its end if long enough)).
        case building
        /// Left out with its content.
        case skipping
        /// Left out, its text collected for metadata (a title, a JSON-LD script).
        case capturing(Capture)
        /// Below the depth limit: its text collected as one text node.
        case flattening
    }

    enum Capture { case title, jsonLD }

    /// Metadata found while reading: kept, or pending inside a `<noscript>`
    /// until its length is known.
    struct Found {
        var metas: [HTMLNode] = []
        var jsonLD: [String] = []
        var title: String?
    }

    struct Frame {
        let kind: Kind
        let node: HTMLNode?
        /// The depth at which its children are read (the root's are at 1).
        let depth: Int
        /// Whether it is a `<noscript>` whose length decides.
        let isNoscript: Bool
        /// For `building`: the text not yet made a node, and what it is.
        var pending: [UInt8] = []
        var pendingIsCDATA = false
        /// Whether the last thing read inside it was text (or CDATA) that the next may join.
        var joinsText = false
        /// For a `<noscript>`, a capture and a flattened element: every
        /// character inside, at any depth.
        var collected: [UInt8]? = nil
        /// The parent to append `node` to at the end (a `<noscript>`), if kept.
        let attachTo: HTMLNode?
    }

    let arena = NodeArena()
    var root: HTMLNode?
    var frames: [Frame] = []
    /// Whether the document's first node is not the root: a DOCTYPE, or a
    /// comment or processing instruction before it.
    var rootIsNotFirst = false
    /// Whether the open frame at the bottom is the root opened again for
    /// an element after its end (closed with that element).
    var reopened = false
    /// Metadata, innermost `<noscript>` last; the first is the page's.
    var found: [Found] = [Found()]
    /// Indices of the frames that collect every character inside them.
    var collectors: [Int] = []
    /// Element names seen, with their facts: libxml2 gives each distinct
    /// name of a document as one interned pointer.
    var names: [UnsafeRawPointer: TagFacts] = [:]

    /// Parses `data` (no NUL byte) with `options`; nil when libxml2 finds no element.
    static func parse(_ data: Data, options: Int32) -> HTMLTree? {
        let builder = HTMLTreeBuilder()
        data.withUnsafeBytes { raw in
            // The context `htmlReadMemory` makes (an XML parser's, which
            // reads UTF-8 until told otherwise; an HTML parser's context
            // guesses Latin-1 at the first byte beyond ASCII), then read as
            // `htmlDoRead` reads it, with these events instead of libxml2's tree.
            xmlInitParser()
            guard let context = xmlCreateMemoryParserCtxt(raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count)) else { return }
            defer { xmlFreeParserCtxt(context) }
            var handler = htmlSAXHandler()
            handler.initialized = 1
            handler.startElement = { context, name, attributes in HTMLTreeBuilder.from(context)?.start(name, attributes) }
            handler.endElement = { context, _ in HTMLTreeBuilder.from(context)?.end() }
            handler.characters = { context, characters, length in HTMLTreeBuilder.from(context)?.text(characters, Int(length), cdata: false) }
            handler.cdataBlock = { context, characters, length in HTMLTreeBuilder.from(context)?.text(characters, Int(length), cdata: true) }
            // libxml2's own builder ignores these (`xmlSAX2IgnorableWhitespace`).
            handler.ignorableWhitespace = nil
            handler.comment = { context, _ in HTMLTreeBuilder.from(context)?.interrupt() }
            handler.processingInstruction = { context, _, _ in HTMLTreeBuilder.from(context)?.interrupt() }
            handler.internalSubset = { context, _, _, _ in HTMLTreeBuilder.from(context)?.rootIsNotFirst = true }
            context.pointee.sax.pointee = handler
            context.pointee._private = Unmanaged.passUnretained(builder).toOpaque()
            htmlCtxtUseOptions(context, options)
            context.pointee.html = 1
            htmlParseDocument(context)
            if let document = context.pointee.myDoc {
                xmlFreeDoc(document)
                context.pointee.myDoc = nil
            }
        }
        guard let root = builder.root else { return nil }
        while !builder.frames.isEmpty { builder.end() }
        let found = builder.found[0]
        return HTMLTree(arena: builder.arena, root: root, metas: found.metas, jsonLD: found.jsonLD, title: found.title)
    }

    /// The builder of the parser context `context`.
    private static func from(_ context: UnsafeMutableRawPointer?) -> HTMLTreeBuilder? {
        guard let raw = context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<HTMLTreeBuilder>.fromOpaque(raw).takeUnretainedValue()
    }

    private func facts(_ name: UnsafePointer<xmlChar>?) -> TagFacts {
        guard let name else { return TagFacts.text }
        let key = UnsafeRawPointer(name)
        if let known = names[key] { return known }
        let facts = TagFacts(String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)).lowercased())
        names[key] = facts
        return facts
    }

    /// The attributes the tree reads, from libxml2's name/value list (a
    /// name without a value: its name for a boolean attribute, as libxml2's
    /// tree holds it, else empty).
    private static func attributes(_ list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> HTMLAttributes {
        var result = HTMLAttributes()
        guard var pair = list else { return result }
        while let name = pair[0] {
            if let key = HTMLAttributes.read(name) {
                let value = pair[1] ?? (htmlIsBooleanAttr(name) != 0 ? name : nil)
                result[key] = value.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? ""
            }
            pair += 2
        }
        return result
    }

    /// The value of attribute `wanted` (lower case, as libxml2 gives HTML's names).
    private static func attribute(_ list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ wanted: StaticString) -> String? {
        guard var pair = list else { return nil }
        while let name = pair[0] {
            if strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(wanted.utf8Start).assumingMemoryBound(to: CChar.self)) == 0 {
                return pair[1].map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? ""
            }
            pair += 2
        }
        return nil
    }

    // MARK: Events

    func start(_ name: UnsafePointer<xmlChar>?, _ list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard let parentIndex = frames.indices.last else {
            if let root {
                guard !rootIsNotFirst else {
                    // An element after the root's end, beside it: not in the tree.
                    frames.append(Frame(kind: .skipping, node: nil, depth: 0, isNoscript: false, attachTo: nil))
                    return
                }
                // An element after the root's end, in it: read as the root's child.
                frames.append(Frame(kind: .building, node: root, depth: 1, isNoscript: false, attachTo: nil))
                reopened = true
                start(name, list)
                return
            }
            // The root: every attribute read, never left out.
            let node = arena.make(tag: facts(name), attributes: Self.attributes(list))
            root = node
            frames.append(Frame(kind: .building, node: node, depth: 1, isNoscript: false, attachTo: nil))
            return
        }
        interrupt()
        guard case .building = frames[parentIndex].kind, let parent = frames[parentIndex].node else {
            frames.append(Frame(kind: .skipping, node: nil, depth: 0, isNoscript: false, attachTo: nil))
            return
        }
        let depth = frames[parentIndex].depth
        let facts = self.facts(name)
        let tag = facts.name
        if tag == "meta" || tag == "link" { found[found.count - 1].metas.append(HTMLNode(tag: tag, attributes: Self.attributes(list))) }
        if tag == "title", !found.contains(where: { $0.title != nil }) {
            push(Frame(kind: .capturing(.title), node: nil, depth: depth + 1, isNoscript: false, collected: [], attachTo: nil))
            return
        }
        if tag == "script", (Self.attribute(list, "type") ?? "").lowercased().contains("ld+json") {
            push(Frame(kind: .capturing(.jsonLD), node: nil, depth: depth + 1, isNoscript: false, collected: [], attachTo: nil))
            return
        }
        // A page that builds itself with JavaScript may give its text in
        // `<noscript>` too: what a browser without scripts shows.
        if tag == "noscript" {
            let node = arena.make(tag: "div", attributes: Self.attributes(list))
            found.append(Found())
            push(Frame(kind: depth + 1 < HTMLTree.maximumDepth ? .building : .flattening, node: node, depth: depth + 1,
                       isNoscript: true, collected: [], attachTo: parent))
            return
        }
        if facts.isInvisible {
            if tag == "head" {
                push(Frame(kind: depth + 1 < HTMLTree.maximumDepth ? .building : .flattening, node: arena.make(tag: "head"),
                           depth: depth + 1, isNoscript: false, collected: depth + 1 < HTMLTree.maximumDepth ? nil : [], attachTo: nil))
            } else {
                push(Frame(kind: .skipping, node: nil, depth: 0, isNoscript: false, attachTo: nil))
            }
            return
        }
        let attributes = Self.attributes(list)
        if HTMLTree.isHidden(attributes) {
            push(Frame(kind: .skipping, node: nil, depth: 0, isNoscript: false, attachTo: nil))
            return
        }
        let node = arena.make(tag: facts, attributes: attributes)
        parent.append(node)
        // Deeper than any page is written: the rest is kept as its text alone.
        let flat = depth + 1 >= HTMLTree.maximumDepth
        push(Frame(kind: flat ? .flattening : .building, node: node, depth: depth + 1, isNoscript: false,
                   collected: flat ? [] : nil, attachTo: nil))
    }

    private func push(_ frame: Frame) {
        if frame.collected != nil { collectors.append(frames.count) }
        frames.append(frame)
    }

    func end() {
        guard var frame = frames.popLast() else { return }
        // The root opened again for one element closes with it.
        defer {
            if reopened, frames.count == 1 {
                frames.removeLast()
                reopened = false
            }
        }
        if collectors.last == frames.count { collectors.removeLast() }
        switch frame.kind {
        case .building:
            flush(&frame)
        case .skipping:
            break
        case .capturing(let capture):
            let text = String(decoding: frame.collected ?? [], as: UTF8.self)
            switch capture {
            case .title: found[found.count - 1].title = text
            case .jsonLD: found[found.count - 1].jsonLD.append(text)
            }
        case .flattening:
            let text = String(decoding: frame.collected ?? [], as: UTF8.self)
            if !text.isEmpty, let node = frame.node {
                node.append(arena.make(tag: TagFacts.text, text: text))
            }
        }
        if frame.isNoscript {
            let inside = found.removeLast()
            if String(decoding: frame.collected ?? [], as: UTF8.self).count >= 200, let node = frame.node, let parent = frame.attachTo {
                parent.append(node)
                found[found.count - 1].metas += inside.metas
                found[found.count - 1].jsonLD += inside.jsonLD
                if found[found.count - 1].title == nil { found[found.count - 1].title = inside.title }
            }
        }
    }

    func text(_ characters: UnsafePointer<xmlChar>?, _ length: Int, cdata: Bool) {
        guard let characters, length > 0, let last = frames.indices.last else { return }
        let bytes = UnsafeBufferPointer(start: characters, count: length)
        for k in collectors { frames[k].collected!.append(contentsOf: bytes) }
        guard case .building = frames[last].kind else { return }
        if !frames[last].joinsText || frames[last].pendingIsCDATA != cdata { flush(&frames[last]) }
        frames[last].pending.append(contentsOf: bytes)
        frames[last].pendingIsCDATA = cdata
        frames[last].joinsText = true
    }

    /// A node that is not text (a comment, an element) comes between texts.
    func interrupt() {
        if root == nil { rootIsNotFirst = true }
        guard let last = frames.indices.last, case .building = frames[last].kind else { return }
        flush(&frames[last])
    }

    /// The pending text of `frame` as a text node of its node.
    private func flush(_ frame: inout Frame) {
        frame.joinsText = false
        guard !frame.pending.isEmpty else { return }
        let text = String(decoding: frame.pending, as: UTF8.self)
        frame.pending.removeAll(keepingCapacity: true)
        if !text.isEmpty, let node = frame.node { node.append(arena.make(tag: TagFacts.text, text: text)) }
    }
}
