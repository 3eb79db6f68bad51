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

/// A finished run of `dossier`.
public struct Run: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `dossier` with `arguments` in `directory` (without the
/// caller's `DOSSIER_WORKSPACE`), feeding it `stdin`, and waits for it.
public func dossier(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
    try runProgram(dossierBinary, arguments, in: directory, environment: environment, stdin: stdin)
}

/// Runs `executable` as ``dossier(_:in:environment:stdin:)`` runs Dossier.
public func runProgram(_ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                       stdin: String? = nil) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "DOSSIER_WORKSPACE")
    env.merge(environment) { $1 }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    if stdin != nil { process.standardInput = input }
    try process.run()
    if let stdin {
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }
    // Read both pipes concurrently so a large output cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
}
