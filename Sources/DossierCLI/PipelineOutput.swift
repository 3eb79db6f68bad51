import DossierCore
import Foundation
import Pipeline

/// How the command line shows a pipeline's events: warnings on stderr; on
/// a terminal, one live line while fetching (with the bytes fetched),
/// extracting and reading by OCR (done/total, elapsed, time left, the
/// current document or host), with a line
/// for each document that failed; elsewhere (a pipe, a log, cron) or with
/// `--verbose`, one line per document extracted or failed. Nothing but
/// warnings when the command prints JSON.
final class PipelineOutput: @unchecked Sendable {
    let quiet: Bool
    let progress: Bool
    let verbose: Bool
    let lock = NSLock()
    var stages = UpdateStages()

    init(quiet: Bool, verbose: Bool = false) {
        self.quiet = quiet
        self.verbose = verbose
        progress = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// The live line of extraction: "[extract 120/5,486 · 310 MB of 2.1 GB · 1:05, about 48:10 left] corpus/library/x.pdf".
    func extractionLine(_ path: String) -> String {
        "[extract \(stages.extraction.summary)] \(path)"
    }

    /// The handler to give a ``Pipeline``.
    var handler: @Sendable (PipelineEvent) -> Void { { [self] event in show(event) } }

    func show(_ event: PipelineEvent) {
        lock.lock()
        defer { lock.unlock() }
        stages.record(event)
        switch event {
        case .warning(let message):
            Terminal.warning(message)
        case .fetchProgress(_, _, let url, _):
            guard progress, let round = stages.fetch else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K[fetch \(round.summary)] \(URL(string: url)?.host ?? url)".utf8))
        case .fetchRoundFinished:
            guard progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        case .ocrStarted(let pages):
            guard !quiet else { return }
            print("ocr        \(pages) scanned page\(pages == 1 ? "" : "s") to read")
        case .ocrPage(let document, let page, _, let error):
            if let error, !quiet {
                if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                print("failed     OCR of document \(document) p. \(page): \(error)")
            }
            guard progress else { return }
            let ocr = stages.ocr
            FileHandle.standardError.write(Data("\r\u{1B}[K[OCR \(ocr.summary)] document \(document) p. \(page)".utf8))
            if ocr.done == ocr.total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        case .extractionStarted:
            break
        case .document(let item):
            guard !quiet else { return }
            let extraction = stages.extraction
            let live = progress && !verbose && extraction.total > 0
            if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if let error = item.error {
                print("failed     \(item.path): \(error)")
            } else if live {
                // The document is counted on the live line, not printed.
            } else {
                let ocr = item.needsOcr == true ? "; most pages have no text: needs OCR" : ""
                print("extracted  \(item.path) → document \(item.document) (\(item.pages ?? 0) pages, \(item.passages ?? 0) passages\(ocr))")
            }
            if live, extraction.done < extraction.total {
                fflush(nil)
                FileHandle.standardError.write(Data(extractionLine(item.path).utf8))
            }
        }
    }
}
