/// How Dossier names a document to a person, everywhere it shows one (the
/// CLI's lists and results, the update report, status, the web pages, MCP):
/// its title; without one, the URL it came from; without that, its file.
/// A file in the store (`corpus/files/<sha256>.pdf`) names nothing a
/// reader knows, so it comes last.
public enum DocumentName {
    /// The document's name: its title, else its URL, else its path.
    public static func of(title: String?, url: String?, path: String) -> String {
        if let title, !title.isEmpty { return title }
        return url ?? path
    }

    /// The name and where the document came from, for a line of a list or
    /// a report: "Title (https://…)", or the URL (or path) alone.
    public static func withOrigin(title: String?, url: String?, path: String) -> String {
        let origin = url ?? path
        if let title, !title.isEmpty { return "\(title) (\(origin))" }
        return origin
    }
}
