import DossierCore
import Pipeline
import Foundation

/// Where one stage of an update stands (fetching, extracting, OCR): done
/// of total, the bytes it brought, the time since it began, the time the
/// rest will take at the pace so far. The terminal's live line
/// (``PipelineOutput``) and the web's Update page (``ProgressLines``) both
/// count with it.
struct StageProgress {
    var total = 0
    var done = 0
    var bytes: Int64 = 0
    /// The bytes of the whole stage, when known in advance (the files to extract).
    var totalBytes: Int64 = 0
    var start = Date()

    /// A stage of `total` items begins now.
    mutating func begin(_ total: Int) {
        self = StageProgress(total: total, start: Date())
    }

    /// "1:05", "12:40", "2:03:10".
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// "1:05, about 48:10 left": elapsed, and the rest at the pace so far.
    var timing: String {
        let elapsed = Date().timeIntervalSince(start)
        let left = done > 0 && done < total ? ", about \(Self.clock(elapsed / Double(done) * Double(total - done))) left" : ""
        return Self.clock(elapsed) + left
    }

    /// "12/40 · 3.1 MB of 9.8 MB · 1:05, about 48:10 left", with the bytes when there are some.
    var summary: String {
        let of = totalBytes > 0 ? " of \(ByteCount.human(totalBytes))" : ""
        return "\(done)/\(total) · " + (bytes > 0 || totalBytes > 0 ? "\(ByteCount.human(bytes))\(of) · " : "") + timing
    }
}

/// The stages of an update as its events tell them, counted once for
/// every view of them: the terminal's live line (``PipelineOutput``) and
/// the web's Update page (``ProgressLines``) both ``record(_:)`` each event,
/// then show what it left.
struct UpdateStages {
    /// The fetch round under way, if one is.
    var fetch: StageProgress?
    var extraction = StageProgress()
    var ocr = StageProgress()
    /// The size of each file being extracted, by path.
    private var sizes: [String: Int64] = [:]

    mutating func record(_ event: PipelineEvent) {
        switch event {
        case .fetchProgress(let done, let total, _, let bytes):
            var round = fetch ?? StageProgress(total: total)
            (round.done, round.total) = (done, total)
            round.bytes += bytes
            fetch = round
        case .fetchRoundFinished:
            fetch = nil
        case .extractionStarted(let documents, let bytes):
            extraction.begin(documents)
            extraction.totalBytes = bytes.values.reduce(0, +)
            sizes = bytes
        case .document(let item):
            // Notes are extracted before the stage starts: they are not counted.
            guard extraction.total > 0 else { return }
            extraction.done += 1
            extraction.bytes += sizes[item.path] ?? 0
        case .ocrStarted(let pages):
            ocr.begin(pages)
        case .ocrPage:
            ocr.done += 1
        case .warning:
            break
        }
    }
}
