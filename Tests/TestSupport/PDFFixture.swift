import CPoppler
import Foundation

/// PDFs drawn with cairo for the tests: known text on known pages.
public enum PDFFixture {
    /// One page: its label and its lines of text.
    public struct Page: Sendable {
        /// The page label to set, if any.
        public var label: String?
        /// Lines drawn from the top.
        public var lines: [String]
        /// Each line's font size in points (11 when not given).
        public var sizes: [Double]

        /// Creates a page.
        public init(label: String?, lines: [String], sizes: [Double] = []) {
            self.label = label
            self.lines = lines
            self.sizes = sizes
        }
    }

    /// Draws `pages` into a PDF at `url`, one text line under the other.
    public static func write(_ pages: [Page], to url: URL, title: String? = nil) {
        let surface = cairo_pdf_surface_create(url.path, 595, 842)!
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        let cr = cairo_create(surface)!
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 11)
        for page in pages {
            if let label = page.label { cairo_pdf_surface_set_page_label(surface, label) }
            var y = 60.0
            for (i, line) in page.lines.enumerated() {
                let size = i < page.sizes.count ? page.sizes[i] : 11
                cairo_set_font_size(cr, size)
                cairo_move_to(cr, 50, y)
                cairo_show_text(cr, line)
                y += size * 1.45
            }
            cairo_show_page(cr)
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
    }

    /// A run of text placed on a page: its baseline's left end, in points
    /// from the top left, its size, and the angle it is turned by
    /// (clockwise, in degrees: 90 reads down the page, -90 up it).
    public struct Placed: Sendable {
        public var x: Double
        public var y: Double
        public var text: String
        public var size: Double
        public var angle: Double

        /// Creates a run.
        public init(_ text: String, x: Double, y: Double, size: Double = 11, angle: Double = 0) {
            (self.text, self.x, self.y, self.size, self.angle) = (text, x, y, size, angle)
        }
    }

    /// How far `text` in DejaVu Sans at `size` points advances: where a run
    /// set right after it starts.
    public static func advance(_ text: String, size: Double = 11) -> Double {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1)!
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr); cairo_surface_destroy(surface) }
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return extents.x_advance
    }

    /// Draws pages of text placed where told (table cells, columns,
    /// headings), each run drawn separately, in the order given.
    public static func write(placed pages: [[Placed]], to url: URL, title: String? = nil) {
        let surface = cairo_pdf_surface_create(url.path, 595, 842)!
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        let cr = cairo_create(surface)!
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        for page in pages {
            for run in page {
                cairo_save(cr)
                cairo_set_font_size(cr, run.size)
                cairo_move_to(cr, run.x, run.y)
                if run.angle != 0 { cairo_rotate(cr, run.angle * .pi / 180) }
                cairo_show_text(cr, run.text)
                cairo_restore(cr)
            }
            cairo_show_page(cr)
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
    }

    /// Draws pages as a scanner makes them: each page's lines drawn with
    /// cairo into a grey image at `dpi`, and the image alone placed on the
    /// PDF page. The PDF has no text layer: only OCR can read it. `nil`
    /// for a page gives a page of text (a text layer) instead.
    public static func writeScanned(_ pages: [[String]?], to url: URL, dpi: Double = 200, size: Double = 12) {
        let surface = cairo_pdf_surface_create(url.path, 595, 842)!
        let cr = cairo_create(surface)!
        for page in pages {
            guard let lines = page else {
                cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
                cairo_set_font_size(cr, 11)
                cairo_move_to(cr, 50, 60)
                cairo_show_text(cr, "This page has a text layer about customs seizures.")
                cairo_show_page(cr)
                continue
            }
            let scale = dpi / 72
            let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(595 * scale), Int32(842 * scale))!
            let ic = cairo_create(image)!
            cairo_set_source_rgb(ic, 1, 1, 1)
            cairo_paint(ic)
            cairo_scale(ic, scale, scale)
            cairo_set_source_rgb(ic, 0, 0, 0)
            cairo_select_font_face(ic, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(ic, size)
            for (i, line) in lines.enumerated() {
                cairo_move_to(ic, 60, 80 + Double(i) * size * 1.6)
                cairo_show_text(ic, line)
            }
            cairo_destroy(ic)
            cairo_save(cr)
            cairo_scale(cr, 1 / scale, 1 / scale)
            cairo_set_source_surface(cr, image, 0, 0)
            cairo_paint(cr)
            cairo_restore(cr)
            cairo_surface_destroy(image)
            cairo_show_page(cr)
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
    }

    /// A new empty folder under the temporary directory, removed when the
    /// test process exits (whether or not the test that made it removes it).
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-extract-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryFolders.shared.add(url)
        return url
    }
}

/// Folders the tests made, removed at exit.
final class TemporaryFolders: @unchecked Sendable {
    static let shared = TemporaryFolders()
    private let lock = NSLock()
    private var urls: [URL] = []

    private init() {
        atexit {
            for url in TemporaryFolders.shared.taken() { try? FileManager.default.removeItem(at: url) }
        }
    }

    func add(_ url: URL) {
        lock.lock()
        urls.append(url)
        lock.unlock()
    }

    func taken() -> [URL] {
        lock.lock()
        defer { lock.unlock() }
        return urls
    }
}
