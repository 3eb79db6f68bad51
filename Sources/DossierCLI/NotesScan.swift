import Catalog
import DossierCore
import Notes

extension CatalogStore {
    /// Reads `corpus/notes/`, parses the notes that changed since the last
    /// scan, and records them: the first step of every command that shows
    /// or uses citations. (The notes stage reads, the catalog records: the
    /// catalog knows no parser.)
    @discardableResult
    func scanNotes(in workspace: Workspace, warn: (String) -> Void) throws -> NoteSyncSummary {
        let files = NoteFolder.read(workspace, known: try noteDigests(), warn: warn)
        return try syncNotes(files)
    }
}
