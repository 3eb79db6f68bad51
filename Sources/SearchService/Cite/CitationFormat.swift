import DossierCore
import Foundation

/// A ``Reference`` written out for a note, a LaTeX bibliography or a
/// reference manager.
///
/// - **markdown**: `[Title, p. 59](URL#page=59)`, a link a note can hold.
///   Dossier's note parser reads it back as a citation of that document
///   and that page (`#page=N` is the PDF open parameter every viewer
///   follows, RFC 8118). A document no URL gives is linked by its path
///   from `corpus/notes/`.
/// - **bibtex**: one `@misc` entry (the type every BibTeX and biblatex
///   style takes without required fields): author (organizations in
///   braces, taken whole), title (in braces, its case kept), year and
///   biblatex's `date`, publisher, doi, url, urldate, language; the page
///   cited as a comment before it, with the `\cite[p.~59]{key}` that
///   cites it.
/// - **csl-json**: an array of one CSL item (the input of pandoc,
///   citeproc and Zotero), valid against the CSL data schema: `report` for
///   a PDF, `webpage` for a web page; the page cited as its `locator`.
public enum CitationFormat: String, CaseIterable, Sendable {
    case markdown
    case bibtex
    case cslJSON = "csl-json"

    /// Whether the format has a citation key, which ``Reference/keyed(in:)`` makes unique.
    public var hasKeys: Bool { self != .markdown }

    /// `reference` in this format.
    public func render(_ reference: Reference) -> String {
        switch self {
        case .markdown: return Self.markdown(reference)
        case .bibtex: return Self.bibtex(reference)
        case .cslJSON: return Self.cslJSON(reference)
        }
    }

    // MARK: Markdown

    /// `[Title, p. 59](URL#page=59)`.
    public static func markdown(_ r: Reference) -> String {
        var label = r.title
        if let name = r.pageName { label += ", p. \(name)" }
        let escaped = label.unicodeScalars.map { "\\[]*_`<>".unicodeScalars.contains($0) ? "\\\($0)" : String($0) }.joined()
        var target = r.url ?? relativeToNotes(r.path)
        if let page = r.page, r.kind == .pdf { target += "#page=\(page)" }
        // A destination with a space or a parenthesis is written in angle brackets.
        if target.contains(where: { $0 == " " || $0 == "(" || $0 == ")" }) { target = "<\(target)>" }
        return "[\(escaped)](\(target))"
    }

    /// A workspace-relative path as a note under `corpus/notes/` links to it.
    static func relativeToNotes(_ path: String) -> String {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "()"))) ?? path
        return encoded.hasPrefix("corpus/") ? "../" + encoded.dropFirst("corpus/".count) : encoded
    }

    // MARK: BibTeX

    /// The key a LaTeX document cites it by: the first author's family
    /// name (an organization's first word), the year and the title's first
    /// word of four letters or more, in ASCII lower case
    /// (`unepwcmc2022guide`).
    public static func key(_ r: Reference) -> String {
        func ascii(_ text: String) -> String {
            String(text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en")).lowercased()
                .unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
        }
        let first = authors(r).first.map { name -> String in
            switch name {
            case .person(_, _, let family): return ascii(family)
            case .literal(let whole): return ascii(String(whole.split(separator: " ").first ?? ""))
            }
        } ?? ""
        let year = r.metadata[.issued].map { String($0.prefix(4)) } ?? ""
        let skip: Set<String> = ["the", "and", "for", "with", "from", "about", "into", "une", "des", "los", "las", "para", "pour", "dans"]
        let word = r.title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { ascii(String($0)) }
            .first { $0.count >= 4 && !skip.contains($0) } ?? ""
        let key = first + year + word
        return (key.isEmpty ? "dossier\(r.document)" : key) + r.keySuffix
    }

    static func authors(_ r: Reference) -> [AuthorName] {
        (r.metadata[.authors].map(MetadataAuthors.split) ?? []).map(AuthorName.init)
    }

    /// The `@misc` entry.
    public static func bibtex(_ r: Reference) -> String {
        let key = key(r)
        var fields: [(String, String)] = []
        let names = authors(r).map { name -> String in
            switch name {
            case .person(let given, let particle, let family):
                return "\(escape([particle, family].compactMap { $0 }.joined(separator: " "))), \(escape(given))"
            case .literal(let whole): return "{\(escape(whole))}"
            }
        }
        if !names.isEmpty { fields.append(("author", names.joined(separator: " and "))) }
        fields.append(("title", "{\(escape(r.title))}"))
        if let issued = r.metadata[.issued] {
            fields.append(("year", String(issued.prefix(4))))
            fields.append(("date", issued))
        }
        if let publisher = r.metadata[.publisher] { fields.append(("publisher", escape(publisher))) }
        if let doi = r.metadata[.doi] { fields.append(("doi", verbatim(doi))) }
        if let url = r.url {
            fields.append(("url", verbatim(url)))
            if let accessed = r.accessed { fields.append(("urldate", accessed)) }
        }
        if let language = r.metadata[.language] { fields.append(("language", escape(language))) }
        var lines: [String] = []
        if let page = r.pageName {
            lines.append("% p. \(page) of document \(r.document): \\cite[p.~\(page)]{\(key)}")
        }
        lines.append("@misc{\(key),")
        lines += fields.map { "  \($0.0) = {\($0.1)}," }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A value in braces, LaTeX's special characters escaped and braces balanced.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "&", "%", "$", "#", "_": out += "\\\(character)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(character)
            }
        }
        return out
    }

    /// A URL or DOI, read verbatim by biblatex: only braces, which would
    /// unbalance the entry, are escaped (as URL escapes).
    static func verbatim(_ text: String) -> String {
        text.replacingOccurrences(of: "{", with: "%7B").replacingOccurrences(of: "}", with: "%7D")
            .replacingOccurrences(of: "\\", with: "%5C")
    }

    // MARK: CSL-JSON

    /// The CSL item, as an array of one.
    public static func cslJSON(_ r: Reference) -> String {
        var item: [String: Any] = [
            "id": "dossier-\(r.document)",
            "citation-key": key(r),
            "type": r.kind == .pdf ? "report" : r.kind == .html ? "webpage" : "document",
            "title": r.title,
        ]
        let names = authors(r).map { name -> [String: String] in
            switch name {
            case .person(let given, let particle, let family):
                var person = ["family": family, "given": given]
                if let particle { person["non-dropping-particle"] = particle }
                return person
            case .literal(let whole): return ["literal": whole]
            }
        }
        if !names.isEmpty { item["author"] = names }
        if let issued = r.metadata[.issued] { item["issued"] = ["date-parts": [MetadataDate.parts(issued)]] }
        if let publisher = r.metadata[.publisher] { item["publisher"] = publisher }
        if let doi = r.metadata[.doi] { item["DOI"] = doi }
        if let url = r.url {
            item["URL"] = url
            if let accessed = r.accessed { item["accessed"] = ["date-parts": [MetadataDate.parts(accessed)]] }
        }
        if let language = r.metadata[.language] { item["language"] = language }
        if let page = r.pageName { item["locator"] = page }
        if let count = r.pageCount, r.kind == .pdf { item["number-of-pages"] = count }
        let data = (try? JSONSerialization.data(withJSONObject: [item], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
