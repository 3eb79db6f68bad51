import Foundation

/// A Dossier workspace: a folder holding the user's notes, the documents they
/// cite, and everything built from them.
///
/// ```text
/// <root>/
///   corpus/notes/     the user's notes (*.md, *.markdown, *.txt), tracked by git
///   corpus/files/     fetched documents, content-addressed; not tracked
///   corpus/library/   documents the user drops in; indexed without a citing note
///   index/            everything built: catalog.sqlite, segments, reports, logs
/// ```
///
/// The workspace is chosen by `--workspace DIR`, else `$DOSSIER_WORKSPACE`,
/// else the nearest folder at or above the current directory that has
/// `corpus/notes/` (the way git finds its repository).
public struct Workspace: Sendable, Equatable {
    /// The workspace's root folder, absolute and standardized.
    public let root: URL

    /// Creates a value for the workspace rooted at `root` without touching disk.
    public init(root: URL) {
        var path = root.standardizedFileURL.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        self.root = URL(fileURLWithPath: path, isDirectory: true)
    }

    /// `corpus/`.
    public var corpus: URL { root.appendingPathComponent("corpus", isDirectory: true) }
    /// `corpus/notes/`: the user's notes.
    public var notes: URL { corpus.appendingPathComponent("notes", isDirectory: true) }
    /// `corpus/files/`: fetched documents, named by their SHA-256.
    public var files: URL { corpus.appendingPathComponent("files", isDirectory: true) }
    /// `corpus/library/`: local documents indexed without a citing note.
    public var library: URL { corpus.appendingPathComponent("library", isDirectory: true) }
    /// `index/`: everything built.
    public var index: URL { root.appendingPathComponent("index", isDirectory: true) }
    /// `index/catalog.sqlite`: the catalog database.
    public var catalog: URL { index.appendingPathComponent("catalog.sqlite") }

    /// The folders every workspace has.
    public var requiredFolders: [URL] { [notes, files, library, index] }

    /// Whether `root` looks like a workspace (it has `corpus/notes/`).
    public var exists: Bool { Self.isDirectory(notes) }

    /// The path of `url` relative to the workspace root when it lies inside it,
    /// else its absolute path.
    public func relativePath(of url: URL) -> String {
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// Creates the workspace's folders (those missing) and a `.gitignore` that
    /// keeps fetched and built files out of git. Returns the folders created.
    @discardableResult
    public func create() throws -> [URL] {
        var created: [URL] = []
        for folder in requiredFolders where !Self.isDirectory(folder) {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw DossierError.io(path: folder.path, reason: "cannot create folder (\(Self.reason(error)))")
            }
            created.append(folder)
        }
        let ignore = root.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) {
            try AtomicFile.write(Data(Self.gitignore.utf8), to: ignore)
        }
        return created
    }

    /// The `.gitignore` written into a new workspace.
    public static let gitignore = """
        # Dossier: fetched documents and everything built are not tracked.
        /corpus/files/
        /index/

        """

    /// Resolves the workspace the way every command does.
    ///
    /// - Parameters:
    ///   - option: the value of `--workspace`, if given.
    ///   - environment: the process environment (`DOSSIER_WORKSPACE`).
    ///   - currentDirectory: where the search upwards starts.
    public static func resolve(
        option: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) throws -> Workspace {
        if let explicit = option ?? environment["DOSSIER_WORKSPACE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let url = URL(fileURLWithPath: explicit, isDirectory: true, relativeTo: currentDirectory)
            let workspace = Workspace(root: url)
            guard workspace.exists else {
                let source = option != nil ? "--workspace" : "DOSSIER_WORKSPACE"
                throw DossierError.workspace(
                    "\(workspace.root.path) (from \(source)) is not a Dossier workspace: it has no corpus/notes/ folder; run `dossier init \(explicit)` to create one")
            }
            return workspace
        }
        var folder = currentDirectory.standardizedFileURL
        while true {
            let candidate = Workspace(root: folder)
            if candidate.exists { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        throw DossierError.workspace(
            "not inside a Dossier workspace (no corpus/notes/ here or above \(currentDirectory.path)); run `dossier init`, or pass --workspace DIR")
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    /// A short, one-line reason for a Foundation or POSIX error.
    public static func reason(_ error: Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
