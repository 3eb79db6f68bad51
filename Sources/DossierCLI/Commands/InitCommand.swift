import ArgumentParser
import Catalog
import DossierCore
import Foundation

/// `dossier init [DIR]`: create an empty workspace.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty workspace (corpus/notes, corpus/files, corpus/library, index).",
        discussion: "Running it again on an existing workspace only adds what is missing.")

    @Argument(help: ArgumentHelp("Folder to create the workspace in.", valueName: "dir"))
    var directory: String = "."

    func run() throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DossierError.workspace("\(root.path) exists and is not a folder")
        }
        let workspace = Workspace(root: root)
        let existed = workspace.exists
        let created = try workspace.create()
        _ = try CatalogStore(workspace: workspace)
        if existed && created.isEmpty {
            print("\(workspace.root.path) is already a Dossier workspace; nothing to do")
        } else if existed {
            print("Completed the Dossier workspace in \(workspace.root.path)")
        } else {
            print("Initialized an empty Dossier workspace in \(workspace.root.path)")
            print("Put your notes in \(workspace.relativePath(of: workspace.notes))/ and run `dossier links`.")
        }
    }
}
