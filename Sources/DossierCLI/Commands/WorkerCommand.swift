import ArgumentParser
import Extract
import Foundation

/// `dossier worker extract PATH`: the worker mode the extraction pool starts.
/// Not for users: it prints the document as JSON on stdout, or one line on
/// stderr and exits 3. `dossier worker render --page N --width W [--term X]… PATH`
/// draws a page preview for `dossier serve` (PNG on stdout, or one line on
/// stderr and exit 3).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Internal: run one extraction in this process (used by `dossier index`).",
        shouldDisplay: false)

    @Argument(help: "What to do: extract or render.")
    var task: String

    @Option(help: "With render: the 1-based page.")
    var page: Int = 1

    @Option(help: "With render: the image's width in pixels.")
    var width: Int = 480

    @Option(help: "With render: a term whose words to outline, analyzed as the index analyzes, '*' at the end for a prefix (repeatable).")
    var term: [String] = []

    @Option(help: "With render: a further box to outline, x1,y1,x2,y2 in points from the top left (repeatable).")
    var box: [String] = []

    @Option(help: "Address-space limit in MiB.")
    var memoryMb: Int = 2048

    @Argument(help: "The document's path (omit with --serve).")
    var path: String?

    @Flag(help: "Extract every path read on stdin, answering each (see PersistentWorker).")
    var serve = false

    @Option(help: "With ocr: Tesseract's languages, e.g. eng+fra+spa.")
    var languages = "eng+fra+spa"

    @Option(help: "With ocr: seconds Tesseract may spend on a page.")
    var pageSeconds: Double = 100

    func run() throws {
        guard ["extract", "render", "ocr"].contains(task) else { throw ValidationError("unknown worker task '\(task)'") }
        ExtractionPool.limitMemory(megabytes: memoryMb)
        if task == "ocr" { return ocrLoop() }
        if task == "render", serve { return renderLoop() }
        if task == "render" {
            guard let path else { throw ValidationError("a path is required") }
            guard (16...4000).contains(width) else { throw ValidationError("--width must be 16–4000") }
            injectFault(path)
            do {
                FileHandle.standardOutput.write(try PageRenderer.png(path: path, page: page, width: width, terms: term,
                                                                         boxes: box.map { $0.split(separator: ",").compactMap { Double($0) } }))
                return
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(3)
            }
        }
        if serve { return serveLoop() }
        guard let path else { throw ValidationError("a path is required") }
        do {
            let document = try DocumentExtractor.extract(path: path)
            FileHandle.standardOutput.write(try JSONEncoder().encode(document))
        } catch let error as ExtractionError {
            FileHandle.standardError.write(Data((error.workerLine + "\n").utf8))
            throw ExitCode(3)
        }
    }

    /// Fault injection for the tests of worker isolation: DOSSIER_FAULT_INJECTION=hang=NAME,crash=NAME
    /// makes the worker hang on, or crash on, a path containing NAME.
    func injectFault(_ path: String) {
        guard let spec = ProcessInfo.processInfo.environment["DOSSIER_FAULT_INJECTION"] else { return }
        for rule in spec.split(separator: ",") {
            let parts = rule.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, path.contains(parts[1]) else { continue }
            if parts[0] == "hang" { while true { sleep(1000) } }
            if parts[0] == "crash" { signal(SIGSEGV, SIG_DFL); raise(SIGSEGV) }
        }
    }

    /// `worker ocr --serve`: each request is "PATH<tab>PAGE", each answer that page's ``PageOCR/Result``.
    func ocrLoop() {
        WorkerProtocol.serve { request in
            let parts = request.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2, let page = Int(parts[1]) else { throw ExtractionError.failed("bad request") }
            injectFault(String(parts[0]))
            return try PageOCR.read(path: String(parts[0]), page: page, languages: languages, deadline: pageSeconds)
        }
    }

    /// `worker render --serve`: each request a ``PreviewRenderer/Request`` as
    /// a line of JSON, each answer the page's PNG.
    func renderLoop() {
        WorkerProtocol.serve { line -> Data in
            guard let request = try? JSONDecoder().decode(PreviewRenderer.Request.self, from: Data(line.utf8)),
                  (16...4000).contains(request.width) else { throw ExtractionError.failed("bad request") }
            injectFault(request.path)
            return try PageRenderer.png(path: request.path, page: request.page, width: request.width, terms: request.terms,
                                        boxes: request.boxes)
        }
    }

    /// `worker extract --serve`: each request is a path, each answer its ``ExtractedDocument``.
    func serveLoop() {
        WorkerProtocol.serve { path in
            injectFault(path)
            return try DocumentExtractor.extract(path: path)
        }
    }
}
