import Catalog
import DossierCore
import Fetch
import Foundation
import Pipeline
import TestSupport
import Testing

/// Events a pipeline told, in order.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PipelineEvent] = []

    func record(_ event: PipelineEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var documents: [ExtractionSummary.Item] {
        lock.lock()
        defer { lock.unlock() }
        return events.compactMap { if case .document(let item) = $0 { return item } else { return nil } }
    }
}

@Suite("Pipeline")
struct PipelineTests {
    /// A workspace with one note citing `pdf` and a dead link on `server`.
    func workspace(_ server: TestHTTPServer) throws -> Workspace {
        let workspace = Workspace(root: try PDFFixture.temporaryFolder())
        _ = try workspace.create()
        let note = """
            # Timber

            The [timber report](\(server.url("/timber.pdf"))) covers rosewood.
            A [gone page](\(server.url("/gone.pdf"))) no longer answers.
            """
        try Data(note.utf8).write(to: workspace.notes.appendingPathComponent("timber.md"))
        return workspace
    }

    func options(minAge: Double = 20, force: Bool = false) -> UpdateOptions {
        var options = UpdateOptions(worker: WorkerProgram(executable: dossierBinary, arguments: ["worker", "extract"]))
        options.minAgeHours = minAge
        options.force = force
        options.extraction.jobs = 1
        options.fetch.backoff = .milliseconds(10)
        options.fetch.politenessDelay = .zero
        options.fetch.retries = 0
        return options
    }

    @Test("an update runs in-process: notes, fetch, extraction, index, report; the second has nothing to do")
    func update() async throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("timber.pdf")
        PDFFixture.write([.init(label: "i", lines: ["Rosewood timber seized at the port"]),
                          .init(label: "1", lines: ["Customs officers found ivory"])], to: pdf, title: "Timber report")
        let bytes = [UInt8](try Data(contentsOf: pdf))
        let server = try TestHTTPServer { request in
            request.uri == "/timber.pdf"
                ? .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: bytes)
                : .respond(status: 404, headers: [], body: Array("not found".utf8))
        }
        defer { server.shutdown() }
        let workspace = try workspace(server)
        defer { try? FileManager.default.removeItem(at: workspace.root) }

        let log = EventLog()
        let pipeline = try Pipeline(workspace: workspace, events: log.record)
        let (report, path) = try await pipeline.update(options())
        // The report on disk reads back, as the web's update page shows it.
        let latest = try #require(UpdateReport.latest(in: workspace))
        #expect(latest.path.lastPathComponent == path.lastPathComponent)
        #expect(latest.report.lines(reportPath: "r") == report.lines(reportPath: "r"))
        #expect(report.urls.checked == 2)
        #expect(report.urls.fetched == 1)
        #expect(report.urls.failed == 1)
        #expect(report.newlyDead.map(\.url) == [server.url("/gone.pdf")])
        #expect(report.documents.new.count == 2, "the fetched PDF and the note")
        // Named by title and origin, not by their files in the store.
        #expect(Set(report.documents.new) == ["Timber (corpus/notes/timber.md)", "Timber report (\(server.url("/timber.pdf")))"])
        #expect(report.documents.failed.isEmpty)
        #expect(report.generation >= 1)
        #expect(FileManager.default.fileExists(atPath: path.path))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any]
        #expect(written?["generation"] as? Int == report.generation)
        // Told as it happened: each document extracted, with its pages.
        let pdfItem = log.documents.first { $0.path.hasSuffix(".pdf") }
        #expect(pdfItem?.pages == 2)
        #expect(pdfItem?.error == nil)
        // Stored: the PDF's passages are in the catalog, page by page.
        let document = try #require(try pipeline.catalog.documents().first { $0.path.hasSuffix(".pdf") })
        #expect(document.status == .extracted)
        #expect(document.pageCount == 2)

        // Nothing changed, and the URLs were checked minutes ago.
        let again = try await pipeline.update(options()).report
        #expect(again.urls.checked == 0)
        #expect(again.urls.skippedRecent == 2, "both were checked within --min-age")
        #expect(again.documents.new.isEmpty)
        #expect(again.documents.changed.isEmpty)
        #expect(again.documents.unchanged == 1, "the PDF (an unchanged note is not extracted, nor counted)")
        #expect(again.newlyDead.isEmpty)
        #expect(again.deadForRuns.map(\.url) == [server.url("/gone.pdf")], "still dead, reported as such")
    }

    @Test("a URL whose content changed is one changed document, and the old copy leaves the store")
    func changedContent() async throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.pdf"), second = folder.appendingPathComponent("b.pdf")
        PDFFixture.write([.init(label: "1", lines: ["Pangolin scales"])], to: first)
        PDFFixture.write([.init(label: "1", lines: ["Pangolin scales"]), .init(label: "2", lines: ["Seized in transit"])], to: second)
        let versions = [[UInt8](try Data(contentsOf: first)), [UInt8](try Data(contentsOf: second))]
        let current = Counter()
        let server = try TestHTTPServer { request in
            request.uri == "/timber.pdf"
                ? .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: versions[current.value])
                : .respond(status: 404, headers: [], body: [])
        }
        defer { server.shutdown() }
        let workspace = try workspace(server)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let pipeline = try Pipeline(workspace: workspace)
        _ = try await pipeline.update(options())
        let stored = try FileManager.default.contentsOfDirectory(atPath: workspace.files.path).filter { $0.hasSuffix(".pdf") }
        #expect(stored.count == 1)

        current.value = 1
        let report = try await pipeline.update(options(minAge: 0)).report
        #expect(report.documents.changed == ["\(server.url("/timber.pdf")) (1 → 2 pages)"])
        #expect(report.documents.new.isEmpty)
        #expect(report.documents.removed.isEmpty)
        let after = try FileManager.default.contentsOfDirectory(atPath: workspace.files.path).filter { $0.hasSuffix(".pdf") }
        #expect(after.count == 1)
        #expect(after != stored)
    }

    @Test("a second update waits for the lock, or with wait: false stops with a message")
    func lock() throws {
        let workspace = Workspace(root: try PDFFixture.temporaryFolder())
        _ = try workspace.create()
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let held = try UpdateLock(workspace, wait: false)
        // flock is per open file: a second descriptor in this process conflicts as another process would.
        #expect(throws: DossierError.self) { _ = try UpdateLock(workspace, wait: false) }
        held.release()
        let next = try UpdateLock(workspace, wait: false)
        next.release()
    }
}
