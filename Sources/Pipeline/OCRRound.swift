import Catalog
import DossierCore
import Extract
import Foundation

/// How scanned pages are read (``Pipeline/recognizePending(_:)``).
public struct OCROptions: Sendable {
    /// Tesseract's languages; nil for `$DOSSIER_OCR_LANGUAGES`, else the
    /// workspace's `dossier.json`, else `eng+fra+spa` (CITES works in these three).
    public var languages: String?
    /// Minutes an update may spend starting pages (the rest wait for the
    /// next); nil for the workspace's `dossier.json`, else 30.
    public var budgetMinutes: Double?
    /// Seconds one page may take.
    public var pageSeconds = 120
    /// Worker processes at once.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// A worker's memory limit, in MiB.
    public var memoryMB = 2048

    /// The defaults.
    public init() {}
}

/// What an OCR round did.
public struct OCRSummary: Codable, Sendable {
    /// Pages read.
    public var read = 0
    /// Pages OCR could not read (each keeps its reason).
    public var failed = 0
    /// Scanned pages left for the next update (the budget ran out).
    public var pending = 0
    /// Mean confidence of the pages read this round (0–100).
    public var meanConfidence: Double?
    /// Documents whose pages were read.
    public var documents: [Int] = []

    /// One line for `update` and `index`, when there was anything to read.
    public var line: String? {
        guard read + failed + pending > 0 else { return nil }
        var parts = ["\(read) scanned page\(read == 1 ? "" : "s") read"
            + (meanConfidence.map { " (mean confidence \(Int($0.rounded())))" } ?? "")]
        if failed > 0 { parts.append("\(failed) failed") }
        if pending > 0 { parts.append("\(pending) left for the next update (OCR budget reached)") }
        return "ocr        " + parts.joined(separator: ", ")
    }
}

extension Pipeline {
    /// Reads the catalog's scanned pages that wait for OCR, in worker
    /// processes, document by document, starting none once the budget is
    /// spent; stores each page as it comes (its passages replace the empty
    /// ones). The caller syncs the index. A page read once is never read
    /// again: a document's pages wait for OCR again only when its bytes
    /// change (a new document).
    public func recognizePending(_ options: OCROptions, worker: WorkerProgram, settings: WorkspaceSettings? = nil) throws -> OCRSummary {
        var summary = OCRSummary()
        let pending = try catalog.pendingOCRPages()
        guard !pending.isEmpty else { return summary }
        let settings = try settings ?? WorkspaceSettings.read(workspace)
        let languages = options.languages ?? ProcessInfo.processInfo.environment["DOSSIER_OCR_LANGUAGES"]
            ?? settings.ocr?.languages ?? "eng+fra+spa"
        let budget = options.budgetMinutes ?? settings.ocr?.budgetMinutes ?? 30
        // Without a language's data every page would fail: say so once, and leave the pages waiting.
        let missing = PageOCR.missingLanguages(languages)
        guard missing.isEmpty else {
            events(.warning("OCR: no Tesseract data for \(missing.joined(separator: ", ")) (install tesseract-ocr-\(missing[0])); "
                + "\(pending.count) scanned page\(pending.count == 1 ? "" : "s") wait"))
            summary.pending = pending.count
            return summary
        }
        events(.ocrStarted(pages: pending.count))
        let ocrWorker = worker.task("ocr")
        let pool = OCRPool(
            executable: ocrWorker.executable,
            arguments: ocrWorker.arguments + ["--memory-mb", String(options.memoryMB),
                                                      "--languages", languages,
                                                      "--page-seconds", String(max(1, options.pageSeconds - 5))],
            concurrency: options.jobs, timeout: options.pageSeconds)
        let box = OCRBox(pipeline: self, pending: pending)
        pool.run(pending.map { (workspace.root.appendingPathComponent($0.path).path, $0.page) },
                 until: Date().addingTimeInterval(budget * 60)) { index, result in
            box.store(index, result)
            // A page that could not be stored stops the round: OCR of the rest would be lost too.
            return box.failure == nil
        }
        if let failure = box.failure { throw failure }
        summary = box.summary
        summary.pending = pending.count - summary.read - summary.failed
        summary.meanConfidence = box.confidences.isEmpty ? nil : box.confidences.reduce(0, +) / Double(box.confidences.count)
        summary.documents = Array(Set(box.documents)).sorted()
        return summary
    }

    /// Receives pages from the pool's threads (one at a time) and stores them.
    private final class OCRBox: @unchecked Sendable {
        let pipeline: Pipeline
        let pending: [PendingOCRPage]
        var summary = OCRSummary()
        var confidences: [Double] = []
        var documents: [Int] = []
        var failure: Error?

        init(pipeline: Pipeline, pending: [PendingOCRPage]) {
            self.pipeline = pipeline
            self.pending = pending
        }

        func store(_ index: Int, _ result: Result<PageOCR.Result, ExtractionError>) {
            guard failure == nil else { return }
            let page = pending[index]
            do {
                switch result {
                case .success(let read):
                    let (text, passages) = read.normalized()
                    try pipeline.catalog.storeOCR(document: page.document, page: page.page, outcome: Result<OCRPageText, ExtractionError>.success(
                        OCRPageText(text: text, passages: passages, confidence: read.confidence, words: read.wordsJSON())))
                    summary.read += 1
                    if let confidence = read.confidence { confidences.append(confidence) }
                    documents.append(page.document)
                    pipeline.events(.ocrPage(document: page.document, page: page.page, confidence: read.confidence, error: nil))
                case .failure(let error):
                    try pipeline.catalog.storeOCR(document: page.document, page: page.page,
                                                  outcome: Result<OCRPageText, ExtractionError>.failure(error))
                    summary.failed += 1
                    pipeline.events(.ocrPage(document: page.document, page: page.page, confidence: nil, error: error.description))
                }
            } catch {
                failure = error
            }
        }
    }
}
