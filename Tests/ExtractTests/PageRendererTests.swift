import CPoppler
import Extract
import Foundation
import Testing
import TestSupport

@Suite("Page previews")
struct PageRendererTests {
    /// A drawn page read back: its size and its red pixels (the outline's
    /// colour), within `rows` and `columns` when given.
    struct Drawn {
        var width = 0, height = 0
        var red: [(x: Int, y: Int)] = []
        var redRows: Set<Int> { Set(red.map(\.y)) }
        var redColumns: Set<Int> { Set(red.map(\.x)) }
    }

    func drawn(_ png: Data, in folder: URL, rows: Range<Int>? = nil, columns: Range<Int>? = nil) throws -> Drawn {
        let file = folder.appendingPathComponent("drawn-\(UUID().uuidString).png")
        try png.write(to: file)
        let image = cairo_image_surface_create_from_png(file.path)!
        defer { cairo_surface_destroy(image) }
        var drawn = Drawn(width: Int(cairo_image_surface_get_width(image)), height: Int(cairo_image_surface_get_height(image)))
        let stride = Int(cairo_image_surface_get_stride(image))
        let data = cairo_image_surface_get_data(image)!
        for y in rows ?? 0..<drawn.height {
            for x in columns ?? 0..<drawn.width {
                // ARGB32 in native (little-endian) order: blue, green, red.
                let p = data.advanced(by: y * stride + x * 4)
                if p[2] > 180 && p[1] < 90 && p[0] < 90 { drawn.red.append((x, y)) }
            }
        }
        return drawn
    }

    @Test("a page renders to PNG with the asked words outlined where they stand")
    func outline() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("p.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Seized pangolin scales"])] + [.init(label: nil, lines: ["Second page"])], to: pdf)
        let png = try PageRenderer.png(path: pdf.path, page: 1, width: 595, terms: ["pangolin"])
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let page = try drawn(png, in: folder)
        #expect(page.width == 595 && page.height == 842)
        let redRows = page.redRows, redColumns = page.redColumns
        // The line's baseline is 60 pt from the top, its text starts at 50 pt; "pangolin" follows "Seized ".
        #expect(!redRows.isEmpty)
        #expect(redRows.allSatisfy { (40...70).contains($0) }, "\(redRows.min() ?? -1)…\(redRows.max() ?? -1)")
        #expect((redColumns.min() ?? 0) > 70 && (redColumns.max() ?? 0) < 200)
        #expect(throws: ExtractionError.self) { try PageRenderer.png(path: pdf.path, page: 9, width: 100, terms: []) }
    }

    @Test("every form of a term is outlined: 'permit' outlines \"Permits\" and \"permit\", not \"permission\"")
    func everyForm() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("forms.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Permits", "permission", "a permit"])], to: pdf)
        let png = try PageRenderer.png(path: pdf.path, page: 1, width: 595, terms: ["permit"])
        let redRows = try drawn(png, in: folder).redRows
        // Baselines at 60, 76 and 92 pt (11 pt type): the first and the third lines are outlined, not the second.
        #expect(redRows.contains { $0 < 66 } && redRows.contains { $0 > 84 }, "\(redRows.sorted())")
        #expect(!redRows.contains { (69...77).contains($0) }, "the second line must not be outlined: \(redRows.sorted())")
    }

    @Test("a word in a table cell beside another is outlined (poppler writes the row's cells together)")
    func tableCell() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("cells.pdf")
        // As on p. 75 of the EU guide: "permit" and "No permit" in two cells of one row.
        var cells: [PDFFixture.Placed] = []
        for (row, (left, right)) in [("Annex", "Import"), ("permit", "No permit"), ("Annex B", "notification"), ("Annex C", "certificate")].enumerated() {
            cells += [.init(left, x: 50, y: 82 + Double(row) * 18), .init(right, x: 110, y: 82 + Double(row) * 18)]
        }
        PDFFixture.write(placed: [cells], to: pdf)
        let png = try PageRenderer.png(path: pdf.path, page: 1, width: 595, terms: ["permit"])
        let redColumns = try drawn(png, in: folder, rows: 80..<110, columns: 0..<300).redColumns
        // The first cell's word spans about 50-85 pt, the second cell's "permit" about 130-165 pt; "No" (110-125) is not outlined.
        #expect(redColumns.contains { (50...85).contains($0) }, "first cell: \(redColumns.sorted())")
        #expect(redColumns.contains { (135...165).contains($0) }, "second cell: \(redColumns.sorted())")
        #expect(!redColumns.contains { (113...124).contains($0) }, "\(redColumns.sorted())")
    }

    @Test("a page far taller than wide is drawn narrower, within the pixel cap, not as an image of gigabytes")
    func tallPage() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("tall.pdf")
        let surface = cairo_pdf_surface_create(pdf.path, 10, 14400)!
        let cr = cairo_create(surface)!
        cairo_show_page(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        let png = try PageRenderer.png(path: pdf.path, page: 1, width: 1000, terms: [])
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width * height <= PageRenderer.maximumPixels && height <= PageRenderer.maximumHeight)
        #expect(width >= 1 && height > 50 * width)
    }
}

