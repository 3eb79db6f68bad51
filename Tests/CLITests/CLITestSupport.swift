import DossierCore
import Foundation
import TestSupport
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-cli-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A new workspace holding the example note.
func exampleWorkspace() throws -> URL {
    let root = try temporaryFolder()
    let result = try dossier(["init", root.path])
    #expect(result.status == 0)
    try FileManager.default.copyItem(
        at: repositoryRoot.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md"),
        to: root.appendingPathComponent("corpus/notes/iccwc-annual-report-2024.md"))
    return root
}
