import Catalog
import DossierCore
import Foundation
import Notes
import Testing

/// A workspace in a fresh temporary folder, removed when the value goes away.
final class TemporaryWorkspace {
    let workspace: Workspace

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-\(UUID().uuidString)", isDirectory: true)
        workspace = Workspace(root: root)
        try workspace.create()
    }

    deinit { try? FileManager.default.removeItem(at: workspace.root) }

    func write(_ text: String, to name: String) throws {
        let url = workspace.notes.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

extension CatalogStore {
    /// The notes stage's read of the workspace, recorded: what `dossier` does before every command.
    @discardableResult
    func scanNotes(in workspace: Workspace, now: Date = Date(), warn: (String) -> Void) throws -> NoteSyncSummary {
        try syncNotes(NoteFolder.read(workspace, known: try noteDigests(), warn: warn), now: now)
    }
}

@Suite("Catalog")
struct CatalogTests {
    @Test("a new catalog is at the current schema version, in WAL mode, and reopens")
    func schema() throws {
        let temp = try TemporaryWorkspace()
        do {
            let catalog = try CatalogStore(workspace: temp.workspace)
            #expect(try catalog.database.scalar("PRAGMA user_version")?.int == Schema.version)
            #expect(try catalog.database.scalar("PRAGMA journal_mode")?.string == "wal")
        }
        let again = try CatalogStore(workspace: temp.workspace)
        #expect(try again.database.scalar("PRAGMA user_version")?.int == Schema.version)
    }

    @Test("a catalog from a newer version is refused with a clear message")
    func newerSchema() throws {
        let temp = try TemporaryWorkspace()
        do {
            let catalog = try CatalogStore(workspace: temp.workspace)
            try catalog.database.execute("PRAGMA user_version = 999")
        }
        #expect {
            try CatalogStore(workspace: temp.workspace)
        } throws: { error in
            "\(error)".contains("newer than this build")
        }
    }

    @Test("notes sync: parse new notes, skip unchanged ones, replace changed ones, drop removed ones")
    func sync() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try temp.write("# A\n[one](https://one.example/a.pdf)\nhttps://shared.example/x\n", to: "a.md")
        try temp.write("See https://shared.example/x and https://two.example/\n", to: "sub/b.txt")
        try temp.write("not a note https://ignored.example/", to: "c.pdf")

        var summary = try catalog.scanNotes(in: temp.workspace) { _ in }
        #expect(summary.parsed == ["corpus/notes/a.md", "corpus/notes/sub/b.txt"])
        #expect(summary.newURLs == 3)
        #expect(try catalog.citations().count == 4)
        #expect(try catalog.citedURLCount() == 3)
        let notes = try catalog.notes()
        #expect(notes.map(\.citations) == [2, 2])
        #expect(notes.map(\.lines) == [3, 1])

        summary = try catalog.scanNotes(in: temp.workspace) { _ in }
        #expect(summary.parsed.isEmpty && summary.unchanged == 2)

        try temp.write("# A\n\n[one again](https://one.example/a.pdf)\n", to: "a.md")
        summary = try catalog.scanNotes(in: temp.workspace) { _ in }
        #expect(summary.parsed == ["corpus/notes/a.md"])
        let a = try catalog.citations(note: "corpus/notes/a.md")
        #expect(a.map(\.line) == [3] && a.map(\.label) == ["one again"])
        #expect(try catalog.citedURLCount() == 3)

        try FileManager.default.removeItem(at: temp.workspace.notes.appendingPathComponent("sub/b.txt"))
        summary = try catalog.scanNotes(in: temp.workspace) { _ in }
        #expect(summary.removed == ["corpus/notes/sub/b.txt"])
        #expect(summary.uncitedURLs == 2)
        #expect(try catalog.citedURLCount() == 1)
        #expect(try catalog.citations().count == 1)

        // A citation that comes back clears the URL's uncited mark.
        try temp.write("https://two.example/", to: "back.md")
        try catalog.scanNotes(in: temp.workspace) { _ in }
        #expect(try catalog.citedURLCount() == 2)
    }

    @Test("a PDF found through a landing page lives as long as the landing page is cited, then expires with it after the grace period")
    func derivedExpiry() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        let day: TimeInterval = 86400
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try temp.write("[report](https://cites.example/landing)\n", to: "a.md")
        try catalog.scanNotes(in: temp.workspace, now: start) { _ in }
        try catalog.addDerivedURL("https://cites.example/report.pdf", from: "https://cites.example/landing", now: start)
        // Later scans, the landing page still cited: nothing expires, however old.
        try catalog.scanNotes(in: temp.workspace, now: start.addingTimeInterval(30 * day)) { _ in }
        try temp.write("[report](https://cites.example/landing)\nmore text\n", to: "a.md")
        try catalog.scanNotes(in: temp.workspace, now: start.addingTimeInterval(60 * day)) { _ in }
        func expired(_ at: Date) throws -> Set<String> {
            Set(try catalog.expiredURLs(before: at.addingTimeInterval(-7 * day).formatted(Date.ISO8601FormatStyle())).map(\.url))
        }
        #expect(try expired(start.addingTimeInterval(61 * day)).isEmpty)
        // The landing page stops being cited on day 70: both go after the grace period, not before.
        try temp.write("no links any more\n", to: "a.md")
        try catalog.scanNotes(in: temp.workspace, now: start.addingTimeInterval(70 * day)) { _ in }
        #expect(try expired(start.addingTimeInterval(72 * day)).isEmpty)
        #expect(try expired(start.addingTimeInterval(78 * day)) == ["https://cites.example/landing", "https://cites.example/report.pdf"])
    }

    @Test("one URL cited from two notes is one URL with two citations")
    func sharedURL() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try temp.write("[r](https://Example.org:443/r.pdf#p2)", to: "a.md")
        try temp.write("https://example.org/r.pdf", to: "b.md")
        try catalog.scanNotes(in: temp.workspace) { _ in }
        let citations = try catalog.citations()
        #expect(citations.count == 2)
        #expect(Set(citations.map(\.normalizedURL)) == ["https://example.org/r.pdf"])
        #expect(try catalog.database.scalar("SELECT count(*) FROM urls")?.int == 1)
    }

    @Test("a URL whose server stalled is left for 2, 4, 8… days (at most 32) by nightly updates; a success or another failure clears the wait")
    func stallBackoff() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try temp.write("https://example.org/slow.pdf", to: "a.md")
        try catalog.scanNotes(in: temp.workspace) { _ in }
        let url = "https://example.org/slow.pdf"
        let day = 86_400.0
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func state() throws -> URLState { try #require(try catalog.urlStates().first { $0.url == url }) }
        func stamp(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
        #expect(try state().isDue(checkedBefore: stamp(start), now: stamp(start)))
        var now = start
        for (stall, days) in [(1, 2.0), (2, 4), (3, 8), (4, 16), (5, 32), (6, 32)] {
            try catalog.recordFetch(FetchRecord(url: url, status: .failed, error: "no data for 30 s (read timeout)", stalled: true), now: now)
            let s = try state()
            #expect(s.failures == stall)
            #expect(s.nextCheckAt == stamp(now.addingTimeInterval(days * day)), "stall \(stall)")
            // The next nights (checked more than a day ago) are not due until the wait is over.
            #expect(!s.isDue(checkedBefore: stamp(now.addingTimeInterval(days * day - day)), now: stamp(now.addingTimeInterval(days * day - day))))
            #expect(s.isDue(checkedBefore: stamp(now.addingTimeInterval(days * day)), now: stamp(now.addingTimeInterval(days * day))))
            now = now.addingTimeInterval(days * day)
        }
        try catalog.recordFetch(FetchRecord(url: url, status: .failed, error: "HTTP 500"), now: now)
        #expect(try state().nextCheckAt == nil)
        try catalog.recordFetch(FetchRecord(url: url, status: .failed, error: "(read timeout)", stalled: true), now: now)
        try catalog.recordFetch(FetchRecord(url: url, status: .fetched, sha256: "ab", kind: .pdf), now: now)
        #expect(try state().nextCheckAt == nil && state().failures == 0)
    }

    @Test("warnings are stored with the note and reported once")
    func warnings() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        var bytes = Data("ok\nbad ".utf8)
        bytes.append(0xC3)
        bytes.append(Data(" https://x.example/\n".utf8))
        try bytes.write(to: temp.workspace.notes.appendingPathComponent("w.md"))
        var reported: [String] = []
        try catalog.scanNotes(in: temp.workspace) { reported.append($0) }
        #expect(reported == ["corpus/notes/w.md:2: bytes that are not UTF-8 replaced by U+FFFD"])
        #expect(try catalog.notes().first?.warnings.map(\.line) == [2])
        #expect(try catalog.citations().map(\.line) == [2])
        reported = []
        try catalog.scanNotes(in: temp.workspace) { reported.append($0) }
        #expect(reported.isEmpty)
    }

    @Test("a failing transaction changes nothing")
    func rollback() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        #expect(throws: DossierError.self) {
            try catalog.database.transaction {
                try catalog.database.run("INSERT INTO urls (url, first_cited_at) VALUES ('https://a/', 'now')")
                try catalog.database.run("INSERT INTO no_such_table VALUES (1)")
            }
        }
        #expect(try catalog.database.scalar("SELECT count(*) FROM urls")?.int == 0)
    }

    @Test("SQLite has FTS5, which the index cross-check needs")
    func fts5() throws {
        let temp = try TemporaryWorkspace()
        let catalog = try CatalogStore(workspace: temp.workspace)
        try catalog.database.execute("CREATE VIRTUAL TABLE temp.t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')")
        try catalog.database.run("INSERT INTO temp.t VALUES ('Trafficking of timber')")
        #expect(try catalog.database.scalar("SELECT count(*) FROM temp.t WHERE t MATCH 'traffick'")?.int == 1)
    }
}
