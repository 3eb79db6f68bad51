import Catalog
import DossierCore
import Foundation
import HTTPTypes
import Hummingbird

/// The query string of a preview: `w`, the words to outline (separated by
/// commas), and `size=large` for the larger image.
struct PreviewParameters: Decodable {
    var w: String?
    var size: String?
}

extension Site {
    /// `/documents/:id/file`: a document's file, streamed from disk (never
    /// read whole), with an ETag and byte ranges as ``ByteRange`` reads them;
    /// only a file that still holds what was indexed (``ServedFiles``).
    func documentFile(_ id: Int, _ request: Request, _ context: some RequestContext) async throws -> Response {
        let document = try catalogs.use { try $0.document(id: id) }
        guard let document else { throw HTTPError(.notFound, message: "no file for document \(id)") }
        let (path, size) = try await files.file(of: document, workspace: workspace, catalogs: catalogs)
        let type = document.kind == .pdf ? "application/pdf" : "text/plain; charset=utf-8"
        let etag = "\"\(document.sha256)\""
        var extra = [("ETag", etag), ("Accept-Ranges", "bytes"), ("Cache-Control", "private, max-age=3600")]
        if EntityTags.noneMatchFails(request.headers[.ifNoneMatch], etag: etag) {
            return Responses.make(.notModified, type, ByteBuffer(), extra: extra)
        }
        switch ByteRange.evaluate(request.headers[.range], ifRange: request.headers[.ifRange], etag: etag, size: size) {
        case .unsatisfiable:
            return Responses.make(.rangeNotSatisfiable, type, ByteBuffer(), extra: extra + [("Content-Range", "bytes */\(size)")])
        case .part(let part):
            extra.append(("Content-Range", "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"))
            return Responses.make(.partialContent, type, try await FileIO().loadFile(path: path, range: part, context: context), extra: extra)
        case .whole:
            guard size > 0 else { return Responses.make(.ok, type, ByteBuffer(), extra: extra) }
            return Responses.make(.ok, type, try await FileIO().loadFile(path: path, context: context), extra: extra)
        }
    }

    /// `/documents/:id/pages/:page/preview.png`: a page drawn with the
    /// words of the given terms outlined (analyzed as the index analyzes
    /// them); cached in index/previews/ (``PreviewCache``). A page is drawn
    /// only from a file that still holds what was indexed (``ServedFiles``).
    func preview(_ id: Int, _ request: Request, _ context: some RequestContext) async throws -> Response {
        guard let page = context.parameters.get("page", as: Int.self) else { throw HTTPError(.badRequest, message: "a page is a number from 1") }
        let parameters = try request.uri.decodeQuery(as: PreviewParameters.self, context: context)
        let width = parameters.size == "large" ? 1000 : 480
        let terms = PreviewCache.terms((parameters.w ?? "").split(separator: ",").prefix(64).map(String.init))
        let document = try catalogs.use { try $0.document(id: id) }
        guard let document, document.kind == .pdf else { throw HTTPError(.notFound, message: "no PDF \(id)") }
        guard page >= 1, page <= (document.pageCount ?? 0) else { throw HTTPError(.notFound, message: "document \(id) has no page \(page)") }
        let cached = previews.file(sha256: document.sha256, page: page, width: width, terms: terms)
        // A scanned page has no text layer: its words are where OCR found them.
        let boxes = try catalogs.use { try $0.ocrWords(document: id, page: page) }.map { OCRWords.boxes($0, terms: terms) } ?? []
        let png: Data
        if let data = previews.read(cached) {
            png = data
        } else {
            do {
                // Drawn off the server's event loop: a page may take a while.
                let path = try await files.file(of: document, workspace: workspace, catalogs: catalogs).path
                let renderer = self.renderer
                png = try await renders.run { try await offLoop { try renderer(path, page, width, terms, boxes) } }
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.internalServerError, message: "cannot render page \(page): \(error)")
            }
            previews.store(png, as: cached)
        }
        return Responses.make(.ok, "image/png", ByteBuffer(data: png), extra: [("Cache-Control", "private, max-age=86400")])
    }
}
