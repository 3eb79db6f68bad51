import CPoppler
import Foundation

/// Raw page text and metadata of a PDF, read through libpoppler-glib.
///
/// Poppler gives each page's text in reading order (the order `pdftotext`
/// uses without `-layout`) and the page's label from the PDF's page-label
/// tree, which is how printed page numbers ("iv", "12") differ from physical
/// indices. This runs inside a worker process (see ``ExtractionPool``):
/// poppler is C and a hostile PDF may crash or hang it.
public enum PDFText {
    /// One page as poppler gives it.
    public struct RawPage: Sendable {
        /// 1-based physical index.
        public var index: Int
        /// The printed label, if the PDF defines one.
        public var label: String?
        /// The text, not yet normalized.
        public var text: String
    }

    /// A document as poppler gives it.
    public struct RawDocument: Sendable {
        /// Document information: title.
        public var title: String?
        /// Document information: author.
        public var author: String?
        /// Creation date, ISO 8601.
        public var created: String?
        /// Modification date, ISO 8601.
        public var modified: String?
        /// Pages in order.
        public var pages: [RawPage]
    }

    /// Reads every page of the PDF at `path`.
    public static func read(path: String) throws -> RawDocument {
        var error: UnsafeMutablePointer<GError>?
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let uri = g_filename_to_uri(absolute, nil, &error) else {
            throw ExtractionError.unreadable(consume(&error) ?? "bad file name")
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            let encrypted = error.map { $0.pointee.domain == poppler_error_quark() && $0.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) } ?? false
            let message = consume(&error) ?? "unknown error"
            throw encrypted ? ExtractionError.encrypted : ExtractionError.unreadable(message)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        var pages: [RawPage] = []
        let count = Int(poppler_document_get_n_pages(document))
        pages.reserveCapacity(count)
        for i in 0..<count {
            guard let page = poppler_document_get_page(document, Int32(i)) else {
                pages.append(RawPage(index: i + 1, label: nil, text: ""))
                continue
            }
            let text = take(poppler_page_get_text(page)) ?? ""
            let label = take(poppler_page_get_label(page)).flatMap { $0.isEmpty ? nil : $0 }
            g_object_unref(UnsafeMutableRawPointer(page))
            pages.append(RawPage(index: i + 1, label: label, text: text))
        }
        return RawDocument(
            title: clean(take(poppler_document_get_title(document))),
            author: clean(take(poppler_document_get_author(document))),
            created: date(poppler_document_get_creation_date(document)),
            modified: date(poppler_document_get_modification_date(document)),
            pages: pages)
    }

    private static func take(_ pointer: UnsafeMutablePointer<gchar>?) -> String? {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        return String(cString: pointer)
    }

    private static func consume(_ error: inout UnsafeMutablePointer<GError>?) -> String? {
        guard let e = error else { return nil }
        defer { g_error_free(e); error = nil }
        return e.pointee.message.map { String(cString: $0) }
    }

    private static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func date(_ time: time_t) -> String? {
        guard time > 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(time)).formatted(Date.ISO8601FormatStyle())
    }
}
