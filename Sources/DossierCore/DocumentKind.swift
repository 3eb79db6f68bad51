import Foundation

/// What a document is: a file judged by its bytes rather than its name
/// (``sniff(_:)``), or one of the user's notes. The catalog stores the raw
/// value; fetching, extraction, search filters and the JSON share the type.
public enum DocumentKind: String, Sendable, Codable, CaseIterable {
    /// Starts with `%PDF-` (within the first 1024 bytes, as PDF readers allow).
    case pdf
    /// Looks like HTML: a doctype, `<html`, `<head` or `<body` near the start.
    case html
    /// A note of `corpus/notes/`, indexed as a document (sections as pages).
    case note
    /// Anything else: recorded, not stored or indexed.
    case other

    /// The kinds a search can be narrowed to.
    public static let searchable: [DocumentKind] = [.pdf, .html, .note]

    /// The kind a search can be narrowed to that `name` names, if any.
    public static func searchable(named name: String) -> DocumentKind? {
        DocumentKind(rawValue: name).flatMap { searchable.contains($0) ? $0 : nil }
    }

    /// The ``searchable`` kinds for a message: "pdf, html or note".
    public static let searchableNames = searchable.dropLast().map(\.rawValue).joined(separator: ", ") + " or " + searchable.last!.rawValue

    /// The kind of the bytes at the start of a file.
    public static func sniff(_ head: [UInt8]) -> DocumentKind {
        let magic = Array("%PDF-".utf8)
        if head.count >= magic.count, (0...(head.count - magic.count)).contains(where: { head[$0..<($0 + magic.count)].elementsEqual(magic) }) {
            return .pdf
        }
        let text = String(decoding: head.prefix(1024), as: UTF8.self).lowercased()
        if ["<!doctype html", "<html", "<head", "<body", "<title"].contains(where: text.contains) { return .html }
        return .other
    }

    /// The kind of the file at `path` (`other` when it cannot be read).
    public static func sniff(path: String) -> DocumentKind {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .other }
        defer { try? handle.close() }
        return sniff([UInt8]((try? handle.read(upToCount: 1024)) ?? Data()))
    }
}
