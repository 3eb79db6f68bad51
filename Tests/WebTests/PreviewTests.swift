import Analysis
import Catalog
import Notes
import Extract
import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Search
import Testing
import TestSupport
@testable import Web

@Suite("Preview cache")
struct PreviewCacheTests {
    @Test("the preview cache keeps its most recently used images within its file and byte limits")
    func prune() throws {
        let folder = try PDFFixture.temporaryFolder()
        for i in 0..<10 {
            let url = folder.appendingPathComponent("p\(i).png")
            try Data(repeating: 0, count: 1000).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(i))], ofItemAtPath: url.path)
        }
        // Serving p2 makes it the most recently used.
        #expect(PreviewCache(folder: folder).read(folder.appendingPathComponent("p2.png"))?.count == 1000)
        PreviewCache(folder: folder, maxBytes: 1 << 20, maxFiles: 6).prune()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set([2, 5, 6, 7, 8, 9].map { "p\($0).png" }))
        PreviewCache(folder: folder, maxBytes: 2500, maxFiles: 100).prune()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["p2.png", "p9.png"])
    }

    @Test("previews are keyed by the terms the index has: w=permit and w=Permits share one image; words past the caps are dropped")
    func keys() {
        #expect(PreviewCache.terms(["permit"]) == PreviewCache.terms(["Permits", "permit"]))
        #expect(PreviewCache.terms(["Traff*", "ivory"]) == ["ivori", "traff*"])
        #expect(PreviewCache.terms((0..<100).map { "w\($0)" }).count == 12)
        #expect(PreviewCache.terms([String(repeating: "x", count: 100)]).isEmpty)
        let cache = PreviewCache(folder: URL(fileURLWithPath: "/tmp"))
        #expect(cache.file(sha256: "ab", page: 1, width: 480, terms: PreviewCache.terms(["permit"]))
            == cache.file(sha256: "ab", page: 1, width: 480, terms: PreviewCache.terms(["PERMITS"])))
    }
}

@Suite("Previews in the server")
struct ServePreviewTests {
    @Test("`dossier serve` draws previews in a worker: a PNG; a renderer that crashes fails that preview in one line and the server goes on")
    func isolation() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == .pdf })
        do {
            let (server, port) = try serve(root)
            defer { server.terminate(); server.waitUntilExit() }
            let preview = get(port, "/documents/\(pdf.id)/pages/2/preview.png?w=timber")
            #expect(preview.status == 200 && preview.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        // Every render crashes: the preview fails, the pages and search still answer.
        let (server, port) = try serve(root, environment: ["DOSSIER_FAULT_INJECTION": "crash=.pdf"])
        defer { server.terminate(); server.waitUntilExit() }
        let failed = get(port, "/documents/\(pdf.id)/pages/2/preview.png?w=alert")
        #expect(failed.status == 500)
        let message = String(decoding: failed.body, as: UTF8.self)
        #expect(message.contains("cannot render page 2") && message.contains("crashed") && !message.contains("\n\n"), "\(message)")
        #expect(get(port, "/?q=timber").status == 200)
        #expect(get(port, "/documents/\(pdf.id)").status == 200)
        #expect(server.isRunning)
    }
}

@Suite("Web interface in a real browser", .enabled(if: chromium != nil, "Chromium is not installed"))
struct BrowserTests {
    @Test("headless Chromium loads the search page of a running `dossier serve`: results, a preview, a PDF link at the page, escaped text; a screenshot")
    func browser() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, port) = try serve(root)
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(root.path)/chrome"]
        let dom = try run(chromium!, flags + ["--dump-dom", "\(base)/?q=timber"])
        #expect(dom.contains("class=\"hit\""))
        #expect(dom.contains("/pages/2/preview.png"))
        #expect(dom.contains("/file#page=2\">p. 2 (printed 1)"))
        #expect(dom.contains("&lt;script&gt;"))
        #expect(!dom.contains("<script>alert"))
        let shot = root.appendingPathComponent("search.png")
        _ = try run(chromium!, flags + ["--screenshot=\(shot.path)", "--window-size=1100,800", "\(base)/?q=timber"])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
    }

    @Test("by the keyboard in Chromium: from a search to the third hit of a document, across pages, in the reader; screenshots")
    func readerKeys() throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        PDFFixture.write([
            .init(label: nil, lines: ["Timber seizures rose in the port.", "Customs counted more timber than in any year."]),
            .init(label: nil, lines: ["Nothing of the kind on this page: ivory and pangolins only."]),
            .init(label: nil, lines: ["A last timber shipment was stopped at the border."]),
        ], to: workspace.library.appendingPathComponent("seizures.pdf"))
        try indexWorkspace(root)
        let (server, port) = try serve(root)
        defer { server.terminate(); server.waitUntilExit() }
        let script = repositoryRoot.appendingPathComponent("Tests/browser/cdp.py").path
        let shot = root.appendingPathComponent("reader.png")
        let state = "JSON.stringify({path: location.pathname, hash: location.hash, current: (document.querySelector('mark.current') || {}).id || null, text: (document.querySelector('mark.current') || {}).textContent || null, next: !!document.querySelector('a.next-hit'), image: !!document.querySelector('.page-image img')})"
        // j: the first result; Enter: its page in the reader, at its first hit; j: the page's second hit; j: the next page with a match.
        let walked = try run("/usr/bin/python3", [script, chromium!, "http://127.0.0.1:\(port)/?q=timber", "--keys", "j,Enter,j,j",
                                                  "--screenshot", shot.path, "--eval", state])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(walked.utf8)) as? [String: Any], "\(walked)")
        #expect((json["path"] as? String)?.hasSuffix("/pages/3") == true, "\(json)")
        #expect(json["current"] as? String == "hit-1" && json["hash"] as? String == "#hit-1" && json["text"] as? String == "timber", "\(json)")
        #expect(json["image"] as? Bool == true)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
        // And back: k from the third page's hit goes to the first page's last hit.
        let back = try run("/usr/bin/python3", [script, chromium!, "http://127.0.0.1:\(port)/documents/1/pages/3?q=timber", "--keys", "k",
                                                "--eval", state])
        let previous = try #require(try JSONSerialization.jsonObject(with: Data(back.utf8)) as? [String: Any], "\(back)")
        #expect((previous["path"] as? String)?.hasSuffix("/pages/1") == true && previous["current"] as? String == "hit-2", "\(previous)")
    }
}

