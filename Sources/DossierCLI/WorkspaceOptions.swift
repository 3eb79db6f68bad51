import ArgumentParser
import Catalog
import DossierCore

/// Options every command that works in a workspace takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder (default: $DOSSIER_WORKSPACE, else the nearest folder with corpus/notes/).", valueName: "dir"))
    var workspace: String?

    /// The workspace these options select.
    func resolve() throws -> Workspace {
        try Workspace.resolve(option: workspace)
    }

    /// The workspace and its catalog, with the notes scanned: what every
    /// command that shows citations starts from.
    func openScanned() throws -> (Workspace, CatalogStore) {
        let workspace = try resolve()
        let catalog = try CatalogStore(workspace: workspace)
        try catalog.scanNotes(in: workspace) { Terminal.warning($0) }
        return (workspace, catalog)
    }
}
