import CPoppler
import Foundation

/// Renders a PDF page to PNG with poppler and cairo, outlining given words.
///
/// The words are found on the page with poppler's own text search
/// (`poppler_page_find_text`, whose rectangles are in PDF points with the
/// origin at the bottom left) and outlined in the image; the search page uses
/// this for its previews.
public enum PageRenderer {
    /// PNG bytes of page `index` (1-based) of the PDF at `path`, `width`
    /// pixels wide, with every occurrence of each of `words` outlined.
    public static func png(path: String, page index: Int, width: Int, words: [String]) throws -> Data {
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
        let scale = Double(width) / max(pageWidth, 1)
        let height = max(1, Int((pageHeight * scale).rounded()))
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        poppler_page_render(page, cr)
        cairo_set_source_rgba(cr, 0.86, 0.1, 0.1, 0.9)
        cairo_set_line_width(cr, 1.5 / scale)
        for word in Set(words) where !word.isEmpty {
            var list = poppler_page_find_text(page, word)
            let head = list
            while let node = list {
                if let rect = node.pointee.data?.assumingMemoryBound(to: PopplerRectangle.self).pointee {
                    let top = pageHeight - max(rect.y1, rect.y2)
                    cairo_rectangle(cr, rect.x1 - 1, top - 1, abs(rect.x2 - rect.x1) + 2, abs(rect.y2 - rect.y1) + 2)
                    cairo_stroke(cr)
                }
                list = node.pointee.next
            }
            if let head { g_list_free_full(head) { poppler_rectangle_free($0?.assumingMemoryBound(to: PopplerRectangle.self)) } }
        }
        cairo_surface_flush(surface)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        guard cairo_surface_write_to_png(surface, file.path) == CAIRO_STATUS_SUCCESS else { throw ExtractionError.failed("cannot encode the preview") }
        return try Data(contentsOf: file)
    }
}