@Suite("Previews of scanned pages")
struct ScannedPreviewTests {
    @Test("OCR's words are outlined by their terms, in any form, from the boxes the catalog keeps")
    func boxes() {
        let json = #"[["Seized",91.0,60.0,80.0,100.0,92.0],["pangolin",93.5,105.0,80.0,160.0,92.0],["Permits,",88.0,60.0,100.0,110.0,112.0]]"#
        #expect(OCRWords.boxes(json, terms: ["pangolin"]) == [[105, 80, 160, 92]])
        #expect(OCRWords.boxes(json, terms: ["permit"]) == [[60, 100, 110, 112]])
        #expect(OCRWords.boxes(json, terms: ["pan*"]) == [[105, 80, 160, 92]])
        #expect(OCRWords.boxes(json, terms: []).isEmpty && OCRWords.boxes("not json", terms: ["x"]).isEmpty)
        // A phrase's words only where they stand together.
        #expect(OCRWords.boxes(json, terms: ["seiz pangolin"]) == [[60, 80, 100, 92], [105, 80, 160, 92]])
        #expect(OCRWords.boxes(json, terms: ["pangolin seiz"]).isEmpty)
    }

    @Test("a phrase is outlined only where its words stand together: the preview's words come from the snippet's phrase occurrences")
    func phrases() {
        #expect(TermPatterns(["captiv bred"]).marks(["born", "and", "bred", "captiv", "bred"]) == [false, false, false, true, true])
        #expect(TermPatterns(["cap* bred", "born"]).marks(["born", "and", "bred", "captiv", "bred"]) == [true, false, false, true, true])
        #expect(PreviewCache.terms(["captive-bred", "Captive bred"]) == ["captiv bred"])
        // Marked words of a snippet: a phrase occurrence is one entry; words of the query apart stay apart.
        let pieces = TextPiece.pieces("parrots captive-bred under licence, bred and timber trafficking", [[8, 15], [16, 20], [36, 40], [45, 51], [52, 63]])
        #expect(TextPiece.previewWords(pieces, phrases: [["captiv", "bred"]]) == ["captive bred", "bred", "timber", "trafficking"])
    }

    @Test("the preview of a scanned page outlines the searched word where OCR found it")
    func outlined() async throws {
        let root = try PDFFixture.temporaryFolder().appendingPathComponent("ws")
        #expect(try dossier(["init", root.path]).status == 0)
        PDFFixture.writeScanned([["Customs officers seized pangolin scales", "hidden in a container of cashew nuts."]],
                                to: root.appendingPathComponent("corpus/library/scan.pdf"))
        let index = try dossier(["index"], in: root)
        #expect(index.stdout.contains("1 scanned page read"), "\(index.stdout)")
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            var images: [String: ByteBuffer] = [:]
            for word in ["pangolin", "zebra"] {
                try await client.execute(uri: "/documents/1/pages/1/preview.png?w=\(word)", method: .get) { response in
                    #expect(response.status == .ok)
                    images[word] = response.body
                }
            }
            // The same page; only the outline around "pangolin" tells the two images apart.
            #expect(images["pangolin"] != images["zebra"])
            try await client.execute(uri: "/?q=pangolin", method: .get) { response in
                #expect(String(buffer: response.body).contains("· scanned: OCR"))
            }
        }
    }
}
