import ArgumentParser
import Catalog
import DossierCore
import Pipeline

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
        let pipeline = try pipeline()
        try pipeline.scanNotes()
        return (pipeline.workspace, pipeline.catalog)
    }

    /// A pipeline over the workspace, its events shown on the terminal.
    func pipeline(quiet: Bool = false, verbose: Bool = false) throws -> Pipeline {
        try Pipeline(workspace: try resolve(), events: PipelineOutput(quiet: quiet, verbose: verbose).handler)
    }
}

extension WorkerProgram {
    /// This program as an extraction worker.
    static var extract: WorkerProgram { WorkerProgram(executable: currentExecutable, arguments: ["worker", "extract"]) }
}
