import CPoppler
import CTesseract
import DossierCore
import Foundation

/// Text for pages that have none: the page drawn by poppler and cairo at
/// 300 dpi, read by Tesseract (libtesseract, the engine of the `tesseract`
/// command), in the workspace's languages (`eng+fra+spa` unless told).
///
/// A page is read when its text layer holds no word while images cover
/// most of it (``needsOCR(_:text:)``): a scan, a photographed form, a fax.
/// Words come back with their boxes, in PDF points from the page's top
/// left like poppler's (so previews outline them), and each with
/// Tesseract's confidence (0–100); lines and paragraphs as Tesseract finds
/// them, written as the text layer's are (a line break, a blank line), so
/// that normalization, passages and the index treat them alike. Each page
/// runs under a deadline (Tesseract's own monitor), so a page that would
/// take too long fails alone. This runs in a worker process: Tesseract and
/// poppler are C, and a hostile scan must take down only its worker.
public enum PageOCR {
    /// Resolution pages are drawn at.
    public static let dpi = 300.0
    /// The most pixels of a drawn page (a poster-sized page is drawn smaller).
    static let maxPixels = 40_000_000

    /// What OCR read on one page.
    public struct Result: Sendable, Codable, Equatable {
        /// The page's text: words, line breaks, blank lines between paragraphs.
        public var text: String
        /// Mean confidence of its words, 0–100 (nil when none was read).
        public var confidence: Double?
        /// Each word and its box.
        public var words: [Word]
    }

    /// A recognized word and where it stands.
    public struct Word: Sendable, Codable, Equatable {
        public var text: String
        /// Tesseract's confidence, 0–100.
        public var confidence: Double
        /// The box in PDF points from the page's top left.
        public var x1: Double
        public var y1: Double
        public var x2: Double
        public var y2: Double
    }

    /// The languages of `languages` (joined by `+`) whose Tesseract data
    /// is not installed (in `$TESSDATA_PREFIX`, else Debian's folders).
    public static func missingLanguages(_ languages: String) -> [String] {
        var folders = ["/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
                       "/usr/local/share/tessdata"]
        if let prefix = ProcessInfo.processInfo.environment["TESSDATA_PREFIX"] { folders = [prefix, prefix + "/tessdata"] }
        return languages.split(separator: "+").map(String.init).filter { language in
            !folders.contains { FileManager.default.fileExists(atPath: "\($0)/\(language).traineddata") }
        }
    }

    /// Whether `page`, whose text layer is `text`, is an image to read: no
    /// word in its text, and images covering at least half of it.
    public static func needsOCR(_ page: OpaquePointer, text: String) -> Bool {
        guard !PDFText.hasWords(text) else { return false }
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width > 0, height > 0, let mapping = poppler_page_get_image_mapping(page) else { return false }
        defer { poppler_page_free_image_mapping(mapping) }
        var covered = 0.0
        var node: UnsafeMutablePointer<GList>? = mapping
        while let current = node {
            if let data = current.pointee.data {
                let area = data.assumingMemoryBound(to: PopplerImageMapping.self).pointee.area
                let w = min(area.x2, width) - max(area.x1, 0), h = min(area.y2, height) - max(area.y1, 0)
                if w > 0, h > 0 { covered += w * h }
            }
            node = current.pointee.next
        }
        return covered >= 0.5 * width * height
    }

