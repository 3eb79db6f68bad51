import Catalog
import DossierCore
import Foundation
import TestSupport
import Testing

/// Issue 39 from the command line: the text stored once, a catalog whose
/// text is still where schemas before 14 kept it moved by the next
/// `index`, with a line saying so and every search answering the same.
@Suite("Text stored once")
struct StorageCLITests {
    /// Puts every text back where a catalog made before schema version 14
    /// kept it (pages.text and passages.text, no blocks), as the previous
    /// release left a workspace.
    static func storeAsBefore(_ root: URL) throws {
        let catalog = try CatalogStore(path: Workspace(root: root).catalog.path)
        let db = catalog.database
        let documents = try db.query("SELECT DISTINCT document_id FROM pages") { $0.int(0) }
        var pages: [(Int, Int, String)] = []
        for document in documents {
            pages += try catalog.pages(document: document).map { (document, $0.index, $0.text) }
        }
        let passages = try catalog.passages(try db.query("SELECT id FROM passages") { Int64($0.int(0)) })
        try db.transaction {
            for (document, index, text) in pages {
                try db.run("UPDATE pages SET text = ?3, text_block = NULL, text_at = NULL, text_bytes = NULL WHERE document_id = ?1 AND page_index = ?2",
                           [document, index, text])
            }
            for (id, record) in passages {
                try db.run("UPDATE passages SET text = ?2, text_block = NULL, text_at = NULL, text_bytes = NULL WHERE id = ?1", [id, record.text])
            }
            try db.run("DELETE FROM text_blocks")
        }
    }

    func searches(_ root: URL) throws -> [String] {
        try ["pangolin", "timber trafficking", "\"ivory tusks\"", "rosewood OR pangolin", "scales"].flatMap { query in
            try [[], ["--flat"]].map { extra in
                let result = try dossier(["search", "--json"] + extra + ["--", query], in: root)
                #expect(result.status == 0, "\(result.stderr)")
                // Everything but the time it took.
                return result.stdout.replacingOccurrences(of: #""took_ms"\s*:\s*[0-9.e-]+"#, with: "", options: .regularExpression)
            }
        }
    }

    @Test("a catalog with its text where schemas before 14 kept it answers as before, and the next index moves it with a line")
    func migration() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let library = root.appendingPathComponent("corpus/library")
        PDFFixture.write([
            .init(label: "1", lines: ["Pangolin scales seized at the port", "Timber trafficking along the Mekong"]),
            .init(label: "2", lines: ["Ivory tusks and rosewood logs", "Pangolin scales again, ivory tusks"]),
        ], to: library.appendingPathComponent("seizures.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let before = try searches(root)
        #expect(before.contains { $0.contains("Pangolin scales seized") })

        try Self.storeAsBefore(root)
        #expect(try searches(root) == before, "read from the old columns")
        let status = try dossier(["status"], in: root).stdout
        #expect(status.contains("storage    text "))

        let index = try dossier(["index"], in: root)
        #expect(index.status == 0, "\(index.stderr)")
        #expect(index.stdout.contains("storage    2 documents' text stored once, compressed; catalog "), "\(index.stdout)")
        #expect(try searches(root) == before, "read from the blocks")
        let catalog = try CatalogStore(readingFrom: Workspace(root: root))
        #expect(try catalog.documentsWithLegacyText() == 0)
        #expect(try catalog.database.scalar("SELECT count(*) FROM passages WHERE text != ''")?.int == 0)
        // Nothing left to move: no line the next time, and verify agrees with FTS5.
        #expect(!(try dossier(["index"], in: root).stdout.contains("storage")))
        let verify = try dossier(["verify"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a kill -9 at any moment of the storage pass leaves every search answering as before and verify passing; the next index finishes it")
    func killedMove() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in try FileManager.default.contentsOfDirectory(atPath: LanguageCLITests.shared.path) where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: LanguageCLITests.shared.appendingPathComponent(name),
                                             to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index", "--no-ocr"], in: root).status == 0)
        let before = try searches(root)
        var rng = SystemRandomNumberGenerator()
        for round in 0..<6 {
            try Self.storeAsBefore(root)
            // One document per transaction, killed somewhere in the pass (or before it, or after).
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = ["index", "--no-ocr", "--workspace", root.path]
            process.environment = ProcessInfo.processInfo.environment.merging(["DOSSIER_STORAGE_BATCH": "1"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...400_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try searches(root) == before, "round \(round): after the kill")
            let verify = try dossier(["verify", "--queries", "50"], in: root)
            #expect(verify.status == 0, "round \(round): \(verify.stdout)")
        }
        #expect(try dossier(["index", "--no-ocr"], in: root).status == 0)
        #expect(try searches(root) == before)
        #expect(try CatalogStore(readingFrom: Workspace(root: root)).documentsWithLegacyText() == 0)
    }
}