@Suite("Previews in a worker process")
struct PreviewWorkerTests {
    /// A renderer whose worker is a shell script standing in for `dossier worker render --serve`.
    func renderer(_ script: String, timeout: Int = 30) -> PreviewRenderer {
        PreviewRenderer.worker(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script, "sh"], timeout: timeout)
    }

    func render(_ script: String, timeout: Int = 30, boxes: [[Double]] = []) -> Result<Data, Error> {
        let renderer = renderer(script, timeout: timeout)
        return Result { try renderer.render("/tmp/x.pdf", 2, 480, ["ivory", "rhino horn"], boxes) }
    }

    /// A worker that answers one request with the base64 of "\u{89}PNG..." when it is `expected`, and keeps serving.
    static func answering(_ expected: String) -> String {
        #"while read r; do if [ "$r" = '"# + expected + #"' ]; then printf 'OK 14\n"iVBORy4uLg=="'; else echo 'ERR dossier-extract: failed: unexpected request'; fi; done"#
    }

    @Test("the worker's PNG comes back; it is handed the path, the page, the width, each word and the boxes, as a line of JSON")
    func success() throws {
        let png = try render(Self.answering(#"{"boxes":[],"page":2,"path":"/tmp/x.pdf","terms":["ivory","rhino horn"],"width":480}"#)).get()
        #expect(png == Data([0x89, 0x50, 0x4E, 0x47, 0x2E, 0x2E, 0x2E]))
        // A scanned page's word boxes go along, in points.
        let boxed = try render(Self.answering(#"{"boxes":[[50,60.5,90,72]],"page":2,"path":"/tmp/x.pdf","terms":["ivory","rhino horn"],"width":480}"#),
                               boxes: [[50, 60.5, 90, 72]]).get()
        #expect(boxed.count == 7)
    }

    @Test("a worker's failure or an answer that is no PNG fails the preview with one line")
    func failures() throws {
        #expect(throws: ExtractionError.failed("not a readable PDF (poppler cannot open it)")) {
            try render("read r; echo 'ERR dossier-extract: failed: not a readable PDF (poppler cannot open it)'; while read x; do :; done").get()
        }
    }

    @Test("an answer that is no PNG fails the preview with one line")
    func notPNG() throws {
        #expect(throws: ExtractionError.failed("the renderer answered no PNG")) { try render(#"read r; printf 'OK 6\n"YWJj"'; while read x; do :; done"#).get() }
    }

    @Test("a worker that crashes or hangs fails the preview with one line")
    func crashes() throws {
        #expect(throws: ExtractionError.crashed("signal 11, segmentation fault")) { try render("read r; kill -SEGV $$").get() }
        #expect(throws: ExtractionError.timedOut(seconds: 1)) { try render("read r; exec sleep 30", timeout: 1).get() }
    }

    @Test("after a crash, the next preview gets a fresh worker")
    func fresh() throws {
        // One renderer: its worker crashes on the first preview; the second is drawn by a fresh one.
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-crashed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: flag) }
        let once = renderer(#"if [ ! -e '"# + flag + #"' ]; then read r; touch '"# + flag + #"'; kill -SEGV $$; fi; "#
                            + Self.answering(#"{"boxes":[],"page":2,"path":"/tmp/x.pdf","terms":[],"width":480}"#))
        #expect(throws: ExtractionError.crashed("signal 11, segmentation fault")) { try once.render("/tmp/x.pdf", 2, 480, [], []) }
        #expect(try once.render("/tmp/x.pdf", 2, 480, [], []).count == 7)
    }
}
