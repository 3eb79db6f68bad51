import DossierCore
/// Canonical form of an http(s) URL, used as its identity.
///
/// One document cited twice — `HTTPS://Example.org:443/a%7e#p3` in one note,
/// `https://example.org/a~` in another — must be fetched once and keep both
/// citations, so every cited URL is reduced to one spelling (RFC 3986 §6.2.2):
///
/// - scheme and host lower-cased; the default port (80, 443) dropped;
/// - the fragment dropped (it names a place in the document, not a document);
/// - dot segments (`/a/./b/../c`) removed; an empty path becomes `/`;
/// - percent-encoding made canonical: escapes of unreserved characters
///   (`A–Z a–z 0–9 - . _ ~`) decoded, other escapes upper-cased, and bytes
///   that may not appear raw (space, non-ASCII, `"<>\^`{|}`) escaped;
/// - path and query otherwise kept as written (their case matters to servers).
public enum URLNormalizer {
    /// The canonical form of `raw`, or `nil` when it is not an absolute
    /// http or https URL with a host.
    public static func normalize(_ raw: String) -> String? {
        // Split by Unicode scalars, not Characters: a combining mark after a
        // delimiter (":̓", "/̓") makes one Character with it, which hid the
        // delimiter from a Character search on the first pass but not on
        // the second, once escaping had put the mark apart.
        typealias Scalars = Substring.UnicodeScalarView
        func string(_ scalars: Scalars) -> String { String(Substring(scalars)) }
        var text = Substring(raw.trimmingASCIIWhitespace()).unicodeScalars
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = string(text[..<colon]).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        text = text[text.index(after: colon)...]
        guard text.starts(with: "//".unicodeScalars) else { return nil }
        text = text.dropFirst(2)
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        let authorityEnd = text.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
        var authority = text[..<authorityEnd]
        let rest = text[authorityEnd...]

        var userinfo = ""
        if let at = authority.lastIndex(of: "@") {
            userinfo = string(authority[...at])
            authority = authority[authority.index(after: at)...]
        }
        var host = authority
        var port = ""
        if host.first == "[" {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.first == ":" { port = string(after.dropFirst()) } else if !after.isEmpty { return nil }
            host = host[...close]
        } else if let portColon = host.lastIndex(of: ":") {
            port = string(host[host.index(after: portColon)...])
            host = host[..<portColon]
            // Only an IP literal in brackets holds a colon (`example.org::443` is no URL).
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, port.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        if let number = Int(port) {
            port = String(number)
            if (scheme == "http" && number == 80) || (scheme == "https" && number == 443) { port = "" }
        }
        // Escapes decoded first, then lower-cased: `%4E` is "n", as "N" is (the escapes' hex digits stay upper case).
        let hostText = lowercasedOutsideEscapes(canonicalEscapes(string(host), allowed: hostAllowed))

        var path = rest
        var query: Scalars?
        if let question = rest.firstIndex(of: "?") {
            path = rest[..<question]
            query = rest[rest.index(after: question)...]
        }
        var canonicalPath = removeDotSegments(canonicalEscapes(string(path), allowed: pathAllowed))
        if canonicalPath.isEmpty { canonicalPath = "/" }

        var result = scheme + "://" + canonicalEscapes(userinfo, allowed: pathAllowed) + hostText
        if !port.isEmpty { result += ":" + port }
        result += canonicalPath
        if let query { result += "?" + canonicalEscapes(string(query), allowed: queryAllowed) }
        return result
    }

    // MARK: percent-encoding

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
    }
    private static let subDelims = Set("!$&'()*+,;=".utf8)
    private static let pathAllowed: Set<UInt8> = subDelims.union(":@/".utf8)
    private static let queryAllowed: Set<UInt8> = pathAllowed.union("?".utf8)
    private static let hostAllowed: Set<UInt8> = subDelims.union(":[]".utf8)

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    private static func canonicalEscapes(_ text: String, allowed: Set<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        func escape(_ b: UInt8) { out.append(0x25); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x25, i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let decoded = hi << 4 | lo
                if isUnreserved(decoded) { out.append(decoded) } else { escape(decoded) }
                i += 3
                continue
            }
            if isUnreserved(b) || allowed.contains(b) { out.append(b) } else { escape(b) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ASCII letters lower-cased, except the hex digits of `%XX` escapes.
    static func lowercasedOutsideEscapes(_ text: String) -> String {
        var out: [UInt8] = []
        var escape = 0
        for b in text.utf8 {
            if escape > 0 {
                out.append(b)
                escape -= 1
            } else if b == 0x25 {
                out.append(b)
                escape = 2
            } else {
                out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 §5.2.4, on an already-escaped path.
    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        // A leading "/" yields an empty first segment.
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return output.joined(separator: "/")
    }
}

extension String {
    func trimmingASCIIWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return s
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
