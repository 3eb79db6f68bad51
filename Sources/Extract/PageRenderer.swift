import DossierCore
import Analysis
import CPoppler
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Renders a PDF page to PNG with poppler and cairo, outlining the words of
/// given terms.
///
/// A query's terms are what the index matched, so every word on the page
/// whose term is one of them is outlined, in any of its forms: for the term
/// `permit`, "permit", "Permits" and "permitted" alike; a phrase's words
/// only where they stand together (``Analysis/TermPatterns``). The page's text and
/// the box of each of its characters come from poppler
/// (`poppler_page_get_text`, `poppler_page_get_text_layout`: one rectangle
/// per character, in PDF points from the top left); the text is cut into
/// words and analyzed as the index analyzes passages (``Analysis/Analyzer``),
/// and each matching word's characters are outlined, line by line. The
/// search page uses this for its previews.
public enum PageRenderer {
    /// The most pixels an image may have: a page far taller than wide is
    /// drawn narrower rather than as an image of gigabytes.
    public static let maximumPixels = 4 << 20
    /// The tallest image (cairo's images stop at 32767 pixels a side).
    public static let maximumHeight = 16384

    /// PNG bytes of page `index` (1-based) of the PDF at `path`, `width`
    /// pixels wide (narrower if the page is so tall that the image would
    /// pass ``maximumPixels`` or ``maximumHeight``), with every word whose
    /// term is one of `terms` outlined (a term ending in `*` is a prefix:
    /// every term it begins). `boxes` (in PDF points from the top left)
    /// are outlined too: the words of a scanned page, which have no text
    /// layer to find them in, as OCR placed them.
    public static func png(path: String, page index: Int, width: Int, terms: [String], boxes extra: [[Double]] = []) throws -> Data {
        var error: UnsafeMutablePointer<GError>?
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let uri = g_filename_to_uri(absolute, nil, &error) else { throw ExtractionError.unreadable("bad file name") }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            if let error { g_error_free(error) }
            throw ExtractionError.unreadable("poppler cannot open it")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        guard index >= 1, index <= Int(poppler_document_get_n_pages(document)),
              let page = poppler_document_get_page(document, Int32(index - 1)) else {
            throw ExtractionError.failed("no page \(index)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var pageWidth = 0.0, pageHeight = 0.0
        poppler_page_get_size(page, &pageWidth, &pageHeight)
        var scale = Double(width) / max(pageWidth, 1)
        if Double(width) * pageHeight * scale > Double(maximumPixels) {
            scale = (Double(maximumPixels) / max(pageWidth * pageHeight, 1)).squareRoot()
        }
        scale = min(scale, Double(maximumHeight) / max(pageHeight, 1))
        let imageWidth = max(1, min(width, Int((pageWidth * scale).rounded(.down))))
        let height = max(1, Int((pageHeight * scale).rounded(.down)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(imageWidth), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ExtractionError.failed("cannot make an image of \(imageWidth)×\(height) pixels")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        poppler_page_render(page, cr)
        cairo_set_source_rgba(cr, 0.86, 0.1, 0.1, 0.9)
        cairo_set_line_width(cr, 1.5 / scale)
        for box in boxes(page, terms: terms) {
            cairo_rectangle(cr, box.x1 - 1, box.y1 - 1, box.x2 - box.x1 + 2, box.y2 - box.y1 + 2)
            cairo_stroke(cr)
        }
        for box in extra where box.count == 4 {
            cairo_rectangle(cr, box[0] - 1, box[1] - 1, box[2] - box[0] + 2, box[3] - box[1] + 2)
            cairo_stroke(cr)
        }
        cairo_surface_flush(surface)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        guard cairo_surface_write_to_png(surface, file.path) == CAIRO_STATUS_SUCCESS else { throw ExtractionError.failed("cannot encode the preview") }
        return try Data(contentsOf: file)
    }
}

extension PageRenderer {
    /// The boxes of the words on `page` whose terms are among `terms`, in
    /// PDF points from the top left: one box per word and line.
    static func boxes(_ page: OpaquePointer, terms: [String]) -> [PopplerRectangle] {
        let patterns = TermPatterns(terms)
        guard !patterns.isEmpty, let raw = PDFText.take(poppler_page_get_text(page)) else { return [] }
        // The words as the index has them (separated by the glyphs' boxes), each character mapped back to its box.
        var origins: [Int]? = []
        let text = PDFText.separated(page, raw, origins: &origins)
        var rectangles: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard poppler_page_get_text_layout(page, &rectangles, &count) != 0, let rectangles, let origins else { return [] }
        defer { g_free(rectangles) }
        // The character (the rectangle) at each byte of the text; -1 for a separator.
        var characterAt: [Int] = []
        characterAt.reserveCapacity(text.utf8.count + 1)
        for (scalar, origin) in zip(text.unicodeScalars, origins) {
            for _ in 0..<UTF8.width(scalar) { characterAt.append(origin) }
        }
        characterAt.append(Int(count))
        var out: [PopplerRectangle] = []
        var words: [String] = [], ranges: [Range<Int>] = []
        Analyzer().tokenize(text) { term, _, range in
            words.append(String(decoding: term, as: UTF8.self))
            ranges.append(range)
        }
        for (range, marked) in zip(ranges, patterns.marks(words)) where marked {
            var box: PopplerRectangle?
            for byte in range where byte == range.lowerBound || characterAt[byte] != characterAt[byte - 1] {
                let c = characterAt[byte]
                guard c >= 0, c < Int(count) else { continue }
                let r = rectangles[c]
                if var current = box, abs(r.y1 - current.y1) < (current.y2 - current.y1) / 2 {
                    current.x1 = min(current.x1, r.x1)
                    current.x2 = max(current.x2, r.x2)
                    current.y1 = min(current.y1, r.y1)
                    current.y2 = max(current.y2, r.y2)
                    box = current
                } else {
                    // A word broken over two lines gets a box on each.
                    if let current = box { out.append(current) }
                    box = PopplerRectangle(x1: min(r.x1, r.x2), y1: min(r.y1, r.y2), x2: max(r.x1, r.x2), y2: max(r.y1, r.y2))
                }
            }
            if let box { out.append(box) }
        }
        return out
    }
}

/// Where the web interface's page previews are drawn.
///
/// Drawing runs poppler's renderer over a PDF, which may be broken or
/// hostile: ``worker(executable:arguments:timeout:)`` draws in a child
/// process (`dossier worker render`) with its own memory limit and a time
/// limit, so that a crash or a hang fails that one preview with a one-line
/// error and the server goes on. ``inProcess`` draws in the calling process.
public struct PreviewRenderer: Sendable {
    /// PNG bytes of a page: the PDF's path, the 1-based page, the width in
    /// pixels, the terms whose words to outline, and further boxes to
    /// outline (`[x1, y1, x2, y2]` in points: OCR's words on a scan).
    public let render: @Sendable (_ path: String, _ page: Int, _ width: Int, _ terms: [String], _ boxes: [[Double]]) throws -> Data

    /// A renderer from a function.
    public init(_ render: @escaping @Sendable (_ path: String, _ page: Int, _ width: Int, _ terms: [String], _ boxes: [[Double]]) throws -> Data) {
        self.render = render
    }

    /// Draws in this process.
    public static let inProcess = PreviewRenderer { path, page, width, terms, boxes in
        try PageRenderer.png(path: path, page: page, width: width, terms: terms, boxes: boxes)
    }

    /// Draws in worker processes started as `executable` with `arguments`
    /// and `--serve` (``StandingWorkers``, ``PersistentWorker``'s protocol),
    /// kept between previews: each request a ``Request`` as a line of JSON,
    /// each answer the PNG. A worker that crashes fails its preview in one
    /// line and the next preview gets a fresh one; one that overruns
    /// `timeout` seconds is killed.
    public static func worker(executable: URL, arguments: [String], timeout: Int = 30) -> PreviewRenderer {
        let workers = StandingWorkers(executable: executable, arguments: arguments, timeout: timeout)
        return PreviewRenderer { path, page, width, terms, boxes in
            let request = Request(path: path, page: page, width: width, terms: terms, boxes: boxes.filter { $0.count == 4 })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let line = String(decoding: try encoder.encode(request), as: UTF8.self)
            let png = try workers.ask(line, as: Data.self).get()
            guard png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { throw ExtractionError.failed("the renderer answered no PNG") }
            return png
        }
    }

    /// A preview asked of a worker: the PDF, the 1-based page, the width in
    /// pixels, the terms to outline, further boxes `[x1, y1, x2, y2]`.
    public struct Request: Codable, Sendable {
        public var path: String
        public var page: Int
        public var width: Int
        public var terms: [String]
        public var boxes: [[Double]]
    }
}
