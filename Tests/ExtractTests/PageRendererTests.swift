import CPoppler
import Extract
import Foundation
import Testing
import TestSupport

@Suite("Page previews")
struct PageRendererTests {
    @Test("a page renders to PNG with the asked words outlined where they stand")
    func outline() throws {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("p.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Seized pangolin scales"])] + [.init(label: nil, lines: ["Second page"])], to: pdf)
        let png = try PageRenderer.png(path: pdf.path, page: 1, width: 595, words: ["pangolin"])
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let file = folder.appendingPathComponent("p.png")
        try png.write(to: file)
        let image = cairo_image_surface_create_from_png(file.path)!
        defer { cairo_surface_destroy(image) }
        let width = Int(cairo_image_surface_get_width(image)), height = Int(cairo_image_surface_get_height(image))
        #expect(width == 595 && height == 842)
        let stride = Int(cairo_image_surface_get_stride(image))
        let data = cairo_image_surface_get_data(image)!
        var redRows = Set<Int>()
        var redColumns = Set<Int>()
        for y in 0..<height {
            for x in 0..<width {
                let p = data.advanced(by: y * stride + x * 4)
                let (b, g, r) = (p[0], p[1], p[2])
                if r > 180 && g < 90 && b < 90 { redRows.insert(y); redColumns.insert(x) }
            }
        }
        // The line's baseline is 60 pt from the top, its text starts at 50 pt; "pangolin" follows "Seized ".
        #expect(!redRows.isEmpty)
        #expect(redRows.allSatisfy { (40...70).contains($0) }, "\(redRows.min() ?? -1)…\(redRows.max() ?? -1)")
        #expect((redColumns.min() ?? 0) > 70 && (redColumns.max() ?? 0) < 200)
        #expect(throws: ExtractionError.self) { try PageRenderer.png(path: pdf.path, page: 9, width: 100, words: []) }
    }
}
