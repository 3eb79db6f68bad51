import DossierCore
import Foundation
import Pipeline

/// How the command line shows a pipeline's events: warnings on stderr, a
/// live progress line while fetching (on a terminal), one line per document
/// extracted or failed (unless the command prints JSON).
final class PipelineOutput: @unchecked Sendable {
    let quiet: Bool
    let progress: Bool
    let lock = NSLock()
    var ocrTotal = 0
    var ocrDone = 0

    init(quiet: Bool) {
        self.quiet = quiet
        progress = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// The handler to give a ``Pipeline``.
    var handler: @Sendable (PipelineEvent) -> Void { { [self] event in show(event) } }

    func show(_ event: PipelineEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .warning(let message):
            Terminal.warning(message)
        case .fetchProgress(let done, let total, let url):
            guard progress else { return }
            let host = URL(string: url)?.host ?? url
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(host)".utf8))
        case .fetchRoundFinished:
            guard progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        case .ocrStarted(let pages):
            ocrTotal = pages
            ocrDone = 0
            guard !quiet else { return }
            print("ocr        \(pages) scanned page\(pages == 1 ? "" : "s") to read")
        case .ocrPage(let document, let page, _, let error):
            ocrDone += 1
            if let error, !quiet {
                if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                print("failed     OCR of document \(document) p. \(page): \(error)")
            }
            guard progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K[OCR \(ocrDone)/\(ocrTotal)] document \(document) p. \(page)".utf8))
            if ocrDone == ocrTotal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        case .document(let item):
            guard !quiet else { return }
            if let error = item.error {
                print("failed     \(item.path): \(error)")
            } else {
                let ocr = item.needsOcr == true ? "; most pages have no text: needs OCR" : ""
                print("extracted  \(item.path) → document \(item.document) (\(item.pages ?? 0) pages, \(item.passages ?? 0) passages\(ocr))")
            }
        }
    }
}
