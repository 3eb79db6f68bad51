import Foundation

/// What a web page says of itself, for the catalog and for citing it.
///
/// Read, in order of preference, from the tags scholarly publishers write
/// for citation managers (`citation_title`, `citation_author`,
/// `citation_publication_date`, Highwire Press's and Zotero's convention),
/// from Open Graph (`og:title`, `og:site_name`, `article:published_time`),
/// from schema.org JSON-LD (`headline`, `author`, `datePublished`,
/// `publisher`), from Dublin Core (`dc.title`, `dc.creator`, `dc.date`), and
/// from the page itself (`<title>`, `<html lang>`, `<link rel=canonical>`,
/// `<time datetime>`, a `rel="author"` link).
public struct WebMetadata: Sendable, Equatable {
    /// The page's title.
    public var title: String?
    /// Its author or authors, "; " between them.
    public var author: String?
    /// When it was published, as the page gives it (ISO 8601 where it does).
    public var published: String?
    /// When it was last changed.
    public var modified: String?
    /// The site or publisher's name.
    public var site: String?
    /// The language the page declares (`<html lang>`, a BCP 47 tag).
    public var language: String?
    /// The page's canonical address.
    public var canonical: String?
    /// A DOI the page declares.
    public var doi: String?
    /// The article's text as the page's JSON-LD gives it (`articleBody`),
    /// for a page that builds its visible text with scripts.
    var articleBody: String?

    public init(title: String? = nil, author: String? = nil, published: String? = nil, modified: String? = nil,
                site: String? = nil, language: String? = nil, canonical: String? = nil, doi: String? = nil) {
        self.title = title
        self.author = author
        self.published = published
        self.modified = modified
        self.site = site
        self.language = language
        self.canonical = canonical
        self.doi = doi
    }

    static func read(_ tree: HTMLTree) -> WebMetadata {
        var values: [String: [String]] = [:]
        var canonical: String?
        for meta in tree.metas {
            if meta.tag == "link" {
                if meta["rel"]?.lowercased().split(separator: " ").contains("canonical") == true, canonical == nil,
                   let href = meta["href"], !href.isEmpty { canonical = href }
                continue
            }
            guard let key = (meta["property"] ?? meta["name"] ?? meta["itemprop"])?.lowercased(),
                  let content = meta["content"].map(HTMLText.collapse), !content.isEmpty else { continue }
            values[key, default: []].append(content)
        }
        let ld = LinkedData(tree.jsonLD)
        func first(_ keys: String...) -> String? {
            for key in keys { if let value = values[key]?.first { return value } }
            return nil
        }
        var metadata = WebMetadata()
        metadata.title = first("citation_title", "og:title", "dc.title", "twitter:title") ?? ld.headline
            ?? tree.title.map(HTMLText.collapse).flatMap { $0.isEmpty ? nil : $0 }
        let authors = values["citation_author"] ?? values["dc.creator"] ?? values["article:author"].map { $0.filter { !$0.hasPrefix("http") } }
        metadata.author = (authors?.isEmpty == false ? authors!.joined(separator: "; ") : nil)
            ?? first("author", "parsely-author", "sailthru.author") ?? ld.author ?? bylineAuthor(tree.root)
        metadata.published = first("citation_publication_date", "citation_date", "article:published_time", "dc.date",
                                   "dc.date.issued", "date", "pubdate", "publishdate", "datepublished")
            ?? ld.published ?? tree.root.descendants(named: ["time"]).lazy.compactMap { $0["datetime"] }.first
        metadata.modified = first("article:modified_time", "og:updated_time", "dc.date.modified", "datemodified") ?? ld.modified
        metadata.site = first("og:site_name", "citation_publisher", "dc.publisher", "citation_journal_title", "application-name") ?? ld.publisher
        metadata.language = tree.root["lang"].flatMap { $0.isEmpty ? nil : $0 } ?? first("og:locale", "dc.language", "language")
        metadata.canonical = canonical ?? first("og:url")
        metadata.doi = first("citation_doi", "dc.identifier", "prism.doi").flatMap(doi(in:))
        metadata.articleBody = ld.articleBody
        return metadata
    }

    /// A DOI in `text` ("10.1234/abc", "doi:10.1234/abc", "https://doi.org/10.1234/abc").
    static func doi(in text: String) -> String? {
        guard let range = text.range(of: #"10\.\d{4,9}/\S+"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }

    /// A `rel="author"` link's text.
    static func bylineAuthor(_ root: HTMLNode) -> String? {
        for link in root.descendants(named: ["a"]) where link["rel"]?.lowercased().split(separator: " ").contains("author") == true {
            let name = link.innerText
            if (2...80).contains(name.count) { return name }
        }
        return nil
    }

    /// The fields of schema.org objects in JSON-LD scripts.
    struct LinkedData {
        var headline: String?
        var author: String?
        var published: String?
        var modified: String?
        var publisher: String?
        var articleBody: String?

        init(_ scripts: [String]) {
            for script in scripts {
                guard let object = try? JSONSerialization.jsonObject(with: Data(script.utf8)) else { continue }
                visit(object, depth: 0)
            }
        }

        static let articleTypes = ["article", "newsarticle", "blogposting", "report", "scholarlyarticle", "webpage",
                                   "creativework", "pressrelease", "analysisnewsarticle", "reportagenewsarticle"]

        mutating func visit(_ value: Any, depth: Int) {
            guard depth < 6 else { return }
            if let list = value as? [Any] { for item in list { visit(item, depth: depth + 1) }; return }
            guard let object = value as? [String: Any] else { return }
            if let graph = object["@graph"] { visit(graph, depth: depth + 1) }
            let types = ((object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? []).map { $0.lowercased() }
            guard types.contains(where: Self.articleTypes.contains) else { return }
            headline = headline ?? (object["headline"] as? String) ?? (object["name"] as? String)
            published = published ?? (object["datePublished"] as? String)
            modified = modified ?? (object["dateModified"] as? String)
            if author == nil { author = Self.names(object["author"]) }
            if publisher == nil { publisher = Self.names(object["publisher"]) }
            if let body = object["articleBody"] as? String, body.count > (articleBody?.count ?? 0) { articleBody = body }
        }

        static func names(_ value: Any?) -> String? {
            if let name = value as? String { return name.isEmpty ? nil : name }
            if let object = value as? [String: Any] { return object["name"] as? String }
            if let list = value as? [Any] {
                let all = list.compactMap { names($0) }
                return all.isEmpty ? nil : all.joined(separator: "; ")
            }
            return nil
        }
    }
}
