import CLibXML2
import Foundation

/// A PDF's XMP metadata packet, read for citing.
///
/// XMP is RDF in XML (ISO 16684-1): `rdf:Description` elements whose
/// properties are either child elements or attributes, a property's value
/// either text or an RDF container (`rdf:Seq`, `rdf:Bag`, `rdf:Alt`) of
/// `rdf:li` items. Dublin Core gives the title (an `Alt` of languages:
/// `x-default` first), the creators (a `Seq`, in order), the publishers,
/// the dates and the languages; PRISM (or the older `pdfx`) a DOI; the XMP
/// basic schema the file's creation date. Properties are matched by
/// namespace URI and local name, whatever prefixes the packet chose.
/// The packet is parsed without network access and without expanding
/// entities.
struct XMP: Equatable {
    var title: String?
    var creators: [String] = []
    var publishers: [String] = []
    var date: String?
    var languages: [String] = []
    var doi: String?
    var created: String?

    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let basic = "http://ns.adobe.com/xap/1.0/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    /// Reads a packet; nil when it is not XML.
    static func read(_ packet: String) -> XMP? {
        var bytes = Array(packet.utf8)
        guard !bytes.isEmpty else { return nil }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        guard let document = bytes.withUnsafeMutableBufferPointer({ buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "xmp.xml", "UTF-8", options)
            }
        }) else { return nil }
        defer { xmlFreeDoc(document) }
        var xmp = XMP()
        if let root = xmlDocGetRootElement(document) { xmp.walk(root, depth: 0) }
        return xmp
    }

    private mutating func walk(_ node: xmlNodePtr, depth: Int) {
        guard depth < 64 else { return }
        if let namespace = Self.namespace(node), let name = Self.name(node) {
            if namespace == Self.rdf, name == "Description" {
                // Simple properties written as attributes.
                var attribute = node.pointee.properties
                while let current = attribute {
                    if let ns = current.pointee.ns.flatMap({ $0.pointee.href }).map({ String(cString: $0) }),
                       let local = current.pointee.name.map({ String(cString: $0) }),
                       let value = Self.content(UnsafeMutablePointer<xmlNode>(OpaquePointer(current))) {
                        take(namespace: ns, name: local, values: [value], node: nil)
                    }
                    attribute = current.pointee.next
                }
            } else if take(namespace: namespace, name: name, values: Self.items(node), node: node) {
                return
            }
        }
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { walk(current, depth: depth + 1) }
            child = current.pointee.next
        }
    }

    /// Records a property; whether it was one read here.
    @discardableResult
    private mutating func take(namespace: String, name: String, values: [String], node: xmlNodePtr?) -> Bool {
        let values = values.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.filter { !$0.isEmpty }
        switch (namespace, name) {
        case (Self.dublinCore, "title"):
            if title == nil { title = node.flatMap(Self.defaultLanguageItem) ?? values.first }
        case (Self.dublinCore, "creator"): if creators.isEmpty { creators = values }
        case (Self.dublinCore, "publisher"): if publishers.isEmpty { publishers = values }
        case (Self.dublinCore, "date"): if date == nil { date = values.first }
        case (Self.dublinCore, "language"): if languages.isEmpty { languages = values.filter { $0.lowercased() != "x-default" } }
        case (Self.dublinCore, "identifier"):
            if doi == nil { doi = values.lazy.compactMap { value in value.lowercased().contains("10.") ? value : nil }.first }
        case (_, "doi") where namespace.contains("prism") || namespace.contains("pdfx") || namespace.contains("crossref"):
            if doi == nil { doi = values.first }
        case (Self.basic, "CreateDate"): if created == nil { created = values.first }
        default: return false
        }
        return true
    }

    /// The `rdf:li` items of a property, in order, or its own text.
    private static func items(_ node: xmlNodePtr) -> [String] {
        let found = listItems(node).compactMap(content)
        if found.isEmpty, let text = content(node) { return [text] }
        return found
    }

    /// The `rdf:li` elements under a property (its `Seq`, `Bag` or `Alt`), in order.
    private static func listItems(_ node: xmlNodePtr, depth: Int = 0) -> [xmlNodePtr] {
        guard depth < 16 else { return [] }
        var found: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                if namespace(current) == rdf, name(current) == "li" { found.append(current) } else { found += listItems(current, depth: depth + 1) }
            }
            child = current.pointee.next
        }
        return found
    }

    /// A language alternative's `x-default` item (else none).
    private static func defaultLanguageItem(_ node: xmlNodePtr) -> String? {
        for item in listItems(node) {
            guard let lang = xmlNodeGetLang(item) else { continue }
            defer { dossier_xml_free(lang) }
            if String(cString: lang).lowercased() == "x-default", let text = content(item) { return text }
        }
        return nil
    }

    private static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    private static func name(_ node: xmlNodePtr) -> String? {
        node.pointee.name.map { String(cString: $0) }
    }

    /// A node's text, or nil when it has none.
    private static func content(_ node: xmlNodePtr) -> String? {
        guard let raw = xmlNodeGetContent(node) else { return nil }
        defer { dossier_xml_free(raw) }
        let text = String(cString: raw).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
