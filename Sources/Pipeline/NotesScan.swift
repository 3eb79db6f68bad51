import Catalog
import DossierCore
import Notes

extension Pipeline {
    /// Reads `corpus/notes/`, parses the notes that changed since the last
    /// scan, and records them: the first step of every command that shows
    /// or uses citations. (The notes stage reads, the catalog records: the
    /// catalog knows no parser.)
    @discardableResult
    public func scanNotes() throws -> NoteSyncSummary {
        let files = NoteFolder.read(workspace, known: try catalog.noteDigests(), warn: { events(.warning($0)) })
        return try catalog.syncNotes(files)
    }
}
