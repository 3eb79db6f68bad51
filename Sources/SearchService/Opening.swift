import Catalog
import DossierCore
import Foundation

/// What `dossier open` opens, and with what: a result of the last search
/// (or a document's page) and the command that shows it there — a PDF in
/// the user's viewer at the page, a web page in the browser, a note in
/// the editor at the line.
public struct OpenTarget: Sendable {
    /// What kind of document it is.
    public var kind: DocumentKind
    /// Its file in the workspace.
    public var file: URL
    /// The physical page, from 1.
    public var page: Int
    /// The page's printed label (the page number when it has none).
    public var label: String
    /// The web page's address, for a web page.
    public var url: String?
    /// The line a note opens at (a section's first line).
    public var line: Int
    /// The search, for viewers that highlight it.
    public var query: String

    /// Result `rank` of the last search in `workspace`.
    public static func result(_ rank: Int, workspace: Workspace) throws -> OpenTarget {
        let last = try SearchResults.loadLast(workspace)
        guard let result = last.results.first(where: { $0.rank == rank }) else {
            throw DossierError.usage("the last search (\(last.query)) shows results \(last.results.first?.rank ?? 0)–\(last.results.last?.rank ?? 0); there is no result \(rank)")
        }
        return OpenTarget(kind: result.document.kind, file: workspace.root.appendingPathComponent(result.document.path),
                          page: result.page, label: result.pageLabel ?? String(result.page), url: result.document.url,
                          line: result.line ?? 1, query: last.query)
    }

    /// Page `page` of document `id`.
    public static func document(_ id: Int, page: Int, workspace: Workspace, catalog: CatalogStore) throws -> OpenTarget {
        guard let document = try catalog.document(id: id) else {
            throw DossierError.notFound("there is no document \(id) (`dossier documents` lists them, with their numbers)")
        }
        if document.kind != .html {
            let pages = document.pageCount ?? 0
            guard (1...max(1, pages)).contains(page) else {
                throw DossierError.notFound("document \(document.id) has \(pages) page\(pages == 1 ? "" : "s"); there is no page \(page)")
            }
        }
        guard FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent(document.path).path) else {
            throw DossierError.workspace("the file of document \(document.id) is gone (\(document.path)); run `dossier update`")
        }
        let found = try catalog.pages(document: document.id, index: page).first
        return OpenTarget(kind: document.kind, file: workspace.root.appendingPathComponent(document.path), page: page,
                          label: found?.label ?? String(page), url: try catalog.documentSource(document.id)?.url,
                          line: found?.line ?? 1, query: "")
    }

    /// A shell command that opens the target, and whether to wait for it
    /// (an editor or a viewer named by the user runs in the foreground; a
    /// desktop viewer is left to run). Nil when there is no editor and no
    /// terminal to run one in: the caller says where the note's line is.
    ///
    /// A PDF opens in `$DOSSIER_VIEWER` (a template with {file} {page}
    /// {label} {query}; or, without any, a command given the file as
    /// `$EDITOR` is, and the page too when it names a viewer known below),
    /// else in the first of evince, okular, zathura,
    /// sioyek, qpdfview and mupdf installed, else through xdg-open at
    /// `file://…#page=N`.
    public func command(environment: [String: String], terminal: Bool) throws -> (command: String, wait: Bool)? {
        let quote = Shell.quote
        switch kind {
        case .note:
            guard let editor = environment["VISUAL"] ?? environment["EDITOR"] ?? (terminal ? "vi" : nil) else { return nil }
            return ("\(editor) +\(line) \(quote(file.path))", true)
        case .html:
            let address = url ?? file.absoluteString
            guard let opener = Shell.which("xdg-open") else { throw DossierError.workspace("no browser opener (xdg-open) found; the page is \(address)") }
            return ("\(opener) \(quote(address))", false)
        default:
            let path = quote(file.path)
            let viewers: [(String, String)] = [
                ("evince", "--page-index=\(page) \(path)"), ("okular", "-p \(page) \(path)"), ("zathura", "-P \(page) \(path)"),
                ("sioyek", "--page \(page) \(path)"), ("qpdfview", quote("\(file.path)#\(page)")), ("mupdf", "\(path) \(page)"),
            ]
            if let template = environment["DOSSIER_VIEWER"], !template.isEmpty {
                let placeholders = ["{file}", "{page}", "{label}", "{query}"]
                guard placeholders.contains(where: template.contains) else {
                    // A command, as $EDITOR is one: given the file, and the page where the viewer is one we know.
                    let program = template.split(separator: " ").first.map { String($0.split(separator: "/").last ?? $0) } ?? ""
                    let arguments = viewers.first { $0.0 == program }?.1 ?? path
                    return ("\(template) \(arguments)", true)
                }
                return (template
                    .replacingOccurrences(of: "{file}", with: path)
                    .replacingOccurrences(of: "{page}", with: String(page))
                    .replacingOccurrences(of: "{label}", with: quote(label))
                    .replacingOccurrences(of: "{query}", with: quote(query)), true)
            }
            for (name, arguments) in viewers {
                if let program = Shell.which(name) { return ("\(program) \(arguments)", false) }
            }
            let address = "\(file.absoluteString)#page=\(page)"
            guard let opener = Shell.which("xdg-open") else {
                throw DossierError.workspace("no PDF viewer found (set DOSSIER_VIEWER, e.g. 'evince --page-index={page} {file}'); the page is \(address)")
            }
            return ("\(opener) \(quote(address))", false)
        }
    }
}
