import Extract
import Foundation
import Index
import Notes
import Search

/// The bodies of Dossier's fuzz targets: each takes arbitrary bytes and
/// drives one reader of untrusted input with them. A crash, a failed
/// precondition, an address sanitizer report or a broken invariant checked
/// here is a finding.
///
/// `make fuzz` builds the executables of `Tests/Fuzz/Executables` with
/// libFuzzer and the address sanitizer, each calling one of these from
/// `LLVMFuzzerTestOneInput`; the test suite calls them too, on the seed
/// corpus and on every input a fuzzer ever found a crash with
/// (`Tests/Fuzz/regressions/`), in an ordinary build.
public enum FuzzTargets {
    /// The targets by name, as `make fuzz` and the regression tests know them.
    public static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "query": query, "notes": notes, "url": url, "html": html,
    ]

    /// A query as a user would type it: read leniently (which must parse);
    /// rewritten, parsed, then evaluated on
    /// a small index by the fast path and by the exhaustive evaluator, which
    /// must agree; its snippet is made for a passage.
    public static func query(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        // The search box's reading never fails but on a limit.
        let lenient = LenientQuery(text)
        if !lenient.fts5.isEmpty {
            do {
                _ = try QueryParser().parse(lenient.fts5)
            } catch where !error.isLimit {
                fatalError("the lenient reading of \(text.debugDescription) does not parse: \(lenient.fts5.debugDescription): \(error)")
            } catch {}
        }
        let friendly = FriendlyQuery(text)
        guard let node = try? QueryParser().parse(friendly.fts5) else { return }
        let searcher = SmallIndex.searcher
        let top = searcher.top(node, k: 5)
        let full = searcher.exhaustiveRank(node)
        guard top.total == full.count, top.hits.map(\.passageID) == full.prefix(5).map(\.passageID) else {
            fatalError("top-k and the exhaustive evaluator differ on \(text.debugDescription)")
        }
        if let flat = QueryParser().flat(text) {
            let direct = searcher.top(flat, k: 5)
            guard direct.hits == top.hits else { fatalError("the flat query differs from its tree on \(text.debugDescription)") }
        }
        for passage in SmallIndex.passages.prefix(3) { _ = Snippet.make(passage, query: node) }
    }

    /// A note, as Markdown and as plain text: every citation's line and
    /// column must lie in the note.
    public static func notes(_ bytes: UnsafeRawBufferPointer) {
        let data = Data(bytes)
        for format in [NoteFormat.markdown, .plainText] {
            let note = NoteParser.parse(data, format: format)
            for citation in note.citations {
                guard citation.line >= 1, citation.column >= 1 else { fatalError("a citation outside the note: \(citation)") }
            }
            _ = NoteDocument.make(note, title: "fuzz")
        }
    }

    /// A URL as a note may hold it: normalizing is idempotent.
    public static func url(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let normalized = URLNormalizer.normalize(text) else { return }
        guard URLNormalizer.normalize(normalized) == normalized else {
            fatalError("normalizing \(text.debugDescription) twice changes it: \(normalized.debugDescription)")
        }
    }

    /// A web page: its text, split into passages.
    public static func html(_ bytes: UnsafeRawBufferPointer) {
        guard let page = try? HTMLText.read(Data(bytes)) else { return }
        for section in page.sections { _ = PassageSplitter.split(section) }
    }
}

/// A small index of passages in the field's words, written once per process.
enum SmallIndex {
    static let passages: [String] = {
        let words = ["ivory", "timber", "trafficking", "pangolin", "scales", "rhino", "horn", "CITES", "Appendix", "II",
                     "permit", "re-export", "certificate", "Côte", "d'Ivoire", "Member", "State's", "No", "338/97", "10%",
                     "año", "espèce", "中国", "seizure", "customs", "Operation", "Thunder", "the", "of", "and", "trade"]
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        return (0..<400).map { _ in (0..<(3 + next(60))).map { _ in words[next(words.count)] }.joined(separator: " ") }
    }()

    /// Where the index is written: a folder of this process's, removed when it exits.
    static var folder: URL { FileManager.default.temporaryDirectory.appendingPathComponent("dossier-fuzz-\(getpid())") }

    static let searcher: Searcher = {
        try? FileManager.default.removeItem(at: folder)
        atexit { try? FileManager.default.removeItem(at: SmallIndex.folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let writer = try IndexWriter(folder: folder)
            // Two segments and a deletion, as after a nightly update.
            let first = Set((1...300).map(Int64.init)), second = Set((1...400).map(Int64.init)).subtracting([7, 8, 250])
            for live in [first, second] {
                _ = try writer.sync(live: live) { ids in ids.map { ($0, passages[Int($0) - 1]) } }
            }
            return Searcher(snapshot: try IndexSnapshot(folder: folder))
        } catch {
            fatalError("cannot write the fuzz index in \(folder.path): \(error)")
        }
    }()
}
