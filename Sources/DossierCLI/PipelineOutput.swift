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
    var ocrTotal = 0
    var ocrDone = 0
    var ocrStart = Date()
    var extractTotal = 0
    var extractDone = 0
    var extractStart = Date()
    var fetchStart: Date?
    var fetchBytes: Int64 = 0

    init(quiet: Bool, verbose: Bool = false) {
        self.quiet = quiet
        self.verbose = verbose
        progress = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// "1:05", "12:40", "2:03:10".
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// "1:05, about 48:10 left": the time since `start`, and the time the
    /// rest will take at the pace so far.
    static func timing(since start: Date, done: Int, total: Int) -> String {
        let elapsed = Date().timeIntervalSince(start)
        let left = done > 0 && done < total ? ", about \(clock(elapsed / Double(done) * Double(total - done))) left" : ""
        return clock(elapsed) + left
    }

    /// The live line of extraction: "[extract 120/5,486 · 1:05, about 48:10 left] corpus/library/x.pdf".
    func extractionLine(_ path: String) -> String {
        "[extract \(extractDone)/\(extractTotal) · \(Self.timing(since: extractStart, done: extractDone, total: extractTotal))] \(path)"
    }

    /// The handler to give a ``Pipeline``.
    var handler: @Sendable (PipelineEvent) -> Void { { [self] event in show(event) } }

    func show(_ event: PipelineEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .warning(let message):
            Terminal.warning(message)
        case .fetchProgress(let done, let total, let url, let bytes):
            let start = fetchStart ?? Date()
            fetchStart = start
            fetchBytes += bytes
            guard progress else { return }
            let host = URL(string: url)?.host ?? url
            let line = "[fetch \(done)/\(total) · \(ByteCount.human(fetchBytes)) · \(Self.timing(since: start, done: done, total: total))] \(host)"
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        case .fetchRoundFinished:
            (fetchStart, fetchBytes) = (nil, 0)
            guard progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        case .ocrStarted(let pages):
            ocrTotal = pages
            ocrDone = 0
            ocrStart = Date()
            guard !quiet else { return }
            print("ocr        \(pages) scanned page\(pages == 1 ? "" : "s") to read")
        case .ocrPage(let document, let page, _, let error):
            ocrDone += 1
            if let error, !quiet {
                if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                print("failed     OCR of document \(document) p. \(page): \(error)")
            }
            guard progress else { return }
            let timing = Self.timing(since: ocrStart, done: ocrDone, total: ocrTotal)
            FileHandle.standardError.write(Data("\r\u{1B}[K[OCR \(ocrDone)/\(ocrTotal) · \(timing)] document \(document) p. \(page)".utf8))
            if ocrDone == ocrTotal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        case .extractionStarted(let documents):
            (extractTotal, extractDone, extractStart) = (documents, 0, Date())
        case .document(let item):
            guard !quiet else { return }
            let live = progress && !verbose && extractTotal > 0
            if live {
                extractDone += 1
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            }
            if let error = item.error {
                print("failed     \(item.path): \(error)")
            } else if live {
                // The document is counted on the live line, not printed.
            } else {
                let ocr = item.needsOcr == true ? "; most pages have no text: needs OCR" : ""
                print("extracted  \(item.path) → document \(item.document) (\(item.pages ?? 0) pages, \(item.passages ?? 0) passages\(ocr))")
            }
            if live, extractDone < extractTotal {
                fflush(nil)
                FileHandle.standardError.write(Data(extractionLine(item.path).utf8))
            }
        }
    }
}
