import DossierCore
import Foundation

/// Walks `corpus/notes/` for the notes Dossier reads.
public enum NoteFolder {
    /// Every `*.md`, `*.markdown` and `*.txt` under `folder`, recursively,
    /// sorted by path; hidden files and folders are skipped.
    public static func list(_ folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles, .skipsPackageDescendants]) else { return [] }
        var result: [URL] = []
        for case let url as URL in enumerator {
            guard NoteFormat(pathExtension: url.pathExtension) != nil else { continue }
            let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
            if isFile { result.append(url.standardizedFileURL) }
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Reads every note of the workspace; parses those whose SHA-256 differs
    /// from `known[path]`. Unreadable files are reported and skipped.
    ///
    /// - Parameters:
    ///   - workspace: the workspace whose `corpus/notes/` is read.
    ///   - known: SHA-256 of each note as last parsed, by workspace-relative path.
    ///   - warn: called with `path:line: message` for every problem.
    public static func read(_ workspace: Workspace, known: [String: String] = [:],
                            warn: (String) -> Void = { _ in }) -> [NoteFile] {
        var notes: [NoteFile] = []
        for url in list(workspace.notes) {
            let path = workspace.relativePath(of: url)
            let data: Data
            do {
                data = try Data(contentsOf: url, options: .mappedIfSafe)
            } catch {
                warn("\(path): cannot read (\(Workspace.reason(error))); skipped")
                continue
            }
            let digest = SHA256.hex(of: data)
            var note = NoteFile(path: path, sha256: digest, size: data.count, parsed: nil)
            if known[path] != digest, let format = NoteFormat(pathExtension: url.pathExtension) {
                var parsed = NoteParser.parse(data, format: format)
                for i in parsed.citations.indices { parsed.citations[i].note = path }
                for warning in parsed.warnings {
                    warn(warning.line > 0 ? "\(path):\(warning.line): \(warning.message)" : "\(path): \(warning.message)")
                }
                note.parsed = parsed
            }
            notes.append(note)
        }
        return notes
    }
}
