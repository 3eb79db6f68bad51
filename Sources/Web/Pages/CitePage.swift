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
                let reference = try Reference.of(record, page: page, catalog: catalog)
                return format.render(format.hasKeys ? try reference.keyed(in: catalog) : reference)
            } catch let error as DossierError {
                throw HTTPError(.notFound, message: error.description)
            }
        }
        let type = format == .cslJSON ? "application/json; charset=utf-8" : "text/plain; charset=utf-8"
        return Responses.make(.ok, type, ByteBuffer(string: text + "\n"))
    }

    /// `/site.js`, the site's one script: the copy buttons, and the keys
    /// j and k (next and previous hit: results on the search page, matches
    /// in the reader, across pages), Enter or o (read the result at its
    /// page). Every page works without it; the Content-Security-Policy lets
    /// the pages run this script and no other.
    func siteScript() -> Response {
        Responses.make(.ok, "text/javascript; charset=utf-8", ByteBuffer(string: Self.script), extra: [("Cache-Control", "max-age=3600")])
    }

    static let script = """
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

        (function () {
          // The items j and k move between: a reader's matches, else the search page's hits.
          function items() {
            var marks = document.querySelectorAll('mark.hit');
            return marks.length ? marks : document.querySelectorAll('article.hit');
          }
          function show(list, index) {
            for (var i = 0; i < list.length; i++) list[i].classList.remove('current');
            var item = list[index];
            item.classList.add('current');
            item.scrollIntoView({block: 'center'});
            if (item.id) history.replaceState(null, '', '#' + item.id);
          }
          function current(list) {
            for (var i = 0; i < list.length; i++) if (list[i].classList.contains('current')) return i;
            return -1;
          }
          function start() {
            var list = document.querySelectorAll('mark.hit');
            if (!list.length) return;
            var hash = location.hash.slice(1);
            var index = hash === 'hit-last' ? list.length - 1 : current(list);
            for (var i = 0; i < list.length; i++) if (list[i].id === hash) index = i;
            if (index >= 0) show(list, index);
          }
          document.addEventListener('keydown', function (event) {
            if (event.ctrlKey || event.metaKey || event.altKey) return;
            var target = event.target;
            if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
            var list = items(), index = current(list);
            if (event.key === 'j' || event.key === 'k') {
              var next = index + (event.key === 'j' ? 1 : -1);
              if (index < 0) next = event.key === 'j' ? 0 : list.length - 1;
              if (next >= 0 && next < list.length) {
                show(list, next);
              } else {
                var away = document.querySelector(event.key === 'j' ? 'a.next-hit' : 'a.prev-hit');
                if (away) location.href = away.href;
              }
              event.preventDefault();
            } else if ((event.key === 'Enter' || event.key === 'o') && index >= 0) {
              var read = list[index].querySelector('a.read');
              if (read) { location.href = read.href; event.preventDefault(); }
            }
          });
          if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
        })();

        """
}
