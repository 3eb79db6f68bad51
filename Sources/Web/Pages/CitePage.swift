import Catalog
import DossierCore
import Foundation
import HTTPTypes
import Hummingbird
import SearchService

/// Citations on the web: each result and each document page carries its
/// Markdown with a copy button (the `cite` partial), and
/// `/documents/:id/cite?page=P&format=bibtex|csl-json|markdown` answers the
/// citation as text, as `dossier cite` prints it.
struct CiteView {
    /// The Markdown for a note.
    var markdown: String
    /// The BibTeX and CSL-JSON addresses.
    var bibtex: String
    var csl: String

    init(markdown: String, document: Int, page: Int?) {
        self.markdown = markdown
        let at = page.map { "page=\($0)&" } ?? ""
        bibtex = "/documents/\(document)/cite?\(at)format=bibtex"
        csl = "/documents/\(document)/cite?\(at)format=csl-json"
    }
}

extension Site {
    /// `/documents/:id/cite`.
    func citation(_ id: Int, _ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let format: CitationFormat
        if let name = query["format"].map(String.init), !name.isEmpty {
            guard let known = CitationFormat(rawValue: name) else {
                throw HTTPError(.badRequest, message: "format must be " + CitationFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            format = known
        } else {
            format = .markdown
        }
        var page: Int?
        if let text = query["page"].map(String.init), !text.isEmpty {
            guard let number = Int(text), number >= 1 else { throw HTTPError(.badRequest, message: "page must be a number from 1") }
            page = number
        }
        let text = try catalogs.use { catalog -> String in
            guard let record = try catalog.document(id: id) else { throw HTTPError(.notFound, message: "no document \(id)") }
            do {
                return format.render(try Reference.of(record, page: page, catalog: catalog))
            } catch let error as DossierError {
                throw HTTPError(.notFound, message: error.description)
            }
        }
        let type = format == .cslJSON ? "application/json; charset=utf-8" : "text/plain; charset=utf-8"
        return Responses.make(.ok, type, ByteBuffer(string: text + "\n"))
    }

    /// `/cite.js`: the copy buttons. The pages work without it (the
    /// Markdown is in a field to select); the Content-Security-Policy lets
    /// the pages run this script and no other.
    func citeScript() -> Response {
        Responses.make(.ok, "text/javascript; charset=utf-8", ByteBuffer(string: Self.copyScript), extra: [("Cache-Control", "max-age=3600")])
    }

    static let copyScript = """
        document.addEventListener('click', function (event) {
          var button = event.target.closest('button[data-copy]');
          if (!button) return;
          var text = button.getAttribute('data-copy');
          function done() { button.textContent = 'copied'; setTimeout(function () { button.textContent = 'copy'; }, 1500); }
          function fallback() {
            var field = button.parentNode.querySelector('input');
            if (field) { field.focus(); field.select(); try { document.execCommand('copy'); done(); } catch (e) {} }
          }
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(text).then(done, fallback);
          } else {
            fallback();
          }
        });

        """
}
