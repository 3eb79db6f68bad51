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
