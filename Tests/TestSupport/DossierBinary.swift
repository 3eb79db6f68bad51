import Foundation

/// The `dossier` binary built beside the test bundle (or `$DOSSIER_BIN`):
/// what the CLI tests run, and the extraction workers of in-process updates.
public let dossierBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["DOSSIER_BIN"] { return URL(fileURLWithPath: path) }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent("dossier")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/dossier")
}()