    /// Reads page `index` (1-based) of the PDF at `path`.
    public static func read(path: String, page index: Int, languages: String, deadline: TimeInterval) throws -> Result {
        let document = try PDFText.open(path)
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        guard index >= 1, index <= Int(poppler_document_get_n_pages(document)),
              let page = poppler_document_get_page(document, Int32(index - 1)) else {
            throw ExtractionError.unreadable("no page \(index)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        return try read(page, languages: languages, deadline: deadline)
    }

    /// Reads `page`: draws it at ``dpi`` and hands it to Tesseract.
    public static func read(_ page: OpaquePointer, languages: String, deadline: TimeInterval) throws -> Result {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width > 0, height > 0 else { throw ExtractionError.unreadable("the page has no size") }
        var scale = dpi / 72
        if width * scale * height * scale > Double(maxPixels) { scale = (Double(maxPixels) / (width * height)).squareRoot() }
        let (columns, rows) = (max(1, Int(width * scale)), max(1, Int(height * scale)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(columns), Int32(rows)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ExtractionError.unreadable("cannot draw the page (\(columns)×\(rows) pixels)")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        poppler_page_render_for_printing(page, cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        // Cairo's pixels as they are, four bytes each (Tesseract makes them grey
        // itself; blue and red trade places, which black on white ignores).
        let stride = Int(cairo_image_surface_get_stride(surface))
        let pixels = UnsafeRawPointer(cairo_image_surface_get_data(surface)!)
        let engine = try Engine.shared(languages: languages)
        return try engine.recognize(pixels, columns: columns, rows: rows, stride: stride, pointsPerPixel: 1 / scale, deadline: deadline)
    }

    /// One Tesseract instance with its languages loaded (a second or so), kept
    /// for the worker's later pages.
    final class Engine {
        private let api: OpaquePointer
        let languages: String
        nonisolated(unsafe) private static var current: Engine?

        static func shared(languages: String) throws -> Engine {
            if let current, current.languages == languages { return current }
            let engine = try Engine(languages: languages)
            current = engine
            return engine
        }

        private init(languages: String) throws {
            api = TessBaseAPICreate()
            guard TessBaseAPIInit3(api, nil, languages) == 0 else {
                TessBaseAPIDelete(api)
                throw ExtractionError.unreadable("OCR: no language data for \(languages) (install tesseract-ocr-\(languages.split(separator: "+").first ?? "eng"))")
            }
            TessBaseAPISetPageSegMode(api, PSM_AUTO)
            self.languages = languages
        }

        deinit {
            TessBaseAPIEnd(api)
            TessBaseAPIDelete(api)
        }

        func recognize(_ pixels: UnsafeRawPointer, columns: Int, rows: Int, stride: Int, pointsPerPixel: Double,
                       deadline: TimeInterval) throws -> Result {
            TessBaseAPISetImage(api, pixels.assumingMemoryBound(to: UInt8.self), Int32(columns), Int32(rows), 4, Int32(stride))
            TessBaseAPISetSourceResolution(api, Int32(PageOCR.dpi))
            defer { TessBaseAPIClear(api) }
            let monitor = TessMonitorCreate()
            defer { TessMonitorDelete(monitor) }
            TessMonitorSetDeadlineMSecs(monitor, Int32(max(1, min(deadline * 1000, Double(Int32.max)))))
            let started = Date()
            guard TessBaseAPIRecognize(api, monitor) == 0 else {
                if Date().timeIntervalSince(started) >= deadline * 0.95 {
                    throw ExtractionError.timedOut(seconds: Int(deadline.rounded()))
                }
                throw ExtractionError.unreadable("OCR failed")
            }
            var result = Result(text: "", confidence: nil, words: [])
            guard let iterator = TessBaseAPIGetIterator(api) else { return result }
            defer { TessResultIteratorDelete(iterator) }
            let pageIterator = TessResultIteratorGetPageIterator(iterator)
            var text = ""
            var total = 0.0
            repeat {
                guard let raw = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
                let word = String(cString: raw).trimmingCharacters(in: .whitespacesAndNewlines)
                TessDeleteText(raw)
                guard !word.isEmpty else { continue }
                if !text.isEmpty {
                    if TessPageIteratorIsAtBeginningOf(pageIterator, RIL_PARA) != 0 {
                        text += "\n\n"
                    } else if TessPageIteratorIsAtBeginningOf(pageIterator, RIL_TEXTLINE) != 0 {
                        text += "\n"
                    } else {
                        text += " "
                    }
                }
                text += word
                let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD))
                total += confidence
                var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
                TessPageIteratorBoundingBox(pageIterator, RIL_WORD, &left, &top, &right, &bottom)
                result.words.append(Word(text: word, confidence: confidence,
                                         x1: Double(left) * pointsPerPixel, y1: Double(top) * pointsPerPixel,
                                         x2: Double(right) * pointsPerPixel, y2: Double(bottom) * pointsPerPixel))
            } while TessResultIteratorNext(iterator, RIL_WORD) != 0
            result.text = text
            result.confidence = result.words.isEmpty ? nil : total / Double(result.words.count)
            return result
        }
    }
}

extension PageOCR.Result {
    /// The text normalized as a page with a text layer is (NFKC, line-end
    /// hyphens, white space, paragraphs), and its passages.
    public func normalized() -> (text: String, passages: [PassageRange]) {
        let text = TextNormalizer.normalize(pages: [self.text]).first ?? ""
        return (text, PassageSplitter.split(text))
    }

    /// The words and their boxes as compact JSON: `[[text, confidence, x1, y1, x2, y2], …]`.
    public func wordsJSON() -> String {
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        let items = words.map { word -> String in
            let text = (try? String(decoding: JSONEncoder().encode(word.text), as: UTF8.self)) ?? "\"\""
            return "[\(text),\(number(word.confidence)),\(number(word.x1)),\(number(word.y1)),\(number(word.x2)),\(number(word.y2))]"
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}

/// Reads scanned pages in worker processes (`dossier worker ocr --serve`),
/// one page per request, so that a page that crashes or hangs Tesseract
/// fails alone: each page has its time limit, a worker that overruns it is
/// killed and the next page gets a fresh one. Pages are handed out in
/// order until a stop time (the update's OCR budget): pages not started by
/// then wait for the next update.
public struct OCRPool: Sendable {
    /// The worker executable.
    public var executable: URL
    /// Arguments before `--serve`.
    public var arguments: [String]
    /// Workers at once.
    public var concurrency: Int
    /// Seconds one page may take (the worker stops Tesseract a little before).
    public var timeout: Int

    /// Creates a pool.
    public init(executable: URL, arguments: [String], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, timeout: Int = 120) {
        self.executable = executable
        self.arguments = arguments
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
    }

    /// Reads `pages` (a PDF's path and a 1-based page each), starting none
    /// after `stop`; `completion` gets each page's outcome, one at a time,
    /// and says whether to go on: once it says no (the caller could not
    /// store a page: a full disk), no page is started, and those already
    /// started are the last. Returns how many pages were started.
    @discardableResult
    public func run(_ pages: [(path: String, page: Int)], until stop: Date,
                    completion: @Sendable (Int, Result<PageOCR.Result, ExtractionError>) -> Bool) -> Int {
        // One thread a worker: the workers share the cores, and Tesseract's
        // OpenMP threads on top of them would only contend.
        let pool = WorkerPool(executable: executable, arguments: arguments, concurrency: concurrency, timeout: timeout,
                              environment: concurrency > 1 ? ["OMP_THREAD_LIMIT": "1"] : [:])
        return pool.run(pages.map { "\($0.path)\t\($0.page)" }, order: Array(pages.indices), until: stop, pipelined: false,
                        as: PageOCR.Result.self, completion: completion)
    }
}
