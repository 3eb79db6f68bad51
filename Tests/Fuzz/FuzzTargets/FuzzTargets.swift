import DossierCore
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Index
@testable import MCPServer
import Notes
import Search
@testable import Web

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
        "query": query, "notes": notes, "url": url, "html": html, "http": http, "mcp": mcp,
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

    /// A request to `dossier serve`: the first line is the path and query
    /// as sent, each further line a header (`Name: value`), through the
    /// web's router, guard and handlers on an empty workspace. Every answer
    /// carries the security headers, none is a 500, and a request from
    /// another site never gets anything but an HTML page or a refusal.
    public static func http(_ bytes: UnsafeRawBufferPointer) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let target = String(lines.first ?? "")
        guard target.hasPrefix("/"), !target.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) else { return }
        var headers = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            headers.append(HTTPField(name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let foreign = ["cross-site", "same-site"].contains(headers[HTTPField.Name("Sec-Fetch-Site")!] ?? "")
        let sent = headers
        let done = DispatchSemaphore(value: 0)
        Task {
            defer { done.signal() }
            let app = Application(router: WebSite.router)
            try? await app.test(.router) { client in
                try await client.execute(uri: target, method: .get, headers: sent) { response in
                    guard response.headers[HTTPField.Name("Content-Security-Policy")!] != nil else {
                        fatalError("\(target.debugDescription) answered \(response.status) without the security headers")
                    }
                    guard response.status != .internalServerError else {
                        fatalError("\(target.debugDescription) answered 500: \(String(buffer: response.body))")
                    }
                    if foreign, response.status.kind == .successful, response.headers[.contentType] != "text/html; charset=utf-8" {
                        fatalError("another site read \(target.debugDescription): \(response.headers[.contentType] ?? "")")
                    }
                }
            }
        }
        done.wait()
    }

    /// A line to `dossier mcp`: what the transport answers in place of the
    /// SDK is a JSON-RPC 2.0 error with a code of the specification and an
    /// id that is null or the message's own.
    public static func mcp(_ bytes: UnsafeRawBufferPointer) {
        let line = Data(bytes)
        guard let answer = MessageCheck.answer(to: line) else { return }
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any],
              object["jsonrpc"] as? String == "2.0", let error = object["error"] as? [String: Any],
              let code = error["code"] as? Int, [-32700, -32600, -32602].contains(code), error["message"] is String,
              let id = object["id"] else {
            fatalError("not a JSON-RPC error: \(String(decoding: answer, as: UTF8.self))")
        }
        if !(id is NSNull) {
            // The message's id as the server's decoder reads it (of two "id" keys, the one it keeps).
            let own = try? JSONDecoder().decode(SentID.self, from: line)
            let same = if let a = own?.text, let b = id as? String { a == b }
                else if let a = own?.number, let b = id as? NSNumber { a == b.intValue } else { false }
            guard same else {
                fatalError("an answer with an id the message did not have: \(String(decoding: answer, as: UTF8.self))")
            }
        }
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

/// A message's id, a string or an integer, as JSONDecoder reads it.
struct SentID: Decodable {
    var text: String?
    var number: Int?

    enum Keys: String, CodingKey { case id }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        text = try? container.decode(String.self, forKey: .id)
        number = text == nil ? try? container.decode(Int.self, forKey: .id) : nil
    }
}

/// The web's router over an empty workspace, made once for the `http` target.
enum WebSite {
    nonisolated(unsafe) static let router: Router<BasicRequestContext> = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-fuzz-http-\(getpid())")
        let workspace = Workspace(root: root)
        try? workspace.create()
        do {
            return try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() })
        } catch {
            fatalError("cannot make the router: \(error)")
        }
    }()
}
