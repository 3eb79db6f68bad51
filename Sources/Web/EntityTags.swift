/// `If-None-Match` read as RFC 9110 §13.1.2 says: `*` matches any current
/// file; otherwise a list of entity tags, each `"…"` or weak `W/"…"`,
/// matches when one of them equals the file's tag by the weak comparison
/// (the quoted parts alike, `W/` or not). A tag may hold a comma inside its
/// quotes; a list that stops parsing matches on what came before.
enum EntityTags {
    /// Whether `header` names the file whose ETag is `etag`: then a GET or
    /// HEAD is answered 304 Not Modified.
    static func noneMatchFails(_ header: String?, etag: String) -> Bool {
        guard let header else { return false }
        let own = opaque(etag)
        var rest = Substring(header)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { return false }
            if rest.first == "*" { return true }
            if rest.hasPrefix("W/") { rest = rest.dropFirst(2) }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return false }
            if rest[...close] == own { return true }
            rest = rest[rest.index(after: close)...]
        }
    }

    /// `tag` without its weakness: the quoted part.
    static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}
