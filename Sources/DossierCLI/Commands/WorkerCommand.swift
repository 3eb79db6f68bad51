import ArgumentParser
import Extract
import Foundation

/// `dossier worker extract PATH`: the worker mode the extraction pool starts.
/// Not for users: it prints the document as JSON on stdout, or one line on
/// stderr and exits 3.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Internal: run one extraction in this process (used by `dossier index`).",
        shouldDisplay: false)

    @Argument(help: "What to do: extract.")
    var task: String

    @Option(help: "Address-space limit in MiB.")
    var memoryMb: Int = 2048

    @Argument(help: "The document's path.")
    var path: String

    func run() throws {
        guard task == "extract" else { throw ValidationError("unknown worker task '\(task)'") }
        ExtractionPool.limitMemory(megabytes: memoryMb)
        do {
            let document = try DocumentExtractor.extract(path: path)
            FileHandle.standardOutput.write(try JSONEncoder().encode(document))
        } catch let error as ExtractionError {
            FileHandle.standardError.write(Data((error.workerLine + "\n").utf8))
            throw ExitCode(3)
        }
    }
}
