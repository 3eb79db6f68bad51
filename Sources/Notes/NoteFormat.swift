import DossierCore
/// The kinds of note files Dossier reads.
public enum NoteFormat: Sendable {
    /// `*.md`, `*.markdown`: CommonMark with GitHub's task lists and bare URLs.
    case markdown
    /// `*.txt`: plain text; links are still recognised in every form, but
    /// nothing is a heading or a code block.
    case plainText

    /// The format of a file with this extension, or `nil` if Dossier does not read it.
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "md", "markdown": self = .markdown
        case "txt": self = .plainText
        default: return nil
        }
    }
}
