import DossierCore
import Foundation

/// What the fetcher needs to know about a web page without parsing it fully.
enum HTMLInspector {
    /// The kind of content, from its first bytes (``DocumentKind/sniff(_:)``)
    /// and, for HTML without markup near the start, its Content-Type.
    static func kind(head: [UInt8], contentType: String?) -> DocumentKind {
        switch DocumentKind.sniff(head) {
        case .pdf: return .pdf
        case .html: return .html
        case .note, .other:
            let type = contentType?.lowercased() ?? ""
            return type.contains("text/html") || type.contains("application/xhtml") ? .html : .other
        }
    }

    /// `<meta name="citation_pdf_url" content="…">`, resolved against `base`.
    static func citationPDFURL(_ html: String, base: URL) -> String? {
        var searchFrom = html.startIndex
        while let meta = html.range(of: "<meta", options: .caseInsensitive, range: searchFrom..<html.endIndex) {
            guard let close = html.range(of: ">", range: meta.upperBound..<html.endIndex) else { break }
            let tag = String(html[meta.upperBound..<close.lowerBound])
            searchFrom = close.upperBound
            guard let name = attribute("name", in: tag), name.lowercased() == "citation_pdf_url",
                  let content = attribute("content", in: tag)?.trimmingCharacters(in: .whitespaces), !content.isEmpty,
                  let url = URL(string: content.replacingOccurrences(of: "&amp;", with: "&"), relativeTo: base)?.absoluteURL,
                  let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { continue }
            return url.absoluteString
        }
        return nil
    }

    static func attribute(_ name: String, in tag: String) -> String? {
        guard let key = tag.range(of: "\(name)\\s*=\\s*", options: [.regularExpression, .caseInsensitive]) else { return nil }
        let rest = tag[key.upperBound...]
        guard let first = rest.first else { return nil }
        if first == "\"" || first == "'" {
            let body = rest.dropFirst()
            guard let end = body.firstIndex(of: first) else { return nil }
            return String(body[..<end])
        }
        return String(rest.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" })
    }

    /// Whether a page looks like an anti-bot challenge or an access wall.
    static func looksLikeChallenge(_ html: String) -> Bool {
        let text = html.lowercased()
        return ["just a moment", "cf-chl", "challenge-platform", "captcha", "are you a robot", "access denied",
                "enable javascript and cookies", "attention required", "ddos protection", "request unsuccessful"]
            .contains(where: text.contains)
    }
}
